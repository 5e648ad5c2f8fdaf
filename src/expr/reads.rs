//! What an expression reads: the field paths it takes from named values (slots), found in the
//! typed tree once, when the pack loads.
//!
//! The engine uses them to say what a check could not check: when a check's outcome is
//! unknown (missing), the paths it reads from the document that are absent there are named in
//! the finding. Reads whose absence is part of the expression's meaning are left out: the
//! operand of `has(…)` and of `x == null`, and the left side of `??`.

use super::Expr;
use super::check::{Const, Kind, Node};

/// A path read from a slot: `doc.drug.strength` is slot 0 (`doc`) with `["drug", "strength"]`;
/// a literal index is a token too (`item.lines[0].inn` → `["lines", "0", "inn"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub slot: usize,
    pub path: Vec<String>,
}

impl Expr {
    /// Appends the paths this expression reads (see the module doc), without duplicates.
    pub fn reads_into(&self, out: &mut Vec<Read>) {
        walk(&self.root, out, false);
    }

    /// Appends every path this expression reads, those whose absence it asks about too (the
    /// operands of `has(…)` and `x == null`, the left side of `??`): what a form must fill in
    /// before the expression is decided on data rather than on absence (draft validations,
    /// `Rule::reads`).
    pub fn all_reads_into(&self, out: &mut Vec<Read>) {
        walk(&self.root, out, true);
    }

    /// Appends every slot the expression reads, without duplicates: the names bound outside it
    /// (lets, `item`, `doc` …) and its own quantifier and window variables (slots at or beyond
    /// the scope it was compiled in). The engine evaluates a check's lets in the order these
    /// say they are needed.
    pub fn slots_into(&self, out: &mut Vec<usize>) {
        slots(&self.root, out);
    }
}

fn slots(n: &Node, out: &mut Vec<usize>) {
    let mut each = |c: &Node| slots(c, out);
    match &n.kind {
        Kind::Slot(s) => {
            if !out.contains(s) {
                out.push(*s);
            }
        }
        Kind::Const(_) => {}
        Kind::Field { base: a, .. } | Kind::Not(a) | Kind::Neg(a) | Kind::Has(a) => each(a),
        Kind::IsNull { expr, .. } | Kind::AsType { expr, .. } => each(expr),
        Kind::InConsts { needle, .. } => each(needle),
        Kind::Index { base: a, index: b }
        | Kind::Arith(_, a, b)
        | Kind::Cmp(_, a, b)
        | Kind::And(a, b)
        | Kind::Or(a, b)
        | Kind::Coalesce(a, b)
        | Kind::In { needle: a, list: b, .. }
        | Kind::Quant { list: a, body: b, .. } => {
            each(a);
            each(b);
        }
        Kind::Cond(c, a, b) => {
            each(c);
            each(a);
            each(b);
        }
        Kind::List(items) | Kind::Call { args: items, .. } => items.iter().for_each(each),
        Kind::Find(f) => {
            each(&f.list);
            each(&f.value);
        }
        Kind::Window(w) => {
            each(&w.list);
            w.per.iter().chain(&w.args).for_each(each);
        }
    }
}

fn push(out: &mut Vec<Read>, r: Read) {
    if !out.contains(&r) {
        out.push(r);
    }
}

/// A chain of field accesses and literal indexes ending in a slot: that slot and the path.
fn chain(n: &Node) -> Option<Read> {
    let mut path = Vec::new();
    let mut cur = n;
    loop {
        match &cur.kind {
            Kind::Field { base, name, .. } => {
                path.push(name.to_string());
                cur = base;
            }
            Kind::Index { base, index } => match &index.kind {
                Kind::Const(Const::Num(i)) if i.fract().is_zero() && !i.is_sign_negative() => {
                    path.push(i.normalize().to_string());
                    cur = base;
                }
                _ => return None,
            },
            Kind::Slot(s) => {
                path.reverse();
                return Some(Read { slot: *s, path });
            }
            _ => return None,
        }
    }
}

fn walk(n: &Node, out: &mut Vec<Read>, all: bool) {
    let walk = |n: &Node, out: &mut Vec<Read>| walk(n, out, all);
    if let Kind::Field { .. } | Kind::Index { .. } = n.kind
        && let Some(r) = chain(n)
    {
        push(out, r);
        return;
    }
    match &n.kind {
        Kind::Const(_) | Kind::Slot(_) => {}
        // Absence is what these ask about: not a read the outcome depends on (unless all reads
        // are asked for).
        Kind::Has(e) | Kind::IsNull { expr: e, .. } => {
            if all {
                walk(e, out);
            }
        }
        Kind::Coalesce(l, r) => {
            if all {
                walk(l, out);
            }
            walk(r, out)
        }
        Kind::Field { base, .. } | Kind::Not(base) | Kind::Neg(base) => walk(base, out),
        Kind::AsType { expr, .. } => walk(expr, out),
        Kind::Index { base, index } => {
            walk(base, out);
            walk(index, out);
        }
        Kind::List(items) => items.iter().for_each(|i| walk(i, out)),
        Kind::Arith(_, a, b) | Kind::Cmp(_, a, b) | Kind::And(a, b) | Kind::Or(a, b) => {
            walk(a, out);
            walk(b, out);
        }
        Kind::In { needle, list, .. } => {
            walk(needle, out);
            walk(list, out);
        }
        Kind::InConsts { needle, .. } => walk(needle, out),
        Kind::Cond(c, a, b) => {
            walk(c, out);
            walk(a, out);
            walk(b, out);
        }
        Kind::Quant { list, body, .. } => {
            walk(list, out);
            walk(body, out);
        }
        Kind::Call { args, .. } => args.iter().for_each(|a| walk(a, out)),
        Kind::Find(f) => {
            walk(&f.list, out);
            walk(&f.value, out);
        }
        // The per-element expressions read the element variable (and context names): not data.
        Kind::Window(w) => {
            walk(&w.list, out);
            w.args.iter().for_each(|a| walk(a, out));
        }
    }
}
