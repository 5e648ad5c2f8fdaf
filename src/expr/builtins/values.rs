//! Reading the built-ins' arguments: numbers, dates, durations and texts out of values, times
//! of day and UTC offsets, seconds to durations and back, a list's items.

use super::*;

/// Parses a time of day `HH:MM` (00:00–23:59).
pub(crate) fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    let [h1, h2, b':', m1, m2] = *b else {
        return None;
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    NaiveTime::from_hms_opt(digit(h1)? * 10 + digit(h2)?, digit(m1)? * 10 + digit(m2)?, 0)
}

/// Parses a UTC offset `±HH:MM` (hours 00–23, minutes 00–59).
pub(crate) fn parse_offset(s: &str) -> Option<FixedOffset> {
    let b = s.as_bytes();
    let [sign, h1, h2, b':', m1, m2] = *b else {
        return None;
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| i32::from(c - b'0'));
    let h = digit(h1)? * 10 + digit(h2)?;
    let m = digit(m1)? * 10 + digit(m2)?;
    if h > 23 || m > 59 {
        return None;
    }
    let secs = (h * 60 + m) * 60;
    match sign {
        b'+' => FixedOffset::east_opt(secs),
        b'-' => FixedOffset::west_opt(secs),
        _ => None,
    }
}

pub(super) fn take<'a>(v: &mut Val<'a>) -> Val<'a> {
    std::mem::replace(v, Val::Missing)
}

pub(super) fn num(v: &Val<'_>) -> Option<Decimal> {
    match v {
        Val::Num(n) => Some(*n),
        _ => None,
    }
}

pub(super) fn date_of(v: &Val<'_>) -> Option<NaiveDate> {
    match v {
        Val::Date(d) => Some(*d),
        _ => None,
    }
}

pub(super) fn dur(v: &Val<'_>) -> Option<TimeDelta> {
    match v {
        Val::Dur(d) => Some(*d),
        _ => None,
    }
}

pub(super) fn text<'v>(v: &'v Val<'_>) -> Option<&'v str> {
    match v {
        Val::Str(s) => Some(s),
        _ => None,
    }
}

/// An integral decimal as `i64` (`None` for fractions and out-of-range values).
pub(crate) fn integral(d: Decimal) -> Option<i64> {
    if d.fract().is_zero() {
        d.to_i64()
    } else {
        None
    }
}

pub(super) const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Seconds (exact decimal) → duration; sub-nanosecond fractions are rounded.
pub(crate) fn secs_to_delta(total: Decimal) -> Option<TimeDelta> {
    let secs = total.floor();
    let frac = total.checked_sub(secs)?;
    let nanos = frac.checked_mul(Decimal::from(NANOS_PER_SEC))?.round();
    let mut secs = secs.to_i64()?;
    let mut nanos = nanos.to_u32()?;
    if i64::from(nanos) >= NANOS_PER_SEC {
        secs = secs.checked_add(1)?;
        nanos = 0;
    }
    TimeDelta::new(secs, nanos)
}

/// Duration → seconds as an exact decimal.
pub(crate) fn delta_to_secs(d: TimeDelta) -> Option<Decimal> {
    let ns = i128::from(d.num_seconds()) * i128::from(NANOS_PER_SEC) + i128::from(d.subsec_nanos());
    Decimal::try_from_i128_with_scale(ns, 9).ok()
}

/// The elements of a run-time list (a JSON array or a built list).
pub(crate) enum ListItems<'a> {
    Json(&'a [Json<'a>]),
    Vals(std::rc::Rc<Vec<Val<'a>>>),
}

impl<'a> ListItems<'a> {
    pub(crate) fn len(&self) -> usize {
        match self {
            ListItems::Json(a) => a.len(),
            ListItems::Vals(v) => v.len(),
        }
    }

    /// Element `i`, decoded as `elem` when it comes from JSON.
    pub(crate) fn get(&self, i: usize, elem: &Type) -> Val<'a> {
        match self {
            ListItems::Json(a) => crate::value::decode_or_missing(a.get(i), elem),
            ListItems::Vals(v) => v.get(i).cloned().unwrap_or(Val::Missing),
        }
    }
}

/// A list value's elements; `None` when `v` is not a list.
pub(crate) fn list_items<'a>(v: &Val<'a>) -> Option<ListItems<'a>> {
    match *v {
        Val::Json(j) => j.as_array().map(ListItems::Json),
        Val::List(ref l) => Some(ListItems::Vals(l.clone())),
        _ => None,
    }
}
