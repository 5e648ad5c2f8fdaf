//! Decimal text to `f64` exactly as `str::parse::<f64>` reads it (the same accepted text, the
//! same value to the bit), without core's float parser `dec2flt`: its Eisel–Lemire table and code
//! were 13.5 KB of the gzipped WebAssembly module (net of this file), for the few floats a pack
//! may hold.
//!
//! One algorithm only, the exact one (also core's and Go's fallback): the decimal digits are
//! shifted by powers of two until they stand in [1/2, 1), then 53 bits are taken, rounded half to
//! even. No fast path and no rounding shortcut to get wrong; slower than core (microseconds),
//! which no pack notices. `float_parse_tests.rs` compares it with `str::parse` on millions of
//! texts: shortest, exact and rounded renderings of random and edge values, the exact midpoints
//! between neighbouring floats, long and malformed texts.

/// Digits kept from the text. Every boundary between two roundings (a midpoint between
/// neighbouring `f64`s, or where overflow begins) has at most 767 significant digits, so a value
/// cut after 800 digits, with a `1` after them standing for the nonzero rest, rounds the same.
const MAX_DIGITS: usize = 800;

/// `s.parse::<f64>().ok()`: `[+-]` then `inf`, `infinity` or `nan` in any case, or digits with
/// an optional `.` (at least one digit, on either side) and an optional exponent: `e` or `E`,
/// `[+-]`, digits (read as core reads them, saturating from 65 536 on).
pub fn parse_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (negative, b) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let f = match number(b) {
        Some(f) => f,
        None if b.eq_ignore_ascii_case(b"inf") || b.eq_ignore_ascii_case(b"infinity") => f64::INFINITY,
        None if b.eq_ignore_ascii_case(b"nan") => f64::NAN,
        None => return None,
    };
    Some(if negative { -f } else { f })
}

/// An unsigned decimal number, or `None` when `b` is not one.
fn number(b: &[u8]) -> Option<f64> {
    let mut d = Decimal { digits: Vec::new(), point: 0 };
    let mut i = 0;
    let mut any_digit = false;
    let mut in_fraction = false;
    let mut cut = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                any_digit = true;
                if c == b'0' && d.digits.is_empty() {
                    // A leading zero: only moves the point when after it.
                    if in_fraction {
                        d.point -= 1;
                    }
                } else {
                    if d.digits.len() < MAX_DIGITS {
                        d.digits.push(c - b'0');
                    } else if c != b'0' {
                        cut = true;
                    }
                    if !in_fraction {
                        d.point += 1;
                    }
                }
            }
            b'.' if !in_fraction => in_fraction = true,
            _ => break,
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let negative = b.get(i) == Some(&b'-');
        if let Some(b'-' | b'+') = b.get(i) {
            i += 1;
        }
        let start = i;
        let mut exp: i64 = 0;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            if exp < 0x10000 {
                exp = exp * 10 + i64::from(c - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        d.point += if negative { -exp } else { exp };
    }
    if i != b.len() {
        return None;
    }
    if cut {
        d.digits.push(1);
    } else {
        d.trim();
    }
    Some(d.into_f64())
}

/// 0.d₀d₁d₂… × 10^point, each dᵢ in 0..=9, without leading zeros (no digits at all for zero).
struct Decimal {
    digits: Vec<u8>,
    point: i64,
}

impl Decimal {
    fn trim(&mut self) {
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
    }

    /// Multiplies by 2^k, k ≤ 60 (a carry stays below 2^k, so `(9 << k) + carry` fits u64).
    fn shl(&mut self, k: u32) {
        let mut out = Vec::with_capacity(self.digits.len() + 19);
        let mut n: u64 = 0;
        for &c in self.digits.iter().rev() {
            n += u64::from(c) << k;
            out.push((n % 10) as u8);
            n /= 10;
        }
        while n > 0 {
            out.push((n % 10) as u8);
            n /= 10;
        }
        self.point += (out.len() - self.digits.len()) as i64;
        out.reverse();
        self.digits = out;
        self.trim();
    }

    /// Divides a nonzero value by 2^k, k ≤ 60, exactly (each halving adds one digit at most).
    fn shr(&mut self, k: u32) {
        let mask = (1u64 << k) - 1;
        // Read (zeros past the end) until the first digit of the quotient is nonzero.
        let mut n: u64 = 0;
        let mut r = 0;
        while n >> k == 0 {
            n = n * 10 + u64::from(self.digits.get(r).copied().unwrap_or(0));
            r += 1;
        }
        self.point -= r as i64 - 1;
        let mut out = Vec::with_capacity(self.digits.len() + k as usize);
        while let Some(&c) = self.digits.get(r) {
            out.push((n >> k) as u8);
            n = (n & mask) * 10 + u64::from(c);
            r += 1;
        }
        while n > 0 {
            out.push((n >> k) as u8);
            n = (n & mask) * 10;
        }
        self.digits = out;
        self.trim();
    }

    /// The nearest integer, ties to even (the value is below 2^54 here, `point` ≤ 17).
    fn round(&self) -> u64 {
        let Ok(p) = usize::try_from(self.point) else {
            return 0; // below 1/10
        };
        let mut n: u64 = 0;
        for i in 0..p {
            n = n * 10 + u64::from(self.digits.get(i).copied().unwrap_or(0));
        }
        let up = match self.digits.get(p) {
            None => false,
            Some(5) if self.digits.len() == p + 1 => n % 2 == 1,
            Some(&c) => c >= 5,
        };
        n + u64::from(up)
    }

    fn into_f64(mut self) -> f64 {
        if self.digits.is_empty() || self.point < -324 {
            return 0.0; // below 10^-325: under half the least subnormal
        }
        if self.point >= 310 {
            return f64::INFINITY; // 10^309 and more
        }
        // Into [1/2, 1): the value is self × 2^exp. A step of 3·|point| bits never passes 1
        // from below, and stays a step of at least one.
        let mut exp: i64 = 0;
        while self.point > 0 {
            let k = (3 * self.point).min(60);
            self.shr(k as u32);
            exp += k;
        }
        while self.point < 0 || (self.point == 0 && self.digits.first().is_some_and(|&d| d < 5)) {
            let k = (-3 * self.point).clamp(1, 60);
            self.shl(k as u32);
            exp -= k;
        }
        // The value is 2·self × 2^exp with 2·self in [1, 2); below 2^-1022, subnormal.
        exp -= 1;
        if exp < -1022 {
            let mut n = -1022 - exp;
            while n > 0 {
                let k = n.min(60);
                self.shr(k as u32);
                n -= k;
            }
            exp = -1022;
        }
        if exp > 1023 {
            return f64::INFINITY;
        }
        self.shl(53);
        let mut mantissa = self.round();
        if mantissa == 1 << 53 {
            mantissa >>= 1;
            exp += 1;
            if exp > 1023 {
                return f64::INFINITY;
            }
        }
        let biased = if mantissa & (1 << 52) == 0 { 0 } else { (exp + 1023) as u64 };
        f64::from_bits(biased << 52 | (mantissa & ((1 << 52) - 1)))
    }
}
