//! The text of findings within [`Options::max_text_chars`](super::Options::max_text_chars):
//! every free text a finding carries — message, actual, expected, clause — is cut in one place,
//! [`TextCap::finding`], as the finding is added to the result; and a run-time value shown in a
//! finding (`actual`, `expected`, a `{let}` placeholder of a message) is written out no longer
//! than the cap in the first place ([`TextCap::value`], [`TextCap::write`]), so that a huge
//! string, list or document is never copied whole into a finding.
//!
//! A cut text keeps its first characters (on a character boundary) and ends with `…`; a cut
//! `actual` or `expected` also says how long the original was: `abc… (1048576 bytes)`. A cut
//! text is at most the cap in characters, ellipsis and size included, so cutting is idempotent.
//!
//! The path is a JSON Pointer, kept exact (the engine matches findings by it): its names come
//! from the pack, save a repeated key's, which the parser cuts at 4096 bytes.

use std::fmt::{self, Write as _};

use super::Finding;
use crate::expr::{Val, write_val};

/// The ellipsis that ends a cut text.
const ELLIPSIS: char = '…';

/// The per-text cap of findings, in characters.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextCap {
    max_chars: usize,
}

impl TextCap {
    /// At least one character (the ellipsis of a text cut to nothing).
    pub(crate) fn new(max_chars: usize) -> TextCap {
        TextCap { max_chars: max_chars.max(1) }
    }

    /// Cuts every free text of `f` to the cap (the one place a finding's text is cut).
    pub(crate) fn finding(self, f: &mut Finding) {
        for (text, sized) in [(&mut f.message, false), (&mut f.clause, false)] {
            self.cut(text, sized);
        }
        for text in [&mut f.actual, &mut f.expected].into_iter().flatten() {
            self.cut(text, true);
        }
    }

    /// `s` itself when within the cap; else its first characters, `…`, and (`sized`) its length
    /// in bytes, within the cap altogether.
    fn cut(self, s: &mut String, sized: bool) {
        // A text of at most `max_chars` bytes has at most as many characters.
        if s.len() <= self.max_chars || s.chars().count() <= self.max_chars {
            return;
        }
        let suffix = self.suffix(sized.then_some(s.len()));
        let keep = self.max_chars - suffix.chars().count();
        let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
        s.truncate(end);
        s.push_str(&suffix);
    }

    /// `…`, or `… (N bytes)` when it leaves room for some of the text.
    fn suffix(self, bytes: Option<usize>) -> String {
        match bytes {
            Some(n) => {
                let sized = format!("{ELLIPSIS} ({n} bytes)");
                if sized.chars().count() < self.max_chars { sized } else { ELLIPSIS.to_string() }
            }
            None => ELLIPSIS.to_string(),
        }
    }

    /// A run-time value shown as a finding's `actual` or `expected` (missing: none), never
    /// longer than the cap: a string is cut with its size, anything else written out only up to
    /// the cap.
    pub(crate) fn value(self, v: &Val<'_>) -> Option<String> {
        match v {
            Val::Missing => None,
            // At most as many characters as bytes: within the cap, copied as it is (native).
            #[cfg(not(target_arch = "wasm32"))]
            Val::Str(s) if s.len() <= self.max_chars => Some(s.to_string()),
            Val::Str(s) => {
                let mut out = String::new();
                let mut w = Capped::new(&mut out, self.max_chars);
                let cut = w.write_str(s).is_err();
                if cut {
                    let suffix = self.suffix(Some(s.len()));
                    let keep = self.max_chars - suffix.chars().count();
                    let end = out.char_indices().nth(keep).map_or(out.len(), |(i, _)| i);
                    out.truncate(end);
                    out.push_str(&suffix);
                }
                Some(out)
            }
            v => {
                // Room for a short list or number without growing.
                let mut out = String::with_capacity(32);
                self.write(&mut out, v);
                Some(out)
            }
        }
    }

    /// Writes `v` into `out` (a message being rendered) as its `Display` would, up to the cap;
    /// a value cut there ends with `…`.
    pub(crate) fn write(self, out: &mut String, v: &Val<'_>) {
        let start = out.len();
        let mut w = Capped::new(out, self.max_chars);
        if write_val(v, &mut w).is_err() && w.cut {
            // Make room for the ellipsis: the value keeps `max_chars - 1` characters.
            let end = out.get(start..).and_then(|t| t.char_indices().last()).map_or(out.len(), |(i, _)| start + i);
            out.truncate(end);
            out.push(ELLIPSIS);
        }
    }
}

/// A writer that appends at most `left` characters to a string, then stops the writing (an
/// error) and notes that there was more.
struct Capped<'s> {
    out: &'s mut String,
    left: usize,
    cut: bool,
}

impl<'s> Capped<'s> {
    fn new(out: &'s mut String, left: usize) -> Capped<'s> {
        Capped { out, left, cut: false }
    }
}

impl fmt::Write for Capped<'_> {
    /// One character (a JSON value's brackets, commas and quotes) without encoding it first
    /// (native builds).
    #[cfg(not(target_arch = "wasm32"))]
    fn write_char(&mut self, c: char) -> fmt::Result {
        if self.left == 0 {
            self.cut = true;
            return Err(fmt::Error);
        }
        self.left -= 1;
        self.out.push(c);
        Ok(())
    }

    fn write_str(&mut self, s: &str) -> fmt::Result {
        // No more bytes than characters left: it fits, counted by `chars().count()` (fast)
        // rather than walked character by character.
        if s.len() <= self.left {
            self.left -= s.chars().count();
            self.out.push_str(s);
            return Ok(());
        }
        match s.char_indices().nth(self.left) {
            None => {
                // At most `left` characters: all of them fit.
                self.left -= s.chars().count();
                self.out.push_str(s);
                Ok(())
            }
            Some((end, _)) => {
                self.out.push_str(s.get(..end).unwrap_or_default());
                self.left = 0;
                self.cut = true;
                Err(fmt::Error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::rc::Rc;

    use super::*;

    #[test]
    fn a_text_within_the_cap_is_unchanged_and_a_longer_one_is_cut_on_a_character_boundary() {
        let cap = TextCap::new(5);
        let mut s = "әбвгд".to_string();
        cap.cut(&mut s, false);
        assert_eq!(s, "әбвгд");
        let mut s = "әбвгде".to_string();
        cap.cut(&mut s, false);
        assert_eq!(s, "әбвг…");
        // Idempotent: a cut text is within the cap.
        let again = s.clone();
        cap.cut(&mut s, false);
        assert_eq!(s, again);
    }

    #[test]
    fn a_cut_value_says_how_long_the_original_was() {
        let cap = TextCap::new(40);
        let big = "x".repeat(1 << 20);
        let shown = cap.value(&Val::Str(Cow::Borrowed(&big))).unwrap();
        assert!(shown.ends_with("… (1048576 bytes)"), "{shown}");
        assert_eq!(shown.chars().count(), 40);
        let mut again = shown.clone();
        cap.cut(&mut again, true);
        assert_eq!(again, shown);
        // Too small a cap for the size: the ellipsis alone.
        assert_eq!(TextCap::new(3).value(&Val::Str(Cow::Borrowed(&big))).unwrap(), "xx…");
    }

    #[test]
    fn a_huge_list_is_written_only_up_to_the_cap() {
        // 2^40 strings if written out whole.
        let mut v = Val::Str(Cow::Borrowed("ab"));
        for _ in 0..40 {
            v = Val::List(Rc::new(vec![v.clone(), v]));
        }
        let shown = TextCap::new(20).value(&v).unwrap();
        assert_eq!(shown, "[[[[[[[[[[[[[[[[[[[…");
        let mut msg = String::from("got ");
        TextCap::new(3).write(&mut msg, &Val::Str(Cow::Borrowed("abc")));
        assert_eq!(msg, "got abc");
        TextCap::new(3).write(&mut msg, &Val::Str(Cow::Borrowed("abcd")));
        assert_eq!(msg, "got abcab…");
    }
}
