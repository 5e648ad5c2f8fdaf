//! IIN / BIN (Kazakhstan's individual and business identification numbers): check digits and
//! the birth date an IIN carries.

use chrono::NaiveDate;

/// First-pass weights of the IIN/BIN check digit.
const W1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/// Second-pass weights, used when the first remainder is 10.
const W2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The 12 digits of `s` as numbers, or `None` unless `s` is exactly 12 ASCII digits.
fn twelve_digits(s: &str) -> Option<[u32; 12]> {
    let bytes = s.as_bytes();
    if bytes.len() != 12 {
        return None;
    }
    let mut out = [0u32; 12];
    for (slot, b) in out.iter_mut().zip(bytes) {
        if !b.is_ascii_digit() {
            return None;
        }
        *slot = u32::from(b - b'0');
    }
    Some(out)
}

/// The check digit of the first 11 digits, or `None` when both passes give
/// remainder 10 (such a number is never issued; Kazakh validators reject it —
/// the generic "second 10 → 0" classifier rule does **not** apply).
pub(super) fn check_digit(first11: &[u32]) -> Option<u32> {
    let weighted =
        |w: &[u32; 11]| -> u32 { first11.iter().zip(w).map(|(d, w)| d * w).sum::<u32>() % 11 };
    match weighted(&W1) {
        10 => match weighted(&W2) {
            10 => None,
            c => Some(c),
        },
        c => Some(c),
    }
}

/// `true` when the 12th digit is the correct check digit of the first 11.
fn check_digit_ok(d: &[u32; 12]) -> bool {
    match d.split_last() {
        Some((last, first11)) => check_digit(first11) == Some(*last),
        None => false,
    }
}

/// Two decimal digits as a number.
fn two(a: u32, b: u32) -> u32 {
    a * 10 + b
}

/// The birth date encoded in already-split IIN digits: YYMMDD in digits 1–6,
/// the century from digit 7 (1,2 → 1800s; 3,4 → 1900s; 5,6 → 2000s).
fn birth_date_of(d: &[u32; 12]) -> Option<NaiveDate> {
    let [y1, y2, m1, m2, d1, d2, century, ..] = *d;
    let base: i32 = match century {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return None,
    };
    let yy = i32::try_from(two(y1, y2)).ok()?;
    NaiveDate::from_ymd_opt(base + yy, two(m1, m2), two(d1, d2))
}

/// A Kazakhstan individual identification number (ИИН / ЖСН) is valid:
/// exactly 12 ASCII digits; digits 1–6 are a real calendar date YYMMDD in the
/// century given by digit 7 (1,2 → 18xx; 3,4 → 19xx; 5,6 → 20xx; 0,7,8,9 are
/// not assigned); and digit 12 is the check digit. Check digit: `c = Σ d[i]·w1[i]
/// mod 11` over digits 1–11 with `w1 = 1..=11`; if `c == 10`, recompute with
/// `w2 = [3,4,5,6,7,8,9,10,11,1,2]`; if it is 10 again the number is invalid.
///
/// No whitespace or separators are accepted. Whether the birth date lies in the
/// past is not checked here (there is no "today" in this function).
#[must_use]
pub fn iin_valid(s: &str) -> bool {
    match twelve_digits(s) {
        Some(d) => birth_date_of(&d).is_some() && check_digit_ok(&d),
        None => false,
    }
}

/// A Kazakhstan business identification number (БИН / БСН) is valid: exactly 12
/// ASCII digits; digits 1–2 are the registration year YY (any value) and digits
/// 3–4 its month (01–12); digit 5 is the entity type (4, 5 or 6); digit 6 the
/// entity attribute (0–3); digit 12 is the check digit, computed as for the IIN
/// (see [`iin_valid`]).
#[must_use]
pub fn bin_valid(s: &str) -> bool {
    let Some(d) = twelve_digits(s) else {
        return false;
    };
    let [_, _, m1, m2, kind, attribute, ..] = d;
    (1..=12).contains(&two(m1, m2))
        && (4..=6).contains(&kind)
        && attribute <= 3
        && check_digit_ok(&d)
}

/// The birth date encoded in an IIN: `Some` when `s` is 12 ASCII digits whose
/// digit 7 is a century digit (1–6) and whose digits 1–6 are a real date in that
/// century. The check digit is **not** verified (use [`iin_valid`] for that).
#[must_use]
pub fn iin_birth_date(s: &str) -> Option<NaiveDate> {
    birth_date_of(&twelve_digits(s)?)
}
