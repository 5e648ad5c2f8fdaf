//! ICD-10 codes: their shape, and whether a code lies in a range (`A00-B99`, inclusive, a
//! bound covering its subcategories).

use std::cmp::Ordering;

/// A parsed ICD-10 code: chapter letter (uppercased), two-digit category, and
/// the subcategory digits after the dot (0, 1 or 2 of them, as ASCII bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Icd10 {
    letter: u8,
    category: [u8; 2],
    sub: [u8; 2],
    sub_len: usize,
}

impl Icd10 {
    fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let (&letter, rest) = b.split_first()?;
        if !letter.is_ascii_alphabetic() {
            return None;
        }
        let (cat, rest) = rest.split_at_checked(2)?;
        let category: [u8; 2] = cat.try_into().ok()?;
        if !category.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut sub = [0u8; 2];
        let sub_len = match rest.split_first() {
            None => 0,
            Some((b'.', digits)) => {
                if digits.is_empty() || digits.len() > 2 || !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                // Byte by byte: a loop over them is compiled to a call of `memcpy`.
                sub = [digits.first().copied().unwrap_or(0), digits.get(1).copied().unwrap_or(0)];
                digits.len()
            }
            Some(_) => return None,
        };
        Some(Icd10 {
            letter: letter.to_ascii_uppercase(),
            category,
            sub,
            sub_len,
        })
    }

    fn sub(&self) -> &[u8] {
        self.sub.get(..self.sub_len).unwrap_or(&[])
    }

    /// Compares `self` with `bound` after cutting `self` down to the precision of
    /// `bound`, so that a bound stands for itself *and all its children*
    /// (`E76.21` compares equal to the bound `E76.2`, and `E77.9` to `E77`).
    /// Subcategories compare lexicographically, which is the ICD hierarchy order
    /// (`E76.1` < `E76.10` < `E76.19` < `E76.2`).
    fn cmp_at_precision_of(&self, bound: &Icd10) -> Ordering {
        let own = self.sub();
        let cut = own.get(..bound.sub_len.min(own.len())).unwrap_or(own);
        (self.letter, self.category, cut).cmp(&(bound.letter, bound.category, bound.sub()))
    }
}

/// Well-formed ICD-10 code. The accepted shape is, precisely:
///
/// ```text
/// LETTER DIGIT DIGIT [ "." DIGIT [DIGIT] ]
/// ```
///
/// where `LETTER` is a **Latin** letter `A`–`Z` in either case (Cyrillic
/// look-alikes such as `Е` are rejected) and `DIGIT` is an ASCII digit `0`–`9`.
/// So `E84`, `E75.2`, `g12.1`, `C91.00` (a national fifth character) are valid;
/// `E7`, `75.2`, `E75.`, `E75.2.1`, `E752`, `E75.123`, ` E84` (surrounding space),
/// `E75.X` and dagger/asterisk suffixes (`G63.3*`) are not. The WHO
/// classification uses digits only after the dot, so letters are refused there.
#[must_use]
pub fn icd10_valid(s: &str) -> bool {
    Icd10::parse(s).is_some()
}

/// Splits a range `FROM-TO` at its single separator (`-` or the en dash `–`).
/// `None` when there is no separator; `Some(Err)` when there are several.
fn split_range(range: &str) -> Option<Result<(&str, &str), ()>> {
    // Found in the bytes (`-` is ASCII, `–` is E2 80 93 in UTF-8: neither is part of another
    // character), without decoding characters: this runs for every range of every code checked.
    let (i, len) = find_sep(range.as_bytes())?;
    let from = range.get(..i)?;
    let to = range.get(i + len..)?;
    if find_sep(to.as_bytes()).is_some() {
        return Some(Err(()));
    }
    Some(Ok((from, to)))
}

/// The first `-` or `–` in `b`: where, and its length in bytes.
fn find_sep(b: &[u8]) -> Option<(usize, usize)> {
    b.iter().enumerate().find_map(|(i, &c)| match c {
        b'-' => Some((i, 1)),
        0xE2 if b.get(i + 1..i + 3) == Some(&[0x80, 0x93]) => Some((i, 3)),
        _ => None,
    })
}

/// `s` without surrounding whitespace; a bound written without any (the usual case) is returned
/// as it is, without `trim`'s decoding of characters at both ends.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// `code` lies in `range`. Both are case-insensitive; `code` must be a valid
/// ICD-10 code (see [`icd10_valid`]) and each bound of `range` too, otherwise the
/// answer is `false`. Surrounding whitespace of the range and of each bound is
/// ignored; the code itself is taken as written.
///
/// - A single code covers itself and all its children: `E84` covers `E84`,
///   `E84.0`, `E84.11`; `E76.1` covers `E76.1` and `E76.10`–`E76.19`, but not `E76`.
/// - `FROM-TO` (separator `-` or `–`, spaces around it tolerated) is inclusive,
///   and each bound covers its children: `E76.0-E76.2` covers `E76.0`, `E76.1`,
///   `E76.21` but not `E76` (the whole category is wider than the range) nor
///   `E76.3`; `E75-E77` covers everything from `E75` to `E77.99`. A range whose
///   `FROM` is after its `TO` covers nothing.
#[must_use]
pub fn icd10_in(code: &str, range: &str) -> bool {
    let Some(code) = Icd10::parse(code) else {
        return false;
    };
    match split_range(range) {
        None => match Icd10::parse(trim(range)) {
            Some(single) => code.cmp_at_precision_of(&single) == Ordering::Equal,
            None => false,
        },
        Some(Ok((from, to))) => match (Icd10::parse(trim(from)), Icd10::parse(trim(to))) {
            (Some(from), Some(to)) => {
                code.cmp_at_precision_of(&from) != Ordering::Less
                    && code.cmp_at_precision_of(&to) != Ordering::Greater
            }
            _ => false,
        },
        Some(Err(())) => false,
    }
}
