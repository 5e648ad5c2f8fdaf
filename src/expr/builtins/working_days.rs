//! The working-day built-ins over a pack's calendars, and what they charge the evaluation
//! budget for the days they walk.

use super::*;

pub(super) fn calendar<'a>(v: &Val<'a>) -> Option<&'a crate::calendar::Calendar> {
    match *v {
        Val::Calendar(c) => Some(c),
        _ => None,
    }
}

pub(super) fn is_working_day<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [d, c] = a else { return None };
    Some(Val::Bool(calendar(c)?.is_working_day(date_of(d)?)))
}

/// `add_working_days(d, n, calendar)`: `n` must be an integer (negative counts back; `0` is `d`
/// itself when it is a working day, else the next one).
pub(super) fn add_working_days<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [d, n, c] = a else { return None };
    let n = integral(num(n)?)?;
    Some(Val::Date(calendar(c)?.add_working_days(date_of(d)?, n)?))
}

/// Working days in `(a, b]`; negative when `b` is before `a`.
pub(super) fn working_days_between<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [x, y, c] = a else { return None };
    let n = calendar(c)?.working_days_between(date_of(x)?, date_of(y)?)?;
    Some(Val::Num(Decimal::from(n)))
}

/// When the clock starts for a request received at `dt`: inside working hours `[open, close)` of
/// a working day (local time at `offset`) → `dt`; before `open` on a working day → that day at
/// `open`; otherwise → the next working day at `open`. The result carries `offset`.
pub(super) fn working_time_start<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [dt, off, open, close, c] = a else {
        return None;
    };
    let Val::DateTime(dt) = dt else { return None };
    let off = parse_offset(text(off)?)?;
    let open = parse_hhmm(text(open)?)?;
    let close = parse_hhmm(text(close)?)?;
    if open >= close {
        return None;
    }
    let cal = calendar(c)?;
    let local = dt.naive_utc().checked_add_offset(off)?;
    let (day, time) = (local.date(), local.time());
    let start = if cal.is_working_day(day) && time < close {
        if time >= open {
            return Some(Val::DateTime(safe_dt(dt.with_timezone(&off))?));
        }
        day.and_time(open)
    } else {
        cal.add_working_days(day, 1)?.and_time(open)
    };
    Some(Val::DateTime(safe_dt(off.from_local_datetime(&start).single()?)?))
}

/// Days between two dates, capped at the longest span a calendar walks.
pub(super) fn span_days(a: NaiveDate, b: NaiveDate) -> u64 {
    let span = crate::calendar::MAX_SPAN_DAYS.unsigned_abs();
    (b - a).num_days().unsigned_abs().min(span)
}

/// A failed walk may have gone the whole span.
pub(super) fn max_span() -> u64 {
    crate::calendar::MAX_SPAN_DAYS.unsigned_abs()
}

pub(super) fn cost_one_day(_: &[Val<'_>], _: Option<&Val<'_>>) -> u64 {
    1
}

pub(super) fn cost_add_working_days(args: &[Val<'_>], r: Option<&Val<'_>>) -> u64 {
    match (args.first(), r) {
        (Some(Val::Date(a)), Some(Val::Date(b))) => span_days(*a, *b),
        // A fractional `n` fails before walking.
        _ if args.get(1).and_then(num).and_then(integral).is_none() => 0,
        _ => max_span(),
    }
}

pub(super) fn cost_working_days_between(args: &[Val<'_>], _: Option<&Val<'_>>) -> u64 {
    match args {
        [Val::Date(a), Val::Date(b), ..] => span_days(*a, *b),
        _ => 0,
    }
}

pub(super) fn cost_working_time_start(args: &[Val<'_>], r: Option<&Val<'_>>) -> u64 {
    match (args.first(), r) {
        (Some(Val::DateTime(a)), Some(Val::DateTime(b))) => {
            span_days(a.date_naive(), b.date_naive()).saturating_add(1)
        }
        (Some(Val::DateTime(_)), None) => {
            // Only a failed walk is expensive, not a malformed offset or time.
            let parsed = |i: usize, f: fn(&str) -> bool| args.get(i).and_then(text).is_some_and(f);
            let ok = parsed(1, |s| parse_offset(s).is_some())
                && parsed(2, |s| parse_hhmm(s).is_some())
                && parsed(3, |s| parse_hhmm(s).is_some());
            if ok { max_span() } else { 0 }
        }
        _ => 0,
    }
}
