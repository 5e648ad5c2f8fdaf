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


use super::builtins::{self, Builtin, P};
use super::parser::{BinOp, Syn, SynKind, UnOp};
use super::window::WinOp;
use super::{ExprError, Scope};
use crate::types::Type;
use crate::value::Val;
pub(crate) use super::tree::{ArithOp, CmpOp, Const, FieldName, Find, Kind, Node, Quant};

mod lookup;
use lookup::arity;
mod window;

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
                hint: Default::default(),
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
