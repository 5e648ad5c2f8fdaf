//! Generic format checks used as built-in functions of the check language
//! (docs/RULES.md §5): IIN/BIN check digits, ICD-10 shape and ranges, and the
//! normalisation used to compare drug names written in Kazakh, Russian or Latin.
//!
//! Every function here is total: it accepts any Unicode input and never panics
//! (no unchecked indexing, no `unwrap`), because a panic inside the WASM build
//! traps the whole module.
use chrono::NaiveDate;
use std::cmp::Ordering;

// ---------------------------------------------------------------------------
// IIN / BIN
// ---------------------------------------------------------------------------

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
fn check_digit(first11: &[u32]) -> Option<u32> {
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

// ---------------------------------------------------------------------------
// ICD-10
// ---------------------------------------------------------------------------

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
                for (slot, d) in sub.iter_mut().zip(digits) {
                    *slot = *d;
                }
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
    let is_sep = |c: char| c == '-' || c == '\u{2013}';
    let (i, sep) = range.char_indices().find(|&(_, c)| is_sep(c))?;
    let from = range.get(..i)?;
    let to = range.get(i + sep.len_utf8()..)?;
    if to.contains(is_sep) {
        return Some(Err(()));
    }
    Some(Ok((from, to)))
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
        None => match Icd10::parse(range.trim()) {
            Some(single) => code.cmp_at_precision_of(&single) == Ordering::Equal,
            None => false,
        },
        Some(Ok((from, to))) => match (Icd10::parse(from.trim()), Icd10::parse(to.trim())) {
            (Some(from), Some(to)) => {
                code.cmp_at_precision_of(&from) != Ordering::Less
                    && code.cmp_at_precision_of(&to) != Ordering::Greater
            }
            _ => false,
        },
        Some(Err(())) => false,
    }
}

// ---------------------------------------------------------------------------
// Drug-name normalisation
// ---------------------------------------------------------------------------

/// Cyrillic letters (after lowercasing) that look like a Latin letter, mapped to it.
fn lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' | 'һ' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԛ' => 'q',
        'ԝ' => 'w',
        _ => return None,
    })
}

/// Hyphens, dashes and minus signs: all compared as a space.
fn is_dash(c: char) -> bool {
    const DASHES: &[char] = &[
        '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}',
        '\u{2E3A}', '\u{2E3B}', '\u{FE58}', '\u{FE63}', '\u{FF0D}',
    ];
    DASHES.contains(&c)
}

/// Invisible characters that copy-paste leaves in names: dropped.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// A drug name (INN or trade name) normalised for comparison, so that spellings
/// differing only in case, spacing, hyphenation or Cyrillic/Latin look-alike
/// letters compare equal. Steps, in order:
///
/// 1. Unicode lowercase (`char::to_lowercase`).
/// 2. Decomposed `й` (`и` + U+0306) is composed; a combining diaeresis U+0308
///    after `е` is dropped (so a decomposed `ё` folds like `ё`).
/// 3. `ё` is folded to `е`, then Cyrillic look-alikes are mapped to Latin:
///
///    | Cyrillic | а | в | е ё | к | м | н | о | р | с | т | у | х | і | ј | ѕ | һ | ԛ | ԝ |
///    |----------|---|---|-----|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
///    | Latin    | a | b | e   | k | m | h | o | p | c | t | y | x | i | j | s | h | q | w |
///
///    (The table lists lowercase forms; uppercase `А В Е Н К М О Р С Т Х …` reach
///    it through step 1, which is why `н`→`h` and `в`→`b`: `Н`/`В` look like `H`/`B`.)
///    Other letters (`и`, `л`, `д`, Kazakh `ә ғ қ ң ө ұ ү`, …) are kept.
/// 4. Hyphens, dashes and minus signs (U+002D, U+2010–U+2015, U+2212, …) become a
///    space, so `альфа-2b` = `альфа 2b`; soft hyphens and zero-width characters
///    (U+00AD, U+200B–U+200D, U+2060, U+FEFF) are removed.
/// 5. Every run of Unicode whitespace becomes one space; leading and trailing
///    whitespace is removed.
///
/// The result is only meant to be compared with other normalised names: e.g.
/// `Имиглюцераза` becomes `иmиглюцepaзa`, and so does the same word typed with
/// a Latin `a`, `e`, `p` or `c`. Punctuation other than dashes is kept.
#[must_use]
pub fn norm_name(s: &str) -> String {
    if s.is_ascii() {
        return norm_name_ascii(s);
    }
    // Rules normalise the same names over and over (every spelling of the orphan list, for
    // every document): remember the normalised form of short non-ASCII names, per thread.
    if s.len() <= NAME_CACHE_MAX_LEN {
        return NAME_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(hit) = cache.get(s) {
                return hit.to_string();
            }
            let out = norm_name_unicode(s);
            if cache.len() >= NAME_CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(s.into(), out.as_str().into());
            out
        });
    }
    norm_name_unicode(s)
}

/// Longest name (bytes) whose normalised form is cached.
const NAME_CACHE_MAX_LEN: usize = 256;
/// Entries per thread before the cache starts over (bounds its memory to about 2 MiB).
const NAME_CACHE_ENTRIES: usize = 4096;

thread_local! {
    static NAME_CACHE: std::cell::RefCell<std::collections::HashMap<Box<str>, Box<str>, FnvBuild>> =
        const { std::cell::RefCell::new(std::collections::HashMap::with_hasher(FnvBuild)) };
}

/// The starting state of FNV-1a (64 bits).
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a (64 bits) of `bytes`, continued from state `h` ([`FNV_OFFSET`] to start).
pub(crate) fn fnv1a(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// FNV-1a: a short name hashes in a few instructions per byte (the cache must be much cheaper
/// than the normalisation it saves; SipHash is not).
#[derive(Clone, Copy, Default)]
struct FnvBuild;

struct Fnv(u64);

impl std::hash::BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(FNV_OFFSET)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv1a(self.0, bytes);
    }
}

/// [`norm_name`] by the general (Unicode) steps.
fn norm_name_unicode(s: &str) -> String {
    let mut st = Normaliser { out: String::with_capacity(s.len()), pending_space: false, prev: None };
    for c in s.chars() {
        match simple_lowercase(c) {
            Some(l) => st.push(l),
            None => c.to_lowercase().for_each(|l| st.push(l)),
        }
    }
    st.out
}

/// `c.to_lowercase()` for the characters names are mostly made of (ASCII letters, digits and
/// space, the basic Cyrillic alphabet), without the Unicode case tables; `None` for the rest.
fn simple_lowercase(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' | ' ' | 'а'..='я' => Some(c),
        'А'..='Я' => char::from_u32(u32::from(c) + 0x20),
        _ => None,
    }
}

/// The state of [`norm_name_unicode`], fed one lowercase character at a time.
struct Normaliser {
    out: String,
    pending_space: bool,
    /// The last letter written, before look-alike mapping.
    prev: Option<char>,
}

impl Normaliser {
    fn push(&mut self, c: char) {
        if is_invisible(c) {
            return;
        }
        if c.is_whitespace() || is_dash(c) {
            self.pending_space = !self.out.is_empty();
            self.prev = None;
            return;
        }
        // Combining marks that complete a Cyrillic letter written decomposed.
        match (self.prev, c) {
            (Some('и'), '\u{0306}') => {
                self.out.pop();
                self.out.push('й');
                self.prev = Some('й');
                return;
            }
            (Some('е'), '\u{0308}') => return,
            _ => {}
        }
        if self.pending_space {
            self.out.push(' ');
            self.pending_space = false;
        }
        self.out.push(lookalike(c).unwrap_or(c));
        self.prev = Some(c);
    }
}

/// [`norm_name`] of an ASCII string (no look-alikes, invisible characters or combining marks
/// can occur): lowercase, whitespace and `-` runs as one space, trimmed. Byte by byte.
fn norm_name_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_whitespace() || c == '-' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_lowercase_agrees_with_unicode_lowercase() {
        for c in ('\0'..='\u{04FF}').chain(['\u{1E9E}', 'Ω', 'İ']) {
            if let Some(l) = simple_lowercase(c) {
                assert_eq!(c.to_lowercase().collect::<String>(), l.to_string(), "{c:?}");
            }
        }
        assert_eq!(simple_lowercase('Ё'), None, "Ё is outside А–Я: the general path");
        assert_eq!(norm_name_unicode("ВЕЛАГЛЮЦЕРАЗА Ёлка İ"), norm_name_unicode("велаглюцераза ёлка i̇"));
    }

    #[test]
    fn cached_names_normalise_like_uncached() {
        for name in ["Велаглюцераза  альфа", "ИМИГЛЮЦЕРАЗА", "Vеlaglucеrasе—alfa", "и\u{0306}од"] {
            let first = norm_name(name);
            assert_eq!(norm_name(name), first, "{name}");
            assert_eq!(norm_name_unicode(name), first, "{name}");
        }
    }

    #[test]
    fn ascii_names_normalise_like_any_other() {
        assert_eq!(norm_name("  VELAGLUCERASE--Alfa\t"), "velaglucerase alfa");
        assert_eq!(norm_name("a\u{0B}b - c"), "a b c");
        assert_eq!(norm_name("078/E"), norm_name("078/\u{0435}"));
        assert_eq!(norm_name(""), "");
    }

    /// Appends the check digit to 11 digits, or `None` if no check digit exists.
    fn with_check_digit(first11: &str) -> Option<String> {
        let digits: Vec<u32> = first11
            .chars()
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()?;
        if digits.len() != 11 {
            return None;
        }
        let c = check_digit(&digits)?;
        Some(format!("{first11}{c}"))
    }

    /// Every digit but `c` as the 12th digit of `first11`.
    fn wrong_check_digits(first11: &str, right: char) -> Vec<String> {
        ('0'..='9')
            .filter(|&d| d != right)
            .map(|d| format!("{first11}{d}"))
            .collect()
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    /// Fixed valid IINs (computed independently) with their birth dates.
    const KNOWN_VALID_IINS: [(&str, (i32, u32, u32)); 9] = [
        ("850515300125", (1985, 5, 15)),
        ("900101400102", (1990, 1, 1)),
        ("000229601230", (2000, 2, 29)),
        ("011231507774", (2001, 12, 31)),
        ("751203400563", (1975, 12, 3)),
        ("991231300457", (1999, 12, 31)),
        ("050201500094", (2005, 2, 1)),
        ("210316100019", (1821, 3, 16)),
        ("850115300205", (1985, 1, 15)), // first remainder 10: check digit from w2
    ];

    const KNOWN_VALID_BINS: [&str; 4] = [
        "050140001238",
        "120840015675",
        "991260000459",
        "200341000126",
    ];

    // --- IIN ---

    #[test]
    fn known_valid_iins_are_valid_and_give_their_birth_dates() {
        for (iin, (y, m, d)) in KNOWN_VALID_IINS {
            assert!(iin_valid(iin), "{iin}");
            assert_eq!(iin_birth_date(iin), Some(ymd(y, m, d)), "{iin}");
        }
    }

    #[test]
    fn generated_iins_with_computed_check_digit_are_valid() {
        let mut checked = 0;
        for (date, century) in [
            ("850515", 3),
            ("930709", 4),
            ("120101", 5),
            ("240229", 6),
            ("991231", 1),
            ("000101", 2),
        ] {
            for serial in 0..200 {
                let first11 = format!("{date}{century}{serial:04}");
                if let Some(iin) = with_check_digit(&first11) {
                    assert!(iin_valid(&iin), "{iin}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn iin_with_wrong_check_digit_is_invalid() {
        for (iin, _) in KNOWN_VALID_IINS {
            let (first11, right) = iin.split_at(11);
            let right = right.chars().next().expect("12th digit");
            for wrong in wrong_check_digits(first11, right) {
                assert!(!iin_valid(&wrong), "{wrong}");
            }
        }
    }

    #[test]
    fn iin_with_first_remainder_ten_uses_second_weights() {
        // 85011530020: Σ d·w1 mod 11 = 10, Σ d·w2 mod 11 = 5.
        assert_eq!(
            with_check_digit("85011530020").as_deref(),
            Some("850115300205")
        );
        assert!(iin_valid("850115300205"));
        // The digit a naive "10 → 0" rule would give is wrong.
        assert!(!iin_valid("850115300200"));
    }

    #[test]
    fn iin_with_second_remainder_ten_is_invalid() {
        // Both passes give 10 for these 11 digits, so no 12th digit makes them valid.
        for first11 in ["82121424009", "85011530028"] {
            assert_eq!(with_check_digit(first11), None);
            for d in '0'..='9' {
                assert!(!iin_valid(&format!("{first11}{d}")), "{first11}{d}");
            }
        }
    }

    #[test]
    fn reference_vector_821214240092_is_invalid() {
        assert!(!iin_valid("821214240092"));
    }

    #[test]
    fn iin_with_unassigned_century_digit_is_invalid() {
        for century in ['0', '7', '8', '9'] {
            let first11 = format!("850515{century}0012");
            if let Some(iin) = with_check_digit(&first11) {
                assert!(!iin_valid(&iin), "{iin}");
                assert_eq!(iin_birth_date(&iin), None, "{iin}");
            }
        }
    }

    #[test]
    fn iin_with_impossible_date_is_invalid() {
        // 29 Feb 1900 does not exist (1900 is not a leap year); 29 Feb 2000 does.
        let leap_1900 = with_check_digit("00022940123").expect("check digit");
        assert!(!iin_valid(&leap_1900));
        assert!(iin_valid("000229601230"));
        for date in ["851315", "850001", "850500", "850532", "850431", "010229"] {
            for century in 1..=6 {
                if let Some(iin) = with_check_digit(&format!("{date}{century}0012")) {
                    assert!(!iin_valid(&iin), "{iin}");
                    assert_eq!(iin_birth_date(&iin), None, "{iin}");
                }
            }
        }
    }

    #[test]
    fn iin_must_be_exactly_twelve_ascii_digits() {
        for s in [
            "",
            "85051530012",
            "8505153001250",
            " 850515300125",
            "850515300125 ",
            "850515 300125",
            "85051530012a",
            "８５０５１５３００１２５",
            "85051530012٥",
            "+85051530012",
            "850515-300125",
        ] {
            assert!(!iin_valid(s), "{s:?}");
            assert_eq!(iin_birth_date(s), None, "{s:?}");
        }
    }

    #[test]
    fn iin_birth_date_ignores_the_check_digit() {
        assert_eq!(iin_birth_date("850515300120"), Some(ymd(1985, 5, 15)));
        assert!(!iin_valid("850515300120"));
    }

    #[test]
    fn iin_birth_date_uses_the_century_digit() {
        assert_eq!(iin_birth_date("120101100000"), Some(ymd(1812, 1, 1)));
        assert_eq!(iin_birth_date("120101200000"), Some(ymd(1812, 1, 1)));
        assert_eq!(iin_birth_date("120101300000"), Some(ymd(1912, 1, 1)));
        assert_eq!(iin_birth_date("120101400000"), Some(ymd(1912, 1, 1)));
        assert_eq!(iin_birth_date("120101500000"), Some(ymd(2012, 1, 1)));
        assert_eq!(iin_birth_date("120101600000"), Some(ymd(2012, 1, 1)));
    }

    // --- BIN ---

    #[test]
    fn known_valid_bins_are_valid() {
        for bin in KNOWN_VALID_BINS {
            assert!(bin_valid(bin), "{bin}");
        }
    }

    #[test]
    fn bin_with_wrong_check_digit_is_invalid() {
        for bin in KNOWN_VALID_BINS {
            let (first11, right) = bin.split_at(11);
            let right = right.chars().next().expect("12th digit");
            for wrong in wrong_check_digits(first11, right) {
                assert!(!bin_valid(&wrong), "{wrong}");
            }
        }
    }

    #[test]
    fn bin_entity_type_must_be_four_to_six_and_attribute_zero_to_three() {
        for kind in 0..=9 {
            for attribute in 0..=9 {
                let first11 = format!("0501{kind}{attribute}00012");
                let Some(bin) = with_check_digit(&first11) else {
                    continue;
                };
                let expected = (4..=6).contains(&kind) && attribute <= 3;
                assert_eq!(bin_valid(&bin), expected, "{bin}");
            }
        }
    }

    #[test]
    fn bin_registration_month_must_be_one_to_twelve() {
        for month in 0..=99 {
            let Some(bin) = with_check_digit(&format!("05{month:02}4000012")) else {
                continue;
            };
            assert_eq!(bin_valid(&bin), (1..=12).contains(&month), "{bin}");
        }
    }

    #[test]
    fn bin_must_be_exactly_twelve_ascii_digits() {
        for s in [
            "",
            "05014000123",
            "0501400012380",
            "05014000123 8",
            "O50140001238",
            "０５０１４０００１２３８",
        ] {
            assert!(!bin_valid(s), "{s:?}");
        }
    }

    #[test]
    fn individual_iin_is_not_a_bin() {
        // Digit 5 of an IIN is a day digit, never an entity type for these dates.
        assert!(!bin_valid("850515300125"));
    }

    // --- ICD-10 shape ---

    #[test]
    fn icd10_accepts_category_and_one_or_two_subcategory_digits() {
        for s in [
            "E84", "E75.2", "G12.1", "E84.0", "D59.5", "C91.00", "e75.2", "z99", "A00.9",
        ] {
            assert!(icd10_valid(s), "{s}");
        }
    }

    #[test]
    fn icd10_rejects_malformed_codes() {
        for s in [
            "", "E", "E7", "75.2", "E75.", "E75.2.1", "E752", "E75.123", "E75,2", " E84", "E84 ",
            "E75.X", "G63.3*", "G63.3†", "EE75", "E7.5", "E 75", "1E75", ".", "E75-E76",
        ] {
            assert!(!icd10_valid(s), "{s:?}");
        }
    }

    #[test]
    fn icd10_rejects_cyrillic_lookalike_letters() {
        // Cyrillic Е (U+0415), С (U+0421) and lowercase е.
        for s in ["Е84", "С91.0", "е75.2"] {
            assert!(!icd10_valid(s), "{s:?}");
        }
    }

    // --- ICD-10 ranges ---

    #[test]
    fn icd10_single_code_covers_itself_and_its_children() {
        assert!(icd10_in("E84", "E84"));
        assert!(icd10_in("E84.0", "E84"));
        assert!(icd10_in("E84.11", "E84"));
        assert!(icd10_in("E76.1", "E76.1"));
        assert!(icd10_in("E76.10", "E76.1"));
        assert!(!icd10_in("E76", "E76.1"));
        assert!(!icd10_in("E76.2", "E76.1"));
        assert!(!icd10_in("E85", "E84"));
        assert!(!icd10_in("F84", "E84"));
    }

    #[test]
    fn icd10_range_is_inclusive_of_both_bounds() {
        assert!(icd10_in("E76.0", "E76.0-E76.2"));
        assert!(icd10_in("E76.1", "E76.0-E76.2"));
        assert!(icd10_in("E76.2", "E76.0-E76.2"));
        assert!(icd10_in("G12.0", "G12.0-G12.1"));
        assert!(icd10_in("G12.1", "G12.0-G12.1"));
        assert!(!icd10_in("G12.2", "G12.0-G12.1"));
        assert!(!icd10_in("E76.3", "E76.0-E76.2"));
    }

    #[test]
    fn icd10_range_covers_children_of_upper_bound() {
        assert!(icd10_in("E76.21", "E76.0-E76.2"));
        assert!(icd10_in("E77.9", "E75-E77"));
        assert!(icd10_in("E77.99", "E75-E77"));
        assert!(!icd10_in("E78", "E75-E77"));
        assert!(!icd10_in("E74.9", "E75-E77"));
    }

    #[test]
    fn icd10_range_covers_children_of_lower_bound() {
        assert!(icd10_in("E76.01", "E76.0-E76.2"));
        assert!(icd10_in("E75.2", "E75-E77"));
    }

    #[test]
    fn icd10_category_is_not_inside_a_range_of_its_subcategories() {
        assert!(!icd10_in("E76", "E76.0-E76.2"));
        assert!(!icd10_in("G12", "G12.0-G12.1"));
    }

    #[test]
    fn icd10_range_spans_chapters_in_code_order() {
        assert!(icd10_in("F10", "E75-G12"));
        assert!(icd10_in("G12.9", "E75-G12"));
        assert!(!icd10_in("G13", "E75-G12"));
        assert!(!icd10_in("D99", "E75-G12"));
    }

    #[test]
    fn icd10_range_with_from_after_to_is_empty() {
        assert!(!icd10_in("E76", "E77-E75"));
        assert!(!icd10_in("E76.1", "E76.2-E76.0"));
    }

    #[test]
    fn icd10_in_is_case_insensitive_and_tolerates_spaces_around_dash() {
        assert!(icd10_in("e76.1", "E76.0-E76.2"));
        assert!(icd10_in("E76.1", "e76.0 - e76.2"));
        assert!(icd10_in("E76.1", "  E76.0 -E76.2 "));
        assert!(icd10_in("E76.1", "E76.0 – E76.2")); // en dash
        assert!(icd10_in("e84.1", " e84 "));
    }

    #[test]
    fn icd10_in_with_invalid_code_or_range_is_false() {
        assert!(!icd10_in("E7", "E75-E77"));
        assert!(!icd10_in(" E76.1", "E75-E77"));
        assert!(!icd10_in("Е76.1", "E75-E77")); // Cyrillic Е
        assert!(!icd10_in("E76.1", ""));
        assert!(!icd10_in("E76.1", "-"));
        assert!(!icd10_in("E76.1", "E75-"));
        assert!(!icd10_in("E76.1", "-E77"));
        assert!(!icd10_in("E76.1", "E75-E76-E77"));
        assert!(!icd10_in("E76.1", "E75.-E77"));
        assert!(!icd10_in("E76.1", "E75..E77"));
        assert!(!icd10_in("E76.1", "E75,E76"));
    }

    // --- names ---

    #[test]
    fn name_comparison_ignores_case_and_surrounding_space() {
        assert_eq!(norm_name("  IMIGLUCERASE "), norm_name("imiglucerase"));
        assert_eq!(norm_name("ИМИГЛЮЦЕРАЗА"), norm_name("имиглюцераза"));
        assert_eq!(norm_name("  Imiglucerase\t"), "imiglucerase");
    }

    #[test]
    fn whitespace_runs_collapse_to_one_space() {
        assert_eq!(norm_name("velaglucerase \t\n  alfa"), "velaglucerase alfa");
        assert_eq!(norm_name("velaglucerase\u{00A0}alfa"), "velaglucerase alfa");
        assert_eq!(norm_name("   "), "");
        assert_eq!(norm_name(""), "");
    }

    #[test]
    fn hyphens_and_dashes_compare_as_spaces() {
        let plain = norm_name("Интерферон альфа 2b");
        for s in [
            "Интерферон альфа-2b",
            "Интерферон альфа‐2b",
            "Интерферон альфа – 2b",
            "Интерферон альфа−2b",
        ] {
            assert_eq!(norm_name(s), plain, "{s}");
        }
        assert_eq!(norm_name("-C1-esterase-"), "c1 esterase");
    }

    #[test]
    fn cyrillic_lookalike_letters_match_latin() {
        // "Алглюкозидаза" with Latin A, a, o.
        assert_eq!(norm_name("Aлглюкoзидaзa"), norm_name("Алглюкозидаза"));
        // Every mapped letter, upper and lower case.
        assert_eq!(norm_name("АВЕЁКМНОРСТУХІЈЅҺԚԜ"), "abeekmhopctyxijshqw");
        assert_eq!(norm_name("авеёкмнорстухіјѕһԛԝ"), "abeekmhopctyxijshqw");
    }

    #[test]
    fn atc_codes_with_cyrillic_homoglyphs_match_latin() {
        // Spellings found in the official ALO list (kz-facts.md §2).
        assert_eq!(norm_name("А16АВ16"), norm_name("A16AB16"));
        assert_eq!(norm_name("В02ВХ06"), norm_name("B02BX06"));
        assert_eq!(norm_name("М01СС01"), norm_name("M01CC01"));
        assert_eq!(norm_name("L04AС07"), norm_name("L04AC07"));
    }

    #[test]
    fn yo_folds_to_ye_including_decomposed_forms() {
        assert_eq!(norm_name("Ёлка"), norm_name("елка"));
        assert_eq!(norm_name("е\u{0308}лка"), norm_name("ёлка"));
        assert_eq!(norm_name("и\u{0306}од"), norm_name("йод"));
    }

    #[test]
    fn letters_without_a_latin_lookalike_are_kept() {
        assert_eq!(norm_name("илдгпфщ"), "илдгпфщ");
        assert_eq!(norm_name("ӘҒҚҢӨҰҮ"), "әғқңөұү");
        assert_ne!(norm_name("и"), norm_name("n"));
        assert_ne!(norm_name("ү"), norm_name("y"));
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(
            norm_name("Ими\u{00AD}глю\u{200B}цераза\u{FEFF}"),
            norm_name("Имиглюцераза")
        );
    }

    #[test]
    fn different_drugs_stay_different() {
        assert_ne!(norm_name("Агалзидаза альфа"), norm_name("Агалзидаза бета"));
        assert_ne!(norm_name("Eculizumab"), norm_name("Экулизумаб"));
    }

    #[test]
    fn functions_never_panic_on_arbitrary_unicode() {
        let samples = [
            "",
            "\u{0}",
            "ё",
            "😀😀😀😀😀😀😀😀😀😀😀😀",
            "E😀5.2",
            "E7😀",
            "E75.😀",
            "E75.2😀",
            "-",
            "–",
            "——",
            "E75–",
            "é75",
            "\u{0306}\u{0308}",
            "ꙮꙮꙮ",
            "１２３４５６７８９０１２",
            "E75.2-😀",
            "😀-E75",
        ];
        for s in samples {
            let _ = (
                iin_valid(s),
                bin_valid(s),
                iin_birth_date(s),
                icd10_valid(s),
                norm_name(s),
            );
            for r in samples {
                let _ = icd10_in(s, r);
            }
        }
    }
}
