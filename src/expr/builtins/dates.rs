//! The date, datetime and duration built-ins: reading dates and datetimes, their parts,
//! durations, calendar-month arithmetic and local dates and times at a UTC offset.

use super::*;

pub(super) fn date<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s] = a else { return None };
    match s {
        Val::Date(d) => Some(Val::Date(*d)),
        other => Some(Val::Date(parse_date(text(other)?.trim())?)),
    }
}

pub(super) fn datetime<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s] = a else { return None };
    match s {
        Val::DateTime(d) => Some(Val::DateTime(*d)),
        other => Some(Val::DateTime(safe_dt(parse_datetime(
            text(other)?.trim(),
        )?)?)),
    }
}

/// A datetime whose local time is representable (so formatting and `local_date` never fail).
pub(crate) fn safe_dt(dt: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    dt.naive_utc().checked_add_offset(*dt.offset())?;
    Some(dt)
}

pub(super) fn make_date<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [y, m, d] = a else { return None };
    let y = i32::try_from(integral(num(y)?)?).ok()?;
    let m = u32::try_from(integral(num(m)?)?).ok()?;
    let d = u32::try_from(integral(num(d)?)?).ok()?;
    Some(Val::Date(NaiveDate::from_ymd_opt(y, m, d)?))
}

pub(super) fn date_part<'a>(a: &mut [Val<'a>], f: fn(NaiveDate) -> i64) -> Option<Val<'a>> {
    let [d] = a else { return None };
    Some(Val::Num(Decimal::from(f(date_of(d)?))))
}

pub(super) fn year<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    date_part(a, |d| i64::from(d.year()))
}

pub(super) fn month<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    date_part(a, |d| i64::from(d.month()))
}

pub(super) fn day<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    date_part(a, |d| i64::from(d.day()))
}

pub(super) fn weekday<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    date_part(a, |d| i64::from(d.weekday().number_from_monday()))
}

pub(super) fn make_dur<'a>(a: &mut [Val<'a>], unit_secs: i64) -> Option<Val<'a>> {
    let [n] = a else { return None };
    let secs = num(n)?.checked_mul(Decimal::from(unit_secs))?;
    Some(Val::Dur(secs_to_delta(secs)?))
}

pub(super) fn days<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    make_dur(a, 86_400)
}

pub(super) fn hours<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    make_dur(a, 3_600)
}

pub(super) fn minutes<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    make_dur(a, 60)
}

pub(super) fn dur_in<'a>(a: &mut [Val<'a>], unit_secs: i64) -> Option<Val<'a>> {
    let [d] = a else { return None };
    let secs = delta_to_secs(dur(d)?)?;
    Some(Val::Num(
        secs.checked_div(Decimal::from(unit_secs))?.normalize(),
    ))
}

pub(super) fn in_days<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    dur_in(a, 86_400)
}

pub(super) fn in_hours<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    dur_in(a, 3_600)
}

pub(super) fn in_minutes<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    dur_in(a, 60)
}

pub(super) fn add_months<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [d, n] = a else { return None };
    let d = date_of(d)?;
    let n = integral(num(n)?)?;
    let months = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
    let r = if n >= 0 {
        d.checked_add_months(months)
    } else {
        d.checked_sub_months(months)
    };
    Some(Val::Date(r?))
}

pub(super) fn local_date<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [dt, off] = a else { return None };
    let Val::DateTime(dt) = dt else { return None };
    let off = parse_offset(text(off)?)?;
    Some(Val::Date(dt.naive_utc().checked_add_offset(off)?.date()))
}

pub(super) fn local_time<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [dt, off] = a else { return None };
    let Val::DateTime(dt) = dt else { return None };
    let off = parse_offset(text(off)?)?;
    let local = dt.naive_utc().checked_add_offset(off)?;
    Some(Val::Str(Cow::Owned(hh_mm(&local))))
}

/// `%H:%M` (what `format("%H:%M")` gives), without chrono's strftime machinery.
pub(super) fn hh_mm(t: &impl Timelike) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}
