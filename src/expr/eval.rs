//! Tree-walking evaluator.
//!
//! Run-time rules beyond the type checker's:
//! * Any operator given a missing or null operand (or one of an unexpected run-time type, from
//!   an `any`-typed field) yields missing; so do overflow, division by zero and invalid dates.
//! * `&&`, `||`, `!`, `all`, `any` use Kleene logic: `false && missing` is false,
//!   `true || missing` is true; `all` is false if any element is false, else missing if any is
//!   missing, else true (`any` mirrors it).
//! * `count` counts the elements whose predicate is true (missing counts as not true); `sum` is
//!   missing if the value for any element is missing; empty lists give `0`.
//! * `x in xs`: missing if `x` or `xs` is missing; true if an element equals `x`, else false
//!   (missing elements never match).
//! * `has(x)`: false for missing, null, a blank string (only whitespace) and an empty list;
//!   true otherwise.
//! * `date ± duration` requires the duration to be whole days (else missing).
//! * Every node evaluated and every list element visited costs one step of the budget.
//! * Memory: every string and list an expression builds is charged, before it is built, against
//!   the memory budget ([`Env::bytes_limit`]) — a concatenation its two sides, a function
//!   returning text three times the bytes of its text arguments (case mapping can triple UTF-8
//!   text) or the written length of a list or document it is given (`string(x)`), a list
//!   `size_of::<Val>()` per element — and every KiB built costs a step. Past the budget
//!   evaluation stops with [`EvalError::MemoryExhausted`]. What a quantifier's body builds is
//!   given back after each element (it is dropped then); the caller gives back the rest with
//!   [`Env::reclaim`] when it drops the values. A lookup index over an input list is kept for
//!   the whole evaluation: its size lowers the budget for good.
//! * `find(list, 'k', v)` / `find_all(…)`: missing if `list` or `v` is missing; elements match
//!   when their field `k` equals `v` as with `==` (numbers by value, strings exactly, a number
//!   never equals a string). Over an input (JSON) list longer than [`SCAN_MAX`](lookup::SCAN_MAX) the first lookup
//!   builds an index (one step per element): the keys sorted, kept in [`Env::index`] for the list
//!   and key, so later lookups cost a binary search (plus one step per element `find_all`
//!   returns); shorter lists and lists built by the expression are scanned.
//! * `as_type(x, 'name')`: `x` when it is an object whose `document_type` is `name`, else missing.
//! * Working-day functions charge one step per calendar day they walk.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use chrono::TimeDelta;
use rust_decimal::Decimal;

use super::builtins::{Builtin, ListItems, Ret, delta_to_secs, list_items, safe_dt, secs_to_delta};
use super::check::{ArithOp, CmpOp, Kind, Node, Quant};
use super::{Env, EvalError};
use crate::document::Hint;
use crate::types::Type;
use crate::value::{Val, decode_or_missing};
use lookup::eval_find;
pub(crate) use lookup::Key;
#[cfg(test)]
pub(crate) use lookup::SCAN_MAX;
pub use lookup::{IndexCache, SharedIndexes};

mod lazy;
mod lookup;

pub use lazy::Lazy;
pub(crate) use lazy::force;
use lazy::ready;

#[inline]
fn tick(env: &mut Env<'_>) -> Result<(), EvalError> {
    if env.steps_left == 0 {
        return Err(EvalError::BudgetExhausted);
    }
    env.steps_left -= 1;
    Ok(())
}

/// Charges `n` steps at once.
pub(crate) fn charge(steps_left: &mut u64, n: u64) -> Result<(), EvalError> {
    match steps_left.checked_sub(n) {
        Some(s) => {
            *steps_left = s;
            Ok(())
        }
        None => {
            *steps_left = 0;
            Err(EvalError::BudgetExhausted)
        }
    }
}

/// Charges `n` bytes of a string or list about to be built against the memory budget, and a
/// step per KiB (so that copying is bounded in time too).
#[inline]
pub(crate) fn alloc(env: &mut Env<'_>, n: usize) -> Result<(), EvalError> {
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    env.bytes_used = env.bytes_used.saturating_add(n);
    if env.bytes_used.saturating_add(env.lazy.bytes) > env.bytes_limit {
        return Err(EvalError::MemoryExhausted);
    }
    charge(&mut env.steps_left, n >> 10)
}

/// The bytes of a built list of `n` elements.
pub(crate) fn list_bytes(n: usize) -> usize {
    n.saturating_mul(std::mem::size_of::<Val<'_>>())
}

pub(crate) fn eval<'a>(n: &'a Node, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    tick(env)?;
    Ok(match &n.kind {
        Kind::Const(c) => c.val(),
        Kind::Slot(i) => match ready(env, *i).map(|()| env.slots.get(*i))? {
            // A document's value is a reference: copied without `Val::clone`'s call.
            Some(Val::Json(j)) => Val::Json(j),
            Some(v) => v.clone(),
            None => Val::Missing,
        },
        Kind::Field { base, name, hint } => {
            let b = field_base(base, env)?;
            field(&b, name, hint, &n.ty)
        }
        Kind::Index { base, index } => {
            let b = eval(base, env)?;
            let i = eval(index, env)?;
            index_of(&b, &i, &n.ty)
        }
        Kind::List(items) => {
            alloc(env, list_bytes(items.len()))?;
            let mut v = Vec::with_capacity(items.len());
            for it in items {
                v.push(eval(it, env)?);
            }
            Val::List(Rc::new(v))
        }
        Kind::Not(e) => match eval(e, env)? {
            Val::Bool(b) => Val::Bool(!b),
            _ => Val::Missing,
        },
        Kind::Neg(e) => match eval(e, env)? {
            Val::Num(d) => Val::Num(-d),
            Val::Dur(d) => TimeDelta::zero()
                .checked_sub(&d)
                .map_or(Val::Missing, Val::Dur),
            _ => Val::Missing,
        },
        Kind::Arith(op, l, r) => {
            let a = operand(l, env)?;
            if a.is_missing_or_null() {
                return Ok(Val::Missing);
            }
            let b = operand(r, env)?;
            if let (ArithOp::Add, Val::Str(x), Val::Str(y)) = (op, &a, &b) {
                alloc(env, x.len().saturating_add(y.len()))?;
            }
            match arith(*op, a, b) {
                Ok(v) => v,
                Err(fail) => {
                    env.overflowed |= fail == ArithFail::Overflow;
                    Val::Missing
                }
            }
        }
        Kind::Cmp(op, l, r) => match cmp_in_place(l, r, env)? {
            Some(o) => Val::Bool(test(*op, o)),
            None => Val::Missing,
        },
        Kind::IsNull { expr, negate } => {
            Val::Bool(operand(expr, env)?.is_missing_or_null() != *negate)
        }
        Kind::In { needle, list, elem } => {
            let x = operand(needle, env)?;
            if x.is_missing_or_null() {
                return Ok(Val::Missing);
            }
            let l = operand(list, env)?;
            match list_items(&l) {
                Some(items) => Val::Bool(contains(&items, &x, elem, env)?),
                None => Val::Missing,
            }
        }
        Kind::InConsts { needle, items } => {
            let x = operand(needle, env)?;
            if x.is_missing_or_null() {
                return Ok(Val::Missing);
            }
            Val::Bool(
                items
                    .iter()
                    .any(|c| compare(&x, &c.val()) == Some(Ordering::Equal)),
            )
        }
        // `&&` short-circuits on false, `||` on true; either way a missing side leaves the
        // result missing unless the other side decides it.
        Kind::And(l, r) => kleene(l, r, false, env)?,
        Kind::Or(l, r) => kleene(l, r, true, env)?,
        Kind::Coalesce(l, r) => {
            let a = operand(l, env)?;
            if a.is_missing_or_null() {
                operand(r, env)?
            } else {
                a
            }
        }
        Kind::Cond(c, a, b) => match eval(c, env)? {
            Val::Bool(true) => eval(a, env)?,
            Val::Bool(false) => eval(b, env)?,
            _ => Val::Missing,
        },
        Kind::Has(e) => match e.kind {
            // A let or variable looked at in place (not copied; native builds).
            #[cfg(not(target_arch = "wasm32"))]
            Kind::Slot(i) => {
                tick(env)?;
                ready(env, i)?;
                Val::Bool(env.slots.get(i).is_some_and(present))
            }
            _ => Val::Bool(present(&operand(e, env)?)),
        },
        Kind::Quant {
            q,
            list,
            slot,
            elem,
            body,
        } => {
            let l = operand(list, env)?;
            match list_items(&l) {
                Some(items) => quantify(*q, &items, *slot, elem, body, env)?,
                None => Val::Missing,
            }
        }
        Kind::Call { f, args } => call(f, args, env)?,
        Kind::Find(f) => eval_find(f, env)?,
        Kind::Window(w) => super::window::eval_window(w, env)?,
        Kind::AsType { expr, name } => match eval(expr, env)? {
            Val::Json(j) if crate::document::type_name(j) == Some(&**name) => {
                Val::Json(j)
            }
            _ => Val::Missing,
        },
    })
}

/// [`eval`] of an operand: a constant or a field read without a trip through `eval`'s dispatch
/// (its large frame and its indirect jump, mispredicted from one node to the next), with the
/// same steps; anything else evaluated. The WebAssembly module keeps the smaller code.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn operand<'a>(n: &'a Node, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    match &n.kind {
        Kind::Const(c) => {
            tick(env)?;
            Ok(c.val())
        }
        Kind::Field { base, name, hint } => {
            tick(env)?;
            let b = field_base(base, env)?;
            Ok(field(&b, name, hint, &n.ty))
        }
        _ => eval(n, env),
    }
}

#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn operand<'a>(n: &'a Node, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    eval(n, env)
}

/// Orders the values of `l` and `r` (`None`: missing, as [`compare`]), `r` not evaluated when
/// `l` is missing or null. A side that is a let or variable is compared in place, not copied
/// (a string a let holds was copied for every comparison); the steps are the same.
#[cfg(target_arch = "wasm32")]
fn cmp_in_place<'a>(l: &'a Node, r: &'a Node, env: &mut Env<'a>) -> Result<Option<Ordering>, EvalError> {
    // The WebAssembly module keeps the smaller code: both sides evaluated.
    let a = eval(l, env)?;
    if a.is_missing_or_null() {
        return Ok(None);
    }
    let b = eval(r, env)?;
    Ok(compare(&a, &b))
}

#[cfg(not(target_arch = "wasm32"))]
fn cmp_in_place<'a>(l: &'a Node, r: &'a Node, env: &mut Env<'a>) -> Result<Option<Ordering>, EvalError> {
    match (&l.kind, &r.kind) {
        // Evaluating `r` leaves the slots as they were (quantifiers restore theirs).
        (Kind::Slot(i), _) => {
            tick(env)?;
            ready(env, *i)?;
            if env.slots.get(*i).is_none_or(Val::is_missing_or_null) {
                return Ok(None);
            }
            let b = operand(r, env)?;
            Ok(env.slots.get(*i).and_then(|a| compare(a, &b)))
        }
        (_, Kind::Slot(j)) => {
            let a = operand(l, env)?;
            if a.is_missing_or_null() {
                return Ok(None);
            }
            tick(env)?;
            ready(env, *j)?;
            Ok(env.slots.get(*j).and_then(|b| compare(&a, b)))
        }
        _ => {
            let a = operand(l, env)?;
            if a.is_missing_or_null() {
                return Ok(None);
            }
            let b = operand(r, env)?;
            Ok(compare(&a, &b))
        }
    }
}

fn truth(v: &Val<'_>) -> Option<bool> {
    match v {
        Val::Bool(b) => Some(*b),
        _ => None,
    }
}

fn test(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

/// Orders two values of one comparable kind; `None` for missing, null or mismatched kinds.
pub(crate) fn compare(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
    Some(match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.cmp(y),
        (Val::Str(x), Val::Str(y)) => x.as_ref().cmp(y.as_ref()),
        (Val::Date(x), Val::Date(y)) => x.cmp(y),
        (Val::DateTime(x), Val::DateTime(y)) => x.cmp(y),
        (Val::Dur(x), Val::Dur(y)) => x.cmp(y),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        _ => return None,
    })
}

/// `has(x)`: present, non-null, not a blank string, not an empty list.
fn present(v: &Val<'_>) -> bool {
    match v {
        Val::Missing | Val::Null => false,
        Val::Str(s) => crate::document::not_blank(s),
        Val::Json(j) => j.as_array().is_none_or(|a| !a.is_empty()),
        Val::List(l) => !l.is_empty(),
        _ => true,
    }
}

/// Kleene `&&` (`decisive` = false) or `||` (`decisive` = true): the decisive value on either
/// side decides; otherwise the result is the other value only when both sides are known.
fn kleene<'a>(l: &'a Node, r: &'a Node, decisive: bool, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    let a = truth(&operand(l, env)?);
    if a == Some(decisive) {
        return Ok(Val::Bool(decisive));
    }
    Ok(match (a, truth(&operand(r, env)?)) {
        (_, Some(b)) if b == decisive => Val::Bool(decisive),
        (Some(_), Some(_)) => Val::Bool(!decisive),
        _ => Val::Missing,
    })
}

/// The value a field is read from: a slot's or a field chain's (`doc.a.b`) read in place, without
/// a copy of the slot's value (which a string bound by a `let` would allocate, and the copy be
/// dropped after the read); anything else evaluated. Only documents and the calendars have
/// fields: another slot value reads as missing, which gives the field the same missing.
fn field_base<'a>(n: &'a Node, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    match &n.kind {
        Kind::Slot(i) => {
            tick(env)?;
            ready(env, *i)?;
            Ok(match env.slots.get(*i) {
                Some(Val::Json(j)) => Val::Json(j),
                Some(Val::Calendars(c)) => Val::Calendars(c),
                _ => Val::Missing,
            })
        }
        Kind::Field { base, name, hint } => {
            tick(env)?;
            let b = field_base(base, env)?;
            Ok(field(&b, name, hint, &n.ty))
        }
        _ => eval(n, env),
    }
}

fn field<'a>(b: &Val<'a>, name: &str, hint: &Hint, ty: &Type) -> Val<'a> {
    match *b {
        Val::Json(j) => match j.as_object() {
            Some(m) => decode_or_missing(m.get_hinted(name, hint), ty),
            None => Val::Missing,
        },
        Val::Calendars(cals) => cals.iter().find(|c| c.name == name).map_or(Val::Missing, |c| Val::Calendar(c)),
        _ => Val::Missing,
    }
}

fn index_of<'a>(b: &Val<'a>, i: &Val<'a>, elem: &Type) -> Val<'a> {
    let Val::Num(i) = i else { return Val::Missing };
    let Some(i) = super::builtins::integral(*i).and_then(|i| usize::try_from(i).ok()) else {
        return Val::Missing;
    };
    match list_items(b) {
        Some(items) if i < items.len() => items.get(i, elem),
        _ => Val::Missing,
    }
}

fn contains<'a>(
    items: &ListItems<'a>,
    x: &Val<'a>,
    elem: &Type,
    env: &mut Env<'a>,
) -> Result<bool, EvalError> {
    for i in 0..items.len() {
        tick(env)?;
        if compare(x, &items.get(i, elem)) == Some(Ordering::Equal) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Runs a quantifier with the variable in `env.slots[slot]`, restoring the slots afterwards.
fn quantify<'a>(
    q: Quant,
    items: &ListItems<'a>,
    slot: usize,
    elem: &Type,
    body: &'a Node,
    env: &mut Env<'a>,
) -> Result<Val<'a>, EvalError> {
    let old_len = env.slots.len();
    let saved = if slot < old_len {
        env.slots
            .get_mut(slot)
            .map(|s| std::mem::replace(s, Val::Missing))
    } else {
        env.slots.resize(slot + 1, Val::Missing);
        None
    };
    let hidden = env.lazy.hide(slot);
    let r = quantify_loop(q, items, slot, elem, body, env);
    env.lazy.unhide(slot, hidden);
    if let (Some(v), Some(s)) = (saved, env.slots.get_mut(slot)) {
        *s = v;
    }
    env.slots.truncate(old_len);
    r
}

fn quantify_loop<'a>(
    q: Quant,
    items: &ListItems<'a>,
    slot: usize,
    elem: &Type,
    body: &'a Node,
    env: &mut Env<'a>,
) -> Result<Val<'a>, EvalError> {
    let mut saw_missing = false;
    let mut count: u64 = 0;
    let mut sum = Decimal::ZERO;
    // What the body builds is dropped after each element (its result is a bool or a number).
    let built = env.bytes_used;
    for i in 0..items.len() {
        tick(env)?;
        let v = items.get(i, elem);
        if let Some(s) = env.slots.get_mut(slot) {
            *s = v;
        }
        let r = eval(body, env)?;
        env.bytes_used = built;
        match q {
            Quant::All => match r {
                Val::Bool(false) => return Ok(Val::Bool(false)),
                Val::Bool(true) => {}
                _ => saw_missing = true,
            },
            Quant::Any => match r {
                Val::Bool(true) => return Ok(Val::Bool(true)),
                Val::Bool(false) => {}
                _ => saw_missing = true,
            },
            Quant::Count => {
                if let Val::Bool(true) = r {
                    count += 1;
                }
            }
            Quant::Sum => match r {
                Val::Num(n) => match sum.checked_add(n) {
                    Some(s) => sum = s,
                    None => {
                        env.overflowed = true;
                        return Ok(Val::Missing);
                    }
                },
                _ => return Ok(Val::Missing),
            },
            Quant::First => match r {
                Val::Bool(true) => return Ok(items.get(i, elem)),
                Val::Bool(false) => {}
                _ => saw_missing = true,
            },
        }
    }
    Ok(match q {
        Quant::All | Quant::Any | Quant::First if saw_missing => Val::Missing,
        Quant::First => Val::Missing,
        Quant::All => Val::Bool(true),
        Quant::Any => Val::Bool(false),
        Quant::Count => Val::Num(Decimal::from(count)),
        Quant::Sum => Val::Num(sum),
    })
}

/// A call of a built-in: its arguments in an array of their number (up to three: nothing on the
/// heap, and no unused values to set and drop), in a vector above.
fn call<'a>(f: &Builtin, args: &'a [Node], env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    match args.len() {
        0 => call_with(f, args, &mut [], env),
        1 => call_with(f, args, &mut [Val::Missing], env),
        2 => call_with(f, args, &mut [Val::Missing, Val::Missing], env),
        3 => call_with(f, args, &mut [Val::Missing, Val::Missing, Val::Missing], env),
        n => call_with(f, args, &mut vec![Val::Missing; n], env),
    }
}

fn call_with<'a>(f: &Builtin, args: &'a [Node], vals: &mut [Val<'a>], env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
    for (slot, a) in vals.iter_mut().zip(args) {
        let v = operand(a, env)?;
        if v.is_missing_or_null() {
            return Ok(Val::Missing);
        }
        *slot = v;
    }
    if f.ret == Ret::Str {
        let left = env.bytes_limit.saturating_sub(env.bytes_used);
        alloc(env, usize::try_from(text_bound(vals, left)).unwrap_or(usize::MAX))?;
    }
    let r = (f.imp)(vals);
    if let Some(cost) = f.cost {
        charge(&mut env.steps_left, cost(vals, r.as_ref()))?;
    }
    if let Some(Val::List(l)) = &r {
        alloc(env, list_bytes(l.len()))?;
    }
    Ok(r.unwrap_or(Val::Missing))
}

/// At most how many bytes a function returning text builds from `args`: three times the bytes
/// of each text argument (case mapping can triple UTF-8 text), twice the written length of a
/// list or document (`string(x)` writes it out, through a copy), 64 for any other value. A
/// written length is counted only up to `limit` (past it the budget is spent anyway).
fn text_bound(args: &[Val<'_>], limit: u64) -> u64 {
    args.iter().fold(0u64, |acc, v| {
        let n = match v {
            Val::Str(s) => u64::try_from(s.len()).unwrap_or(u64::MAX).saturating_mul(3),
            Val::Json(_) | Val::List(_) => written_len(v, limit.saturating_sub(acc)).saturating_mul(2),
            _ => 64,
        };
        acc.saturating_add(n)
    })
}

/// The length of `v` written out (as its `Display` writes it), counted up to just past `limit`.
fn written_len(v: &Val<'_>, limit: u64) -> u64 {
    struct Count {
        n: u64,
        limit: u64,
    }
    impl fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.n = self.n.saturating_add(u64::try_from(s.len()).unwrap_or(u64::MAX));
            if self.n > self.limit { Err(fmt::Error) } else { Ok(()) }
        }
    }
    let mut c = Count { n: 0, limit };
    let _ = write_val(v, &mut c);
    c.n
}

/// Writes `v` as its `Display` does, without building it whole first: a document is written
/// piece by piece and a list element by element, so a writer that stops
/// early (a capped or a counting one) stops the writing, whatever the size of `v`.
pub(crate) fn write_val(v: &Val<'_>, w: &mut dyn fmt::Write) -> fmt::Result {
    match v {
        Val::List(items) => {
            w.write_str("[")?;
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    w.write_str(", ")?;
                }
                write_val(x, w)?;
            }
            w.write_str("]")
        }
        Val::Json(j) => j.write_json(w),
        // The commonest values of findings written straight (through `Display` and `fmt`,
        // a string took 300 instructions, a date 600, callgrind; whole numbers by `itoa`).
        Val::Str(s) => w.write_str(s),
        Val::Bool(b) => w.write_str(if *b { "true" } else { "false" }),
        #[cfg(not(target_arch = "wasm32"))]
        Val::Date(d) => match date_text(*d) {
            Some(text) => w.write_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => write!(w, "{v}"),
        },
        #[cfg(not(target_arch = "wasm32"))]
        Val::Num(n) => match whole(n) {
            Some(m) => w.write_str(itoa::Buffer::new().format(m)),
            None => write!(w, "{v}"),
        },
        other => write!(w, "{other}"),
    }
}

/// A whole non-zero number's digits as an integer: `Val`'s `Display` writes it as `itoa` does
/// (its digits, `-` if negative). `None` for a fraction or zero (written by `Display`).
#[cfg(not(target_arch = "wasm32"))]
fn whole(n: &Decimal) -> Option<i128> {
    let n = n.normalize();
    (n.scale() == 0 && !n.is_zero()).then(|| n.mantissa())
}

/// `YYYY-MM-DD` of a date of the years 0 to 9999 (as `NaiveDate`'s `Display` writes it, without
/// `fmt`); `None` for another year (written with a sign and more digits).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn date_text(d: chrono::NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike;
    let y = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (m, day) = (d.month(), d.day());
    Some([digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), b'-', digit(m / 10), digit(m), b'-', digit(day / 10), digit(day)])
}

/// Whole days only: `date ± duration` with a partial day is missing.
fn whole_days(d: TimeDelta) -> Option<TimeDelta> {
    (d.subsec_nanos() == 0 && d.num_seconds() % 86_400 == 0).then_some(d)
}

fn neg(d: TimeDelta) -> Option<TimeDelta> {
    TimeDelta::zero().checked_sub(&d)
}

/// Why arithmetic gave no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArithFail {
    /// The operands have no result (division by zero, a partial day added to a date, operands
    /// of other types): the value is missing.
    Undefined,
    /// The result is out of the range of its type (a decimal beyond 7.9e28, a date beyond
    /// chrono's ±262,000 years): recorded in [`Env::overflowed`], so that a check cannot be
    /// passed by overflowing it.
    Overflow,
}

/// Arithmetic on run-time values.
pub(crate) fn arith<'a>(op: ArithOp, a: Val<'a>, b: Val<'a>) -> Result<Val<'a>, ArithFail> {
    use ArithFail::{Overflow, Undefined};
    use ArithOp::*;
    Ok(match (op, a, b) {
        (Add, Val::Num(x), Val::Num(y)) => Val::Num(x.checked_add(y).ok_or(Overflow)?),
        (Sub, Val::Num(x), Val::Num(y)) => Val::Num(x.checked_sub(y).ok_or(Overflow)?),
        (Mul, Val::Num(x), Val::Num(y)) => Val::Num(x.checked_mul(y).ok_or(Overflow)?),
        (Div | Rem, Val::Num(_), Val::Num(y)) if y.is_zero() => return Err(Undefined),
        (Div, Val::Num(x), Val::Num(y)) => Val::Num(x.checked_div(y).ok_or(Overflow)?),
        (Rem, Val::Num(x), Val::Num(y)) => Val::Num(x.checked_rem(y).ok_or(Overflow)?),
        (Add, Val::Str(x), Val::Str(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(&x);
            s.push_str(&y);
            Val::Str(Cow::Owned(s))
        }
        (Add, Val::Date(d), Val::Dur(t)) | (Add, Val::Dur(t), Val::Date(d)) => {
            Val::Date(d.checked_add_signed(whole_days(t).ok_or(Undefined)?).ok_or(Overflow)?)
        }
        (Sub, Val::Date(d), Val::Dur(t)) => {
            let back = neg(whole_days(t).ok_or(Undefined)?).ok_or(Overflow)?;
            Val::Date(d.checked_add_signed(back).ok_or(Overflow)?)
        }
        (Sub, Val::Date(x), Val::Date(y)) => Val::Dur(x.signed_duration_since(y)),
        (Add, Val::DateTime(d), Val::Dur(t)) | (Add, Val::Dur(t), Val::DateTime(d)) => {
            Val::DateTime(d.checked_add_signed(t).and_then(safe_dt).ok_or(Overflow)?)
        }
        (Sub, Val::DateTime(d), Val::Dur(t)) => {
            Val::DateTime(d.checked_sub_signed(t).and_then(safe_dt).ok_or(Overflow)?)
        }
        (Sub, Val::DateTime(x), Val::DateTime(y)) => Val::Dur(x.signed_duration_since(y)),
        (Add, Val::Dur(x), Val::Dur(y)) => Val::Dur(x.checked_add(&y).ok_or(Overflow)?),
        (Sub, Val::Dur(x), Val::Dur(y)) => Val::Dur(x.checked_sub(&y).ok_or(Overflow)?),
        (Mul, Val::Dur(t), Val::Num(n)) | (Mul, Val::Num(n), Val::Dur(t)) => {
            let secs = delta_to_secs(t).ok_or(Overflow)?.checked_mul(n).ok_or(Overflow)?;
            Val::Dur(secs_to_delta(secs).ok_or(Overflow)?)
        }
        _ => return Err(Undefined),
    })
}

#[cfg(test)]
mod write_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn written(v: &Val<'_>) -> String {
        let mut s = String::new();
        write_val(v, &mut s).unwrap();
        s
    }

    #[test]
    fn values_are_written_as_their_display_writes_them() {
        let mut vals: Vec<Val<'_>> = vec![Val::Bool(true), Val::Bool(false), Val::Null, Val::Missing, Val::Str(Cow::Borrowed("әб \" c"))];
        for (m, scale) in [(0i64, 0u32), (0, 3), (-0, 2), (1, 0), (-1, 0), (90, 0), (9000, 2), (-12_345, 1), (5, 3), (i64::MAX, 0), (i64::MIN, 0), (100, 2), (-100, 2), (7, 28)] {
            vals.push(Val::Num(Decimal::new(m, scale)));
        }
        vals.push(Val::Num(Decimal::MAX));
        vals.push(Val::Num(Decimal::MIN));
        vals.push(Val::Num(-Decimal::ZERO));
        for (y, m, d) in [(2026, 5, 8), (0, 1, 1), (1, 12, 31), (999, 2, 3), (9999, 12, 31), (10_000, 1, 1), (-1, 6, 15), (-10_000, 1, 1)] {
            vals.push(Val::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        }
        vals.push(Val::List(Rc::new(vals.clone())));
        for v in &vals {
            assert_eq!(written(v), v.to_string(), "{v:?}");
        }
    }
}
