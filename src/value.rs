//! Run-time values of the check language and their decoding from JSON input.
//!
//! Values borrow from the input document, the pack's params and its reference data: objects and
//! arrays stay as `&serde_json::Value` and leaves are decoded on access, guided by the static
//! type the type checker attached to the access.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::types::Type;

#[derive(Clone, Debug)]
pub enum Val<'a> {
    /// Absent, or present with a value that does not decode as the declared type.
    Missing,
    Null,
    Bool(bool),
    Num(Decimal),
    Str(Cow<'a, str>),
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
    Dur(TimeDelta),
    /// A list built at run time (a literal or a function result).
    List(Rc<Vec<Val<'a>>>),
    /// A JSON object or array, decoded lazily.
    Json(&'a Json),
    /// The pack's calendars (`calendars`), and one of them (`calendars.NAME`).
    Calendars(&'a [std::sync::Arc<crate::calendar::Calendar>]),
    Calendar(&'a crate::calendar::Calendar),
}

impl Val<'_> {
    pub fn is_missing(&self) -> bool {
        matches!(self, Val::Missing)
    }
    pub fn is_missing_or_null(&self) -> bool {
        matches!(self, Val::Missing | Val::Null)
    }
}

/// Reads a JSON number or decimal string exactly (no binary floating point on the way).
pub fn decimal_from_json(v: &Json) -> Option<Decimal> {
    match v {
        Json::Number(n) => parse_decimal(n.as_str()),
        Json::String(s) => parse_decimal(s.trim()),
        _ => None,
    }
}

/// Parses decimal text: plain (`"2400.50"`) or scientific (`"1.5e3"`).
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    Decimal::from_str(s)
        .ok()
        .or_else(|| Decimal::from_scientific(s).ok())
}

pub use crate::dates::{parse_date, parse_datetime};

/// Decodes a JSON value as a value of static type `ty`. `None` when the JSON does not fit the
/// type (the engine reports that as a `TYPE` finding; rules see it as missing).
/// `null` decodes to `Val::Null` for every type.
pub fn decode<'a>(v: &'a Json, ty: &Type) -> Option<Val<'a>> {
    if v.is_null() {
        return Some(Val::Null);
    }
    Some(match ty {
        Type::Any => match v {
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(_) => Val::Num(decimal_from_json(v)?),
            Json::String(s) => Val::Str(Cow::Borrowed(s)),
            _ => Val::Json(v),
        },
        Type::Bool => Val::Bool(v.as_bool()?),
        Type::Number => Val::Num(decimal_from_json(v)?),
        Type::Integer => {
            // Integers come as JSON numbers; a decimal string is not an integer field's form.
            if !v.is_number() {
                return None;
            }
            let d = decimal_from_json(v)?;
            if !d.fract().is_zero() {
                return None;
            }
            Val::Num(d)
        }
        Type::String => Val::Str(Cow::Borrowed(v.as_str()?)),
        Type::Date => Val::Date(parse_date(v.as_str()?)?),
        Type::DateTime => Val::DateTime(parse_datetime(v.as_str()?)?),
        Type::Duration | Type::Null | Type::Calendar => return None,
        Type::List(_) => {
            if !v.is_array() {
                return None;
            }
            Val::Json(v)
        }
        Type::Record(_) | Type::Document => {
            if !v.is_object() {
                return None;
            }
            Val::Json(v)
        }
    })
}

/// Like [`decode`], but a misfit is `Missing`.
pub fn decode_or_missing<'a>(v: Option<&'a Json>, ty: &Type) -> Val<'a> {
    match v {
        None => Val::Missing,
        Some(v) => decode(v, ty).unwrap_or(Val::Missing),
    }
}

/// Formats an ISO 8601 duration (`P90D`, `PT3H30M`).
pub fn format_duration(d: &TimeDelta) -> String {
    let neg = *d < TimeDelta::zero();
    let total = d.num_seconds().unsigned_abs();
    let (days, rem) = (total / 86_400, total % 86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let mut out = String::from(if neg { "-P" } else { "P" });
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if rem > 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    if days == 0 && rem == 0 {
        out.push_str("0D");
    }
    out
}

/// The display form used for `actual` / `expected` and message placeholders.
impl fmt::Display for Val<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Missing => f.write_str("missing"),
            Val::Null => f.write_str("null"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Num(d) => write!(f, "{}", d.normalize()),
            Val::Str(s) => f.write_str(s),
            // NaiveDate's Display is `%Y-%m-%d` (sign and 5+ digits outside 0..=9999, as `%Y`),
            // without pulling chrono's strftime machinery into the WebAssembly module.
            Val::Date(d) => write!(f, "{d}"),
            Val::DateTime(d) => f.write_str(&d.to_rfc3339()),
            Val::Dur(d) => f.write_str(&format_duration(d)),
            Val::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            // The compact JSON text `Value`'s `Display` writes, through the serializer the module
            // already has (`Display` would add its pretty-printing and `fmt::Write` instances).
            Val::Json(v) => f.write_str(&serde_json::to_string(v).unwrap_or_default()),
            Val::Calendars(_) => f.write_str("calendars"),
            Val::Calendar(c) => write!(f, "calendar {}", c.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_display_as_strftime_ymd() {
        for (y, m, d) in [(2026, 3, 5), (1, 1, 1), (0, 12, 31), (9999, 12, 31), (10000, 1, 1), (-1, 6, 7), (-262143, 1, 1), (262142, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(Val::Date(date).to_string(), date.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn decimal_numbers_are_read_from_their_text_exactly() {
        let v: Json = serde_json::from_str(r#"{"a": 0.1, "b": "2400.50", "c": 1e3}"#).unwrap();
        assert_eq!(decimal_from_json(&v["a"]).unwrap().to_string(), "0.1");
        assert_eq!(decimal_from_json(&v["b"]).unwrap().to_string(), "2400.50");
        assert_eq!(decimal_from_json(&v["c"]).unwrap(), Decimal::from(1000));
    }

    #[test]
    fn integer_fields_refuse_fractions_and_strings() {
        let v: Json = serde_json::from_str(r#"[2, 2.5, "2"]"#).unwrap();
        assert!(decode(&v[0], &Type::Integer).is_some());
        assert!(decode(&v[1], &Type::Integer).is_none());
        assert!(decode(&v[2], &Type::Integer).is_none());
    }

    #[test]
    fn durations_print_as_iso_8601() {
        assert_eq!(format_duration(&TimeDelta::days(90)), "P90D");
        assert_eq!(format_duration(&TimeDelta::minutes(210)), "PT3H30M");
        assert_eq!(format_duration(&TimeDelta::zero()), "P0D");
    }
}
