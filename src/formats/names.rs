//! Drug-name normalisation for comparing names written in Kazakh, Russian or Latin: case,
//! look-alike letters, dashes, invisible characters, runs of spaces; a per-thread cache; the
//! FNV-1a hash it keys on.

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
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a (64 bits) of `bytes`, continued from state `h` ([`FNV_OFFSET`] to start).
fn fnv1a(h: u64, bytes: &[u8]) -> u64 {
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
pub(super) fn norm_name_unicode(s: &str) -> String {
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
pub(super) fn simple_lowercase(c: char) -> Option<char> {
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
