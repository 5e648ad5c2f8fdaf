//! `parse_f64` against core's `str::parse::<f64>`, bit for bit (NaN's sign included), accepting
//! and refusing the same texts: Rust's renderings of random bit patterns and edge values
//! (shortest, exponent, rounded to random precisions), the exact midpoints between neighbouring
//! floats with texts just above and below them (the ties, the overflow boundary, texts longer
//! than the 800 digits kept), and malformed or special texts.

use super::float_parse::parse_f64;
use crate::test_rng::Rng;

/// Random cases are multiplied by this in an optimised build (`cargo test --release`): the
/// debug run stays within seconds, the release run covers twenty times as many.
const SCALE: u64 = if cfg!(debug_assertions) { 1 } else { 20 };


/// Asserts `parse_f64(s)` is `s.parse::<f64>().ok()` to the bit; returns 1 (a case).
fn check(s: &str) -> usize {
    let ours = parse_f64(s).map(f64::to_bits);
    let core = s.parse::<f64>().ok().map(f64::to_bits);
    assert_eq!(ours, core, "parse_f64({s:?}): {:?} (core {:?})", ours.map(f64::from_bits), core.map(f64::from_bits));
    1
}

/// The next float up (toward +∞), for finite `f` below `f64::MAX`.
fn up(f: f64) -> f64 {
    let b = f.to_bits();
    if f == 0.0 {
        f64::from_bits(1)
    } else if f > 0.0 {
        f64::from_bits(b + 1)
    } else {
        f64::from_bits(b - 1)
    }
}

fn down(f: f64) -> f64 {
    -up(-f)
}

/// Edge values: zeros, subnormals, the normal range's ends, powers of ten and two with their
/// neighbours, integers around 2^53, values where Display changes layout (1e16, 1e-5 and the
/// like), and common fractions.
fn edge_values() -> Vec<f64> {
    let mut v = vec![
        0.0,
        1.0,
        0.1,
        0.2,
        0.3,
        0.5,
        1.5,
        2.5,
        1.0 / 3.0,
        2.0 / 3.0,
        std::f64::consts::PI,
        std::f64::consts::E,
        f64::EPSILON,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::from_bits(1),
        f64::from_bits(2),
        f64::from_bits(3),
        f64::from_bits((1 << 52) - 1),
        f64::from_bits(1 << 51),
        9007199254740992.0,
        9007199254740993.0,
        18014398509481984.0,
        123456789012345680.0,
        0.000123,
        0.00001,
        0.0000099999,
        9999999999999998.0,
        1e15 + 0.3,
        4.35,
        1e23,
        8.41e21,
        5e-324,
    ];
    for e in -323..=308 {
        v.push(format!("1e{e}").parse().unwrap_or(0.0));
        if (-30..=30).contains(&e) || e % 7 == 0 {
            v.push(format!("5e{e}").parse().unwrap_or(0.0));
            v.push(format!("9.999999999999999e{e}").parse().unwrap_or(0.0));
        }
    }
    for e in -1074..=1023 {
        v.push(2f64.powi(e));
    }
    for i in 0..=64u32 {
        let n = 1u64 << i.min(63);
        for d in [0u64, 1, 2, 3] {
            v.push(n.wrapping_add(d) as f64);
            v.push(n.wrapping_sub(d) as f64);
        }
    }
    // Each with its neighbours; the sign only flips the result, so negatives without them.
    let mut out = Vec::new();
    for f in v {
        out.extend([f, -f]);
        if f.is_finite() && f.abs() < f64::MAX {
            out.extend([up(f), down(f)]);
        }
    }
    out.extend([f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN]);
    out
}

/// Rust's texts of `f`: Display, `{:e}`, Debug, and rounded to a random precision (texts
/// between floats, so rounding decides).
fn renderings(f: f64, rng: &mut Rng, out: &mut Vec<String>) {
    out.push(format!("{f}"));
    out.push(format!("{f:e}"));
    out.push(format!("{f:?}"));
    out.push(format!("{f:E}"));
    let p = rng.below(20) as usize;
    out.push(format!("{f:.p$e}"));
    if f.abs() < 1e30 {
        out.push(format!("{f:.p$}"));
    }
}

#[test]
fn parse_f64_matches_core_on_renderings_of_random_and_edge_values() {
    let mut rng = Rng(0x5EED_F10A_7000_0001);
    let mut cases = 0;
    let mut texts = Vec::new();
    for f in edge_values() {
        renderings(f, &mut rng, &mut texts);
    }
    // Random bit patterns (every exponent alike), then random values of every magnitude a
    // pack may plausibly hold.
    for i in 0..10_000 * SCALE {
        let f = if i % 3 == 2 {
            (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(rng.below(40) as i32 - 20)
        } else {
            f64::from_bits(rng.next())
        };
        renderings(f, &mut rng, &mut texts);
    }
    for t in &texts {
        cases += check(t);
    }
    assert!(cases > 120_000, "{cases} cases");
    eprintln!("parse_f64 vs core: {cases} renderings");
}

/// The exact decimal text of (2m + 1) · 2^(e − 1), the midpoint between m · 2^e and the float
/// above it: digits and a power of ten.
fn midpoint(f: f64) -> (String, i64) {
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7FF) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | (1 << 52), exp - 1075) };
    // Little-endian base 10^9 digits.
    let mut big: Vec<u64> = vec![(2 * m + 1) % 1_000_000_000, (2 * m + 1) / 1_000_000_000];
    let mul = |big: &mut Vec<u64>, x: u64| {
        let mut carry = 0;
        for limb in big.iter_mut() {
            let n = *limb * x + carry;
            *limb = n % 1_000_000_000;
            carry = n / 1_000_000_000;
        }
        while carry > 0 {
            big.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    };
    let pow10 = if e >= 1 {
        for _ in 0..e - 1 {
            mul(&mut big, 2);
        }
        0
    } else {
        for _ in 0..1 - e {
            mul(&mut big, 5);
        }
        e - 1
    };
    while big.len() > 1 && big.last() == Some(&0) {
        big.pop();
    }
    let mut s = big.last().map(|d| d.to_string()).unwrap_or_default();
    for limb in big.iter().rev().skip(1) {
        s.push_str(&format!("{limb:09}"));
    }
    (s, pow10)
}

#[test]
fn parse_f64_matches_core_on_midpoints_between_neighbours() {
    let mut rng = Rng(0x5EED_F10A_7000_0002);
    let mut values = vec![0.0, f64::from_bits(1), f64::from_bits((1 << 52) - 1), f64::MIN_POSITIVE, 1.0, 0.5, 1e22, 1e23, 9007199254740992.0];
    values.push(down(f64::MAX));
    values.push(f64::MAX); // its midpoint is where overflow begins
    for _ in 0..500 * SCALE {
        values.push(f64::from_bits(rng.next() & !(1 << 63)).min(f64::MAX));
    }
    for _ in 0..100 * SCALE {
        values.push(f64::from_bits(rng.next() & ((1 << 52) - 1))); // subnormal
    }
    for i in 0..200 {
        values.push(2f64.powi(i * 10 - 1074));
    }
    let mut cases = 0;
    for f in values {
        let (d, p) = midpoint(f);
        let cut = &d[..d.len() - 1];
        let long_zeros = "0".repeat(900usize.saturating_sub(d.len()));
        for sign in ["", "-"] {
            cases += check(&format!("{sign}{d}e{p}")); // the tie: to even
            cases += check(&format!("{sign}{d}1e{}", p - 1)); // just above
            cases += check(&format!("{sign}{cut}e{}", p + 1)); // below
            cases += check(&format!("{sign}{d}{long_zeros}e{}", p - long_zeros.len() as i64)); // the tie, long
            cases += check(&format!("{sign}{d}{long_zeros}1e{}", p - long_zeros.len() as i64 - 1)); // above, long
            cases += check(&format!("{sign}{cut}9{long_zeros}e{}", p - long_zeros.len() as i64)); // below, long
            // As a fraction with the point inside the digits, and with leading zeros.
            let at = rng.below(d.len() as u64) as usize;
            let shifted = p + (d.len() - at) as i64;
            cases += check(&format!("{sign}{}.{}e{shifted}", &d[..at], &d[at..]));
            cases += check(&format!("{sign}000.000{d}e{}", p + d.len() as i64 + 3));
        }
    }
    assert!(cases > 12_000, "{cases} cases");
    eprintln!("parse_f64 vs core: {cases} texts around midpoints");
}

#[test]
fn parse_f64_matches_core_on_malformed_and_special_texts() {
    let mut cases = 0;
    let fixed = [
        "", "+", "-", ".", "+.", "-.", "e", "e5", ".e5", "5.", ".5", "-.5", "+5.", "1.e5", "1.E-5",
        "1e", "1e+", "1e-", "1e+-5", "--1", "+-1", "-+1", " 1", "1 ", "1_000", "1..2", "1.2.3",
        "1e5.5", "1e5e5", "0x10", "1f", "١", "１", "0", "-0", "+0", "00", "-00.000", "0e0",
        "0e99999999999999999999", "-0e-99999999", "inf", "+inf", "-inf", "INF", "iNf", "infinity",
        "-Infinity", "INFINITY", "infinit", "infinityy", "in", "nan", "NaN", "-nan", "+NAN",
        "nan(1)", "nana", "snan", "1e308", "1e309", "-1e309", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308", "1e-324", "2e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "3e-324", "1e-323", "1e-400", "9e-325", "1e65535", "1e65536",
        "1e655359", "1e6553590", "1e-65536", "1e-6553590",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.1000000000000000055511151231257827021181583404541015624",
        "0.1000000000000000055511151231257827021181583404541015626",
        "9007199254740993", "9007199254740993.0000000000000000000000001", "9007199254740995",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
    ];
    for s in fixed {
        cases += check(s);
    }
    // Long texts: many digits, the point far out, and the saturating exponent (core reads
    // at most 655 359 of an exponent, whatever the digits).
    let ones = "1".repeat(2_000);
    let zeros = "0".repeat(70_000);
    let long = [
        format!("1{zeros}"),
        format!("0.{zeros}1"),
        format!("1{zeros}e-70000"),
        format!("1{zeros}e-70001"),
        format!("0.{zeros}1e70001"),
        format!("0.{zeros}1e70000"),
        ones.clone(),
        format!("0.{ones}"),
        format!("{ones}e-2300"),
        format!("{ones}e-2000"),
        format!("{ones}.{ones}e-500"),
        format!("1{}e-9999", "0".repeat(9_700)),
        format!("{}5", "0".repeat(1_000)),
        format!("4.{}5e-324", "9".repeat(1_000)),
        format!("2.4703282292062327{}e-324", "9".repeat(1_000)),
        format!("2.4703282292062328{}1e-324", "0".repeat(1_000)),
    ];
    for s in &long {
        cases += check(s);
    }
    eprintln!("parse_f64 vs core: {cases} malformed, special and long texts");
}

#[test]
fn parse_f64_matches_core_on_random_texts() {
    // Short texts over the characters a float is written with (and a few it is not): whether
    // each is accepted, and its value.
    let alphabet = b"0123456789012345678901234567890123456789..eE+-+-iInNfFaAtTyY_ x";
    let mut rng = Rng(0x5EED_F10A_7000_0003);
    let mut cases = 0;
    let mut s = String::new();
    for _ in 0..150_000 * SCALE {
        s.clear();
        for _ in 0..rng.below(12) {
            s.push(alphabet[rng.below(alphabet.len() as u64) as usize] as char);
        }
        cases += check(&s);
    }
    // Random digit strings of every length up to 40 with a point and an exponent.
    for _ in 0..40_000 * SCALE {
        s.clear();
        let n = 1 + rng.below(40);
        let point = rng.below(n + 1);
        for i in 0..n {
            if i == point {
                s.push('.');
            }
            s.push((b'0' + rng.below(10) as u8) as char);
        }
        s.push_str(&format!("e{}", rng.below(700) as i64 - 350));
        cases += check(&s);
    }
    eprintln!("parse_f64 vs core: {cases} random texts");
}
