//! The built-in function table: one entry per function (name, parameter kinds, result type,
//! implementation, optional compile-time check of literal arguments).
//!
//! Adding a function is adding a [`Builtin`] to [`BUILTINS`]. The evaluator evaluates the
//! arguments, returns missing if any of them is missing or null, and otherwise calls `imp`
//! (`None` from `imp` means missing). A function over reference data (e.g. a working-day
//! calendar, `add_working_days(d, n, data.calendar)`) takes a [`P::List`] parameter and receives
//! the list as `Val::Json(array)` or `Val::List`; see [`list_items`].
//!
//! The special forms `has`, `all`, `any`, `count` and `sum` need unevaluated or binding arguments
//! and are handled by the type checker and evaluator directly ([`SPECIAL_FORMS`]); so are
//! `find`, `find_all` (a literal key and a lookup index kept in the `Env`) and `as_type` (a
//! literal document type name resolved against the scope).
//!
//! Working-day functions take a [`P::Calendar`] (`calendars.NAME`, a `Val::Calendar` at run
//! time) and charge the evaluation budget for the days they walk ([`Builtin::cost`]).

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveTime, TimeDelta, TimeZone, Timelike};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use crate::document::Json;

use super::check::{Const, Kind, Node};
use crate::formats;
use crate::types::Type;
use crate::value::{Val, parse_date, parse_datetime, parse_decimal};

mod dates;
mod values;
mod working_days;

pub(crate) use values::{ListItems, delta_to_secs, integral, list_items, parse_hhmm, parse_offset, secs_to_delta};
pub(crate) use dates::safe_dt;
use dates::*;
use values::*;
use working_days::*;

/// The kind of value a parameter accepts (an `any`-typed argument is always accepted and checked
/// at run time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum P {
    Num,
    Str,
    Date,
    DateTime,
    Dur,
    /// Any type at all.
    Any,
    /// A list or a string.
    ListOrStr,
    /// A list of anything (for functions over reference data).
    #[allow(dead_code)]
    List,
    /// A number, string, date, datetime or duration.
    Ord,
    /// A working-day calendar (`calendars.NAME`).
    Calendar,
    /// Comparable with the first argument (same type as it).
    SameAsFirst,
}

impl P {
    pub(crate) fn accepts(self, t: &Type) -> bool {
        if matches!(t, Type::Any) {
            return true;
        }
        match self {
            P::Num => t.is_number(),
            P::Str => matches!(t, Type::String),
            P::Date => matches!(t, Type::Date),
            P::DateTime => matches!(t, Type::DateTime),
            P::Dur => matches!(t, Type::Duration),
            P::Any => true,
            P::ListOrStr => matches!(t, Type::List(_) | Type::String),
            P::List => matches!(t, Type::List(_)),
            P::Ord => {
                t.is_number()
                    || matches!(
                        t,
                        Type::String | Type::Date | Type::DateTime | Type::Duration
                    )
            }
            P::Calendar => matches!(t, Type::Calendar),
            // Checked against the first argument by the type checker.
            P::SameAsFirst => true,
        }
    }

    fn name(self) -> &'static str {
        match self {
            P::Num => "number",
            P::Str => "string",
            P::Date => "date",
            P::DateTime => "datetime",
            P::Dur => "duration",
            P::Any => "any",
            P::ListOrStr => "list or string",
            P::List => "list",
            P::Ord => "number, string, date, datetime or duration",
            P::SameAsFirst => "the first argument's type",
            P::Calendar => "calendar",
        }
    }
}

/// The result type of a built-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ret {
    Bool,
    Num,
    Str,
    Date,
    DateTime,
    Dur,
    /// The (unified) type of the arguments (`min`, `max`).
    SameAsArgs,
}

impl Ret {
    fn name(self) -> &'static str {
        match self {
            Ret::Bool => "bool",
            Ret::Num => "number",
            Ret::Str => "string",
            Ret::Date => "date",
            Ret::DateTime => "datetime",
            Ret::Dur => "duration",
            Ret::SameAsArgs => "same type",
        }
    }

    pub(crate) fn fixed(self) -> Option<Type> {
        Some(match self {
            Ret::Bool => Type::Bool,
            Ret::Num => Type::Number,
            Ret::Str => Type::String,
            Ret::Date => Type::Date,
            Ret::DateTime => Type::DateTime,
            Ret::Dur => Type::Duration,
            Ret::SameAsArgs => return None,
        })
    }
}

/// Implementation: receives the evaluated arguments (never missing or null; possibly of another
/// run-time type than declared when the static type was `any`). `None` means missing.
pub(crate) type Imp = for<'a> fn(&mut [Val<'a>]) -> Option<Val<'a>>;

/// Compile-time check of literal arguments: `Err((argument index, message))`.
pub(crate) type LitCheck = fn(&[Node]) -> Result<(), (usize, String)>;

/// Extra budget steps a call used beyond the one for its node, from its arguments and result
/// (e.g. the calendar days a working-day function walked).
pub(crate) type Cost = for<'a> fn(&[Val<'a>], Option<&Val<'a>>) -> u64;

pub(crate) struct Builtin {
    pub name: &'static str,
    pub params: &'static [(&'static str, P)],
    pub ret: Ret,
    pub imp: Imp,
    pub check_lits: Option<LitCheck>,
    /// Pure and cheap: evaluated at compile time when every argument is a constant.
    pub fold: bool,
    /// Extra steps charged after the call (`None`: the call costs one step).
    pub cost: Option<Cost>,
}

/// The same entry of the table.
impl PartialEq for Builtin {
    fn eq(&self, other: &Builtin) -> bool {
        std::ptr::eq(self, other)
    }
}

impl fmt::Debug for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Builtin {
    /// `round(x: number, places: number) -> number`
    pub(crate) fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(n, p)| format!("{n}: {}", p.name()))
            .collect();
        format!(
            "{}({}) -> {}",
            self.name,
            params.join(", "),
            self.ret.name()
        )
    }
}

/// Special forms (handled by the checker), with their signatures for messages.
pub(crate) const SPECIAL_FORMS: &[(&str, &str)] = &[
    ("has", "has(x: field, name or index) -> bool"),
    ("all", "all(list, variable, predicate: bool) -> bool"),
    ("any", "any(list, variable, predicate: bool) -> bool"),
    ("count", "count(list, variable, predicate: bool) -> number"),
    ("sum", "sum(list, variable, value: number) -> number"),
    ("first", "first(list, variable, predicate: bool) -> element (the first for which the predicate is true)"),
    (
        "find",
        "find(list, key: string literal, value) -> element (the first whose field `key` == value)",
    ),
    (
        "find_by_name",
        "find_by_name(list, key: string literal, name) -> element (the first whose field `key`, a name or a list of names, holds `name` as norm_name compares)",
    ),
    (
        "find_all_by_name",
        "find_all_by_name(list, key: string literal, name) -> list (every element whose field `key` holds `name` as norm_name compares)",
    ),
    (
        "find_all",
        "find_all(list, key: string literal, value) -> list (every element whose field `key` == value)",
    ),
    (
        "as_type",
        "as_type(x: document, type: string literal) -> that document type (missing if x is another)",
    ),
    (
        "find_all_by",
        "find_all_by(list, variable, key, value) -> list (every element whose key, computed from the variable, == value; indexed once per list)",
    ),
    (
        "max_before",
        "max_before(list, variable, group, order, value, key, bound) -> value (the greatest value among the elements whose group == key and order < bound; indexed once per list)",
    ),
];

pub(crate) fn lookup(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// All function names (built-ins and special forms), for suggestions.
pub(crate) fn all_names() -> impl Iterator<Item = &'static str> {
    SPECIAL_FORMS
        .iter()
        .map(|(n, _)| *n)
        .chain(BUILTINS.iter().map(|b| b.name))
}

const fn b(
    name: &'static str,
    params: &'static [(&'static str, P)],
    ret: Ret,
    imp: Imp,
) -> Builtin {
    Builtin {
        name,
        params,
        ret,
        imp,
        check_lits: None,
        fold: true,
        cost: None,
    }
}

/// A built-in that calls into `crate::formats` (not folded at compile time).
const fn fmt_fn(
    name: &'static str,
    params: &'static [(&'static str, P)],
    ret: Ret,
    imp: Imp,
) -> Builtin {
    Builtin {
        name,
        params,
        ret,
        imp,
        check_lits: None,
        fold: false,
        cost: None,
    }
}

const S: &[(&str, P)] = &[("s", P::Str)];
const D: &[(&str, P)] = &[("d", P::Date)];
const N: &[(&str, P)] = &[("n", P::Num)];
const X: &[(&str, P)] = &[("x", P::Num)];
const DUR: &[(&str, P)] = &[("dur", P::Dur)];
const SP: &[(&str, P)] = &[("s", P::Str), ("p", P::Str)];

pub(crate) static BUILTINS: &[Builtin] = &[
    b("size", &[("x", P::ListOrStr)], Ret::Num, size),
    Builtin {
        check_lits: Some(check_date_lit),
        ..b("date", S, Ret::Date, date)
    },
    Builtin {
        check_lits: Some(check_datetime_lit),
        ..b("datetime", S, Ret::DateTime, datetime)
    },
    b(
        "make_date",
        &[("y", P::Num), ("m", P::Num), ("d", P::Num)],
        Ret::Date,
        make_date,
    ),
    b("year", D, Ret::Num, year),
    b("month", D, Ret::Num, month),
    b("day", D, Ret::Num, day),
    b("weekday", D, Ret::Num, weekday),
    b("days", N, Ret::Dur, days),
    b("hours", N, Ret::Dur, hours),
    b("minutes", N, Ret::Dur, minutes),
    b("in_days", DUR, Ret::Num, in_days),
    b("in_hours", DUR, Ret::Num, in_hours),
    b("in_minutes", DUR, Ret::Num, in_minutes),
    b(
        "add_months",
        &[("d", P::Date), ("n", P::Num)],
        Ret::Date,
        add_months,
    ),
    Builtin {
        check_lits: Some(check_offset_lit),
        ..b(
            "local_date",
            &[("dt", P::DateTime), ("offset", P::Str)],
            Ret::Date,
            local_date,
        )
    },
    b("string", &[("x", P::Any)], Ret::Str, string),
    b("number", &[("s", P::Any)], Ret::Num, number),
    b("lower", S, Ret::Str, lower),
    b("upper", S, Ret::Str, upper),
    b("trim", S, Ret::Str, trim),
    b("starts_with", SP, Ret::Bool, starts_with),
    b("ends_with", SP, Ret::Bool, ends_with),
    b("contains", SP, Ret::Bool, contains),
    fmt_fn("norm_name", S, Ret::Str, norm_name),
    b("before", SP, Ret::Str, before),
    b("after", SP, Ret::Str, after),
    b("leading_number", S, Ret::Num, leading_number),
    b("after_number", S, Ret::Str, after_number),
    b(
        "min",
        &[("a", P::Ord), ("b", P::SameAsFirst)],
        Ret::SameAsArgs,
        min,
    ),
    b(
        "max",
        &[("a", P::Ord), ("b", P::SameAsFirst)],
        Ret::SameAsArgs,
        max,
    ),
    b("abs", X, Ret::Num, abs),
    b(
        "round",
        &[("x", P::Num), ("places", P::Num)],
        Ret::Num,
        round,
    ),
    b("ceil", X, Ret::Num, ceil),
    b("floor", X, Ret::Num, floor),
    Builtin {
        check_lits: Some(check_offset_lit),
        ..b(
            "local_time",
            &[("dt", P::DateTime), ("offset", P::Str)],
            Ret::Str,
            local_time,
        )
    },
    Builtin {
        cost: Some(cost_one_day),
        ..fmt_fn(
            "is_working_day",
            &[("d", P::Date), ("calendar", P::Calendar)],
            Ret::Bool,
            is_working_day,
        )
    },
    Builtin {
        cost: Some(cost_add_working_days),
        ..fmt_fn(
            "add_working_days",
            &[("d", P::Date), ("n", P::Num), ("calendar", P::Calendar)],
            Ret::Date,
            add_working_days,
        )
    },
    Builtin {
        cost: Some(cost_working_days_between),
        ..fmt_fn(
            "working_days_between",
            &[("a", P::Date), ("b", P::Date), ("calendar", P::Calendar)],
            Ret::Num,
            working_days_between,
        )
    },
    Builtin {
        check_lits: Some(check_working_hours_lits),
        cost: Some(cost_working_time_start),
        ..fmt_fn(
            "working_time_start",
            &[
                ("dt", P::DateTime),
                ("offset", P::Str),
                ("open", P::Str),
                ("close", P::Str),
                ("calendar", P::Calendar),
            ],
            Ret::DateTime,
            working_time_start,
        )
    },
    fmt_fn("iin_valid", S, Ret::Bool, iin_valid),
    fmt_fn("bin_valid", S, Ret::Bool, bin_valid),
    fmt_fn("iin_birth_date", S, Ret::Date, iin_birth_date),
    fmt_fn("icd10_valid", S, Ret::Bool, icd10_valid),
    fmt_fn(
        "icd10_in",
        &[("code", P::Str), ("range", P::Str)],
        Ret::Bool,
        icd10_in,
    ),
];

// ---------------------------------------------------------------------------------------------
// Literal checks

fn const_str(n: &Node) -> Option<&str> {
    match &n.kind {
        Kind::Const(Const::Str(s)) => Some(s),
        _ => None,
    }
}

fn check_date_lit(args: &[Node]) -> Result<(), (usize, String)> {
    match args.first().and_then(const_str) {
        Some(s) if parse_date(s).is_none() => {
            Err((0, format!("invalid date `{s}` (expected YYYY-MM-DD)")))
        }
        _ => Ok(()),
    }
}

fn check_datetime_lit(args: &[Node]) -> Result<(), (usize, String)> {
    match args.first().and_then(const_str) {
        Some(s) if parse_datetime(s).is_none() => Err((
            0,
            format!("invalid datetime `{s}` (expected RFC 3339, e.g. 2026-04-02T10:30:00+05:00)"),
        )),
        _ => Ok(()),
    }
}

fn check_offset_lit(args: &[Node]) -> Result<(), (usize, String)> {
    match args.get(1).and_then(const_str) {
        Some(s) if parse_offset(s).is_none() => Err((
            1,
            format!("invalid UTC offset `{s}` (expected ±HH:MM, e.g. '+05:00')"),
        )),
        _ => Ok(()),
    }
}

/// `working_time_start(dt, offset, open, close, calendar)`: the offset and both times, and
/// `open < close` when both are literals.
fn check_working_hours_lits(args: &[Node]) -> Result<(), (usize, String)> {
    check_offset_lit(args)?;
    let time = |i: usize| match args.get(i).and_then(const_str) {
        Some(s) => match parse_hhmm(s) {
            Some(v) => Ok(Some(v)),
            None => Err((
                i,
                format!("invalid time of day `{s}` (expected HH:MM, e.g. '09:00')"),
            )),
        },
        None => Ok(None),
    };
    if let (Some(open), Some(close)) = (time(2)?, time(3)?)
        && open >= close
    {
        return Err((
            3,
            format!(
                "closing time {} is not after opening time {}",
                hh_mm(&close),
                hh_mm(&open)
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Implementations

fn size<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [x] = a else { return None };
    let n = match x {
        Val::Str(s) => s.chars().count(),
        other => list_items(other)?.len(),
    };
    Some(Val::Num(Decimal::from(n)))
}


fn string<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [x] = a else { return None };
    match take(x) {
        s @ Val::Str(_) => Some(s),
        other => Some(Val::Str(Cow::Owned(other.to_string()))),
    }
}

fn number<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [x] = a else { return None };
    match x {
        Val::Num(n) => Some(Val::Num(*n)),
        Val::Str(s) => Some(Val::Num(parse_decimal(s.trim())?)),
        _ => None,
    }
}

/// Applies a string → string mapping, borrowing when the input is returned unchanged.
fn map_str<'a>(
    a: &mut [Val<'a>],
    unchanged: fn(&str) -> bool,
    f: fn(&str) -> String,
) -> Option<Val<'a>> {
    let [x] = a else { return None };
    let Val::Str(s) = take(x) else { return None };
    if unchanged(&s) {
        Some(Val::Str(s))
    } else {
        Some(Val::Str(Cow::Owned(f(&s))))
    }
}

fn lower<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    map_str(a, |s| !s.chars().any(char::is_uppercase), str::to_lowercase)
}

fn upper<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    map_str(a, |s| !s.chars().any(char::is_lowercase), str::to_uppercase)
}

fn trim<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [x] = a else { return None };
    match take(x) {
        Val::Str(Cow::Borrowed(s)) => Some(Val::Str(Cow::Borrowed(s.trim()))),
        Val::Str(Cow::Owned(s)) => Some(Val::Str(Cow::Owned(s.trim().to_owned()))),
        _ => None,
    }
}

fn str_pred<'a>(a: &mut [Val<'a>], f: fn(&str, &str) -> bool) -> Option<Val<'a>> {
    let [s, p] = a else { return None };
    Some(Val::Bool(f(text(s)?, text(p)?)))
}

fn starts_with<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    str_pred(a, |s, p| s.starts_with(p))
}

fn ends_with<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    str_pred(a, |s, p| s.ends_with(p))
}

fn contains<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    str_pred(a, |s, p| s.contains(p))
}

/// `before(s, sep)`: the text before the first `sep`, or all of `s` when it has none.
fn before<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s, sep] = a else { return None };
    let (s, sep) = (text(s)?, text(sep)?);
    Some(Val::Str(Cow::Owned(s.split_once(sep).map_or(s, |(b, _)| b).to_owned())))
}

/// `after(s, sep)`: the text after the first `sep`; missing when `s` has none.
fn after<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s, sep] = a else { return None };
    let (s, sep) = (text(s)?, text(sep)?);
    Some(Val::Str(Cow::Owned(s.split_once(sep)?.1.to_owned())))
}

/// The decimal number a text starts with, after any spaces, and where it ends: `"400 U"` →
/// 400, `"2,5 мг"` → 2.5 (a comma between digits is a decimal separator too, as written in
/// Kazakh and Russian), `"1 200 mg"` → 1. Exact (rust_decimal, never rounded); `None` when the
/// text does not start with a digit or the number does not fit a decimal. A drug's strength
/// is short free text, so this reads its head only; the number itself is read by rust_decimal.
fn split_leading_number(s: &str) -> Option<(Decimal, usize)> {
    let t = s.trim_start();
    let start = s.len() - t.len();
    let b = t.as_bytes();
    let digits = |from: usize| b.get(from..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
    let mut end = digits(0);
    if end == 0 {
        return None;
    }
    if matches!(b.get(end), Some(b'.' | b',')) && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    }
    let num = t.get(..end)?.replace(',', ".");
    Some((Decimal::from_str_exact(&num).ok()?, start + end))
}

fn leading_number<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s] = a else { return None };
    Some(Val::Num(split_leading_number(text(s)?)?.0))
}

/// `after_number(s)`: what follows the leading number, trimmed (`"400 U"` → `"U"`,
/// `"10 mg/ml"` → `"mg/ml"`); missing when the text does not start with a number.
fn after_number<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s] = a else { return None };
    let s = text(s)?;
    let (_, end) = split_leading_number(s)?;
    Some(Val::Str(Cow::Owned(s.get(end..)?.trim().to_owned())))
}

fn norm_name<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s] = a else { return None };
    Some(Val::Str(Cow::Owned(formats::norm_name(text(s)?))))
}

fn pick<'a>(a: &mut [Val<'a>], want: std::cmp::Ordering) -> Option<Val<'a>> {
    let [x, y] = a else { return None };
    let o = super::eval::compare(x, y)?;
    Some(if o == want { take(y) } else { take(x) })
}

fn min<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    // Returns `b` only when it is strictly smaller.
    pick(a, std::cmp::Ordering::Greater)
}

fn max<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    pick(a, std::cmp::Ordering::Less)
}

fn num_fn<'a>(a: &mut [Val<'a>], f: fn(Decimal) -> Decimal) -> Option<Val<'a>> {
    let [x] = a else { return None };
    Some(Val::Num(f(num(x)?)))
}

fn abs<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    num_fn(a, |d| d.abs())
}

fn ceil<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    num_fn(a, |d| d.ceil())
}

fn floor<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    num_fn(a, |d| d.floor())
}

/// `round(x, places)`: midpoint away from zero; `places` must be an integer in 0..=28.
fn round<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [x, p] = a else { return None };
    let p = u32::try_from(integral(num(p)?)?)
        .ok()
        .filter(|p| *p <= 28)?;
    Some(Val::Num(num(x)?.round_dp_with_strategy(
        p,
        RoundingStrategy::MidpointAwayFromZero,
    )))
}

fn str_test<'a>(a: &mut [Val<'a>], f: fn(&str) -> bool) -> Option<Val<'a>> {
    let [s] = a else { return None };
    Some(Val::Bool(f(text(s)?)))
}

fn iin_valid<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    str_test(a, formats::iin_valid)
}

fn bin_valid<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    str_test(a, formats::bin_valid)
}

fn icd10_valid<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    str_test(a, formats::icd10_valid)
}

fn iin_birth_date<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    let [s] = a else { return None };
    Some(Val::Date(formats::iin_birth_date(text(s)?)?))
}

fn icd10_in<'a>(a: &mut [Val<'a>]) -> Option<Val<'a>> {
    str_pred(a, formats::icd10_in)
}
