//! The hand parsers against chrono's, which stay the oracle (chrono is a dependency anyway; the
//! library just no longer calls its parsers): every generated string must give the same
//! `Option` from both, value included.
//!
//! - dates: every combination of perturbations of each part of `YYYY-MM-DD` (blanks, signs,
//!   digit counts 0-6 and more, separators, leap days, years 0, negative, large and past
//!   `i32`/`i64`, non-ASCII digits and blanks, garbage before and after);
//! - date-times: every combination of variants of the date, the separator, the time, the
//!   fraction of a second (0-12 digits), the offset and what follows it;
//! - random strings over the characters that matter, and random edits of valid strings, from a
//!   fixed seed.
//!
//! Each string goes through all three pairs: `parse_date` and `NaiveDate::parse_from_str(s,
//! "%Y-%m-%d")`, `parse_date_relaxed` and `s.parse::<NaiveDate>()`, `parse_datetime` and
//! `DateTime::parse_from_rfc3339`.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate};

use super::{parse_date, parse_date_relaxed, parse_datetime};
use crate::test_rng::Rng;

/// How many strings each parser accepted (to show the generators reach the accepting paths).
#[derive(Default, Debug)]
struct Counts {
    strings: usize,
    date: usize,
    date_relaxed: usize,
    datetime: usize,
}

fn check(s: &str, c: &mut Counts) {
    c.strings += 1;
    let want = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    assert_eq!(parse_date(s), want, "parse_date({s:?})");
    c.date += usize::from(want.is_some());
    let want = NaiveDate::from_str(s).ok();
    assert_eq!(parse_date_relaxed(s), want, "parse_date_relaxed({s:?})");
    c.date_relaxed += usize::from(want.is_some());
    let want = DateTime::parse_from_rfc3339(s).ok();
    let got = parse_datetime(s);
    // `DateTime`'s `==` compares the instant only; the offset must match too.
    assert_eq!(got, want, "parse_datetime({s:?})");
    assert_eq!(got.map(|d| *d.offset()), want.map(|d| *d.offset()), "parse_datetime({s:?}) offset");
    c.datetime += usize::from(want.is_some());
}

/// Every string of `parts[0][i] + parts[1][j] + …`.
fn product(parts: &[&[&str]], mut f: impl FnMut(&str)) {
    fn go(parts: &[&[&str]], buf: &mut String, f: &mut dyn FnMut(&str)) {
        match parts.split_first() {
            None => f(buf),
            Some((first, rest)) => {
                for p in *first {
                    let len = buf.len();
                    buf.push_str(p);
                    go(rest, buf, f);
                    buf.truncate(len);
                }
            }
        }
    }
    go(parts, &mut String::new(), &mut f);
}

/// Blanks chrono's `trim_start` removes (ASCII and Unicode) and one it does not (U+200B).
const LEAD: &[&str] = &["", " ", "\t", "\u{3000}", "\u{200b}", "x", "0"];

/// Fewer for the product of all the parts.
const LEAD4: &[&str] = &["", " ", "\u{3000}", "x"];

const YEARS: &[&str] = &[
    "", "2", "26", "202", "2026", "2024", "2000", "1900", "0", "0000", "9999", "20260", "002026",
    "+2026", "+002024", "+0", "+", "-", "-0", "-4", "-0001", "-2026", "+12345", "-12345", "+262142",
    "+262143", "-262143", "-262144", "+2147483647", "+2147483648", "-2147483648", "+9223372036854775807",
    "+9223372036854775808", "-9223372036854775808", "+0000000000000000000000002024", "++2026",
    "+-2026", "+ 2026", "- 2026", "\u{2212}2026", "٢٠٢٦", "２０２６", "20a6",
];

const SEPS: &[&str] = &["-", " -", "- ", "", "/", "\u{2212}"];

/// Fewer for the second separator (the first one's variants cover the same code).
const SEPS2: &[&str] = &["-", " -", "- ", ""];

const MONTHS: &[&str] = &["", "1", "2", "02", "002", "12", "13", "00", "04", " 2", "+2", "２"];

const DAYS: &[&str] = &["", "1", "01", "001", "0", "28", "29", "30", "31", "32", " 9", "+9", "9x", "٩"];

const TRAIL: &[&str] = &["", " ", "\n", "\u{3000}", "x", "0", "T00:00:00Z"];

#[test]
fn date_parsers_match_chrono_on_every_combination_of_part_perturbations() {
    let mut c = Counts::default();
    // Each part perturbed, the others in every variant too.
    product(&[LEAD4, YEARS, SEPS, MONTHS, SEPS2, DAYS], |s| check(s, &mut c));
    // Trailing text, with the leading variants, around dates valid in every way chrono allows.
    product(&[LEAD, &["2026-3-9", "+2024-02-29", "-4 - 2 - 29", "0-1-1", "2023-02-29"], TRAIL], |s| {
        check(s, &mut c)
    });
    // Digit counts 0-6 in each field, with and without a sign on the year.
    let digits: Vec<String> = (0..=6).flat_map(|n| ["1", "0", "9"].map(|d| d.repeat(n))).collect();
    let digits: Vec<&str> = digits.iter().map(String::as_str).collect();
    product(&[&["", "+", "-", " "], &digits, &["-", " -"], &digits, &["-"], &digits, &["", " "]], |s| {
        check(s, &mut c)
    });
    eprintln!("{c:?}");
    assert!(c.strings > 600_000, "{c:?}");
    assert!(c.date > 5_000 && c.date_relaxed > c.date, "{c:?}");
}

/// The full lists of date, separator and time variants (with a few fractions and offsets), and
/// the first ones of each in the product with every fraction and offset.
const DT_DATES: &[&str] = &[
    "2026-03-23", "2024-02-29", "2023-02-29", "1900-02-29", "0000-01-01", "9999-12-31",
    "2026-04-31", "2026-13-01", "2026-3-23", "+2026-03-23", "2000-02-29", "2026-00-10", "2026-01-00",
    " 2026-03-23", "2026/03/23", "２026-03-23", "20260-03-23", "2026-03-2",
];

const DT_SEPS: &[&str] = &["T", "t", " ", "", "_", "  ", "Tt", "\u{3000}"];

const DT_TIMES: &[&str] = &[
    "00:00:00", "23:59:59", "23:59:60", "12:30:60", "24:00:00", "12:60:00", "12:30:61", "1:30:00",
    "12:30", "12-30-00", "12:30:00:00", "12:30:0", "00:00:60", "99:99:99", "12:3:00", " 12:30:00",
];

const DT_FRACS: &[&str] = &[
    "", ".", ".0", ".5", ".12", ".123", ".1234", ".12345", ".123456", ".1234567", ".12345678",
    ".123456789", ".1234567891", ".12345678912", ".123456789123", ".999999999", ".9999999999",
    ".000000000001", ".000000001", ",5", ".x", "..5", ". 5", ".٥",
];

const DT_OFFSETS: &[&str] = &[
    "", "Z", "z", "+00:00", "-00:00", "\u{2212}00:00", "\u{2212}05:30", "+05:00", "-05:30", "+0500", "+05",
    "+5:00", "+05:5", "+23:59", "-23:59", "+24:00", "-24:00", "+99:59", "+05:60", "+05:59",
    "+05:00:00", "+05::00", "+05 :00", " Z", "Z ", "Zz", "ZZ", "UTC", "GMT", "+05:00x", "Z\u{3000}", "x",
    "+", "+0", "+05:", "+05:0", "+０5:00",
];

#[test]
fn datetime_parser_matches_chrono_on_every_combination_of_part_variants() {
    let mut c = Counts::default();
    product(&[&DT_DATES[..10], &DT_SEPS[..5], &DT_TIMES[..12], DT_FRACS, DT_OFFSETS], |s| check(s, &mut c));
    let few_fracs: &[&str] = &["", ".", ".5", ".1234567891"];
    let few_offsets: &[&str] = &["Z", "z", "+05:30", "\u{2212}23:59", "+24:00", ""];
    product(&[DT_DATES, DT_SEPS, DT_TIMES, few_fracs, few_offsets], |s| check(s, &mut c));
    // Every date-time prefix and its truncations (short inputs, the 19-byte minimum).
    let full = "2024-02-29T23:59:60.123456789+05:30";
    for end in 0..=full.len() {
        check(&full[..end], &mut c);
    }
    eprintln!("{c:?}");
    assert!(c.strings > 500_000, "{c:?}");
    assert!(c.datetime > 10_000, "{c:?}");
}

const ALPHABET: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '9', '-', ':', 'T', 't', 'Z', 'z', '+', '.', ' ', '\t', ',', '/',
    '\u{2212}', '\u{3000}', '٣',
];

#[test]
fn date_and_datetime_parsers_match_chrono_on_seeded_random_strings() {
    let mut c = Counts::default();
    let mut rng = Rng(0x5eed_da7e);
    let mut s = String::new();
    // Random strings over the characters that matter.
    for _ in 0..200_000 {
        s.clear();
        let len = rng.index(32);
        for _ in 0..len {
            s.push(*rng.pick(ALPHABET));
        }
        check(&s, &mut c);
    }
    // Valid strings with 1-4 random edits (insert, delete, replace a character), which reach
    // the accepting paths far more often.
    let seeds = [
        "2026-03-23", "+2024-02-29", " 26- 1- 5", "-0044-03-15", "2026-03-23T10:15:30Z",
        "2024-02-29t23:59:60.5+05:30", "0000-01-01 00:00:00.000000000001-23:59", "9999-12-31T23:59:59\u{2212}00:00",
    ];
    for _ in 0..200_000 {
        let mut chars: Vec<char> = rng.pick(&seeds).chars().collect();
        for _ in 0..=rng.index(4) {
            let i = rng.index(chars.len() + 1);
            match rng.index(3) {
                0 => chars.insert(i, *rng.pick(ALPHABET)),
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                _ if i < chars.len() => chars[i] = *rng.pick(ALPHABET),
                _ => chars.push(*rng.pick(ALPHABET)),
            }
        }
        s.clear();
        s.extend(chars);
        check(&s, &mut c);
    }
    eprintln!("{c:?}");
    assert!(c.date > 1_000 && c.date_relaxed > 1_000 && c.datetime > 1_000, "{c:?}");
}

/// chrono's less expected answers, pinned as literal values (the differential tests above only
/// say "as chrono does").
#[test]
fn chrono_quirks_are_reproduced_literally() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
    // Blanks before each number, 1-digit fields, short and signed years.
    assert_eq!(parse_date(" 2026- 1-\u{3000}5"), d(2026, 1, 5));
    assert_eq!(parse_date("26-1-1"), d(26, 1, 1));
    assert_eq!(parse_date("+000000002024-02-29"), d(2024, 2, 29));
    assert_eq!(parse_date("-44-03-15"), d(-44, 3, 15));
    assert_eq!(parse_date("+12345-01-01"), d(12345, 1, 1));
    // Not: 5 unsigned digits, 3-digit months, a blank before `-` or at the end, no such day.
    assert_eq!(parse_date("12345-01-01"), None);
    assert_eq!(parse_date("2026-001-01"), None);
    assert_eq!(parse_date("2026 -01-01"), None);
    assert_eq!(parse_date("2026-01-01 "), None);
    assert_eq!(parse_date("2023-02-29"), None);
    // The relaxed form (`asOf`, `--as-of`) takes those blanks.
    assert_eq!(parse_date_relaxed("2026 - 01 - 01 "), d(2026, 1, 1));
    assert_eq!(parse_date_relaxed("2026-01-01x"), None);

    let dt = |s: &str| parse_datetime(s).map(|d| (d.naive_local().to_string(), d.offset().local_minus_utc()));
    let some = |t: &str, off: i32| Some((t.to_string(), off));
    assert_eq!(dt("2026-03-23t10:15:30z"), some("2026-03-23 10:15:30", 0));
    assert_eq!(dt("2026-03-23 10:15:30-00:00"), some("2026-03-23 10:15:30", 0));
    assert_eq!(dt("2026-03-23T10:15:30\u{2212}05:30"), some("2026-03-23 10:15:30", -(5 * 3600 + 30 * 60)));
    assert_eq!(dt("2026-03-23T10:15:30.1234567891+23:59"), some("2026-03-23 10:15:30.123456789", 23 * 3600 + 59 * 60));
    assert_eq!(dt("2026-03-23T10:15:60Z"), some("2026-03-23 10:15:60", 0));
    assert_eq!(dt("2026-03-23T10:15:60.5Z"), some("2026-03-23 10:15:60.500", 0));
    for refused in [
        "2026-03-23T10:15:30+24:00",
        "2026-03-23T10:15:30+0500",
        "2026-03-23T10:15:30+05",
        "2026-03-23T10:15:30.Z",
        "2026-03-23T10:15:30Z ",
        "2026-03-23T10:15:30",
        "+2026-03-23T10:15:30Z",
        "2026-03-23T10:15:30UTC",
    ] {
        assert_eq!(parse_datetime(refused), None, "{refused:?}");
    }
}
