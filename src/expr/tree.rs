//! The typed, resolved expression tree that the type checker builds, the evaluator walks and
//! the compiled pack form stores.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use rust_decimal::Decimal;
use std::borrow::Cow;

use super::builtins::Builtin;
use crate::types::Type;
use crate::value::Val;

/// A compile-time constant.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) enum Const {
    /// A folded call whose result is missing (e.g. `make_date(2026, 2, 30)`).
    Missing,
    Null,
    Bool(bool),
    Num(#[serde(with = "crate::wire::compact")] Decimal),
    Str(Box<str>),
    Date(#[serde(with = "crate::wire::compact")] NaiveDate),
    DateTime(#[serde(with = "crate::wire::compact")] DateTime<FixedOffset>),
    Dur(TimeDelta),
}

/// The same constant as written: a decimal with its scale (`1.0` is not `1.00`: they print
/// differently), a date-time with its offset.
impl PartialEq for Const {
    fn eq(&self, other: &Const) -> bool {
        match (self, other) {
            (Const::Missing, Const::Missing) | (Const::Null, Const::Null) => true,
            (Const::Bool(a), Const::Bool(b)) => a == b,
            (Const::Num(a), Const::Num(b)) => a == b && a.scale() == b.scale(),
            (Const::Str(a), Const::Str(b)) => a == b,
            (Const::Date(a), Const::Date(b)) => a == b,
            (Const::DateTime(a), Const::DateTime(b)) => a == b && a.offset() == b.offset(),
            (Const::Dur(a), Const::Dur(b)) => a == b,
            _ => false,
        }
    }
}

impl Const {
    pub(crate) fn val(&self) -> Val<'_> {
        match self {
            Const::Missing => Val::Missing,
            Const::Null => Val::Null,
            Const::Bool(b) => Val::Bool(*b),
            Const::Num(n) => Val::Num(*n),
            Const::Str(s) => Val::Str(Cow::Borrowed(s)),
            Const::Date(d) => Val::Date(*d),
            Const::DateTime(d) => Val::DateTime(*d),
            Const::Dur(d) => Val::Dur(*d),
        }
    }

    pub(super) fn from_val(v: &Val<'_>) -> Option<Const> {
        Some(match v {
            Val::Missing => Const::Missing,
            Val::Null => Const::Null,
            Val::Bool(b) => Const::Bool(*b),
            Val::Num(n) => Const::Num(*n),
            Val::Str(s) => Const::Str(s.as_ref().into()),
            Val::Date(d) => Const::Date(*d),
            Val::DateTime(d) => Const::DateTime(*d),
            Val::Dur(d) => Const::Dur(*d),
            Val::List(_) | Val::Json(_) | Val::Calendars(_) | Val::Calendar(_) => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Quant {
    All,
    Any,
    Count,
    Sum,
    /// `first(list, v, pred)`: the first element for which `pred` is true.
    First,
}

/// A typed, resolved expression node. Two nodes are equal when they compute the same: the same
/// tree, types, constants (decimals with their scale), slots and built-ins (what lets two checks
/// share a let, and two windowed lookups an index).
#[derive(Debug, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    /// Static type; for field and index nodes also the type their value is decoded as.
    pub ty: Type,
}

#[derive(Debug, PartialEq)]
pub(crate) enum Kind {
    Const(Const),
    Slot(usize),
    Field {
        base: Box<Node>,
        name: FieldName,
        /// Where the member was last found ([`Object::get_hinted`](crate::document::Object::get_hinted)).
        hint: crate::document::Hint,
    },
    Index {
        base: Box<Node>,
        index: Box<Node>,
    },
    List(Vec<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    Arith(ArithOp, Box<Node>, Box<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `x == null` (`negate`: `x != null`).
    IsNull {
        expr: Box<Node>,
        negate: bool,
    },
    In {
        needle: Box<Node>,
        list: Box<Node>,
        elem: Type,
    },
    /// `x in [literal, …]`, all items constant.
    InConsts {
        needle: Box<Node>,
        items: Vec<Const>,
    },
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Coalesce(Box<Node>, Box<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
    Has(Box<Node>),
    Quant {
        q: Quant,
        list: Box<Node>,
        slot: usize,
        elem: Type,
        body: Box<Node>,
    },
    Call {
        f: &'static Builtin,
        args: Vec<Node>,
    },
    /// `find(list, 'a.b', value)` (`all`: `find_all`); boxed to keep `Node` small.
    Find(Box<Find>),
    /// `as_type(x, 'name')`: `x` when its `document_type` is `name`, else missing.
    AsType {
        expr: Box<Node>,
        name: Box<str>,
    },
    /// `find_all_by(…)` / `max_before(…)`: a lookup by keys computed per element
    /// ([`super::window`]).
    Window(Box<super::window::Window>),
}

/// A field access's name. Natively shared by the accesses of one name that a compiled pack
/// reads back ([`super::flat::shared_names`]: 2,149 allocations and frees fewer for the default
/// pack); in the WebAssembly validator each access's own, as before, since the sharing's code
/// would grow the module (the pack's bytes are the same).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type FieldName = std::sync::Arc<str>;
#[cfg(target_arch = "wasm32")]
pub(crate) type FieldName = Box<str>;

/// The operands of `find` / `find_all`.
#[derive(Debug, PartialEq)]
pub(crate) struct Find {
    pub list: Node,
    /// The field names of the dotted key.
    pub path: Box<[Box<str>]>,
    /// Identifies the lookup index of a list: the key and the type its field decodes as.
    pub index_key: Box<str>,
    /// The type the key field is decoded as (`any` when dynamic).
    pub key_ty: Type,
    pub value: Node,
    pub elem: Type,
    pub all: bool,
    /// `find_by_name` / `find_all_by_name`: the key field is a name or a list of names (every
    /// spelling of one thing), matched with `norm_name` on both sides.
    pub by_name: bool,
    /// The list is the pack's reference data (reached from a static slot of the scope): its
    /// index is kept for every validation with the pack ([`super::SharedIndexes`]).
    pub shared: bool,
}
