//! Date and date-time text, read by hand with exactly chrono's accepted sets and values.
//!
//! chrono's parsers (`NaiveDate::parse_from_str`, `NaiveDate::from_str`,
//! `DateTime::parse_from_rfc3339`) bring its whole format machinery into the WebAssembly module
//! (`format::parse`, `parsed`, `scan`, `strftime`: ≈ 15 KB of code). These functions accept the
//! same strings and give the same values; `dates_tests.rs` checks that against chrono on more
//! than a million generated strings. chrono's quirks that decide whether a document's date is
//! valid, kept on purpose:
//!
//! - a date's numbers may each be preceded by Unicode white space (`" 2026- 1- 5"`);
//! - the year has 1 to 4 digits (`"26-01-01"` is the year 26), or a sign and any number of digits
//!   (`"+002026-01-01"`, `"-44-03-15"`); month and day have 1 or 2 digits;
//! - in a date-time (RFC 3339) the separator may be `T`, `t` or a space, the fraction of a
//!   second has any number of digits (the first 9 count), second 60 is a leap second, and the
//!   offset may be `Z`, `z` or `±hh:mm` with `-` or U+2212 MINUS SIGN, up to ±23:59.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

/// A date as chrono's `NaiveDate::parse_from_str(s, "%Y-%m-%d")` reads it.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    ymd(s, false)
}

/// A date as chrono's `s.parse::<NaiveDate>()` reads it: like [`parse_date`], and also white
/// space before each `-` and at the end. For dates given as options (`--as-of`, `asOf`).
pub fn parse_date_relaxed(s: &str) -> Option<NaiveDate> {
    ymd(s, true)
}

/// A date-time as chrono's `DateTime::parse_from_rfc3339` reads it.
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let head: &[u8; 19] = s.as_bytes().get(..19)?.try_into().ok()?;
    let digit = |i: usize| head[i].is_ascii_digit().then(|| u32::from(head[i] - b'0'));
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    if head[4] != b'-'
        || head[7] != b'-'
        || !matches!(head[10], b'T' | b't' | b' ')
        || head[13] != b':'
        || head[16] != b':'
    {
        return None;
    }
    let year = two(0)? * 100 + two(2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, two(5)?, two(8)?)?;
    let (hour, minute) = (two(11)?, two(14)?);
    // Second 60 is a leap second: 59 and a nanosecond count past 1e9.
    let (second, mut nano) = match two(17)? {
        60 => (59, 1_000_000_000),
        sec => (sec, 0),
    };
    // The 19 bytes are ASCII, so 19 is a character boundary.
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        // At least one digit; the first 9 count, the others are skipped.
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let v = frac.bytes().take(9.min(n)).fold(0u32, |v, c| v * 10 + u32::from(c - b'0'));
        nano += v * 10u32.pow(9 - 9.min(n) as u32);
        rest = &frac[n..];
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let (negative, hm) = if let Some(hm) = rest.strip_prefix('+') {
                (false, hm)
            } else if let Some(hm) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('\u{2212}')) {
                (true, hm)
            } else {
                return None;
            };
            let [h1, h2, b':', m1 @ b'0'..=b'5', m2] = *hm.as_bytes() else { return None };
            if !(h1.is_ascii_digit() && h2.is_ascii_digit() && m2.is_ascii_digit()) {
                return None;
            }
            let n = |a: u8, b: u8| i32::from(a - b'0') * 10 + i32::from(b - b'0');
            let seconds = n(h1, h2) * 3600 + n(m1, m2) * 60;
            if negative { -seconds } else { seconds }
        }
    };
    // Offsets of 24 hours or more are refused here.
    let tz = FixedOffset::east_opt(offset)?;
    date.and_time(time).and_local_timezone(tz).single()
}

/// `[ws] year "-" [ws] month "-" [ws] day`, and with `relaxed` also `[ws]` before each `-` and
/// at the end. chrono trims with `str::trim_start` (Unicode white space).
fn ymd(s: &str, relaxed: bool) -> Option<NaiveDate> {
    fn blank(s: &str, relaxed: bool) -> &str {
        if relaxed { s.trim_start() } else { s }
    }
    let s = s.trim_start();
    // A sign allows any number of digits; without one the year is 1 to 4 digits.
    let (year, s) = match s.as_bytes().first() {
        Some(b'-') => {
            let (v, s) = number(&s[1..], usize::MAX)?;
            (-v, s)
        }
        Some(b'+') => number(&s[1..], usize::MAX)?,
        _ => number(s, 4)?,
    };
    let s = blank(s, relaxed).strip_prefix('-')?;
    let (month, s) = number(s.trim_start(), 2)?;
    let s = blank(s, relaxed).strip_prefix('-')?;
    let (day, s) = number(s.trim_start(), 2)?;
    if !blank(s, relaxed).is_empty() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// 1 to `max` ASCII digits (at least one), as chrono's `scan::number`: `None` when the value
/// does not fit an `i64`.
fn number(s: &str, max: usize) -> Option<(i64, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    let v = s.bytes().take(n).try_fold(0i64, |v, c| v.checked_mul(10)?.checked_add(i64::from(c - b'0')))?;
    Some((v, &s[n..]))
}

#[cfg(test)]
#[path = "dates_tests.rs"]
mod tests;
