//! Byte-level writer and reader of the compiled pack form ([`crate::pack::compiled`]): LEB128
//! integers, length-prefixed UTF-8 strings, dates, decimals, JSON values and static types.
//!
//! The reader takes untrusted input: every length is checked against the bytes left before
//! anything is allocated, recursion (types, expression trees) is bounded by a depth counter, and
//! each failure is a [`DecodeError`] naming the byte offset — never a panic.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::types::{RecordType, Type};

/// Deepest nesting the reader follows (expression trees are at most
/// [`crate::expr::MAX_TREE_DEPTH`] deep when compiled; types and records far less).
const MAX_DEPTH: u32 = 512;

/// Why bytes did not decode: the first problem met, with its byte offset (the compiled pack
/// form turns it into a `CompiledPackError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError(pub(crate) String);

pub(crate) type Res<T> = Result<T, DecodeError>;


/// Appends the encoding of a pack's parts to a byte buffer.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
    /// Record types written so far, by identity: a later use refers to its index.
    records: Vec<*const RecordType>,
}

impl Writer {
    pub(crate) fn u8(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.buf.push(u8::from(b));
    }

    /// Unsigned LEB128.
    pub(crate) fn var(&mut self, mut v: u64) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(low);
                return;
            }
            self.buf.push(low | 0x80);
        }
    }

    pub(crate) fn usize(&mut self, v: usize) {
        self.var(v as u64);
    }

    /// Signed, zigzag then LEB128.
    pub(crate) fn int(&mut self, v: i64) {
        self.var(((v << 1) ^ (v >> 63)) as u64);
    }

    /// A text, one byte per character for ASCII and the Cyrillic letters of Kazakh and Russian
    /// (see [`narrow`]); any other character as [`ESCAPE`] and its code point in three bytes.
    /// Half the bytes of UTF-8 for Cyrillic text, which gzip then packs tighter.
    pub(crate) fn str(&mut self, s: &str) {
        let mut out = Vec::with_capacity(s.len());
        for c in s.chars() {
            match narrow(c) {
                Some(b) => out.push(b),
                None => {
                    out.push(ESCAPE);
                    out.extend_from_slice(&(c as u32).to_le_bytes()[..3]);
                }
            }
        }
        self.usize(out.len());
        self.buf.extend_from_slice(&out);
    }

    /// A text as UTF-8: its length, then its bytes.
    pub(crate) fn raw_str(&mut self, s: &str) {
        self.usize(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn opt<T>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }

    pub(crate) fn seq<I: ExactSizeIterator>(&mut self, items: I, mut f: impl FnMut(&mut Self, I::Item)) {
        self.usize(items.len());
        for it in items {
            f(self, it);
        }
    }

    pub(crate) fn date(&mut self, d: NaiveDate) {
        self.int(i64::from(chrono::Datelike::num_days_from_ce(&d)));
    }

    pub(crate) fn datetime(&mut self, d: &DateTime<FixedOffset>) {
        self.int(d.timestamp());
        self.var(u64::from(d.timestamp_subsec_nanos()));
        self.int(i64::from(d.offset().local_minus_utc()));
    }

    pub(crate) fn duration(&mut self, d: &TimeDelta) {
        self.int(d.num_seconds());
        self.int(i64::from(d.subsec_nanos()));
    }

    /// A decimal as its text, which keeps its scale (`1.50` stays `1.50`).
    pub(crate) fn decimal(&mut self, d: &Decimal) {
        self.str(&d.to_string());
    }

    /// A JSON value as its text (numbers keep their exact text).
    pub(crate) fn json(&mut self, v: &Json) {
        self.str(&v.to_string());
    }

    pub(crate) fn ty(&mut self, t: &Type) {
        match t {
            Type::Bool => self.u8(0),
            Type::Number => self.u8(1),
            Type::Integer => self.u8(2),
            Type::String => self.u8(3),
            Type::Date => self.u8(4),
            Type::DateTime => self.u8(5),
            Type::Duration => self.u8(6),
            Type::Null => self.u8(7),
            Type::List(t) => {
                self.u8(8);
                self.ty(t);
            }
            Type::Record(r) => self.record(r),
            Type::Document => self.u8(11),
            Type::Calendar => self.u8(12),
            Type::Any => self.u8(13),
        }
    }

    /// A record type: in full the first time (its fields first, so that a record's field types
    /// are known before it), by index afterwards.
    pub(crate) fn record(&mut self, r: &Arc<RecordType>) {
        let ptr = Arc::as_ptr(r);
        if let Some(i) = self.records.iter().position(|p| *p == ptr) {
            self.u8(10);
            self.usize(i);
            return;
        }
        self.u8(9);
        self.str(&r.name);
        self.seq(r.fields.iter(), |w, (name, t)| {
            w.str(name);
            w.ty(t);
        });
        self.records.push(ptr);
    }
}

/// Marks a character [`narrow`] has no byte for: its code point follows in three bytes.
const ESCAPE: u8 = 0xff;

/// The letters of Kazakh's alphabet beyond Russian's (Ә Ғ Қ Ң Ө Ұ Ү Һ, each capital and small),
/// which lie outside U+0400–U+045F: bytes 0xE0 to 0xEF.
const KAZAKH: [char; 16] = [
    'Ә', 'ә', 'Ғ', 'ғ', 'Қ', 'қ', 'Ң', 'ң', 'Ө', 'ө', 'Ұ', 'ұ', 'Ү', 'ү', 'Һ', 'һ',
];

/// The byte for `c`: ASCII as itself, U+0400–U+045F (Russian's alphabet with Ё, and І) as
/// 0x80–0xDF, [`KAZAKH`] as 0xE0–0xEF.
fn narrow(c: char) -> Option<u8> {
    let u = c as u32;
    match u {
        0..=0x7f => Some(u as u8),
        0x400..=0x45f => Some((u - 0x400 + 0x80) as u8),
        _ => KAZAKH.iter().position(|k| *k == c).map(|i| 0xe0 + i as u8),
    }
}

/// The character of byte `b` of a [`Writer::str`] text (not [`ESCAPE`]).
fn widen(b: u8) -> Option<char> {
    match b {
        0..=0x7f => Some(char::from(b)),
        0x80..=0xdf => char::from_u32(0x400 + u32::from(b) - 0x80),
        _ => KAZAKH.get(usize::from(b).wrapping_sub(0xe0)).copied(),
    }
}

/// Reads what [`Writer`] wrote.
///
/// The first problem is latched: it is recorded with its byte offset, the rest of the input is
/// treated as used up, and every later read returns a default value (an empty string, zero, the
/// first variant) without looking at the bytes. The caller checks [`Reader::finish`] once at the
/// end. Decoding code thus has no early returns: no drop code for half-built values on every
/// path, which keeps the WebAssembly module small. Every loop is bounded by the bytes left when
/// its length was read, and recursion by [`MAX_DEPTH`], so damaged input ends quickly.
pub(crate) struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
    records: Vec<Arc<RecordType>>,
    depth: u32,
    error: Option<String>,
}

impl<'b> Reader<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Self {
        Reader { bytes, pos: 0, records: Vec::new(), depth: 0, error: None }
    }

    /// Records the first problem and stops reading.
    #[inline(never)]
    pub(crate) fn fail(&mut self, what: std::fmt::Arguments<'_>) {
        if self.error.is_none() {
            self.error = Some(format!("at byte {}: {what}", self.pos));
        }
        self.pos = self.bytes.len();
    }

    /// The first problem met, if any; with `whole`, also bytes left unread.
    pub(crate) fn finish(mut self, whole: bool) -> Res<()> {
        if whole && self.pos < self.bytes.len() {
            self.fail(format_args!("data after the end of the pack"));
        }
        match self.error {
            Some(e) => Err(DecodeError(e)),
            None => Ok(()),
        }
    }

    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes (empty once failed).
    pub(crate) fn take(&mut self, n: usize) -> &'b [u8] {
        match self.bytes.get(self.pos..self.pos.saturating_add(n)) {
            Some(s) if n <= self.left() => {
                self.pos += n;
                s
            }
            _ => {
                self.fail(format_args!("unexpected end of the data"));
                &[]
            }
        }
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'b [u8] {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos = self.bytes.len();
        rest
    }

    pub(crate) fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    /// A tag below `n`, else a failure naming `what` (and 0).
    pub(crate) fn tag(&mut self, n: u8, what: &str) -> u8 {
        let b = self.u8();
        if b >= n {
            self.fail(format_args!("unknown {what} {b}"));
            return 0;
        }
        b
    }

    pub(crate) fn bool(&mut self) -> bool {
        self.tag(2, "boolean") == 1
    }

    pub(crate) fn var(&mut self) -> u64 {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8();
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return v;
            }
        }
        self.fail(format_args!("integer out of range"));
        0
    }

    /// A count that is at most `max`.
    pub(crate) fn bounded(&mut self, max: usize) -> usize {
        let v = self.var();
        if v > max as u64 {
            self.fail(format_args!("{v} is out of range (at most {max})"));
            return 0;
        }
        v as usize
    }

    pub(crate) fn usize(&mut self) -> usize {
        self.bounded(u32::MAX as usize)
    }

    pub(crate) fn int(&mut self) -> i64 {
        let v = self.var();
        (v >> 1) as i64 ^ -((v & 1) as i64)
    }

    pub(crate) fn i32(&mut self) -> i32 {
        let v = self.int();
        i32::try_from(v).unwrap_or_else(|_| {
            self.fail(format_args!("{v} is out of range"));
            0
        })
    }

    /// A length of a sequence whose items take at least one byte each.
    fn len(&mut self) -> usize {
        let n = self.usize();
        if n > self.left() {
            self.fail(format_args!("a length of {n} with {} bytes left", self.left()));
            return 0;
        }
        n
    }

    pub(crate) fn raw_str(&mut self) -> &'b str {
        let n = self.len();
        let start = self.pos;
        let bytes = self.take(n);
        std::str::from_utf8(bytes).unwrap_or_else(|_| {
            self.pos = start;
            self.fail(format_args!("text that is not UTF-8"));
            ""
        })
    }

    /// A text written by [`Writer::str`].
    pub(crate) fn str(&mut self) -> String {
        let n = self.len();
        let bytes = self.take(n);
        let mut out = String::with_capacity(n);
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let c = if b == ESCAPE {
                let code = bytes.get(i + 1..i + 4).map(|c| c.iter().rev().fold(0, |v, &b| v << 8 | u32::from(b)));
                i += 3;
                code.and_then(char::from_u32)
            } else {
                widen(b)
            };
            match c {
                Some(c) => out.push(c),
                None => {
                    self.fail(format_args!("a text with a bad character code"));
                    return String::new();
                }
            }
            i += 1;
        }
        out
    }

    pub(crate) fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.bool() { Some(f(self)) } else { None }
    }

    pub(crate) fn seq<T>(&mut self, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = self.len();
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(f(self));
        }
        v
    }

    /// A map written as a sequence of pairs, built by inserting them in order.
    pub(crate) fn map<K, V, M: Default + Extend<(K, V)>>(&mut self, mut f: impl FnMut(&mut Self) -> (K, V)) -> M {
        let n = self.len();
        let mut m = M::default();
        for _ in 0..n {
            m.extend([f(self)]);
        }
        m
    }

    /// Runs `f` one level deeper; beyond [`MAX_DEPTH`], fails and gives `deep` instead.
    pub(crate) fn nested<T>(&mut self, deep: impl FnOnce() -> T, f: impl FnOnce(&mut Self) -> T) -> T {
        if self.depth >= MAX_DEPTH {
            self.fail(format_args!("nesting deeper than {MAX_DEPTH}"));
            return deep();
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    pub(crate) fn date(&mut self) -> NaiveDate {
        let days = self.i32();
        NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_else(|| {
            self.fail(format_args!("day {days} is not a date"));
            NaiveDate::default()
        })
    }

    pub(crate) fn offset(&mut self) -> FixedOffset {
        let secs = self.i32();
        FixedOffset::east_opt(secs).unwrap_or_else(|| {
            self.fail(format_args!("{secs} s is not a UTC offset"));
            chrono::Offset::fix(&chrono::Utc)
        })
    }

    pub(crate) fn datetime(&mut self) -> DateTime<FixedOffset> {
        let secs = self.int();
        let nanos = self.var();
        let tz = self.offset();
        match u32::try_from(nanos).ok().and_then(|n| DateTime::from_timestamp(secs, n)) {
            Some(d) => d.with_timezone(&tz),
            None => {
                self.fail(format_args!("not a date and time"));
                DateTime::<chrono::Utc>::default().with_timezone(&tz)
            }
        }
    }

    pub(crate) fn duration(&mut self) -> TimeDelta {
        let secs = self.int();
        let nanos = self.int();
        match TimeDelta::try_seconds(secs).and_then(|d| d.checked_add(&TimeDelta::nanoseconds(nanos))) {
            Some(d) if nanos.abs() < 1_000_000_000 => d,
            _ => {
                self.fail(format_args!("not a duration"));
                TimeDelta::zero()
            }
        }
    }

    pub(crate) fn decimal(&mut self) -> Decimal {
        let s = self.str();
        crate::value::parse_decimal(&s).unwrap_or_else(|| {
            self.fail(format_args!("`{s}` is not a decimal"));
            Decimal::ZERO
        })
    }

    pub(crate) fn json(&mut self) -> Json {
        let s = self.str();
        crate::document::parse_json_value(s.as_bytes()).unwrap_or_else(|e| {
            self.fail(format_args!("bad JSON: {e}"));
            Json::Null
        })
    }

    pub(crate) fn ty(&mut self) -> Type {
        self.nested(
            || Type::Any,
            |r| match r.tag(14, "type tag") {
                0 => Type::Bool,
                1 => Type::Number,
                2 => Type::Integer,
                3 => Type::String,
                4 => Type::Date,
                5 => Type::DateTime,
                6 => Type::Duration,
                7 => Type::Null,
                8 => Type::List(Box::new(r.ty())),
                t @ (9 | 10) => Type::Record(r.record_tagged(t)),
                11 => Type::Document,
                12 => Type::Calendar,
                _ => Type::Any,
            },
        )
    }

    pub(crate) fn record(&mut self) -> Arc<RecordType> {
        let tag = self.u8();
        self.record_tagged(tag)
    }

    fn record_tagged(&mut self, tag: u8) -> Arc<RecordType> {
        match tag {
            9 => self.nested(empty_record, |r| {
                let name = r.str();
                let fields = r.map(|r| (r.str(), r.ty()));
                let rec = Arc::new(RecordType { name, fields });
                r.records.push(rec.clone());
                rec
            }),
            10 => {
                let i = self.usize();
                match self.records.get(i) {
                    Some(rec) => rec.clone(),
                    None => {
                        self.fail(format_args!("record type #{i} is not defined before"));
                        empty_record()
                    }
                }
            }
            t => {
                self.fail(format_args!("{t} is not a record type tag"));
                empty_record()
            }
        }
    }
}

fn empty_record() -> Arc<RecordType> {
    Arc::new(RecordType { name: String::new(), fields: IndexMap::new() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::test_rng::Rng;

    fn round_trip(s: &str) -> String {
        let mut w = Writer::default();
        w.str(s);
        let mut r = Reader::new(&w.buf);
        let back = r.str();
        r.finish(true).unwrap();
        back
    }

    #[test]
    fn texts_of_any_characters_read_back_unchanged() {
        for s in ["", "ascii only", "Қазақстан Республикасы Денсаулық сақтау министрінің бұйрығы", "Приказ №29, п.22 «Ё»",
            "ӘәҒғҚқҢңӨөҰұҮүҺһІі", "\u{0}\u{7f}\u{80}\u{ff}\u{3ff}\u{460}\u{4ff}\u{fffd}\u{10ffff}😀", "ѠѢ – — …"] {
            assert_eq!(round_trip(s), s);
        }
        let mut rng = Rng(3);
        let ranges = [(0u32, 0x80u32), (0x400, 0x500), (0x80, 0x800), (0x800, 0xd800), (0xe000, 0x110000)];
        for _ in 0..5000 {
            let s: String = (0..rng.below(12))
                .filter_map(|_| {
                    let (lo, hi) = *rng.pick(&ranges);
                    char::from_u32(lo + rng.below(u64::from(hi - lo)) as u32)
                })
                .collect();
            assert_eq!(round_trip(&s), s);
        }
    }

    #[test]
    fn cyrillic_takes_one_byte_a_letter() {
        let mut w = Writer::default();
        w.str("Қазақша");
        assert_eq!(w.buf.len(), 1 + 7);
    }

    #[test]
    fn a_bad_escape_is_refused() {
        for bytes in [&[2u8, 0xff, 0x00][..], &[4, 0xff, 0x00, 0xd8, 0x00], &[4, 0xff, 0xff, 0xff, 0xff], &[1, 0xf5]] {
            let mut r = Reader::new(bytes);
            let _ = r.str();
            assert!(r.finish(true).is_err(), "{bytes:?}");
        }
    }
}
