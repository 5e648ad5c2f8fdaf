//! The dates and date-times decoded from the document being validated, remembered by their
//! text: a field read by several rules (and by the shape check before them) is read by chrono
//! once per document. Forgotten when the next document is read on the thread
//! ([`crate::document::generation`]), so one document's work never speeds up another's.
//!
//! Measured (callgrind, `native_loop`): a valid dispensing decodes its two date-times seven
//! times, ≈ 900 instructions each with chrono's RFC 3339 parser. In the WebAssembly module too
//! since session 11 (+398 bytes gzipped): the native side's speed work had taken WASM ÷ native
//! from 2.50× to 2.87× (geometric mean, `benches/wasm-vs-native.mjs`), and with the memo it
//! measured 2.64× (a noisy machine).

use std::cell::RefCell;

use chrono::{DateTime, FixedOffset, NaiveDate};

/// A decoded text: what chrono made of it (`None`: not a date, or not a date-time).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Decoded {
    Date(Option<NaiveDate>),
    DateTime(Option<DateTime<FixedOffset>>),
}

/// Texts up to this many bytes are remembered (an RFC 3339 date-time with fractions of a
/// second and an offset is about 35).
const TEXT: usize = 40;
/// How many texts: the last ones decoded.
const SLOTS: usize = 4;

#[derive(Clone, Copy)]
struct Slot {
    /// 0: empty.
    len: u8,
    text: [u8; TEXT],
    value: Decoded,
}

struct Memo {
    generation: u64,
    next: usize,
    slots: [Slot; SLOTS],
}

const EMPTY: Slot = Slot { len: 0, text: [0; TEXT], value: Decoded::Date(None) };

thread_local! {
    static MEMO: RefCell<Memo> = const { RefCell::new(Memo { generation: 0, next: 0, slots: [EMPTY; SLOTS] }) };
}

/// `decode(s)`, or what it gave for the same text (and the same kind: `date` tells a date from a
/// date-time) earlier in this document.
pub(super) fn remembered(s: &str, date: bool, decode: fn(&str) -> Decoded) -> Decoded {
    let len = s.len();
    if len == 0 || len > TEXT {
        return decode(s);
    }
    let found = MEMO.try_with(|m| {
        let mut m = m.try_borrow_mut().ok()?;
        let generation = crate::document::generation();
        if m.generation != generation {
            m.generation = generation;
            m.slots = [EMPTY; SLOTS];
        }
        let hit = m.slots.iter().find(|slot| usize::from(slot.len) == len && matches!(slot.value, Decoded::Date(_)) == date && slot.text.get(..len) == Some(s.as_bytes()));
        if let Some(slot) = hit {
            return Some(slot.value);
        }
        let value = decode(s);
        let at = m.next % SLOTS;
        m.next = at + 1;
        if let Some(slot) = m.slots.get_mut(at)
            && let Some(dst) = slot.text.get_mut(..len)
        {
            dst.copy_from_slice(s.as_bytes());
            slot.len = len as u8;
            slot.value = value;
        }
        Some(value)
    });
    match found {
        Ok(Some(v)) => v,
        // The thread is ending, or (never) the memo is in use: decoded without it.
        _ => decode(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Json, Limits, parse};
    use crate::types::Type;
    use crate::value::{Val, decode, parse_date, parse_datetime};

    /// What `decode` gives for `text` as `ty`, inside a freshly read document holding it.
    fn decoded(doc: &Json<'_>, ty: &Type) -> Vec<String> {
        doc.as_array().unwrap().iter().map(|v| format!("{:?}", decode(v, ty).map(|v| v.to_string()))).collect()
    }

    /// Remembered or not, a text decodes as chrono decodes it: for dates and date-times, valid
    /// and not, the same text as either kind, texts past what is remembered, read many times
    /// over (more texts than slots) and across documents.
    #[test]
    fn remembered_dates_and_date_times_are_what_chrono_reads_whatever_was_read_before() {
        let texts = [
            "2026-03-20", "2026-02-30", "2026-03-20T10:15:00+05:00", "2026-03-20T10:15:00Z", "2026-03-20T10:15:00.123456789+05:00",
            "2026-03-20T25:15:00+05:00", "", "x", "2026-03-20T10:15:00.1234567890123456789012345+05:00", "2024-02-29", "2023-02-29",
        ];
        let text = serde_json::to_string(&texts).unwrap();
        let want = |ty: &Type| -> Vec<String> {
            texts
                .iter()
                .map(|t| {
                    let v = match ty {
                        Type::Date => parse_date(t).map(Val::Date),
                        _ => parse_datetime(t).map(Val::DateTime),
                    };
                    format!("{:?}", v.map(|v| v.to_string()))
                })
                .collect()
        };
        for _ in 0..3 {
            let doc = parse(text.as_bytes(), Limits::NONE).unwrap().value;
            for _ in 0..3 {
                for ty in [Type::Date, Type::DateTime, Type::Date] {
                    assert_eq!(decoded(&doc, &ty), want(&ty), "{ty:?}");
                }
            }
        }
    }

    /// A document read on the thread (parsed, or a `serde_json::Value` seen as one) starts a new
    /// generation, and the memo forgets what it held.
    #[test]
    fn the_memo_forgets_at_each_document_read() {
        let g = crate::document::generation();
        let _ = parse(b"[]", Limits::NONE);
        let after_parse = crate::document::generation();
        assert_ne!(g, after_parse);
        let v = serde_json::json!(["2026-03-20"]);
        let _ = Json::from_serde(&v);
        assert_ne!(after_parse, crate::document::generation());
        let d = remembered("2026-03-20", true, |s| Decoded::Date(parse_date(s)));
        assert_eq!(d, Decoded::Date(parse_date("2026-03-20")));
        // Within the generation, the slot answers (its decoder is not called again)...
        assert_eq!(remembered("2026-03-20", true, |_| Decoded::Date(None)), d);
        // ...and a new document empties it.
        let _ = parse(b"[]", Limits::NONE);
        assert_eq!(remembered("2026-03-20", true, |_| Decoded::Date(None)), Decoded::Date(None));
    }
}
