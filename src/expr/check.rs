//! Type checker: turns the syntax tree into the typed, resolved [`Node`] tree that the
//! evaluator walks.
//!
//! Static rules (`any` is accepted everywhere and checked at run time):
//! * arithmetic: `number ⊕ number`; `string + string`; `date ± duration`, `duration + date`,
//!   `date - date`; the same for `datetime`; `duration ± duration`; `duration * number`,
//!   `number * duration`; unary `-` on numbers and durations.
//! * comparisons: both sides of one type (number, string, date, datetime, duration; bool only
//!   with `==`/`!=`). `x == null` / `x != null` is allowed for any `x` and never missing: it is
//!   true iff `x` is null or missing.
//! * `x in xs`: `xs` is a list whose element type is comparable with `x`.
//! * `!`, `&&`, `||`, and the condition of `?:` take bools; the branches of `?:` and both sides
//!   of `??` must have compatible types.
//! * `document` (any document of the pack) is an object whose fields are `any`: it passes
//!   where any value does (`??`, `?:`, lets, `has`, `x == null`, quantifiers over a list of
//!   documents, `any` parameters), unifies with itself and with record types, and is narrowed
//!   with `as_type`. Like a record, it is not ordered or compared with `==` (compare a field).
//! * `find(list, 'key.path', value)` / `find_all(…)`: `list` a list of records or documents,
//!   the key a string literal naming a scalar field (resolved statically through record types,
//!   dynamic from a `document`/`any` on), `value` comparable with that field.
//! * `as_type(x, 'name')`: `x` a `document` or `any`; `name` a document type of the scope
//!   ([`Scope::set_documents`]).
//! * `find_all_by(list, v, key, value)` / `max_before(list, v, group, order, value, key, bound)`
//!   ([`super::window`]): the per-element expressions are checked with only the scope's leading
//!   context names (`doc`, `params`, `data`, …) and `v` visible; a key is a scalar or a list
//!   literal of scalars (a composite key, items of any comparable types), and the key and bound
//!   looked up must compare with the element's item by item.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use rust_decimal::Decimal;
use std::borrow::Cow;

use super::builtins::{self, Builtin, P};
use super::parser::{BinOp, Syn, SynKind, UnOp};
use super::window::{CONTEXT_NAMES, WinOp, Window};
use super::{ExprError, Scope};
use crate::types::Type;
use crate::value::Val;

/// A compile-time constant.
#[derive(Debug, Clone)]
pub(crate) enum Const {
    /// A folded call whose result is missing (e.g. `make_date(2026, 2, 30)`).
    Missing,
    Null,
    Bool(bool),
    Num(Decimal),
    Str(Box<str>),
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
    Dur(TimeDelta),
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

    fn from_val(v: &Val<'_>) -> Option<Const> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quant {
    All,
    Any,
    Count,
    Sum,
    /// `first(list, v, pred)`: the first element for which `pred` is true.
    First,
}

/// A typed, resolved expression node.
#[derive(Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    /// Static type; for field and index nodes also the type their value is decoded as.
    pub ty: Type,
}

#[derive(Debug)]
pub(crate) enum Kind {
    Const(Const),
    Slot(usize),
    Field {
        base: Box<Node>,
        name: Box<str>,
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

/// The operands of `find` / `find_all`.
#[derive(Debug)]
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

/// Whether `n` reads a value that lives as long as the pack: a field chain from a static slot.
fn from_static(n: &Node, scope: &Scope) -> bool {
    match &n.kind {
        Kind::Slot(s) => scope.is_static(*s),
        Kind::Field { base, .. } => from_static(base, scope),
        _ => false,
    }
}

fn node(kind: Kind, ty: Type) -> Node {
    Node { kind, ty }
}

fn err(s: &Syn<'_>, msg: impl Into<String>) -> ExprError {
    ExprError::new(s.off, s.len, msg)
}

/// Edit distance with adjacent transpositions (optimal string alignment); small inputs only.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    // Rows i-2, i-1 and i of the DP table.
    let mut prev2 = vec![0; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0; w];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let at = |row: &[usize], k: usize| row.get(k).copied().unwrap_or(usize::MAX / 2);
            let mut d = (at(&prev, j) + usize::from(ca != cb))
                .min(at(&prev, j + 1) + 1)
                .min(at(&cur, j) + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                d = d.min(at(&prev2, j - 1) + 1);
            }
            if let Some(c) = cur.get_mut(j + 1) {
                *c = d;
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest candidate, if close enough to be a plausible typo.
pub(crate) fn suggest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    if name.len() > 64 {
        return None;
    }
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name && c.len() <= 64)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn did_you_mean(s: Option<&str>) -> String {
    s.map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// The common type of two branches (`?:`, `??`, list items), if any.
pub(crate) fn unify(a: &Type, b: &Type) -> Option<Type> {
    Some(match (a, b) {
        (Type::Null, x) | (x, Type::Null) => x.clone(),
        (Type::Any, _) | (_, Type::Any) => Type::Any,
        (Type::Integer, Type::Integer) => Type::Integer,
        (x, y) if x.is_number() && y.is_number() => Type::Number,
        (Type::List(x), Type::List(y)) => Type::List(Box::new(unify(x, y)?)),
        (Type::Record(x), Type::Record(y)) if x.name == y.name => a.clone(),
        (Type::Document, Type::Document | Type::Record(_))
        | (Type::Record(_), Type::Document) => Type::Document,
        (Type::Calendar, Type::Calendar) => Type::Calendar,
        (Type::Bool, Type::Bool)
        | (Type::String, Type::String)
        | (Type::Date, Type::Date)
        | (Type::DateTime, Type::DateTime)
        | (Type::Duration, Type::Duration) => a.clone(),
        _ => return None,
    })
}

/// Whether values of `l` and `r` may be compared (`ordering`: with `<` etc.).
fn comparable(l: &Type, r: &Type, ordering: bool) -> bool {
    match (l, r) {
        (Type::Any, _) | (_, Type::Any) => true,
        (a, b) if a.is_number() && b.is_number() => true,
        (Type::String, Type::String)
        | (Type::Date, Type::Date)
        | (Type::DateTime, Type::DateTime)
        | (Type::Duration, Type::Duration) => true,
        (Type::Bool, Type::Bool) => !ordering,
        _ => false,
    }
}

/// Result type of an arithmetic operator, `None` if not defined.
fn arith_type(op: ArithOp, l: &Type, r: &Type) -> Option<Type> {
    use ArithOp::*;
    let arithmetic = |t: &Type| {
        t.is_number()
            || matches!(
                t,
                Type::Any | Type::String | Type::Date | Type::DateTime | Type::Duration
            )
    };
    if matches!(l, Type::Any) || matches!(r, Type::Any) {
        return (arithmetic(l) && arithmetic(r)).then_some(Type::Any);
    }
    Some(match (op, l, r) {
        (_, a, b) if a.is_number() && b.is_number() => Type::Number,
        (Add, Type::String, Type::String) => Type::String,
        (Add, Type::Date, Type::Duration) | (Add, Type::Duration, Type::Date) => Type::Date,
        (Sub, Type::Date, Type::Duration) => Type::Date,
        (Sub, Type::Date, Type::Date) => Type::Duration,
        (Add, Type::DateTime, Type::Duration) | (Add, Type::Duration, Type::DateTime) => {
            Type::DateTime
        }
        (Sub, Type::DateTime, Type::Duration) => Type::DateTime,
        (Sub, Type::DateTime, Type::DateTime) => Type::Duration,
        (Add | Sub, Type::Duration, Type::Duration) => Type::Duration,
        (Mul, Type::Duration, n) | (Mul, n, Type::Duration) if n.is_number() => Type::Duration,
        _ => return None,
    })
}

fn is_bool(t: &Type) -> bool {
    matches!(t, Type::Bool | Type::Any)
}

pub(crate) fn check(syn: &Syn<'_>, scope: &Scope) -> Result<Node, ExprError> {
    let mut c = Checker {
        scope: scope.clone(),
    };
    c.node(syn)
}

struct Checker {
    scope: Scope,
}

impl Checker {
    fn node(&mut self, s: &Syn<'_>) -> Result<Node, ExprError> {
        Ok(match &s.kind {
            SynKind::Num(n) => node(Kind::Const(Const::Num(*n)), Type::Number),
            SynKind::Str(v) => node(Kind::Const(Const::Str(v.as_str().into())), Type::String),
            SynKind::Bool(b) => node(Kind::Const(Const::Bool(*b)), Type::Bool),
            SynKind::Null => node(Kind::Const(Const::Null), Type::Null),
            SynKind::Name(name) => self.name(s, name)?,
            SynKind::List(items) => self.list(items)?,
            SynKind::Field {
                base,
                name,
                name_off,
            } => self.field(base, name, *name_off)?,
            SynKind::Index { base, index } => self.index(base, index)?,
            SynKind::Call { name, args } => self.call(s, name, args)?,
            SynKind::Unary { op, expr } => self.unary(s, *op, expr)?,
            SynKind::Binary { op, lhs, rhs } => self.binary(s, *op, lhs, rhs)?,
            SynKind::Cond { cond, then, els } => self.cond(s, cond, then, els)?,
        })
    }

    // The methods on the recursion path (node → index/cond/field/unary/binary → node) only
    // check their children and hand them to `#[inline(never)]` typing functions, so that each
    // level of a deep expression costs a small stack frame (also in debug builds).

    fn index(&mut self, base: &Syn<'_>, index: &Syn<'_>) -> Result<Node, ExprError> {
        let b = self.node(base)?;
        let i = self.node(index)?;
        Self::typed_index(b, i, base, index)
    }

    #[inline(never)]
    fn typed_index(b: Node, i: Node, base: &Syn<'_>, index: &Syn<'_>) -> Result<Node, ExprError> {
        let Some(elem) = b.ty.element().cloned() else {
            return Err(err(
                base,
                format!("cannot index a value of type `{}`", b.ty),
            ));
        };
        if !matches!(i.ty, Type::Number | Type::Integer | Type::Any) {
            return Err(err(
                index,
                format!("an index must be a number, found `{}`", i.ty),
            ));
        }
        Ok(node(
            Kind::Index {
                base: Box::new(b),
                index: Box::new(i),
            },
            elem,
        ))
    }

    fn cond(
        &mut self,
        s: &Syn<'_>,
        cond: &Syn<'_>,
        then: &Syn<'_>,
        els: &Syn<'_>,
    ) -> Result<Node, ExprError> {
        let c = self.node(cond)?;
        let a = self.node(then)?;
        let b = self.node(els)?;
        Self::typed_cond(s, cond, c, a, b)
    }

    #[inline(never)]
    fn typed_cond(
        s: &Syn<'_>,
        cond: &Syn<'_>,
        c: Node,
        a: Node,
        b: Node,
    ) -> Result<Node, ExprError> {
        if !is_bool(&c.ty) {
            return Err(err(
                cond,
                format!("the condition of `?:` must be a bool, found `{}`", c.ty),
            ));
        }
        let Some(ty) = unify(&a.ty, &b.ty) else {
            return Err(err(
                s,
                format!(
                    "the branches of `?:` have incompatible types `{}` and `{}`",
                    a.ty, b.ty
                ),
            ));
        };
        Ok(node(Kind::Cond(Box::new(c), Box::new(a), Box::new(b)), ty))
    }

    fn name(&self, s: &Syn<'_>, name: &str) -> Result<Node, ExprError> {
        if let Some((slot, ty)) = self.scope.lookup(name) {
            return Ok(node(Kind::Slot(slot), ty.clone()));
        }
        if builtins::all_names().any(|f| f == name) {
            return Err(err(
                s,
                format!("`{name}` is a function; call it as `{name}(…)`"),
            ));
        }
        let hint = did_you_mean(suggest(name, self.scope.names()));
        Err(err(s, format!("unknown name `{name}`{hint}")))
    }

    fn list(&mut self, items: &[Syn<'_>]) -> Result<Node, ExprError> {
        let mut elem: Option<Type> = None;
        let mut nodes = Vec::with_capacity(items.len());
        for it in items {
            let n = self.node(it)?;
            elem = Some(match elem {
                None => n.ty.clone(),
                Some(e) => unify(&e, &n.ty).ok_or_else(|| {
                    err(
                        it,
                        format!("list items must have one type: `{}` after `{e}`", n.ty),
                    )
                })?,
            });
            nodes.push(n);
        }
        let elem = match elem {
            None | Some(Type::Null) => Type::Any,
            Some(t) => t,
        };
        Ok(node(Kind::List(nodes), Type::List(Box::new(elem))))
    }

    fn field(&mut self, base: &Syn<'_>, name: &str, name_off: usize) -> Result<Node, ExprError> {
        let b = self.node(base)?;
        Self::typed_field(b, name, name_off)
    }

    #[inline(never)]
    fn typed_field(b: Node, name: &str, name_off: usize) -> Result<Node, ExprError> {
        let here = |msg: String| ExprError::new(name_off, name.len(), msg);
        let ty = match &b.ty {
            Type::Record(r) => match r.field(name) {
                Some(t) => t.clone(),
                None => {
                    let hint = did_you_mean(suggest(name, r.fields.keys().map(String::as_str)));
                    return Err(here(format!(
                        "unknown field `{name}` on `{}`{hint}",
                        r.name
                    )));
                }
            },
            Type::Any | Type::Document => Type::Any,
            other => {
                return Err(here(format!(
                    "cannot access field `{name}` on a value of type `{other}`"
                )));
            }
        };
        Ok(node(
            Kind::Field {
                base: Box::new(b),
                name: name.into(),
            },
            ty,
        ))
    }

    fn unary(&mut self, s: &Syn<'_>, op: UnOp, e: &Syn<'_>) -> Result<Node, ExprError> {
        let n = self.node(e)?;
        Self::typed_unary(s, op, n)
    }

    #[inline(never)]
    fn typed_unary(s: &Syn<'_>, op: UnOp, n: Node) -> Result<Node, ExprError> {
        match op {
            UnOp::Not => {
                if !is_bool(&n.ty) {
                    return Err(err(s, format!("`!` needs a bool, found `{}`", n.ty)));
                }
                if let Kind::Const(Const::Bool(b)) = n.kind {
                    return Ok(node(Kind::Const(Const::Bool(!b)), Type::Bool));
                }
                Ok(node(Kind::Not(Box::new(n)), Type::Bool))
            }
            UnOp::Neg => {
                let ty = match &n.ty {
                    t if t.is_number() => Type::Number,
                    Type::Duration => Type::Duration,
                    Type::Any => Type::Any,
                    other => {
                        return Err(err(
                            s,
                            format!("`-` needs a number or duration, found `{other}`"),
                        ));
                    }
                };
                if let Kind::Const(Const::Num(v)) = n.kind {
                    return Ok(node(Kind::Const(Const::Num(-v)), Type::Number));
                }
                Ok(node(Kind::Neg(Box::new(n)), ty))
            }
        }
    }

    fn binary(
        &mut self,
        s: &Syn<'_>,
        op: BinOp,
        ls: &Syn<'_>,
        rs: &Syn<'_>,
    ) -> Result<Node, ExprError> {
        let l = self.node(ls)?;
        let r = self.node(rs)?;
        Self::typed_binary(s, op, l, r, ls, rs)
    }

    #[inline(never)]
    fn typed_binary(
        s: &Syn<'_>,
        op: BinOp,
        l: Node,
        r: Node,
        ls: &Syn<'_>,
        rs: &Syn<'_>,
    ) -> Result<Node, ExprError> {
        let (lt, rt) = (&l.ty, &r.ty);
        let bx = Box::new;
        Ok(match op {
            BinOp::And | BinOp::Or => {
                for (n, sy) in [(&l, ls), (&r, rs)] {
                    if !is_bool(&n.ty) {
                        return Err(err(
                            sy,
                            format!("`{}` needs bools, found `{}`", op.text(), n.ty),
                        ));
                    }
                }
                if op == BinOp::And {
                    node(Kind::And(bx(l), bx(r)), Type::Bool)
                } else {
                    node(Kind::Or(bx(l), bx(r)), Type::Bool)
                }
            }
            BinOp::Coalesce => {
                let Some(ty) = unify(lt, rt) else {
                    return Err(err(
                        s,
                        format!("the sides of `??` have incompatible types `{lt}` and `{rt}`"),
                    ));
                };
                node(Kind::Coalesce(bx(l), bx(r)), ty)
            }
            BinOp::Eq | BinOp::Ne if matches!(lt, Type::Null) || matches!(rt, Type::Null) => {
                let negate = op == BinOp::Ne;
                let other = if matches!(lt, Type::Null) { r } else { l };
                if matches!(other.ty, Type::Null) {
                    // `null == null`
                    return Ok(node(Kind::Const(Const::Bool(!negate)), Type::Bool));
                }
                node(
                    Kind::IsNull {
                        expr: bx(other),
                        negate,
                    },
                    Type::Bool,
                )
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordering = !matches!(op, BinOp::Eq | BinOp::Ne);
                if !comparable(lt, rt, ordering) {
                    let msg = if ordering && comparable(lt, rt, false) {
                        format!(
                            "`{}` does not apply to `{lt}`; only `==` and `!=` do",
                            op.text()
                        )
                    } else {
                        format!("cannot compare `{lt}` with `{rt}`")
                    };
                    return Err(err(s, msg));
                }
                let c = match op {
                    BinOp::Eq => CmpOp::Eq,
                    BinOp::Ne => CmpOp::Ne,
                    BinOp::Lt => CmpOp::Lt,
                    BinOp::Le => CmpOp::Le,
                    BinOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                node(Kind::Cmp(c, bx(l), bx(r)), Type::Bool)
            }
            BinOp::In => {
                let Some(elem) = rt.element().cloned() else {
                    return Err(err(
                        rs,
                        format!("`in` needs a list on its right, found `{rt}`"),
                    ));
                };
                if matches!(lt, Type::Null) || !comparable(lt, &elem, false) {
                    return Err(err(s, format!("cannot look for `{lt}` in `{rt}`")));
                }
                if let Kind::List(items) = &r.kind {
                    let consts: Option<Vec<Const>> = items
                        .iter()
                        .map(|n| match &n.kind {
                            Kind::Const(c) => Some(c.clone()),
                            _ => None,
                        })
                        .collect();
                    if let Some(items) = consts {
                        return Ok(node(
                            Kind::InConsts {
                                needle: bx(l),
                                items,
                            },
                            Type::Bool,
                        ));
                    }
                }
                node(
                    Kind::In {
                        needle: bx(l),
                        list: bx(r),
                        elem,
                    },
                    Type::Bool,
                )
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let a = match op {
                    BinOp::Add => ArithOp::Add,
                    BinOp::Sub => ArithOp::Sub,
                    BinOp::Mul => ArithOp::Mul,
                    BinOp::Div => ArithOp::Div,
                    _ => ArithOp::Rem,
                };
                let Some(ty) = arith_type(a, lt, rt) else {
                    return Err(err(
                        s,
                        format!("cannot apply `{}` to `{lt}` and `{rt}`", op.text()),
                    ));
                };
                node(Kind::Arith(a, bx(l), bx(r)), ty)
            }
        })
    }

    fn call(&mut self, s: &Syn<'_>, name: &str, args: &[Syn<'_>]) -> Result<Node, ExprError> {
        match name {
            "has" => return self.has(s, args),
            "all" => return self.quantifier(s, Quant::All, name, args),
            "any" => return self.quantifier(s, Quant::Any, name, args),
            "count" => return self.quantifier(s, Quant::Count, name, args),
            "sum" => return self.quantifier(s, Quant::Sum, name, args),
            "first" => return self.quantifier(s, Quant::First, name, args),
            "find" => return self.find(s, name, args, false),
            "find_all" => return self.find(s, name, args, true),
            "find_by_name" => return self.find_by_name(s, name, args, false),
            "find_all_by_name" => return self.find_by_name(s, name, args, true),
            "as_type" => return self.as_type(s, args),
            "find_all_by" => return self.window(s, WinOp::FindAllBy, args),
            "max_before" => return self.window(s, WinOp::MaxBefore, args),
            _ => {}
        }
        self.builtin_call(s, name, args)
    }

    /// A call of a function of the built-in table (out of `call`, so that the special forms'
    /// recursion does not carry this frame).
    fn builtin_call(
        &mut self,
        s: &Syn<'_>,
        name: &str,
        args: &[Syn<'_>],
    ) -> Result<Node, ExprError> {
        let Some(f) = builtins::lookup(name) else {
            let hint = did_you_mean(suggest(name, builtins::all_names()));
            return Err(ExprError::new(
                s.off,
                name.len(),
                format!("unknown function `{name}`{hint}"),
            ));
        };
        if args.len() != f.params.len() {
            let n = f.params.len();
            return Err(err(
                s,
                format!(
                    "`{name}` takes {n} argument{}, got {}: {}",
                    if n == 1 { "" } else { "s" },
                    args.len(),
                    f.signature()
                ),
            ));
        }
        let mut nodes = Vec::with_capacity(args.len());
        for (i, (a, (pname, p))) in args.iter().zip(f.params).enumerate() {
            let n = self.node(a)?;
            let ok = match (p, nodes.first()) {
                (P::SameAsFirst, Some(first)) => {
                    let first: &Node = first;
                    comparable(&first.ty, &n.ty, false)
                }
                _ => p.accepts(&n.ty),
            };
            if !ok {
                return Err(err(
                    a,
                    format!(
                        "argument {} (`{pname}`) of `{name}` has type `{}`; expected {}",
                        i + 1,
                        n.ty,
                        f.signature()
                    ),
                ));
            }
            nodes.push(n);
        }
        if let Some(check) = f.check_lits {
            check(&nodes).map_err(|(i, msg)| match args.get(i) {
                Some(a) => err(a, msg),
                None => err(s, "invalid argument"),
            })?;
        }
        let ty = match f.ret.fixed() {
            Some(t) => t,
            None => nodes
                .iter()
                .try_fold(Type::Null, |acc, n| unify(&acc, &n.ty))
                .unwrap_or(Type::Any),
        };
        if f.fold
            && nodes.iter().all(|n| matches!(n.kind, Kind::Const(_)))
            && let Some(c) = fold(f, &nodes)
        {
            return Ok(node(Kind::Const(c), ty));
        }
        Ok(node(Kind::Call { f, args: nodes }, ty))
    }

    fn has(&mut self, s: &Syn<'_>, args: &[Syn<'_>]) -> Result<Node, ExprError> {
        let [a] = args else {
            return Err(err(
                s,
                format!("`has` takes 1 argument, got {}: has(x)", args.len()),
            ));
        };
        if !matches!(
            a.kind,
            SynKind::Name(_) | SynKind::Field { .. } | SynKind::Index { .. }
        ) {
            return Err(err(
                a,
                "`has` takes a field, name or index, e.g. `has(doc.id)` or `has(item.lines[0])`",
            ));
        }
        let n = self.node(a)?;
        Ok(node(Kind::Has(Box::new(n)), Type::Bool))
    }

    fn quantifier(
        &mut self,
        s: &Syn<'_>,
        q: Quant,
        name: &str,
        args: &[Syn<'_>],
    ) -> Result<Node, ExprError> {
        let what = if q == Quant::Sum {
            "value"
        } else {
            "predicate"
        };
        let [list, var, body] = args else {
            return Err(err(
                s,
                format!(
                    "`{name}` takes 3 arguments, got {}: {name}(list, variable, {what})",
                    args.len()
                ),
            ));
        };
        let l = self.node(list)?;
        let Some(elem) = l.ty.element().cloned() else {
            return Err(err(
                list,
                format!(
                    "the first argument of `{name}` must be a list, found `{}`",
                    l.ty
                ),
            ));
        };
        let SynKind::Name(v) = var.kind else {
            return Err(err(
                var,
                format!(
                    "the second argument of `{name}` must be a variable name, e.g. `{name}(doc.lines, l, …)`"
                ),
            ));
        };
        let mark = self.scope.len();
        let slot = self.scope.bind(v, elem.clone());
        let b = self.node(body);
        self.scope.truncate(mark);
        let b = b?;
        let (ok, ty) = match q {
            Quant::All | Quant::Any => (is_bool(&b.ty), Type::Bool),
            Quant::Count => (is_bool(&b.ty), Type::Number),
            Quant::Sum => (b.ty.is_number() || matches!(b.ty, Type::Any), Type::Number),
            Quant::First => (is_bool(&b.ty), elem.clone()),
        };
        if !ok {
            let want = if q == Quant::Sum { "number" } else { "bool" };
            return Err(err(
                body,
                format!("the {what} of `{name}` must be a {want}, found `{}`", b.ty),
            ));
        }
        Ok(node(
            Kind::Quant {
                q,
                list: Box::new(l),
                slot,
                elem,
                body: Box::new(b),
            },
            ty,
        ))
    }
}

impl Checker {
    // `find` and `as_type` keep lean frames on the recursion path too: the children are
    // checked here, the typing is done by `#[inline(never)]` functions.

    fn find(
        &mut self,
        s: &Syn<'_>,
        name: &str,
        args: &[Syn<'_>],
        all: bool,
    ) -> Result<Node, ExprError> {
        let [list, key, value] = args else {
            return Err(arity(s, name, args.len(), "list, 'key', value"));
        };
        let l = self.node(list)?;
        let (path, key_ty) = find_key(name, &l, list, key)?;
        let v = self.node(value)?;
        let shared = from_static(&l, &self.scope);
        typed_find(name, l, path, key_ty, v, key, value, all, shared)
    }

    /// `find_by_name(list, 'key', name)`: the key field holds a name or a list of names.
    fn find_by_name(&mut self, s: &Syn<'_>, name: &str, args: &[Syn<'_>], all: bool) -> Result<Node, ExprError> {
        let [list, key, value] = args else {
            return Err(arity(s, name, args.len(), "list, 'key', name"));
        };
        let l = self.node(list)?;
        let (path, key_ty) = find_key_of_names(name, &l, list, key)?;
        let v = self.node(value)?;
        if !matches!(v.ty, Type::String | Type::Any) {
            return Err(err(value, format!("`{name}` looks up a name (a string); this is `{}`", v.ty)));
        }
        let index_key = format!("{}\u{0}names", path.join("."));
        let shared = from_static(&l, &self.scope);
        find_node(Find { list: l, path: path.into_boxed_slice(), index_key: index_key.into(), key_ty, value: v, elem: Type::Any, all, by_name: true, shared }, key)
    }

    fn as_type(&mut self, s: &Syn<'_>, args: &[Syn<'_>]) -> Result<Node, ExprError> {
        let [x, t] = args else {
            return Err(arity(s, "as_type", args.len(), "x, 'document type'"));
        };
        let e = self.node(x)?;
        typed_as_type(&self.scope, e, x, t)
    }
}

#[inline(never)]
fn arity(s: &Syn<'_>, name: &str, got: usize, params: &str) -> ExprError {
    let n = params.split(',').count();
    err(
        s,
        format!("`{name}` takes {n} arguments, got {got}: {name}({params})"),
    )
}

/// The key of `find_by_name(list, 'a.b', …)`: a field holding a string or a list of strings.
#[inline(never)]
fn find_key_of_names(name: &str, l: &Node, list: &Syn<'_>, key: &Syn<'_>) -> Result<(Vec<Box<str>>, Type), ExprError> {
    let SynKind::Str(k) = &key.kind else {
        return Err(err(key, format!("the key of `{name}` must be a field name in quotes, e.g. `{name}(data.units, 'spellings', x)`")));
    };
    let path: Vec<&str> = k.split('.').collect();
    let elem = match l.ty.element() {
        Some(e @ (Type::Record(_) | Type::Document | Type::Any)) => e,
        _ => return Err(err(list, format!("the first argument of `{name}` must be a list of records, found `{}`", l.ty))),
    };
    let mut cur = elem.clone();
    for p in &path {
        cur = match &cur {
            Type::Record(r) => r.field(p).cloned().ok_or_else(|| err(key, format!("unknown field `{p}` on `{}`", r.name)))?,
            _ => Type::Any,
        };
    }
    match &cur {
        Type::String | Type::Any => {}
        Type::List(e) if matches!(**e, Type::String | Type::Any) => {}
        other => return Err(err(key, format!("`{name}` needs a field holding a name or a list of names; `{k}` is `{other}`"))),
    }
    Ok((path.into_iter().map(Box::from).collect(), cur))
}

/// The key of `find(list, 'a.b', …)`: its field names and the type the field decodes as.
#[inline(never)]
fn find_key(
    name: &str,
    l: &Node,
    list: &Syn<'_>,
    key: &Syn<'_>,
) -> Result<(Vec<Box<str>>, Type), ExprError> {
    let elem = match l.ty.element() {
        Some(e @ (Type::Record(_) | Type::Document | Type::Any)) => e,
        Some(other) => {
            return Err(err(
                list,
                format!(
                    "`{name}` looks up records or documents by a field; this is a list of `{other}` (use `in`)"
                ),
            ));
        }
        None => {
            return Err(err(
                list,
                format!(
                    "the first argument of `{name}` must be a list, found `{}`",
                    l.ty
                ),
            ));
        }
    };
    let SynKind::Str(k) = &key.kind else {
        return Err(err(
            key,
            format!(
                "the key of `{name}` must be a field name in quotes, e.g. `{name}(data.drugs, 'id', item.drug_id)`"
            ),
        ));
    };
    let path: Vec<&str> = k.split('.').collect();
    if path
        .iter()
        .any(|p| p.is_empty() || p.len() > 128 || p.chars().any(char::is_whitespace))
        || path.len() > 16
    {
        return Err(err(
            key,
            format!("`{k}` is not a field name or dotted path such as 'patient.iin'"),
        ));
    }
    let key_ty = key_type(elem, &path).map_err(|m| err(key, m))?;
    Ok((path.into_iter().map(Box::from).collect(), key_ty))
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn typed_find(
    name: &str,
    l: Node,
    path: Vec<Box<str>>,
    key_ty: Type,
    v: Node,
    key: &Syn<'_>,
    value: &Syn<'_>,
    all: bool,
    shared: bool,
) -> Result<Node, ExprError> {
    let k = path.join(".");
    if matches!(v.ty, Type::Null) || !comparable(&key_ty, &v.ty, false) {
        return Err(err(
            value,
            format!(
                "`{name}` compares the field `{k}` (`{key_ty}`) with the value; cannot compare it with `{}`",
                v.ty
            ),
        ));
    }
    let index_key = format!("{k}\u{0}{key_ty}");
    find_node(Find { list: l, path: path.into_boxed_slice(), index_key: index_key.into(), key_ty, value: v, elem: Type::Any, all, by_name: false, shared }, key)
}

/// The node of a lookup: its element type from the list's, its type the element (`find`) or a
/// list of them (`find_all`).
fn find_node(mut f: Find, key: &Syn<'_>) -> Result<Node, ExprError> {
    let Some(elem) = f.list.ty.element().cloned() else {
        return Err(err(key, "invalid list"));
    };
    let ty = if f.all { Type::List(Box::new(elem.clone())) } else { elem.clone() };
    f.elem = elem;
    Ok(node(Kind::Find(Box::new(f)), ty))
}

#[inline(never)]
fn typed_as_type(scope: &Scope, e: Node, x: &Syn<'_>, t: &Syn<'_>) -> Result<Node, ExprError> {
    let SynKind::Str(name) = &t.kind else {
        return Err(err(
            t,
            "the second argument of `as_type` must be a document type name in quotes, e.g. `as_type(item, 'prescription')`",
        ));
    };
    let Some(rec) = scope.documents().and_then(|d| d.get(name.as_str())).cloned() else {
        let known: Vec<&str> = scope
            .documents()
            .map(|d| d.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let hint = did_you_mean(suggest(name, known.iter().copied()));
        let list = if known.is_empty() {
            String::from("no document types are known here")
        } else {
            format!("known: {}", known.join(", "))
        };
        return Err(err(
            t,
            format!("unknown document type `{name}`{hint} ({list})"),
        ));
    };
    match &e.ty {
        Type::Document | Type::Any => {}
        Type::Record(r) if r.name == rec.name => {}
        other => {
            return Err(err(
                x,
                format!("`as_type` narrows a `document` (e.g. a bundle member); this is `{other}`"),
            ));
        }
    }
    Ok(node(
        Kind::AsType {
            expr: Box::new(e),
            name: name.as_str().into(),
        },
        Type::Record(rec),
    ))
}

/// The type of the field at `path` inside an element of type `elem`, for `find`: a scalar
/// (or `any` once the path reaches a `document` or `any`).
fn key_type(elem: &Type, path: &[&str]) -> Result<Type, String> {
    let mut cur = elem.clone();
    for p in path {
        cur = match &cur {
            Type::Record(r) => match r.field(p) {
                Some(t) => t.clone(),
                None => {
                    let hint = did_you_mean(suggest(p, r.fields.keys().map(String::as_str)));
                    return Err(format!("unknown field `{p}` on `{}`{hint}", r.name));
                }
            },
            Type::Any | Type::Document => return Ok(Type::Any),
            other => {
                return Err(format!(
                    "cannot access field `{p}` on a value of type `{other}`"
                ));
            }
        };
    }
    match cur {
        t @ (Type::Bool
        | Type::Number
        | Type::Integer
        | Type::String
        | Type::Date
        | Type::DateTime
        | Type::Duration
        | Type::Any) => Ok(t),
        other => Err(format!(
            "the key must name a number, string, date, datetime, duration or bool field; `{}` is `{other}`",
            path.join(".")
        )),
    }
}

/// Evaluates a pure built-in over constant arguments at compile time.
fn fold(f: &Builtin, args: &[Node]) -> Option<Const> {
    let mut vals: Vec<Val<'_>> = Vec::with_capacity(args.len());
    for a in args {
        match &a.kind {
            Kind::Const(c) => vals.push(c.val()),
            _ => return None,
        }
    }
    if vals.iter().any(Val::is_missing_or_null) {
        return Some(Const::Missing);
    }
    match (f.imp)(&mut vals) {
        Some(v) => Const::from_val(&v),
        None => Some(Const::Missing),
    }
}

// ---------------------------------------------------------------------------------------------
// `find_all_by` / `max_before` (super::window)

/// The types of a key: one type, or a composite key's (a list literal's) item types.
#[derive(Clone)]
enum KeyShape {
    One(Type),
    Items(Vec<Type>),
}

impl KeyShape {
    /// Whether two keys can be compared (`ordering`: also with `<`).
    fn comparable(&self, other: &KeyShape, ordering: bool) -> bool {
        match (self, other) {
            (KeyShape::One(a), KeyShape::One(b)) => comparable(a, b, ordering) && !matches!(a, Type::Null) && !matches!(b, Type::Null),
            (KeyShape::Items(a), KeyShape::Items(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| comparable(x, y, ordering))
            }
            _ => false,
        }
    }
}

impl Checker {
    /// A key: an expression of a scalar type, or a list literal of them (a composite key,
    /// whose items may have different types).
    fn key_node(&mut self, s: &Syn<'_>) -> Result<(Node, KeyShape), ExprError> {
        if let SynKind::List(items) = &s.kind {
            if items.is_empty() {
                return Err(err(s, "a composite key needs at least one item"));
            }
            let mut nodes = Vec::with_capacity(items.len());
            let mut tys = Vec::with_capacity(items.len());
            for it in items {
                let n = self.node(it)?;
                if !scalar_key(&n.ty) {
                    return Err(err(it, format!("a key item must be a number, string, bool, date, datetime or duration; this is `{}`", n.ty)));
                }
                tys.push(n.ty.clone());
                nodes.push(n);
            }
            return Ok((node(Kind::List(nodes), Type::List(Box::new(Type::Any))), KeyShape::Items(tys)));
        }
        let n = self.node(s)?;
        if !scalar_key(&n.ty) {
            return Err(err(s, format!("a key must be a number, string, bool, date, datetime or duration (or a list literal of them); this is `{}`", n.ty)));
        }
        let ty = n.ty.clone();
        Ok((n, KeyShape::One(ty)))
    }

    /// `find_all_by(list, v, key, value)` and `max_before(list, v, group, order, value, key,
    /// bound)`.
    fn window(&mut self, s: &Syn<'_>, op: WinOp, args: &[Syn<'_>]) -> Result<Node, ExprError> {
        let name = op.name();
        let (per_n, params) = match op {
            WinOp::FindAllBy => (1, "list, variable, key, value"),
            WinOp::MaxBefore => (3, "list, variable, group, order, value, key, bound"),
        };
        let (Some(list), Some(var), Some(per), Some(call)) =
            (args.first(), args.get(1), args.get(2..2 + per_n), args.get(2 + per_n..).filter(|c| c.len() == params.split(',').count() - 2 - per_n))
        else {
            return Err(arity(s, name, args.len(), params));
        };
        let l = self.node(list)?;
        let Some(elem) = l.ty.element().cloned() else {
            return Err(err(list, format!("the first argument of `{name}` must be a list, found `{}`", l.ty)));
        };
        let SynKind::Name(v) = var.kind else {
            return Err(err(var, format!("the second argument of `{name}` must be a variable name, e.g. `{name}(doc.documents, d, …)`")));
        };
        // The per-element expressions see only the names that are the same for every element and
        // every item (the leading context names of the scope) and the variable, bound right after
        // them: the same expressions at any nesting depth compile to the same tree, and calls
        // that compute the same keys share one index.
        let outer = self.scope.names.clone();
        let ctx_len = outer
            .iter()
            .enumerate()
            .take_while(|(i, (n, _))| CONTEXT_NAMES.contains(&n.as_str()) && outer.iter().position(|(x, _)| x == n) == Some(*i))
            .count();
        self.scope.truncate(ctx_len);
        let slot = self.scope.bind(v, elem.clone());
        let per_nodes = self.window_per(op, per);
        self.scope.names = outer;
        let (per_nodes, per_shapes) = per_nodes.map_err(|mut e| {
            if e.message.starts_with("unknown name") {
                e.message = format!(
                    "{}: `{name}` computes its keys once for every element of the list, so they may read only `{v}` and {}",
                    e.message,
                    CONTEXT_NAMES.map(|c| format!("`{c}`")).join(", ")
                );
            }
            e
        })?;
        let mut context = Vec::new();
        for n in &per_nodes {
            outer_slots(n, slot, &mut context);
        }
        context.sort_unstable();
        context.dedup();
        let mut call_nodes = Vec::with_capacity(call.len());
        for (i, c) in call.iter().enumerate() {
            let (n, shape) = self.key_node(c)?;
            let (want, ordering) = match per_shapes.get(i) {
                Some(w) => (w, i == 1),
                None => return Err(err(c, "invalid argument")),
            };
            if !want.comparable(&shape, ordering) {
                let what = if i == 0 { "key" } else { "bound" };
                return Err(err(c, format!("the {what} of `{name}` does not compare with the element's (a composite key needs as many items, each of a comparable type)")));
            }
            call_nodes.push(n);
        }
        let ty = match op {
            WinOp::FindAllBy => Type::List(Box::new(elem.clone())),
            WinOp::MaxBefore => per_nodes.get(2).map_or(Type::Any, |n| n.ty.clone()),
        };
        let w = Window::new(op, l, slot, elem, per_nodes, call_nodes, context);
        Ok(node(Kind::Window(Box::new(w)), ty))
    }

    /// The per-element expressions, with the element variable bound.
    fn window_per(&mut self, op: WinOp, per: &[Syn<'_>]) -> Result<(Vec<Node>, Vec<KeyShape>), ExprError> {
        let mut nodes = Vec::with_capacity(per.len());
        let mut shapes = Vec::with_capacity(per.len());
        for (i, p) in per.iter().enumerate() {
            if op == WinOp::MaxBefore && i == 2 {
                let n = self.node(p)?;
                if !matches!(n.ty, Type::Any | Type::String | Type::Date | Type::DateTime | Type::Duration) && !n.ty.is_number() {
                    return Err(err(p, format!("the value of `max_before` must be a number, string, date, datetime or duration; this is `{}`", n.ty)));
                }
                shapes.push(KeyShape::One(n.ty.clone()));
                nodes.push(n);
                continue;
            }
            let (n, shape) = self.key_node(p)?;
            nodes.push(n);
            shapes.push(shape);
        }
        Ok((nodes, shapes))
    }
}

fn scalar_key(t: &Type) -> bool {
    t.is_number() || matches!(t, Type::Any | Type::String | Type::Bool | Type::Date | Type::DateTime | Type::Duration)
}

/// The slots below `var` (bound outside the expression) that `n` reads.
fn outer_slots(n: &Node, var: usize, out: &mut Vec<usize>) {
    let mut walk = |c: &Node| outer_slots(c, var, out);
    match &n.kind {
        Kind::Const(_) => {}
        Kind::Slot(s) => {
            if *s < var {
                out.push(*s);
            }
        }
        Kind::Field { base, .. } | Kind::Not(base) | Kind::Neg(base) | Kind::Has(base) => walk(base),
        Kind::IsNull { expr, .. } | Kind::AsType { expr, .. } => walk(expr),
        Kind::Index { base, index } => {
            walk(base);
            walk(index);
        }
        Kind::List(items) | Kind::Call { args: items, .. } => items.iter().for_each(walk),
        Kind::Arith(_, a, b) | Kind::Cmp(_, a, b) | Kind::And(a, b) | Kind::Or(a, b) | Kind::Coalesce(a, b) => {
            walk(a);
            walk(b);
        }
        Kind::In { needle, list, .. } => {
            walk(needle);
            walk(list);
        }
        Kind::InConsts { needle, .. } => walk(needle),
        Kind::Cond(a, b, c) => {
            walk(a);
            walk(b);
            walk(c);
        }
        Kind::Quant { list, body, .. } => {
            walk(list);
            walk(body);
        }
        Kind::Find(f) => {
            walk(&f.list);
            walk(&f.value);
        }
        Kind::Window(w) => {
            walk(&w.list);
            w.per.iter().for_each(&mut walk);
            w.args.iter().for_each(walk);
        }
    }
}
