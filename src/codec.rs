//! Byte-level writer and reader of the compiled pack form ([`crate::pack::compiled`]): LEB128
//! integers, length-prefixed UTF-8 strings, dates, decimals, JSON values and static types.
//!
//! The reader takes untrusted input: every length is checked against the bytes left before
//! anything is allocated, recursion (types, expression trees) is bounded by a depth counter, and
//! each failure is a [`CompiledPackError`] naming the byte offset — never a panic.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::pack::compiled::CompiledPackError;
use crate::types::{RecordType, Type};

/// Deepest nesting the reader follows (expression trees are at most
/// [`crate::expr::MAX_TREE_DEPTH`] deep when compiled; types and records far less).
const MAX_DEPTH: u32 = 512;

pub(crate) type Res<T> = Result<T, CompiledPackError>;

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

    pub(crate) fn str(&mut self, s: &str) {
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

/// Reads what [`Writer`] wrote.
pub(crate) struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
    records: Vec<Arc<RecordType>>,
    depth: u32,
}

impl<'b> Reader<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Self {
        Reader { bytes, pos: 0, records: Vec::new(), depth: 0 }
    }

    pub(crate) fn err<T>(&self, what: impl std::fmt::Display) -> Res<T> {
        Err(CompiledPackError(format!("at byte {}: {what}", self.pos)))
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    pub(crate) fn take(&mut self, n: usize) -> Res<&'b [u8]> {
        match self.bytes.get(self.pos..self.pos.saturating_add(n)) {
            Some(s) if n <= self.left() => {
                self.pos += n;
                Ok(s)
            }
            _ => self.err("unexpected end of the data"),
        }
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'b [u8] {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos = self.bytes.len();
        rest
    }

    pub(crate) fn u8(&mut self) -> Res<u8> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }

    pub(crate) fn bool(&mut self) -> Res<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => self.err(format_args!("{b} is not a boolean")),
        }
    }

    pub(crate) fn var(&mut self) -> Res<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.err("integer out of range")
    }

    pub(crate) fn usize(&mut self) -> Res<usize> {
        let v = self.var()?;
        match usize::try_from(v) {
            Ok(n) if n <= u32::MAX as usize => Ok(n),
            _ => self.err(format_args!("{v} is too large")),
        }
    }

    /// A count that is at most `max`.
    pub(crate) fn bounded(&mut self, max: usize) -> Res<usize> {
        let v = self.usize()?;
        if v > max {
            return self.err(format_args!("{v} is out of range (at most {max})"));
        }
        Ok(v)
    }

    pub(crate) fn int(&mut self) -> Res<i64> {
        let v = self.var()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn i32(&mut self) -> Res<i32> {
        let v = self.int()?;
        match i32::try_from(v) {
            Ok(v) => Ok(v),
            Err(_) => self.err(format_args!("{v} is out of range")),
        }
    }

    /// A length of a sequence whose items take at least one byte each.
    fn len(&mut self) -> Res<usize> {
        let n = self.usize()?;
        if n > self.left() {
            return self.err(format_args!("a length of {n} with {} bytes left", self.left()));
        }
        Ok(n)
    }

    pub(crate) fn str(&mut self) -> Res<String> {
        let n = self.len()?;
        let start = self.pos;
        let bytes = self.take(n)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => {
                self.pos = start;
                self.err("text that is not UTF-8")
            }
        }
    }

    pub(crate) fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Res<T>) -> Res<Option<T>> {
        if self.bool()? { f(self).map(Some) } else { Ok(None) }
    }

    pub(crate) fn seq<T>(&mut self, mut f: impl FnMut(&mut Self) -> Res<T>) -> Res<Vec<T>> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(f(self)?);
        }
        Ok(out)
    }

    /// Runs `f` one level deeper, refusing nesting beyond [`MAX_DEPTH`].
    pub(crate) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Res<T>) -> Res<T> {
        if self.depth >= MAX_DEPTH {
            return self.err(format_args!("nesting deeper than {MAX_DEPTH}"));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    pub(crate) fn date(&mut self) -> Res<NaiveDate> {
        let days = self.i32()?;
        match NaiveDate::from_num_days_from_ce_opt(days) {
            Some(d) => Ok(d),
            None => self.err(format_args!("day {days} is not a date")),
        }
    }

    pub(crate) fn offset(&mut self) -> Res<FixedOffset> {
        let secs = self.i32()?;
        match FixedOffset::east_opt(secs) {
            Some(o) => Ok(o),
            None => self.err(format_args!("{secs} s is not a UTC offset")),
        }
    }

    pub(crate) fn datetime(&mut self) -> Res<DateTime<FixedOffset>> {
        let secs = self.int()?;
        let nanos = self.var()?;
        let tz = self.offset()?;
        match u32::try_from(nanos).ok().and_then(|n| DateTime::from_timestamp(secs, n)) {
            Some(d) => Ok(d.with_timezone(&tz)),
            None => self.err("not a date and time"),
        }
    }

    pub(crate) fn duration(&mut self) -> Res<TimeDelta> {
        let secs = self.int()?;
        let nanos = self.int()?;
        match TimeDelta::try_seconds(secs).and_then(|d| d.checked_add(&TimeDelta::nanoseconds(nanos))) {
            Some(d) if nanos.abs() < 1_000_000_000 => Ok(d),
            _ => self.err("not a duration"),
        }
    }

    pub(crate) fn decimal(&mut self) -> Res<Decimal> {
        let s = self.str()?;
        match crate::value::parse_decimal(&s) {
            Some(d) => Ok(d),
            None => self.err(format_args!("`{s}` is not a decimal")),
        }
    }

    pub(crate) fn json(&mut self) -> Res<Json> {
        let s = self.str()?;
        match crate::input::parse_json(s.as_bytes()) {
            Ok(v) => Ok(v),
            Err(e) => self.err(format_args!("bad JSON: {e}")),
        }
    }

    pub(crate) fn ty(&mut self) -> Res<Type> {
        self.nested(|r| {
            Ok(match r.u8()? {
                0 => Type::Bool,
                1 => Type::Number,
                2 => Type::Integer,
                3 => Type::String,
                4 => Type::Date,
                5 => Type::DateTime,
                6 => Type::Duration,
                7 => Type::Null,
                8 => Type::List(Box::new(r.ty()?)),
                t @ (9 | 10) => Type::Record(r.record_tagged(t)?),
                11 => Type::Document,
                12 => Type::Calendar,
                13 => Type::Any,
                t => return r.err(format_args!("unknown type tag {t}")),
            })
        })
    }

    pub(crate) fn record(&mut self) -> Res<Arc<RecordType>> {
        let tag = self.u8()?;
        self.record_tagged(tag)
    }

    fn record_tagged(&mut self, tag: u8) -> Res<Arc<RecordType>> {
        match tag {
            9 => self.nested(|r| {
                let name = r.str()?;
                let fields = r.seq(|r| Ok((r.str()?, r.ty()?)))?;
                let rec = Arc::new(RecordType { name, fields: fields.into_iter().collect::<IndexMap<_, _>>() });
                r.records.push(rec.clone());
                Ok(rec)
            }),
            10 => {
                let i = self.usize()?;
                match self.records.get(i) {
                    Some(rec) => Ok(rec.clone()),
                    None => self.err(format_args!("record type #{i} is not defined before")),
                }
            }
            t => self.err(format_args!("{t} is not a record type tag")),
        }
    }
}
