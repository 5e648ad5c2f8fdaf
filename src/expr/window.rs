//! Lookups by keys computed from each element of a list, indexed once per validation:
//!
//! * `find_all_by(list, v, key, value)`: the elements whose `key` (an expression of `v`, or a
//!   list literal of them: a composite key) equals `value`, in list order;
//! * `max_before(list, v, group, order, value, key, bound)`: the greatest `value` among the
//!   elements whose `group` equals `key` and whose `order` is less than `bound` (a window
//!   aggregate: SQL's `max(value) over (partition by group order by order)`, read just before
//!   `bound`).
//!
//! The per-element expressions (`key`; `group`, `order`, `value`) may read only `v` and the
//! names that are the same for every element and item of one evaluation (`doc`, `params`,
//! `data`, `as_of`, `calendars`, `effective_from`), so their values can be computed once. The
//! first call over a list computes them for every element (one step per element plus their own
//! steps), sorts the elements by key and order, and keeps the index in [`Env::windows`] for the
//! list, the call and the values of the names they read. Every later call is a binary search (one
//! step; `find_all_by` one more per element it returns): a rule that looks up each member of a
//! bundle's related members is linear in the bundle's size, not quadratic.
//!
//! Keys compare as `==` does (numbers by value, datetimes by instant, strings exactly); a
//! composite key `[a, b]` compares item by item. An element whose key, group or order is
//! missing (or null, or a list holding one) is left out of the index; one whose `value` is
//! missing is passed over by `max_before`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::rc::Rc;

use chrono::NaiveDate;

use super::builtins::{ListItems, list_items};
use super::check::Node;
use super::eval::{Key, alloc, charge, compare, eval, list_bytes};
use super::{Env, EvalError};
use crate::types::Type;
use crate::value::Val;

/// Names a per-element expression may read besides its variable (bound once per rule run).
pub(crate) const CONTEXT_NAMES: [&str; 6] = ["doc", "params", "data", "as_of", "calendars", "effective_from"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum WinOp {
    /// `find_all_by(list, v, key, value)`: per element `[key]`, arguments `[value]`.
    FindAllBy,
    /// `max_before(list, v, group, order, value, key, bound)`: per element `[group, order,
    /// value]`, arguments `[key, bound]`.
    MaxBefore,
}

impl WinOp {
    pub(crate) fn name(self) -> &'static str {
        match self {
            WinOp::FindAllBy => "find_all_by",
            WinOp::MaxBefore => "max_before",
        }
    }
}

/// The operands of a windowed lookup. Equal when every operand is.
#[derive(Debug, PartialEq)]
pub(crate) struct Window {
    pub op: WinOp,
    pub list: Node,
    /// The slot of the element variable.
    pub slot: usize,
    /// The type the elements are read as.
    pub elem: Type,
    /// Evaluated once per element (with the variable bound): see [`WinOp`].
    pub per: Vec<Node>,
    /// Evaluated once per call, in the caller's scope: see [`WinOp`].
    pub args: Vec<Node>,
    /// The outer slots the per-element expressions read (their values identify the index).
    pub context: Vec<usize>,
}

impl Window {
    pub(crate) fn new(op: WinOp, list: Node, slot: usize, elem: Type, per: Vec<Node>, args: Vec<Node>, context: Vec<usize>) -> Window {
        Window { op, list, slot, elem, per, args, context }
    }

    /// Calls that compute the same keys and values per element (the same operation, variable,
    /// element type and per-element expressions) share one index over one list.
    fn same_index(&self, other: &Window) -> bool {
        std::ptr::eq(self, other) || (self.op == other.op && self.slot == other.slot && self.elem == other.elem && self.per == other.per)
    }
}

/// A key: a scalar lookup key (as `find`'s indexes use) or a list of them, ordered (equal
/// exactly when `==` says so).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum WKey<'a> {
    One(Key<'a>),
    List(Vec<WKey<'a>>),
}

fn key_of<'a>(v: &Val<'a>) -> Option<WKey<'a>> {
    Some(match v {
        Val::List(items) => WKey::List(items.iter().map(key_of).collect::<Option<Vec<_>>>()?),
        v => WKey::One(Key::of(v)?),
    })
}

/// What identifies the value of a context slot for the life of one validation.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ident {
    Addr(usize),
    Date(NaiveDate),
    Absent,
}

fn ident(v: Option<&Val<'_>>) -> Option<Ident> {
    Some(match v {
        Some(Val::Json(j)) => Ident::Addr(std::ptr::from_ref(*j) as usize),
        Some(Val::Calendars(c)) => Ident::Addr(c.as_ptr() as usize),
        Some(Val::Date(d)) => Ident::Date(*d),
        None | Some(Val::Missing | Val::Null) => Ident::Absent,
        // Anything else (a value computed per item) is not cached.
        Some(_) => return None,
    })
}

/// One index: the elements with a key, sorted by key, order and position.
struct Built<'a> {
    /// The call whose per-element expressions built it ([`Window::same_index`]), the list (its
    /// address) and the context's values.
    site: &'a Window,
    list: usize,
    context: Vec<Ident>,
    rows: Vec<(WKey<'a>, WKey<'a>, u32)>,
    /// `max_before`: for each row, the greatest value of its group up to it (missing: none).
    best: Vec<Val<'a>>,
}

impl Built<'_> {
    /// The heap an index holds (its rows, the keys' own allocations, the running maxima):
    /// what the memory budget is charged for it.
    fn bytes(&self) -> usize {
        let rows = self.rows.len().saturating_mul(std::mem::size_of::<(WKey<'_>, WKey<'_>, u32)>());
        let keys: usize = self.rows.iter().map(|(g, o, _)| g.heap_bytes().saturating_add(o.heap_bytes())).sum();
        let best = self.best.len().saturating_mul(std::mem::size_of::<Val<'_>>());
        rows.saturating_add(keys).saturating_add(best)
    }
}

impl WKey<'_> {
    /// Bytes this key owns on the heap (a borrowed string owns none).
    fn heap_bytes(&self) -> usize {
        match self {
            WKey::One(Key::Str(Cow::Owned(s))) => s.len(),
            WKey::List(items) => items
                .len()
                .saturating_mul(std::mem::size_of::<WKey<'_>>())
                .saturating_add(items.iter().map(WKey::heap_bytes).sum::<usize>()),
            _ => 0,
        }
    }
}

/// The windowed-lookup indexes of one evaluation environment (one per list and call).
#[derive(Default)]
pub struct WindowCache<'a> {
    built: Vec<Built<'a>>,
}

impl WindowCache<'_> {
    /// Number of indexes built so far.
    pub fn len(&self) -> usize {
        self.built.len()
    }

    pub fn is_empty(&self) -> bool {
        self.built.is_empty()
    }
}

/// Evaluates `find_all_by` / `max_before`.
#[inline(never)]
pub(crate) fn eval_window<'a>(w: &'a Window, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    let l = eval(&w.list, env)?;
    let Some(items) = list_items(&l) else {
        return Ok(Val::Missing);
    };
    let mut keys = Vec::with_capacity(w.args.len());
    for a in &w.args {
        match key_of(&eval(a, env)?) {
            Some(k) => keys.push(k),
            None => return Ok(Val::Missing),
        }
    }
    let site: &'a Window = w;
    let list = match &l {
        Val::Json(j) => Some(std::ptr::from_ref(*j) as usize),
        _ => None,
    };
    let context: Option<Vec<Ident>> = w.context.iter().map(|s| ident(env.slots.get(*s))).collect();
    let cached = match (list, &context) {
        (Some(list), Some(context)) => env
            .windows
            .built
            .iter()
            .position(|b| b.list == list && b.context == *context && b.site.same_index(site)),
        _ => None,
    };
    let local;
    let built = match cached {
        Some(i) => env.windows.built.get(i),
        None => {
            let b = build(w, &items, site, list.unwrap_or(0), context.clone().unwrap_or_default(), env)?;
            let bytes = b.bytes();
            if let (Some(_), Some(_)) = (list, &context) {
                // Kept for the whole evaluation, like a lookup index: its size lowers the
                // memory budget for good.
                match env.bytes_limit.checked_sub(bytes as u64) {
                    Some(left) if env.bytes_used.saturating_add(env.lazy.bytes) <= left => env.bytes_limit = left,
                    _ => return Err(EvalError::MemoryExhausted),
                }
                env.windows.built.push(b);
                env.windows.built.last()
            } else {
                alloc(env, bytes)?;
                local = b;
                Some(&local)
            }
        }
    };
    let Some(built) = built else {
        return Ok(Val::Missing);
    };
    let (Some(key), bound) = (keys.first(), keys.get(1)) else {
        return Ok(Val::Missing);
    };
    let rows = &built.rows;
    let lo = rows.partition_point(|r| r.0 < *key);
    let rest = rows.get(lo..).unwrap_or_default();
    match w.op {
        WinOp::FindAllBy => {
            let hits: Vec<usize> = rest.iter().take_while(|r| r.0 == *key).map(|r| r.2 as usize).collect();
            charge(&mut env.steps_left, hits.len() as u64)?;
            alloc(env, list_bytes(hits.len()))?;
            let out: Vec<Val<'a>> = hits.iter().map(|&i| items.get(i, &w.elem)).collect();
            Ok(Val::List(Rc::new(out)))
        }
        WinOp::MaxBefore => {
            let Some(bound) = bound else { return Ok(Val::Missing) };
            let n = rest.partition_point(|r| r.0 == *key && r.1 < *bound);
            Ok(match n.checked_sub(1) {
                Some(i) => built.best.get(lo + i).cloned().unwrap_or(Val::Missing),
                None => Val::Missing,
            })
        }
    }
}

/// Computes the per-element expressions of every element and sorts them (one step per element
/// besides the expressions' own), with the element variable bound in `env.slots[w.slot]`.
fn build<'a>(
    w: &'a Window,
    items: &ListItems<'a>,
    site: &'a Window,
    list: usize,
    context: Vec<Ident>,
    env: &mut Env<'a>,
) -> Result<Built<'a>, EvalError> {
    charge(&mut env.steps_left, items.len() as u64)?;
    let old_len = env.slots.len();
    let saved = if w.slot < old_len {
        env.slots.get_mut(w.slot).map(|s| std::mem::replace(s, Val::Missing))
    } else {
        env.slots.resize(w.slot + 1, Val::Missing);
        None
    };
    let hidden = env.lazy.hide(w.slot);
    let rows = element_rows(w, items, env);
    env.lazy.unhide(w.slot, hidden);
    if let (Some(v), Some(s)) = (saved, env.slots.get_mut(w.slot)) {
        *s = v;
    }
    env.slots.truncate(old_len);
    let mut rows = rows?;
    // The position (`.2`) makes every key distinct: unstable is as good as stable here, with less
    // code in the WASM module.
    rows.sort_unstable_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    let mut best: Vec<Val<'a>> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    if w.op == WinOp::MaxBefore {
        best.reserve(rows.len());
        let mut prev: Option<&WKey<'a>> = None;
        let mut cur = Val::Missing;
        for (g, _, _, v) in &rows {
            if prev != Some(g) {
                cur = Val::Missing;
                prev = Some(g);
            }
            let greater = match (&cur, v) {
                (_, Val::Missing | Val::Null) => false,
                (Val::Missing, _) => true,
                (c, v) => compare(v, c) == Some(Ordering::Greater),
            };
            if greater {
                cur = v.clone();
            }
            best.push(cur.clone());
        }
    }
    out.extend(rows.into_iter().map(|(g, o, i, _)| (g, o, i)));
    Ok(Built { site, list, context, rows: out, best })
}

type Row<'a> = (WKey<'a>, WKey<'a>, u32, Val<'a>);

fn element_rows<'a>(w: &'a Window, items: &ListItems<'a>, env: &mut Env<'a>) -> Result<Vec<Row<'a>>, EvalError> {
    let n = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let mut rows = Vec::with_capacity(items.len());
    for i in 0..n {
        let v = items.get(i as usize, &w.elem);
        if let Some(s) = env.slots.get_mut(w.slot) {
            *s = v;
        }
        let mut per = w.per.iter();
        let Some(group) = per.next() else { break };
        let Some(g) = key_of(&eval(group, env)?) else { continue };
        let (o, value) = match (per.next(), per.next()) {
            (Some(order), Some(value)) => {
                let Some(o) = key_of(&eval(order, env)?) else { continue };
                (o, eval(value, env)?)
            }
            _ => (WKey::One(Key::Bool(false)), Val::Missing),
        };
        rows.push((g, o, i, value));
    }
    Ok(rows)
}
