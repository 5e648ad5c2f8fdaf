//! Run-time values of the check language and their decoding from JSON input.
//!
//! Values borrow from the input document, the pack's params and its reference data: objects and
//! arrays stay as `&Json` (the document model) and leaves are decoded on access, guided by the
//! static type the type checker attached to the access.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

use chrono::format::{Item, Numeric, Pad, Parsed};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use rust_decimal::Decimal;
use crate::document::Json;

use crate::types::Type;

mod memo;

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
    Json(&'a Json<'a>),
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

/// Why a JSON number or decimal string does not decode as a [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Not the JSON number grammar (RFC 8259 section 6).
    NotANumber,
    /// A magnitude above [`Decimal::MAX`].
    OutOfRange,
    /// Within range, but not representable exactly: more than 28 decimal places, or more
    /// significant digits than the 96-bit mantissa holds.
    TooManyDigits,
}

impl NumberError {
    pub fn as_str(self) -> &'static str {
        match self {
            NumberError::NotANumber => "not a number",
            NumberError::OutOfRange => "out of range",
            NumberError::TooManyDigits => "too many digits",
        }
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a JSON number or decimal string exactly (no binary floating point on the way, and
/// never rounded): `None` when it is neither, or does not decode (see [`decimal_error`]).
pub fn decimal_from_json(v: &Json<'_>) -> Option<Decimal> {
    match v {
        Json::Number(n) => parse_decimal_exact(n.as_str()).ok(),
        Json::String(s) => parse_decimal_exact(s.trim()).ok(),
        _ => None,
    }
}

/// Why a JSON number or decimal string does not decode as a decimal; `None` when it does, or
/// when the value is neither a number nor a string.
pub fn decimal_error(v: &Json<'_>) -> Option<NumberError> {
    match v {
        Json::Number(n) => parse_decimal_exact(n.as_str()).err(),
        Json::String(s) => parse_decimal_exact(s.trim()).err(),
        _ => None,
    }
}

/// Parses decimal text exactly: [`parse_decimal_exact`], its error dropped.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    parse_decimal_exact(s).ok()
}

/// Parses text of the JSON number grammar (RFC 8259: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)?
/// ([eE] [+-]? [0-9]+)?, and nothing else) into exactly the number written, or says why not.
///
/// The scale is the one written (`"2400.50"` has scale 2, `"1.5e-3"` scale 4, `"1.5e3"` scale
/// 0, as `Decimal::from_str` and `Decimal::from_scientific` give them), reduced only as far as
/// needed when the written zeros do not fit (`"1.000000000000000000000000000000000"` is 1 at
/// scale 28). Zeros that do not change the value never make a number refused (`"0e-999"` is 0);
/// a non-zero digit past the 28th decimal place does (`"1e-40"`: [`NumberError::TooManyDigits`]).
/// The work is linear in the text's length, whatever its exponent.
pub fn parse_decimal_exact(s: &str) -> Result<Decimal, NumberError> {
    let t = scan_json_number(s).ok_or(NumberError::NotANumber)?;
    if t.plain && t.int.len() + t.frac.len() <= 28 {
        // The common case: 28 digits always fit the mantissa and the scale, so the text is
        // read as `Decimal::from_str` reads it.
        return Decimal::from_str_exact(s).map_err(|_| NumberError::TooManyDigits);
    }
    // Value = digits × 10^pow, where digits = int ++ frac without its leading and trailing zeros.
    let all = || t.int.iter().chain(t.frac).copied();
    let total = t.int.len() + t.frac.len();
    let Some(lead) = all().position(|b| b != b'0') else {
        // Zero, at the scale written (as far as a decimal's scale goes), never negative.
        return Ok(Decimal::from_parts(0, 0, 0, false, t.written_scale()));
    };
    let trail = all().rev().position(|b| b != b'0').unwrap_or(0);
    let sig = || all().skip(lead).take(total - lead - trail);
    let n_sig = (total - lead - trail) as i128;
    // The exponent is at most ±10^20 (clamped while scanned), far past any text's length, so
    // these do not overflow and the value's magnitude is decided exactly.
    let pow = t.exp - t.frac.len() as i128 + trail as i128;
    // Digits before the decimal point (≤ 0 when the number is below 0.1).
    let int_digits = n_sig + pow;
    // Decimal::MAX has 29 digits: a number with more integer digits is above it, and one with
    // 29 is when they exceed Decimal::MAX's or equal them with a fraction after.
    if int_digits > 29 {
        return Err(NumberError::OutOfRange);
    }
    if int_digits == 29 {
        let int: String = sig().take(29).map(char::from).chain(std::iter::repeat_n('0', pow.max(0) as usize)).collect();
        let above = match Decimal::from_str_exact(&int) {
            Err(_) => true,
            Ok(i) => pow < 0 && i == Decimal::MAX,
        };
        if above {
            return Err(NumberError::OutOfRange);
        }
    }
    // Within range: a non-zero digit past the 28th decimal place is never exact.
    if -pow > i128::from(Decimal::MAX_SCALE) {
        return Err(NumberError::TooManyDigits);
    }
    // The canonical text: at most 29 integer digits and at most 28 places.
    let mut text = String::with_capacity(64);
    if t.neg {
        text.push('-');
    }
    if int_digits <= 0 {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', (-int_digits) as usize));
        text.extend(sig().map(char::from));
    } else {
        let int_digits = int_digits as usize;
        for (k, b) in sig().enumerate() {
            if k == int_digits {
                text.push('.');
            }
            text.push(char::from(b));
        }
        text.extend(std::iter::repeat_n('0', pow.max(0) as usize));
    }
    // It fails only when the mantissa does not hold the digits (more than 2^96 - 1).
    let mut d = Decimal::from_str_exact(&text).map_err(|_| NumberError::TooManyDigits)?;
    // Back to the scale written, where the mantissa holds it (`rescale` up never changes the
    // value; it stops at the largest scale that fits).
    let want = t.written_scale();
    if want > d.scale() {
        d.rescale(want);
    }
    Ok(d)
}

/// The parts of a number's text in the JSON grammar.
struct NumberText<'s> {
    neg: bool,
    /// The integer part's digits (`0`, or not starting with `0`).
    int: &'s [u8],
    /// The fraction's digits (empty when there is no `.`).
    frac: &'s [u8],
    /// The exponent, clamped to ±10^20.
    exp: i128,
    /// No exponent part.
    plain: bool,
}

impl NumberText<'_> {
    /// The scale the text writes (its places after the point, less the exponent), within the
    /// scales a decimal has.
    fn written_scale(&self) -> u32 {
        (self.frac.len() as i128 - self.exp).clamp(0, i128::from(Decimal::MAX_SCALE)) as u32
    }
}

/// Splits `s` into a number's parts when it is exactly the JSON number grammar.
fn scan_json_number(s: &str) -> Option<NumberText<'_>> {
    const EXP_CLAMP: i128 = 100_000_000_000_000_000_000;
    let b = s.as_bytes();
    let digits_from = |i: usize| i + b.get(i..).unwrap_or_default().iter().take_while(|c| c.is_ascii_digit()).count();
    let neg = b.first() == Some(&b'-');
    let i = usize::from(neg);
    let int_end = match b.get(i) {
        Some(b'0') => i + 1,
        Some(b'1'..=b'9') => digits_from(i),
        _ => return None,
    };
    let int = &b[i..int_end];
    let mut i = int_end;
    let mut frac: &[u8] = &[];
    if b.get(i) == Some(&b'.') {
        let end = digits_from(i + 1);
        if end == i + 1 {
            return None;
        }
        frac = &b[i + 1..end];
        i = end;
    }
    let mut exp = 0i128;
    let plain = !matches!(b.get(i), Some(b'e' | b'E'));
    if !plain {
        i += 1;
        let exp_neg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let end = digits_from(i);
        if end == i {
            return None;
        }
        for &d in &b[i..end] {
            exp = (exp * 10 + i128::from(d - b'0')).min(EXP_CLAMP);
        }
        if exp_neg {
            exp = -exp;
        }
        i = end;
    }
    (i == b.len()).then_some(NumberText { neg, int, frac, exp, plain })
}

/// A date as documents and check-language literals write it, `YYYY-MM-DD`
/// (`../shared/spec/DOCUMENTS.md`), read by chrono's parser with the format `%Y-%m-%d`: a day
/// that does not exist (`2026-02-30`) is refused.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, s, DATE_FORMAT.iter()).ok()?;
    parsed.to_naive_date().ok()
}

/// `%Y-%m-%d` as chrono's `StrftimeItems` reads it (a unit test compares them), given as items so
/// that the format string is not parsed for every date and chrono's strftime reader stays out
/// of the WebAssembly module.
const DATE_FORMAT: &[Item<'static>] = &[
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Day, Pad::Zero),
];

/// A date-time as documents write it: RFC 3339 with its offset (`2026-03-20T10:15:00+05:00`),
/// read by chrono's RFC 3339 parser.
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// Decodes a JSON value as a value of static type `ty`. `None` when the JSON does not fit the
/// type (the engine reports that as a `TYPE` finding; rules see it as missing).
/// `null` decodes to `Val::Null` for every type.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub fn decode<'a>(v: &'a Json<'a>, ty: &Type) -> Option<Val<'a>> {
    // The reads that need no decoding, inline (every field access decodes); the rest below.
    match (ty, v) {
        (Type::String | Type::Any, Json::String(s)) => Some(Val::Str(Cow::Borrowed(s))),
        (Type::Record(_) | Type::Document | Type::Any, Json::Object(_)) | (Type::List(_) | Type::Any, Json::Array(_)) => Some(Val::Json(v)),
        _ => decode_other(v, ty),
    }
}

/// [`decode`] of the values that need more than a look at their kind.
fn decode_other<'a>(v: &'a Json<'a>, ty: &Type) -> Option<Val<'a>> {
    if v.is_null() {
        return Some(Val::Null);
    }
    Some(match ty {
        Type::Any => match v {
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(_) => Val::Num(decimal_from_json(v)?),
            Json::String(s) => Val::Str(Cow::Borrowed(&**s)),
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
            // A scale of 0 is a whole number (`fract` needs a division otherwise).
            if d.scale() != 0 && !d.fract().is_zero() {
                return None;
            }
            Val::Num(d)
        }
        Type::String => Val::Str(Cow::Borrowed(v.as_str()?)),
        // Through the memo of this document's dates.
        Type::Date => match memo::remembered(v.as_str()?, true, |s| memo::Decoded::Date(parse_date(s))) {
            memo::Decoded::Date(d) => Val::Date(d?),
            memo::Decoded::DateTime(_) => return None,
        },
        Type::DateTime => match memo::remembered(v.as_str()?, false, |s| memo::Decoded::DateTime(parse_datetime(s))) {
            memo::Decoded::DateTime(d) => Val::DateTime(d?),
            memo::Decoded::Date(_) => return None,
        },
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
pub fn decode_or_missing<'a>(v: Option<&'a Json<'a>>, ty: &Type) -> Val<'a> {
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
            // The compact JSON text (as `serde_json::to_string` writes it).
            Val::Json(v) => v.write_json(f),
            Val::Calendars(_) => f.write_str("calendars"),
            Val::Calendar(c) => write!(f, "calendar {}", c.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::test_rng::Rng;

    #[test]
    fn the_date_format_is_chronos_reading_of_percent_y_m_d() {
        let strftime: Vec<Item<'_>> = chrono::format::StrftimeItems::new("%Y-%m-%d").collect();
        assert_eq!(DATE_FORMAT, &strftime[..]);
        for s in ["2026-04-02", "2024-02-29", "2023-02-29", " 2026-4-2", "2026-04-02 ", "+12026-01-01", "x"] {
            assert_eq!(parse_date(s), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(), "{s:?}");
        }
    }

    #[test]
    fn dates_are_year_month_day_and_days_that_do_not_exist_are_refused() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_date("2026-04-02"), d(2026, 4, 2));
        assert_eq!(parse_date("2024-02-29"), d(2024, 2, 29));
        assert_eq!(parse_date("0001-01-01"), d(1, 1, 1));
        for refused in [
            "2023-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026/04/02", "02.04.2026",
            "2026-04-02T10:15:00+05:00", "2026-04-02 ", "2026-04-02x", "2026-04", "", "12026-01-01", "2026-001-01",
        ] {
            assert_eq!(parse_date(refused), None, "{refused:?}");
        }
    }

    /// chrono's leniencies that documents' dates inherit, pinned so that a chrono upgrade changing
    /// which documents are valid shows here.
    #[test]
    fn chronos_lenient_date_forms_are_pinned() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_date("2026-4-2"), d(2026, 4, 2));
        assert_eq!(parse_date(" 2026- 4- 2"), d(2026, 4, 2));
        assert_eq!(parse_date("26-01-01"), d(26, 1, 1));
        assert_eq!(parse_date("+12026-01-01"), d(12026, 1, 1));
        assert_eq!(parse_date("-0044-03-15"), d(-44, 3, 15));
        assert_eq!(parse_date("2026 -04-02"), None);
    }

    #[test]
    fn datetimes_are_rfc_3339_with_their_offset() {
        let dt = |s: &str| parse_datetime(s).map(|d| (d.naive_local().to_string(), d.offset().local_minus_utc()));
        let some = |t: &str, off: i32| Some((t.to_string(), off));
        assert_eq!(dt("2026-03-20T10:15:00+05:00"), some("2026-03-20 10:15:00", 5 * 3600));
        assert_eq!(dt("2026-03-20T10:15:00-05:30"), some("2026-03-20 10:15:00", -(5 * 3600 + 30 * 60)));
        assert_eq!(dt("2026-03-20T10:15:00Z"), some("2026-03-20 10:15:00", 0));
        assert_eq!(dt("2026-03-20t10:15:00z"), some("2026-03-20 10:15:00", 0));
        assert_eq!(dt("2026-03-20 10:15:00.25+05:00"), some("2026-03-20 10:15:00.250", 5 * 3600));
        assert_eq!(dt("2026-03-20T23:59:60Z"), some("2026-03-20 23:59:60", 0));
        // The same instant in two offsets.
        assert_eq!(parse_datetime("2026-03-20T10:15:00+05:00"), parse_datetime("2026-03-20T05:15:00Z"));
        for refused in [
            "2026-03-20T10:15:00", "2026-03-20", "2026-03-20T10:15", "2026-02-30T10:15:00Z", "2026-03-20T24:00:00Z",
            "2026-03-20T10:15:00+24:00", "2026-03-20T10:15:00+0500", "2026-03-20T10:15:00+05", "2026-03-20T10:15:00Z ",
            "2026-03-20T10:15:00UTC", "+2026-03-20T10:15:00Z", "26-03-20T10:15:00Z",
        ] {
            assert_eq!(parse_datetime(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn dates_display_as_strftime_ymd() {
        for (y, m, d) in [(2026, 3, 5), (1, 1, 1), (0, 12, 31), (9999, 12, 31), (10000, 1, 1), (-1, 6, 7), (-262143, 1, 1), (262142, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(Val::Date(date).to_string(), date.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn decimal_numbers_are_read_from_their_text_exactly() {
        let v: serde_json::Value = serde_json::from_str(r#"{"a": 0.1, "b": "2400.50", "c": 1e3}"#).unwrap();
        let v = Json::from_serde(&v);
        let v = |k: &str| v.get(k).unwrap().clone();
        assert_eq!(decimal_from_json(&v("a")).unwrap().to_string(), "0.1");
        assert_eq!(decimal_from_json(&v("b")).unwrap().to_string(), "2400.50");
        assert_eq!(decimal_from_json(&v("c")).unwrap(), Decimal::from(1000));
    }

    fn exact(s: &str) -> Result<String, NumberError> {
        parse_decimal_exact(s).map(|d| d.to_string())
    }

    #[test]
    fn twenty_eight_decimal_places_are_exact_and_a_non_zero_twenty_ninth_is_refused() {
        assert_eq!(exact("0.0000000000000000000000000001").as_deref(), Ok("0.0000000000000000000000000001"));
        assert_eq!(exact("0.1234567890123456789012345678").as_deref(), Ok("0.1234567890123456789012345678"));
        assert_eq!(exact("0.00000000000000000000000000001"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("0.12345678901234567890123456789"), Err(NumberError::TooManyDigits));
        // `Decimal::from_str` rounds this to 0.
        assert_eq!(exact("0.00000000000000000000000000000001"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("-0.00000000000000000000000000001"), Err(NumberError::TooManyDigits));
    }

    #[test]
    fn zeros_that_do_not_change_the_value_never_refuse_a_number() {
        assert_eq!(parse_decimal_exact("1.000000000000000000000000000000000"), Ok(Decimal::ONE));
        assert_eq!(exact("1.000000000000000000000000000000000").as_deref(), Ok("1.0000000000000000000000000000"));
        assert_eq!(exact("0.0000000000000000000000000000000000").as_deref(), Ok("0.0000000000000000000000000000"));
        assert_eq!(parse_decimal_exact("0e-999"), Ok(Decimal::ZERO));
        assert_eq!(parse_decimal_exact("0e999"), Ok(Decimal::ZERO));
        assert_eq!(parse_decimal_exact("-0.0e99999999999999999999"), Ok(Decimal::ZERO));
        assert_eq!(exact("100e-29").as_deref(), Ok("0.0000000000000000000000000010"));
        assert_eq!(exact("79228162514264337593543950335.000000000").as_deref(), Ok(Decimal::MAX.to_string().as_str()));
        // Zero is never negative (as `Decimal::from_str` gives it).
        assert!(parse_decimal_exact("-0").is_ok_and(|d| d.is_zero() && !d.is_sign_negative()));
    }

    #[test]
    fn decimal_max_as_text_is_exact_and_anything_above_is_out_of_range() {
        let max = Decimal::MAX.to_string();
        assert_eq!(max, "79228162514264337593543950335");
        assert_eq!(parse_decimal_exact(&max), Ok(Decimal::MAX));
        assert_eq!(parse_decimal_exact(&format!("-{max}")), Ok(Decimal::MIN));
        assert_eq!(exact("79228162514264337593543950336"), Err(NumberError::OutOfRange));
        assert_eq!(exact("-79228162514264337593543950336"), Err(NumberError::OutOfRange));
        assert_eq!(exact("79228162514264337593543950335.5"), Err(NumberError::OutOfRange));
        assert_eq!(exact("79228162514264337593543950335.0000000000000000000000000000001"), Err(NumberError::OutOfRange));
        assert_eq!(exact("99999999999999999999999999999"), Err(NumberError::OutOfRange));
        assert_eq!(exact("100000000000000000000000000000"), Err(NumberError::OutOfRange));
        assert_eq!(exact(&format!("1{}", "0".repeat(10_000))), Err(NumberError::OutOfRange));
        // Below the maximum, but more significant digits than the mantissa holds.
        assert_eq!(exact("7922816251426433759354395033.6"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("79228162514264337593543950334.5"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("12345678901234567890.123456789012345"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("7922816251426433759354395033.5").as_deref(), Ok("7922816251426433759354395033.5"));
    }

    #[test]
    fn negative_numbers_decode_as_their_magnitude_negated() {
        for s in ["1", "0.5", "2400.50", "1e3", "1.5e-3", "0.0000000000000000000000000001", "79228162514264337593543950335"] {
            let pos = parse_decimal_exact(s).unwrap();
            assert_eq!(parse_decimal_exact(&format!("-{s}")), Ok(-pos), "{s}");
            assert_eq!(exact(&format!("-{s}")), Ok(format!("-{pos}")), "{s}");
        }
        for s in ["1e-29", "1e29", "0.00000000000000000000000000001"] {
            assert_eq!(parse_decimal_exact(&format!("-{s}")).err(), parse_decimal_exact(s).err(), "{s}");
        }
    }

    #[test]
    fn scientific_notation_is_exact_in_both_directions() {
        assert_eq!(exact("1.5e3").as_deref(), Ok("1500"));
        assert_eq!(exact("1.5E+3").as_deref(), Ok("1500"));
        assert_eq!(exact("1.50e1").as_deref(), Ok("15.0"));
        assert_eq!(exact("2.5e-3").as_deref(), Ok("0.0025"));
        assert_eq!(exact("12345e-2").as_deref(), Ok("123.45"));
        assert_eq!(exact("-9.7e-7").as_deref(), Ok("-0.00000097"));
        assert_eq!(exact("1e28").as_deref(), Ok("10000000000000000000000000000"));
        assert_eq!(exact("7.9228162514264337593543950335e28").as_deref(), Ok("79228162514264337593543950335"));
        assert_eq!(exact("1e-28").as_deref(), Ok("0.0000000000000000000000000001"));
        assert_eq!(exact("1000000000000000000000000000000000e-33").as_deref(), Ok("1.0000000000000000000000000000"));
        assert_eq!(exact("0.0000000000000000000000000000000001e34").as_deref(), Ok("1"));
        assert_eq!(exact("1e29"), Err(NumberError::OutOfRange));
        assert_eq!(exact("7.9228162514264337593543950336e28"), Err(NumberError::OutOfRange));
        assert_eq!(exact("1e400"), Err(NumberError::OutOfRange));
        assert_eq!(exact("-1e400"), Err(NumberError::OutOfRange));
        assert_eq!(exact("1e99999999999999999999"), Err(NumberError::OutOfRange));
        assert_eq!(exact(&format!("1e{}", "9".repeat(100_000))), Err(NumberError::OutOfRange));
        assert_eq!(exact("1e-29"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("1e-40"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("1e-99999999999999999999"), Err(NumberError::TooManyDigits));
        assert_eq!(exact("1.5e-28"), Err(NumberError::TooManyDigits));
    }

    #[test]
    fn only_the_json_number_grammar_is_a_number() {
        for s in [
            "+1", "1.", ".5", "1_000", "0x10", "01", "-01", "00", "1e", "1e+", "1E-", "--1", "-", "", "NaN", "nan", "Infinity",
            "-Infinity", "inf", " 1", "1 ", "1 000", "1.5.5", "1e5.5", "1ee5", "e5", "-.5", "1.e5", "١", "１", "0.5x", "1,5",
        ] {
            assert_eq!(parse_decimal_exact(s), Err(NumberError::NotANumber), "{s:?}");
        }
        for s in ["0", "-0", "0.0", "10", "1e5", "1E5", "1e+5", "1e-5", "1.5e05", "0e0", "-0.0e-0"] {
            assert!(parse_decimal_exact(s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn decimal_error_names_why_a_number_or_decimal_string_does_not_decode() {
        let v: serde_json::Value = serde_json::from_str(
            r#"[1e400, 1e-40, " 2400.50 ", "+1", "1.", 0.00000000000000000000000000000001, 12, true, null, [1], "abc"]"#,
        )
        .unwrap();
        let v = Json::from_serde(&v);
        let v = v.as_array().unwrap();
        let errs: Vec<_> = v.iter().map(decimal_error).collect();
        use NumberError::*;
        assert_eq!(errs, [Some(OutOfRange), Some(TooManyDigits), None, Some(NotANumber), Some(NotANumber), Some(TooManyDigits), None, None, None, None, Some(NotANumber)]);
        assert_eq!(decimal_from_json(&v[2]).map(|d| d.to_string()).as_deref(), Some("2400.50"));
        assert_eq!(decimal_from_json(&v[0]), None);
        assert_eq!(decimal_from_json(&v[5]), None);
        assert_eq!([NotANumber, OutOfRange, TooManyDigits].map(NumberError::as_str), ["not a number", "out of range", "too many digits"]);
    }

    /// The exact value of JSON number text, by moving its point (the test's own arithmetic):
    /// the integer digits and fraction digits without leading and trailing zeros.
    fn canonical(s: &str) -> (bool, String, String) {
        let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
        let (mant, exp) = s.split_once(['e', 'E']).map_or((s, 0), |(m, e)| (m, e.parse::<i64>().unwrap()));
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let point = int.len() as i64 + exp;
        let (i, f) = if point <= 0 {
            (String::new(), format!("{}{digits}", "0".repeat((-point) as usize)))
        } else if point as usize >= digits.len() {
            (format!("{digits}{}", "0".repeat(point as usize - digits.len())), String::new())
        } else {
            (digits[..point as usize].to_string(), digits[point as usize..].to_string())
        };
        (neg, i.trim_start_matches('0').to_string(), f.trim_end_matches('0').to_string())
    }

    /// What the canonical form says the result must be.
    fn expected(s: &str) -> Result<String, NumberError> {
        let (neg, int, frac) = canonical(s);
        let max = Decimal::MAX.to_string();
        if int.len() > max.len() || (int.len() == max.len() && (int > max || (int == max && !frac.is_empty()))) {
            return Err(NumberError::OutOfRange);
        }
        let mantissa = format!("{int}{frac}");
        let mantissa = mantissa.trim_start_matches('0');
        if frac.len() > 28 || mantissa.len() > max.len() || (mantissa.len() == max.len() && *mantissa > *max) {
            return Err(NumberError::TooManyDigits);
        }
        let sign = if neg && !(int.is_empty() && frac.is_empty()) { "-" } else { "" };
        let int = if int.is_empty() { "0" } else { &int };
        Ok(if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") })
    }

    fn gen_digits(r: &mut Rng, n: usize, first_nonzero: bool) -> String {
        (0..n).map(|k| char::from(b'0' + if k == 0 && first_nonzero { 1 + r.below(9) } else { r.below(10) } as u8)).collect()
    }

    #[test]
    fn plain_decimals_read_as_decimal_from_str_reads_them_wherever_it_is_exact() {
        let mut r = Rng(0x0dec_13a1);
        let mut compared = 0;
        for _ in 0..40_000 {
            let int_len = r.index(31);
            let int = if int_len == 0 { "0".to_string() } else { gen_digits(&mut r, int_len, true) };
            let frac_len = r.index(32);
            let frac = gen_digits(&mut r, frac_len, false);
            let sign = if r.below(3) == 0 { "-" } else { "" };
            let s = if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") };
            let ours = parse_decimal_exact(&s);
            // The exact value, whatever `from_str` does.
            assert_eq!(ours.map(|d| d.normalize().to_string()), expected(&s), "{s}");
            // ≤ 28 significant digits at a scale ≤ 28: `from_str` is exact there, and so is the
            // decimal we build (the same value and the same scale).
            let sig = format!("{}{frac}", int.trim_start_matches('0')).trim_start_matches('0').len();
            let from_str = Decimal::from_str(&s);
            if sig <= 28 && frac.len() <= 28 {
                let theirs = from_str.unwrap();
                let ours = ours.unwrap();
                assert_eq!((ours, ours.scale(), ours.to_string()), (theirs, theirs.scale(), theirs.to_string()), "{s}");
                compared += 1;
            } else if let Ok(ours) = ours {
                // Exact beyond that too: wherever both decode, the values agree when
                // `from_str` kept every digit.
                if let Ok(theirs) = Decimal::from_str_exact(&s) {
                    assert_eq!((ours, ours.scale()), (theirs, theirs.scale()), "{s}");
                }
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    #[test]
    fn generated_numbers_with_exponents_decode_to_their_exact_value_or_the_right_error() {
        let mut r = Rng(0x05c1_e4ce);
        for _ in 0..40_000 {
            let int_len = r.index(32);
            let int = if int_len == 0 { "0".to_string() } else { gen_digits(&mut r, int_len, true) };
            // Trailing zeros often, leading ones (after `0.`) often.
            let frac_len = r.index(34);
            let mut frac = gen_digits(&mut r, frac_len, false);
            if r.below(3) == 0 {
                let n = r.index(40);
                frac.push_str(&"0".repeat(n));
            }
            if r.below(3) == 0 {
                let n = r.index(40);
                frac.insert_str(0, &"0".repeat(n));
            }
            let sign = if r.below(3) == 0 { "-" } else { "" };
            let mut s = if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") };
            if r.below(4) != 0 {
                let e = r.below(90) as i64 - 45;
                s.push_str(r.pick::<&str>(&["e", "E"]));
                s.push_str(if e < 0 { "-" } else if r.below(2) == 0 { "+" } else { "" });
                s.push_str(&e.unsigned_abs().to_string());
            }
            let ours = parse_decimal_exact(&s);
            assert_eq!(ours.map(|d| d.normalize().to_string()), expected(&s), "{s}");
            if let (Ok(ours), Ok(sci)) = (ours, Decimal::from_scientific(&s)) {
                // `from_scientific` is exact where its base is: the same value, the same scale.
                let base = s.split(['e', 'E']).next().unwrap();
                if Decimal::from_str_exact(base).is_ok() {
                    assert_eq!((ours, ours.scale()), (sci, sci.scale()), "{s}");
                }
            }
        }
    }

    #[test]
    fn integer_fields_refuse_fractions_and_strings() {
        let v: serde_json::Value = serde_json::from_str(r#"[2, 2.5, "2"]"#).unwrap();
        let v = Json::from_serde(&v);
        let v = v.as_array().unwrap();
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
