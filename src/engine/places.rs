//! Where a check runs and what it reads: the JSON Pointer of the document, item or element it
//! runs on ([`Base`], joined only for a finding); a pack's pointers walked through a document
//! ([`pointer`], [`present`]); and the data a check needed that the input lacks
//! ([`absent_reads`]).

use crate::document::Json;
use crate::pack::{Pointer, Root, array_index};

/// The pointer of what a check runs on: the document (`prefix`, empty unless it is a bundle
/// member), its `for_each` item `i`, or that item's `then_each` element `j`. Joined into a
/// string only for a finding.
#[derive(Clone, Copy)]
pub(super) struct Base<'s> {
    pub(super) prefix: &'s str,
    pub(super) item: Option<(&'s str, usize)>,
    pub(super) elem: Option<(&'s str, usize)>,
}

impl Base<'_> {
    /// The pointer followed by `tail`: one allocation of the right size, indices written by
    /// `itoa` (through `fmt`, joining took 400 instructions a pointer; a bundle joins hundreds).
    pub(super) fn join(self, tail: &str) -> String {
        let parts = [self.item, self.elem];
        let len = parts.iter().flatten().fold(self.prefix.len() + tail.len(), |n, (p, _)| n + p.len() + 21);
        let mut s = String::with_capacity(len);
        s.push_str(self.prefix);
        for (ptr, i) in parts.into_iter().flatten() {
            s.push_str(ptr);
            s.push('/');
            #[cfg(not(target_arch = "wasm32"))]
            s.push_str(itoa::Buffer::new().format(i));
            // The WebAssembly module keeps the smaller code.
            #[cfg(target_arch = "wasm32")]
            {
                use std::fmt::Write as _;
                let _ = write!(s, "{i}");
            }
        }
        s.push_str(tail);
        s
    }
}

/// `doc.pointer(ptr)` (RFC 6901, as serde_json reads it: no `+` or leading zero in an index),
/// over the tokens split when the pack loaded, each member looked for first where it was last
/// found (an unhinted scan of the prescription's members cost ≈ 3 K instructions a validation).
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn pointer<'j>(doc: &'j Json<'j>, ptr: &Pointer) -> Option<&'j Json<'j>> {
    ptr.hinted_tokens()?.try_fold(doc, |cur, (t, hint)| match cur {
        Json::Object(o) => o.get_hinted(t, hint),
        Json::Array(a) => a.get(array_index(t)?),
        _ => None,
    })
}

/// The WebAssembly module keeps the smaller code: each object scanned.
#[cfg(target_arch = "wasm32")]
pub(super) fn pointer<'j>(doc: &'j Json<'j>, ptr: &Pointer) -> Option<&'j Json<'j>> {
    ptr.tokens()?.iter().try_fold(doc, |cur, t| step(cur, t))
}

/// One token of a JSON Pointer into a value: an object's member, an array's element.
pub(super) fn step<'j>(cur: &'j Json<'j>, token: &str) -> Option<&'j Json<'j>> {
    match cur {
        Json::Object(o) => o.get(token),
        Json::Array(a) => a.get(array_index(token)?),
        _ => None,
    }
}

/// Of the pointers a check reads, those absent in the input (each as its highest absent
/// prefix: `/eligibility`, not `/eligibility/status`), as full pointers into the input; `blank`:
/// a blank string counts as absent too (a draft: not filled in yet).
pub(super) fn absent_reads(reads: &[(Root, Pointer)], base: Base<'_>, doc: &Json<'_>, item: Option<&Json<'_>>, elem: Option<&Json<'_>>, blank: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (root, ptr) in reads {
        let (scope, at) = match root {
            Root::Doc => (Some(doc), Base { prefix: base.prefix, item: None, elem: None }),
            Root::Item => (item, Base { elem: None, ..base }),
            Root::Elem => (elem, base),
        };
        let Some(mut cur) = scope else { continue };
        let Some(tokens) = ptr.tokens() else { continue };
        // The pointer's text is its tokens escaped, each after a `/` (escaped, a token has no
        // `/`): the absent prefix is the text up to the next `/` after the token.
        let mut ends = ptr.text.match_indices('/').map(|(i, _)| i).skip(1).chain(std::iter::once(ptr.text.len()));
        for t in tokens {
            let end = ends.next().unwrap_or(ptr.text.len());
            match step(cur, t) {
                Some(v) if if blank { filled(Some(v)) } else { !v.is_null() } => cur = v,
                _ => {
                    let full = at.join(ptr.text.get(..end).unwrap_or(&ptr.text));
                    if !out.contains(&full) {
                        out.push(full);
                    }
                    break;
                }
            }
        }
    }
    out
}

/// Whether the value at `pointer` (as the engine writes pointers: escaped tokens) inside `doc`
/// is absent, `null` or a blank string: not filled in.
pub(super) fn unfilled(doc: &Json<'_>, pointer: &str) -> bool {
    let Ok(tokens) = crate::pack::pointer_tokens(pointer) else { return false };
    !filled(tokens.iter().try_fold(doc, |cur, t| step(cur, t)))
}

/// Present, non-null, and not a blank string.
pub(super) fn present(scope: &Json<'_>, ptr: &Pointer) -> bool {
    filled(pointer(scope, ptr))
}

/// A value that is there, not `null`, and not a blank string.
fn filled(v: Option<&Json<'_>>) -> bool {
    match v {
        None | Some(Json::Null) => false,
        Some(Json::String(s)) => crate::document::not_blank(s),
        Some(_) => true,
    }
}
