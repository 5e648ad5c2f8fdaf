//! Compiled expressions in the pack's binary form ([`crate::pack::compiled`]): the typed node
//! tree as the type checker left it, built-ins by name, names already resolved to slots.

use super::Expr;
use super::builtins::lookup;
use super::check::{ArithOp, CmpOp, Const, Find, Kind, Node, Quant};
use super::window::{WinOp, Window};
use crate::codec::{Reader, Writer};

/// Highest scope slot a compiled expression may use (the loader's scopes hold a handful of
/// names; the bound keeps a damaged file from asking the evaluator for a huge slot table).
pub(crate) const MAX_SLOT: usize = 1 << 16;

pub(crate) fn write_expr(w: &mut Writer, e: &Expr) {
    node(w, &e.root);
}

pub(crate) fn read_expr(r: &mut Reader<'_>) -> Expr {
    Expr { root: read_node(r) }
}

fn write_const(w: &mut Writer, c: &Const) {
    match c {
        Const::Missing => w.u8(0),
        Const::Null => w.u8(1),
        Const::Bool(b) => {
            w.u8(2);
            w.bool(*b);
        }
        Const::Num(n) => {
            w.u8(3);
            w.decimal(n);
        }
        Const::Str(s) => {
            w.u8(4);
            w.str(s);
        }
        Const::Date(d) => {
            w.u8(5);
            w.date(*d);
        }
        Const::DateTime(d) => {
            w.u8(6);
            w.datetime(d);
        }
        Const::Dur(d) => {
            w.u8(7);
            w.duration(d);
        }
    }
}

fn read_const(r: &mut Reader<'_>) -> Const {
    match r.tag(8, "constant tag") {
        1 => Const::Null,
        2 => Const::Bool(r.bool()),
        3 => Const::Num(r.decimal()),
        4 => Const::Str(r.str().into()),
        5 => Const::Date(r.date()),
        6 => Const::DateTime(r.datetime()),
        7 => Const::Dur(r.duration()),
        _ => Const::Missing,
    }
}

const ARITH: [ArithOp; 5] = [ArithOp::Add, ArithOp::Sub, ArithOp::Mul, ArithOp::Div, ArithOp::Rem];
const CMP: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];
const QUANT: [Quant; 5] = [Quant::All, Quant::Any, Quant::Count, Quant::Sum, Quant::First];

/// Position of `x` in `table` (every variant is listed there).
fn tag<T: PartialEq>(table: &[T], x: &T) -> u8 {
    table.iter().position(|t| t == x).unwrap_or(0) as u8
}

fn read_op<T: Copy>(r: &mut Reader<'_>, table: &[T]) -> Option<T> {
    let b = r.tag(table.len() as u8, "operator");
    table.get(usize::from(b)).copied()
}

fn slot(r: &mut Reader<'_>) -> usize {
    r.bounded(MAX_SLOT)
}

fn node(w: &mut Writer, n: &Node) {
    let boxed = |w: &mut Writer, n: &Node| node(w, n);
    match &n.kind {
        Kind::Const(c) => {
            w.u8(0);
            write_const(w, c);
        }
        Kind::Slot(i) => {
            w.u8(1);
            w.usize(*i);
        }
        Kind::Field { base, name } => {
            w.u8(2);
            node(w, base);
            w.str(name);
        }
        Kind::Index { base, index } => {
            w.u8(3);
            node(w, base);
            node(w, index);
        }
        Kind::List(items) => {
            w.u8(4);
            w.seq(items.iter(), boxed);
        }
        Kind::Not(a) => {
            w.u8(5);
            node(w, a);
        }
        Kind::Neg(a) => {
            w.u8(6);
            node(w, a);
        }
        Kind::Arith(op, a, b) => {
            w.u8(7);
            w.u8(tag(&ARITH, op));
            node(w, a);
            node(w, b);
        }
        Kind::Cmp(op, a, b) => {
            w.u8(8);
            w.u8(tag(&CMP, op));
            node(w, a);
            node(w, b);
        }
        Kind::IsNull { expr, negate } => {
            w.u8(9);
            node(w, expr);
            w.bool(*negate);
        }
        Kind::In { needle, list, elem } => {
            w.u8(10);
            node(w, needle);
            node(w, list);
            w.ty(elem);
        }
        Kind::InConsts { needle, items } => {
            w.u8(11);
            node(w, needle);
            w.seq(items.iter(), write_const);
        }
        Kind::And(a, b) => {
            w.u8(12);
            node(w, a);
            node(w, b);
        }
        Kind::Or(a, b) => {
            w.u8(13);
            node(w, a);
            node(w, b);
        }
        Kind::Coalesce(a, b) => {
            w.u8(14);
            node(w, a);
            node(w, b);
        }
        Kind::Cond(a, b, c) => {
            w.u8(15);
            node(w, a);
            node(w, b);
            node(w, c);
        }
        Kind::Has(a) => {
            w.u8(16);
            node(w, a);
        }
        Kind::Quant { q, list, slot, elem, body } => {
            w.u8(17);
            w.u8(tag(&QUANT, q));
            node(w, list);
            w.usize(*slot);
            w.ty(elem);
            node(w, body);
        }
        Kind::Call { f, args } => {
            w.u8(18);
            w.str(f.name);
            w.seq(args.iter(), boxed);
        }
        Kind::Find(f) => {
            w.u8(19);
            node(w, &f.list);
            w.seq(f.path.iter(), |w, p| w.str(p));
            w.str(&f.index_key);
            w.ty(&f.key_ty);
            node(w, &f.value);
            w.ty(&f.elem);
            w.bool(f.all);
            w.bool(f.by_name);
            w.bool(f.shared);
        }
        Kind::AsType { expr, name } => {
            w.u8(20);
            node(w, expr);
            w.str(name);
        }
        Kind::Window(win) => {
            w.u8(21);
            w.u8(tag(&WinOp::ALL, &win.op));
            node(w, &win.list);
            w.usize(win.slot);
            w.ty(&win.elem);
            w.seq(win.per.iter(), boxed);
            w.seq(win.args.iter(), boxed);
            w.seq(win.context.iter(), |w, s| w.usize(*s));
        }
    }
    w.ty(&n.ty);
}

fn missing() -> Node {
    Node { kind: Kind::Const(Const::Missing), ty: crate::types::Type::Any }
}

fn read_node(r: &mut Reader<'_>) -> Node {
    r.nested(missing, |r| {
        let b = |r: &mut Reader<'_>| Box::new(read_node(r));
        let kind = match r.tag(22, "expression tag") {
            1 => Kind::Slot(slot(r)),
            2 => Kind::Field { base: b(r), name: r.str().into() },
            3 => Kind::Index { base: b(r), index: b(r) },
            4 => Kind::List(r.seq(read_node)),
            5 => Kind::Not(b(r)),
            6 => Kind::Neg(b(r)),
            7 => match read_op(r, &ARITH) {
                Some(op) => Kind::Arith(op, b(r), b(r)),
                None => Kind::Const(Const::Missing),
            },
            8 => match read_op(r, &CMP) {
                Some(op) => Kind::Cmp(op, b(r), b(r)),
                None => Kind::Const(Const::Missing),
            },
            9 => Kind::IsNull { expr: b(r), negate: r.bool() },
            10 => Kind::In { needle: b(r), list: b(r), elem: r.ty() },
            11 => Kind::InConsts { needle: b(r), items: r.seq(read_const) },
            12 => Kind::And(b(r), b(r)),
            13 => Kind::Or(b(r), b(r)),
            14 => Kind::Coalesce(b(r), b(r)),
            15 => Kind::Cond(b(r), b(r), b(r)),
            16 => Kind::Has(b(r)),
            17 => match read_op(r, &QUANT) {
                Some(q) => Kind::Quant { q, list: b(r), slot: slot(r), elem: r.ty(), body: b(r) },
                None => Kind::Const(Const::Missing),
            },
            18 => {
                let name = r.str();
                let f = lookup(&name);
                let args = r.seq(read_node);
                match f {
                    Some(f) => Kind::Call { f, args },
                    None => {
                        r.fail(format_args!("no built-in function `{name}` in this engine"));
                        Kind::Const(Const::Missing)
                    }
                }
            }
            19 => Kind::Find(Box::new(Find {
                list: read_node(r),
                path: r.seq(|r| r.str().into_boxed_str()).into_boxed_slice(),
                index_key: r.str().into(),
                key_ty: r.ty(),
                value: read_node(r),
                elem: r.ty(),
                all: r.bool(),
                by_name: r.bool(),
                shared: r.bool(),
            })),
            20 => Kind::AsType { expr: b(r), name: r.str().into() },
            21 => match read_op(r, &WinOp::ALL) {
                Some(op) => {
                    let (list, var, elem) = (read_node(r), slot(r), r.ty());
                    let (per, args, context) = (r.seq(read_node), r.seq(read_node), r.seq(slot));
                    Kind::Window(Box::new(Window::new(op, list, var, elem, per, args, context)))
                }
                None => Kind::Const(Const::Missing),
            },
            _ => Kind::Const(read_const(r)),
        };
        Node { kind, ty: r.ty() }
    })
}
