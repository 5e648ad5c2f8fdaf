//! Type checking of `find_all_by` / `max_before` ([`crate::expr::window`]): per-element
//! expressions and composite keys.


use crate::expr::parser::{Syn, SynKind};
use crate::expr::window::{CONTEXT_NAMES, WinOp, Window};
use crate::expr::ExprError;
use crate::types::Type;
use super::*;

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
    pub(super) fn window(&mut self, s: &Syn<'_>, op: WinOp, args: &[Syn<'_>]) -> Result<Node, ExprError> {
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
