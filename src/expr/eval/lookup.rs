//! Lookups: `find` / `find_all` by a key field, over an index built once per input list and
//! key (kept in the `Env`, or shared by every validation for the pack's reference data), or a
//! scan of a short list.

use std::borrow::Cow;
use std::rc::Rc;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rust_decimal::Decimal;
use crate::document::Json;

use crate::expr::builtins::{ListItems, list_items};
use crate::expr::check::Find;
use crate::expr::{Env, EvalError};
use crate::types::Type;
use crate::value::{Val, decode};
use super::*;


/// `find` / `find_all` (out of line, to keep [`eval`]'s stack frame small).
#[inline(never)]
pub(super) fn eval_find<'a>(f: &'a Find, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    let l = eval(&f.list, env)?;
    if l.is_missing_or_null() {
        return Ok(Val::Missing);
    }
    let x = eval(&f.value, env)?;
    let needle = if f.by_name {
        match &x {
            Val::Str(s) => {
                alloc(env, s.len().saturating_mul(3))?;
                Some(Key::Str(Cow::Owned(crate::formats::norm_name(s))))
            }
            _ => None,
        }
    } else {
        Key::of(&x)
    };
    let Some(needle) = needle else {
        return Ok(Val::Missing);
    };
    let q = Lookup {
        path: &f.path,
        index_key: &f.index_key,
        key_ty: &f.key_ty,
        needle: &needle,
        all: f.all,
        by_name: f.by_name,
    };
    if f.shared
        && let (Val::Json(j), Some(shared)) = (&l, env.shared)
        && let Some(items) = j.as_array().filter(|a| a.len() > SCAN_MAX && u32::try_from(a.len()).is_ok_and(|n| n < u32::MAX))
    {
        let hits = shared.hits(j, items, &q);
        return found(&ListItems::Json(items), hits, &q, &f.elem, env);
    }
    find(&l, &q, &f.elem, env)
}

/// Input lists up to this length are scanned rather than indexed.
pub const SCAN_MAX: usize = 8;

/// A lookup key: a scalar value, equal exactly when `==` says so (and ordered to be sorted).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key<'a> {
    Bool(bool),
    /// Normalized (`1.0` and `1` are one key).
    Num(Decimal),
    Str(Cow<'a, str>),
    Date(NaiveDate),
    /// The UTC instant (datetimes compare by instant).
    DateTime(NaiveDateTime),
    Dur(TimeDelta),
}

impl<'a> Key<'a> {
    fn into_owned(self) -> Key<'static> {
        match self {
            Key::Bool(b) => Key::Bool(b),
            Key::Num(n) => Key::Num(n),
            Key::Str(s) => Key::Str(Cow::Owned(s.into_owned())),
            Key::Date(d) => Key::Date(d),
            Key::DateTime(d) => Key::DateTime(d),
            Key::Dur(d) => Key::Dur(d),
        }
    }

    pub(crate) fn of(v: &Val<'a>) -> Option<Key<'a>> {
        Some(match v {
            Val::Bool(b) => Key::Bool(*b),
            Val::Num(n) => Key::Num(n.normalize()),
            Val::Str(s) => Key::Str(s.clone()),
            Val::Date(d) => Key::Date(*d),
            Val::DateTime(d) => Key::DateTime(d.naive_utc()),
            Val::Dur(d) => Key::Dur(*d),
            _ => return None,
        })
    }
}

/// The key of a list element: its field at `path`, decoded as `key_ty`.
fn element_key<'a>(v: &'a Json<'a>, path: &[Box<str>], key_ty: &Type) -> Option<Key<'a>> {
    Key::of(&decode(at_path(v, path)?, key_ty)?)
}

fn at_path<'a>(mut v: &'a Json<'a>, path: &[Box<str>]) -> Option<&'a Json<'a>> {
    for p in path {
        v = v.get(p)?;
    }
    Some(v)
}

/// The keys of a list element for a lookup: its one key, or for a lookup by name every name
/// its field holds (a string, or each string of a list), as `norm_name` writes them.
fn element_keys<'a>(v: &'a Json<'a>, q: &Lookup<'_, 'a>, out: &mut Vec<Key<'a>>) {
    out.clear();
    if !q.by_name {
        out.extend(element_key(v, q.path, q.key_ty));
        return;
    }
    let name = |s: &str| Key::Str(Cow::Owned(crate::formats::norm_name(s)));
    match at_path(v, q.path) {
        Some(Json::String(s)) => out.push(name(s)),
        Some(Json::Array(items)) => out.extend(items.iter().filter_map(Json::as_str).map(name)),
        _ => {}
    }
}

/// One lookup: the key path, the index identity and the value looked for.
struct Lookup<'q, 'a> {
    path: &'q [Box<str>],
    index_key: &'q str,
    key_ty: &'q Type,
    needle: &'q Key<'a>,
    all: bool,
    /// The element's keys are the names its field holds (see [`element_keys`]).
    by_name: bool,
}

/// An index of one input list by one key.
struct Index<'a> {
    /// The indexed list (held so its address identifies it while the cache lives).
    list: &'a Json<'a>,
    key: Box<str>,
    /// The elements' keys with their positions, sorted by key, then position (elements without
    /// a key left out).
    sorted: Vec<(Key<'a>, u32)>,
}

impl<'a> Index<'a> {
    fn build(
        list: &'a Json<'a>,
        items: &'a [Json<'a>],
        q: &Lookup<'_, 'a>,
        steps_left: &mut u64,
    ) -> Result<Option<Index<'a>>, EvalError> {
        charge(steps_left, items.len() as u64)?;
        if u32::try_from(items.len()).map_or(true, |n| n == u32::MAX) {
            return Ok(None);
        }
        let sorted = sorted_keys(items, q);
        Ok(Some(Index {
            list,
            key: q.index_key.into(),
            sorted,
        }))
    }

    /// The memory the index holds: its entries and the names it normalised.
    fn bytes(&self) -> u64 {
        let owned: usize = self
            .sorted
            .iter()
            .map(|(k, _)| match k {
                Key::Str(Cow::Owned(s)) => s.capacity(),
                _ => 0,
            })
            .sum();
        let entries = self.sorted.capacity().saturating_mul(std::mem::size_of::<(Key<'_>, u32)>());
        u64::try_from(entries.saturating_add(owned)).unwrap_or(u64::MAX)
    }

    /// Positions of the elements whose key is `needle`, in list order (the first only unless
    /// `all`).
    fn hits(&self, needle: &Key<'a>, all: bool) -> Vec<usize> {
        sorted_hits(&self.sorted, needle, all)
    }
}

/// The lookup indexes of one evaluation environment (a few: one per list and key looked up).
#[derive(Default)]
pub struct IndexCache<'a> {
    built: Vec<Index<'a>>,
}

impl<'a> IndexCache<'a> {
    /// Number of indexes built so far.
    pub fn len(&self) -> usize {
        self.built.len()
    }

    pub fn is_empty(&self) -> bool {
        self.built.is_empty()
    }

    /// Drops every index.
    pub fn clear(&mut self) {
        self.built.clear();
    }

    /// The index of `list` by `q`'s key, built on first use (`None`: too long to index). A new
    /// index is kept for the whole evaluation: its size lowers `bytes_limit` for good.
    fn get_or_build(
        &mut self,
        list: &'a Json<'a>,
        items: &'a [Json<'a>],
        q: &Lookup<'_, 'a>,
        steps_left: &mut u64,
        (bytes_used, bytes_limit): (u64, &mut u64),
    ) -> Result<Option<&Index<'a>>, EvalError> {
        let slot = &mut self.built;
        let pos = slot
            .iter()
            .position(|ix| std::ptr::eq(ix.list, list) && *ix.key == *q.index_key);
        let pos = match pos {
            Some(p) => p,
            None => match Index::build(list, items, q, steps_left)? {
                Some(ix) => {
                    match bytes_limit.checked_sub(ix.bytes()) {
                        Some(left) if bytes_used <= left => *bytes_limit = left,
                        _ => return Err(EvalError::MemoryExhausted),
                    }
                    slot.push(ix);
                    slot.len() - 1
                }
                None => return Ok(None),
            },
        };
        Ok(slot.get(pos))
    }
}

/// Runs a lookup over the list `l`.
fn find<'a>(
    l: &Val<'a>,
    q: &Lookup<'_, 'a>,
    elem: &Type,
    env: &mut Env<'a>,
) -> Result<Val<'a>, EvalError> {
    let Some(items) = list_items(l) else {
        return Ok(Val::Missing);
    };
    let mut hits = None;
    if let (Val::Json(j), ListItems::Json(arr)) = (l, &items)
        && arr.len() > SCAN_MAX
    {
        let Env {
            index,
            steps_left,
            bytes_used,
            bytes_limit,
            lazy,
            ..
        } = env;
        hits = index
            .get_or_build(j, arr, q, steps_left, (bytes_used.saturating_add(lazy.bytes), bytes_limit))?
            .map(|ix| ix.hits(q.needle, q.all));
    }
    let hits = match hits {
        Some(h) => h,
        None => scan(&items, q, env)?,
    };
    found(&items, hits, q, elem, env)
}

/// The element (`find`) or elements (`find_all`) at the positions a lookup hit.
fn found<'a>(items: &ListItems<'a>, hits: Vec<usize>, q: &Lookup<'_, 'a>, elem: &Type, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    if !q.all {
        return Ok(match hits.first() {
            Some(&i) => items.get(i, elem),
            None => Val::Missing,
        });
    }
    charge(&mut env.steps_left, hits.len() as u64)?;
    alloc(env, list_bytes(hits.len()))?;
    Ok(Val::List(Rc::new(
        hits.into_iter().map(|i| items.get(i, elem)).collect(),
    )))
}

/// Indexes over a pack's reference data, built on the first lookup and kept for every later
/// validation with the pack (lists reached from `data`, which live as long as the pack: a list
/// is known by its address). Lookups into a document's own lists use the per-validation
/// [`IndexCache`] instead.
#[derive(Default)]
pub struct SharedIndexes {
    built: std::sync::RwLock<Vec<SharedIndex>>,
}

impl std::fmt::Debug for SharedIndexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.built.read().map_or(0, |b| b.len());
        write!(f, "SharedIndexes({n})")
    }
}

struct SharedIndex {
    /// The list's address and length (a list of the pack's data never moves or changes).
    list: usize,
    len: usize,
    key: Box<str>,
    /// As [`Index::sorted`], the keys owned.
    sorted: Vec<(Key<'static>, u32)>,
}

impl SharedIndexes {
    /// How many indexes are built.
    pub fn len(&self) -> usize {
        self.built.read().map_or(0, |b| b.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Positions of the elements of `list` whose key is the lookup's needle, in list order.
    fn hits(&self, list: &Json<'_>, items: &[Json<'_>], q: &Lookup<'_, '_>) -> Vec<usize> {
        let addr = std::ptr::from_ref(list) as usize;
        let find = |b: &[SharedIndex]| b.iter().position(|ix| ix.list == addr && ix.len == items.len() && *ix.key == *q.index_key);
        if let Ok(built) = self.built.read()
            && let Some(ix) = find(&built).and_then(|i| built.get(i))
        {
            return sorted_hits(&ix.sorted, q.needle, q.all);
        }
        let sorted: Vec<(Key<'static>, u32)> = sorted_keys(items, q).into_iter().map(|(k, i)| (k.into_owned(), i)).collect();
        let out = sorted_hits(&sorted, q.needle, q.all);
        if let Ok(mut built) = self.built.write()
            && find(&built).is_none()
        {
            built.push(SharedIndex { list: addr, len: items.len(), key: q.index_key.into(), sorted });
        }
        out
    }
}

/// The keys of a list's elements with their positions, sorted by key then position; equal keys
/// in list order, an element with two spellings of one name once.
fn sorted_keys<'a>(items: &'a [Json<'a>], q: &Lookup<'_, 'a>) -> Vec<(Key<'a>, u32)> {
    let mut sorted: Vec<(Key<'a>, u32)> = Vec::with_capacity(items.len());
    let mut keys = Vec::new();
    for (i, it) in (0u32..).zip(items) {
        element_keys(it, q, &mut keys);
        sorted.extend(keys.drain(..).map(|k| (k, i)));
    }
    // Equal elements are identical (and deduplicated): an unstable sort gives the same result
    // with less code in the WASM module than a stable one.
    sorted.sort_unstable();
    sorted.dedup();
    sorted
}

/// The positions under `needle` in a sorted index (the first only unless `all`).
fn sorted_hits(sorted: &[(Key<'_>, u32)], needle: &Key<'_>, all: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let from = sorted.partition_point(|(k, _)| k < needle);
    for (k, i) in sorted.get(from..).unwrap_or_default() {
        if k != needle {
            break;
        }
        out.push(*i as usize);
        if !all {
            break;
        }
    }
    out
}

/// A lookup by visiting every element (one step each).
fn scan<'a>(
    items: &ListItems<'a>,
    q: &Lookup<'_, 'a>,
    env: &mut Env<'a>,
) -> Result<Vec<usize>, EvalError> {
    let mut out = Vec::new();
    let mut keys = Vec::new();
    for i in 0..items.len() {
        tick(env)?;
        let v = match items {
            ListItems::Json(a) => a.get(i),
            ListItems::Vals(v) => match v.get(i) {
                Some(Val::Json(j)) => Some(*j),
                _ => None,
            },
        };
        match v {
            Some(v) => element_keys(v, q, &mut keys),
            None => keys.clear(),
        }
        if keys.iter().any(|k| k == q.needle) {
            out.push(i);
            if !q.all {
                break;
            }
        }
    }
    Ok(out)
}
