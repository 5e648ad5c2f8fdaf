//! A JSON object of the document model: its members in input order, found by name (see the
//! parent module's docs), and the [`Hint`] a field access keeps of where it found one.

use std::borrow::Cow;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU32, Ordering};

use hashbrown::{DefaultHashBuilder, HashTable};

use super::Json;

/// Where a member of a given name was last found in the objects looked at (a position in
/// [`Object::iter`]'s order): see [`Object::get_hinted`]. Shared by threads (a pack's expression
/// holds one per field access); a stale or foreign hint only costs one comparison.
#[derive(Default)]
pub struct Hint(AtomicU32);

/// A copy starts where the original last found its member.
#[cfg(not(target_arch = "wasm32"))]
impl Clone for Hint {
    fn clone(&self) -> Hint {
        Hint(AtomicU32::new(self.0.load(Ordering::Relaxed)))
    }
}

/// A hint is a cache: any two are equal (the nodes holding them compute the same).
impl PartialEq for Hint {
    fn eq(&self, _: &Hint) -> bool {
        true
    }
}

impl fmt::Debug for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hint")
    }
}

/// How many members an object has before it gets a hash index (below, a linear scan of the
/// pairs, lengths compared first, is faster than hashing: 32 rather than 16 keeps the
/// prescription's 22-member root unindexed, −1.5 K instructions a validation, callgrind).
pub const INDEX_FROM: usize = 32;

/// A JSON object: members in input order, names unique.
#[derive(Clone, Default)]
pub struct Object<'a> {
    pub(super) pairs: Vec<(Cow<'a, str>, Json<'a>)>,
    /// Positions in `pairs`, hashed by name: present from [`INDEX_FROM`] members on.
    pub(super) index: Option<Box<HashTable<u32>>>,
}

impl fmt::Debug for Object<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.pairs.iter().map(|(k, v)| (k, v))).finish()
    }
}

/// Objects are equal when they hold the same members in the same order.
impl PartialEq for Object<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.pairs == other.pairs
    }
}

/// The hasher of object indexes (one per process: names are compared after hashing, so the
/// seed only spreads them).
fn hasher() -> &'static DefaultHashBuilder {
    static STATE: std::sync::OnceLock<DefaultHashBuilder> = std::sync::OnceLock::new();
    STATE.get_or_init(DefaultHashBuilder::default)
}

pub(super) fn hash(key: &str) -> u64 {
    hasher().hash_one(key)
}

impl<'a> Object<'a> {
    /// An object of `pairs` whose names are unique, indexed when it has more than
    /// [`INDEX_FROM`] of them.
    pub(super) fn from_pairs(pairs: Vec<(Cow<'a, str>, Json<'a>)>) -> Object<'a> {
        let index = (pairs.len() > INDEX_FROM).then(|| {
            let mut t = HashTable::with_capacity(pairs.len());
            let name_at = |i: u32| name_in(&pairs, i);
            for (i, (k, _)) in pairs.iter().enumerate() {
                t.insert_unique(hash(k), i as u32, rehash_names(&name_at));
            }
            Box::new(t)
        });
        Object { pairs, index }
    }

    /// The value of member `key`.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.position(key).and_then(|i| self.pairs.get(i)).map(|(_, v)| v)
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub(super) fn position(&self, key: &str) -> Option<usize> {
        position_in(&self.pairs, self.index.as_deref(), key)
    }

    /// The value of member `key`, looked for first at the position `hint` holds (where an
    /// earlier lookup of the same name found it: documents of one type list their members in
    /// much the same order, so one comparison usually finds it, without a scan or a hash); `hint`
    /// then holds where it was found.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn get_hinted(&self, key: &str, hint: &Hint) -> Option<&Json<'a>> {
        let at = hint.0.load(Ordering::Relaxed) as usize;
        let i = self.position_from(key, at)?;
        if i != at {
            hint.0.store(u32::try_from(i).unwrap_or(u32::MAX), Ordering::Relaxed);
        }
        self.pairs.get(i).map(|(_, v)| v)
    }

    /// The value of member `key`, looked for first at position `*next` (where a walk of the
    /// members in the order they are usually written expects it); `*next` then holds the
    /// position after it.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn get_next(&self, key: &str, next: &mut usize) -> Option<&Json<'a>> {
        let i = self.position_from(key, *next)?;
        *next = i + 1;
        self.pairs.get(i).map(|(_, v)| v)
    }

    /// The position of member `key`: `at` when the member there has that name, else found as
    /// [`Object::get`] finds it.
    // Always inline natively: the hit is one comparison, and whether the callers' heuristics
    // inline it swings a validation by thousands of instructions (callgrind).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn position_from(&self, key: &str, at: usize) -> Option<usize> {
        match self.pairs.get(at) {
            Some((k, _)) if same_bytes(k.as_bytes(), key.as_bytes()) => Some(at),
            _ => self.position(key),
        }
    }

    /// The members, in input order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Json<'a>)> {
        self.pairs.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The values, in input order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Json<'a>> {
        self.pairs.iter().map(|(_, v)| v)
    }

    /// The names, in input order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.pairs.iter().map(|(k, _)| k.as_ref())
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// The position of member `key` among `pairs` (an object's members, `index` their index when
/// they have one).
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub(super) fn position_in(pairs: &[(Cow<'_, str>, Json<'_>)], index: Option<&HashTable<u32>>, key: &str) -> Option<usize> {
    // Most names differ in length: compared first, then the bytes inline (no `memcmp`).
    let bytes = key.as_bytes();
    let same = |k: &Cow<'_, str>| same_bytes(k.as_bytes(), bytes);
    match index {
        None => pairs.iter().position(|(k, _)| same(k)),
        Some(t) => t.find(hash(key), |&i| pairs.get(i as usize).is_some_and(|(k, _)| same(k))).map(|&i| i as usize),
    }
}

/// Whether `s` holds more than whitespace: at once when it starts with a visible ASCII
/// character (no walk through `trim`'s Unicode whitespace test, ≈ 25 instructions a read).
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub fn not_blank(s: &str) -> bool {
    // The WebAssembly module keeps the smaller code.
    #[cfg(not(target_arch = "wasm32"))]
    if s.as_bytes().first().is_some_and(u8::is_ascii_graphic) {
        return true;
    }
    !s.trim().is_empty()
}

/// Whether two slices hold the same bytes: names up to 16 bytes compared as two
/// overlapping words (a call of `memcmp` costs more than the comparison on such short names).
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word8(s: &[u8], tail: bool) -> u64 {
        let w = if tail { s.last_chunk::<8>() } else { s.first_chunk::<8>() };
        w.map_or(0, |w| u64::from_ne_bytes(*w))
    }
    fn word4(s: &[u8], tail: bool) -> u32 {
        let w = if tail { s.last_chunk::<4>() } else { s.first_chunk::<4>() };
        w.map_or(0, |w| u32::from_ne_bytes(*w))
    }
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        8..=16 => word8(a, false) == word8(b, false) && word8(a, true) == word8(b, true),
        4..=7 => word4(a, false) == word4(b, false) && word4(a, true) == word4(b, true),
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

/// The name of member `i` of `pairs` (empty past the end), for [`rehash_names`].
pub(super) fn name_in<'p>(pairs: &'p [(Cow<'_, str>, Json<'_>)], i: u32) -> &'p str {
    pairs.get(i as usize).map_or("", |(k, _)| k)
}

/// The hash of an entry of a table of positions (`HashTable<u32>`) by name, `name_at` giving the
/// name at a position, for an object's index ([`name_in`]) and other tables of names alike. Whatever
/// `name_at` is, the hasher is one closure type, so every such table's growth is compiled
/// once (it runs only as the table grows: the dynamic call costs nothing that matters).
pub(super) fn rehash_names<'p>(name_at: &'p dyn Fn(u32) -> &'p str) -> impl Fn(&u32) -> u64 + 'p {
    move |&i| hash(name_at(i))
}

/// Texts, each once, numbered in the order first entered, found by hash: a set of borrowed names
/// (the pointers a finding covers, the places a rule could not check) on the same table type as
/// an object's index, so it adds no hash table code of its own to the WebAssembly module.
#[derive(Default)]
pub(crate) struct NameSet<'a> {
    names: Vec<&'a str>,
    table: HashTable<u32>,
}

impl<'a> NameSet<'a> {
    /// Enters `name`; whether it was new.
    pub(crate) fn insert(&mut self, name: &'a str) -> bool {
        self.enter(name).1
    }

    /// Enters `name`: its number (0 for the first name entered, 1 for the next new one, …), and
    /// whether it was new.
    pub(crate) fn enter(&mut self, name: &'a str) -> (usize, bool) {
        let h = hash(name);
        if let Some(&i) = self.table.find(h, |&i| self.names.get(i as usize) == Some(&name)) {
            return (i as usize, false);
        }
        let names = &self.names;
        let at = names.len();
        let name_at = |i: u32| names.get(i as usize).copied().unwrap_or("");
        self.table.insert_unique(h, u32::try_from(at).unwrap_or(u32::MAX), rehash_names(&name_at));
        self.names.push(name);
        (at, true)
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.table.find(hash(name), |&i| self.names.get(i as usize) == Some(&name)).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::{NameSet, not_blank};

    #[test]
    fn a_name_set_holds_each_name_once_through_its_growth() {
        let texts: Vec<String> = (0..1000).map(|i| format!("/a/{i}")).collect();
        let mut set = NameSet::default();
        for t in &texts {
            assert!(set.insert(t), "{t} is new");
        }
        for t in &texts {
            assert!(!set.insert(t), "{t} is there already");
            assert!(set.contains(t));
        }
        assert!(!set.contains("/a/1000") && !set.contains(""));
        assert_eq!(set.names.len(), 1000);
        // Numbered in the order first entered.
        assert_eq!(set.enter(&texts[7]), (7, false));
        assert_eq!(set.enter("/b"), (1000, true));
    }

    /// The quick answer for a visible ASCII first character is `trim`'s answer, and every other
    /// string gets `trim`'s answer.
    #[test]
    fn not_blank_is_what_trim_says() {
        for s in ["", " ", "\t\n", "\u{a0}", "\u{2003}x", " x", "x", "~", "\u{7f}", "é", "\u{feff}", "0 ", "\u{85}"] {
            assert_eq!(not_blank(s), !s.trim().is_empty(), "{s:?}");
        }
    }
}
