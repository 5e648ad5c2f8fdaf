//! Compiled expressions in the pack's compiled form ([`crate::pack::compiled`]): the typed node
//! tree as the type checker left it (built-ins by name, names already resolved to slots), written
//! as its nodes in post-order, each with the number of children it takes from the ones before.
//!
//! A flat list keeps the reader free of recursion on untrusted bytes: [`Expr`]'s `Deserialize`
//! rebuilds the tree with a stack, refusing trees deeper than [`MAX_COMPILED_DEPTH`], slots above
//! [`MAX_SLOT`], unknown built-ins and nodes that lack or leave children.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::builtins::lookup;
use super::check::{ArithOp, CmpOp, Const, FieldName, Find, Kind, Node, Quant};
use super::window::{WinOp, Window};
use super::{Expr, MAX_TREE_DEPTH};
use crate::types::Type;
use crate::wire::refuse;

/// Highest scope slot a compiled expression may use (the loader's scopes hold a handful of
/// names; the bound keeps a damaged file from asking the evaluator for a huge slot table).
pub(crate) const MAX_SLOT: usize = 1 << 16;

/// Deepest tree a compiled expression may hold: the parser's bound ([`MAX_TREE_DEPTH`]) and a
/// level the type checker may add (a leaf counts 1).
pub(crate) const MAX_COMPILED_DEPTH: u32 = MAX_TREE_DEPTH + 2;

/// One node: what it is, without its children (they are the nodes just before it). Read back by
/// [`OpSeed`], which follows this order of variants and of their fields.
#[derive(Serialize)]
enum Op<'a> {
    Const(Const),
    Slot(usize),
    /// base
    Field(&'a str),
    /// base, index
    Index,
    /// the items
    List(usize),
    Not,
    Neg,
    Arith(ArithOp),
    Cmp(CmpOp),
    IsNull(bool),
    /// needle, list
    In(Type),
    /// needle
    InConsts(Vec<Const>),
    And,
    Or,
    Coalesce,
    /// condition, then, else
    Cond,
    Has,
    /// list, body
    Quant { q: Quant, slot: usize, elem: Type },
    /// the arguments (a built-in by name, borrowed while it is looked up)
    Call { f: &'a str, args: usize },
    /// list, value
    Find { path: Box<[Box<str>]>, index_key: Box<str>, key_ty: Type, elem: Type, all: bool, by_name: bool, shared: bool },
    /// expr
    AsType(Box<str>),
    /// list, then `per` nodes, then `args` nodes
    Window { op: WinOp, slot: usize, elem: Type, per: usize, args: usize, context: Vec<usize> },
}

#[derive(Serialize)]
struct Flat<'a> {
    op: Op<'a>,
    ty: Type,
}

/// Appends `n`'s nodes in post-order.
fn flatten<'n>(n: &'n Node, out: &mut Vec<Flat<'n>>) {
    let kids = |ns: &[&'n Node], out: &mut Vec<Flat<'n>>| ns.iter().for_each(|k| flatten(k, out));
    let op = match &n.kind {
        Kind::Const(c) => Op::Const(c.clone()),
        Kind::Slot(i) => Op::Slot(*i),
        Kind::Field { base, name, .. } => {
            kids(&[base], out);
            Op::Field(name)
        }
        Kind::Index { base, index } => {
            kids(&[base, index], out);
            Op::Index
        }
        Kind::List(items) => {
            items.iter().for_each(|k| flatten(k, out));
            Op::List(items.len())
        }
        Kind::Not(a) => {
            kids(&[a], out);
            Op::Not
        }
        Kind::Neg(a) => {
            kids(&[a], out);
            Op::Neg
        }
        Kind::Arith(op, a, b) => {
            kids(&[a, b], out);
            Op::Arith(*op)
        }
        Kind::Cmp(op, a, b) => {
            kids(&[a, b], out);
            Op::Cmp(*op)
        }
        Kind::IsNull { expr, negate } => {
            kids(&[expr], out);
            Op::IsNull(*negate)
        }
        Kind::In { needle, list, elem } => {
            kids(&[needle, list], out);
            Op::In(elem.clone())
        }
        Kind::InConsts { needle, items } => {
            kids(&[needle], out);
            Op::InConsts(items.clone())
        }
        Kind::And(a, b) => {
            kids(&[a, b], out);
            Op::And
        }
        Kind::Or(a, b) => {
            kids(&[a, b], out);
            Op::Or
        }
        Kind::Coalesce(a, b) => {
            kids(&[a, b], out);
            Op::Coalesce
        }
        Kind::Cond(a, b, c) => {
            kids(&[a, b, c], out);
            Op::Cond
        }
        Kind::Has(a) => {
            kids(&[a], out);
            Op::Has
        }
        Kind::Quant { q, list, slot, elem, body } => {
            kids(&[list, body], out);
            Op::Quant { q: *q, slot: *slot, elem: elem.clone() }
        }
        Kind::Call { f, args } => {
            args.iter().for_each(|k| flatten(k, out));
            Op::Call { f: f.name, args: args.len() }
        }
        Kind::Find(f) => {
            kids(&[&f.list, &f.value], out);
            Op::Find {
                path: f.path.clone(),
                index_key: f.index_key.clone(),
                key_ty: f.key_ty.clone(),
                elem: f.elem.clone(),
                all: f.all,
                by_name: f.by_name,
                shared: f.shared,
            }
        }
        Kind::AsType { expr, name } => {
            kids(&[expr], out);
            Op::AsType(name.clone())
        }
        Kind::Window(w) => {
            flatten(&w.list, out);
            w.per.iter().chain(&w.args).for_each(|k| flatten(k, out));
            Op::Window { op: w.op, slot: w.slot, elem: w.elem.clone(), per: w.per.len(), args: w.args.len(), context: w.context.clone() }
        }
    };
    out.push(Flat { op, ty: n.ty.clone() });
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut nodes = Vec::new();
        flatten(&self.root, &mut nodes);
        nodes.serialize(s)
    }
}

/// A slot number within [`MAX_SLOT`].
pub(crate) fn check_slot<E: serde::de::Error>(slot: usize) -> Result<usize, E> {
    if slot > MAX_SLOT {
        return Err(refuse(format_args!("slot {slot} is out of range (at most {MAX_SLOT})")));
    }
    Ok(slot)
}

/// The tree being rebuilt: the nodes read so far that no node has taken yet, each with its
/// depth; and inside [`shared_names`] the field names read so far (kept here rather than in a
/// table of their own, so that a field access reaches them without a thread-local).
#[derive(Default)]
struct Stack(Vec<(Node, u32)>, Names);

/// The field names of the pack being read, each once ([`shared_names`]).
#[cfg(not(target_arch = "wasm32"))]
type Names = Option<hashbrown::HashSet<FieldName>>;
#[cfg(target_arch = "wasm32")]
type Names = ();
#[cfg(not(target_arch = "wasm32"))]
const NO_NAMES: Names = None;
#[cfg(target_arch = "wasm32")]
const NO_NAMES: Names = ();

/// The name of a field access read now: natively the text the pack's earlier accesses of the
/// name have, inside [`shared_names`].
#[cfg(not(target_arch = "wasm32"))]
fn field_name(names: &mut Names, name: &str) -> FieldName {
    match names {
        Some(names) => match names.get(name) {
            Some(n) => n.clone(),
            None => {
                let n = FieldName::from(name);
                names.insert(n.clone());
                n
            }
        },
        None => name.into(),
    }
}

#[cfg(target_arch = "wasm32")]
fn field_name(_: &mut Names, name: &str) -> FieldName {
    name.into()
}

/// Runs `f`, the reading of one compiled pack, with a table of the field names it reads, so
/// that natively the accesses of one name share one text ([`FieldName`]): the default pack's
/// 2,347 field accesses use 198 names, and a read of it takes about 0.4 M fewer instructions
/// (callgrind: 2,149 allocations and frees fewer, less the hash set's look-ups). The pack's
/// bytes are the same. Writing a name by number after its first use (and sharing it in the
/// WebAssembly validator too) took 1.04 M instructions and 17.6 KB off the default pack, but
/// 584 bytes more of the validator module (gzipped), which its size target could not take.
pub(crate) fn shared_names<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(not(target_arch = "wasm32"))]
    let f = || {
        let names = |names: Names| {
            SPARE.with(|spare| {
                let mut st = spare.take();
                let outer = std::mem::replace(&mut st.1, names);
                spare.set(st);
                outer
            })
        };
        let outer = names(Some(hashbrown::HashSet::new()));
        let out = f();
        names(outer);
        out
    };
    f()
}

impl Stack {
    /// The last `n` nodes, in order, and the deepest of them.
    fn take<E: serde::de::Error>(&mut self, n: usize) -> Result<(Vec<Node>, u32), E> {
        let Some(at) = self.0.len().checked_sub(n) else {
            return Err(refuse("an expression node lacks its operands"));
        };
        let depth = self.0.get(at..).unwrap_or_default().iter().map(|(_, d)| *d).max().unwrap_or(0);
        Ok((self.0.drain(at..).map(|(n, _)| n).collect(), depth))
    }

    fn one<E: serde::de::Error>(&mut self) -> Result<(Box<Node>, u32), E> {
        match self.0.pop() {
            Some((n, d)) => Ok((Box::new(n), d)),
            None => Err(refuse("an expression node lacks its operands")),
        }
    }

    fn two<E: serde::de::Error>(&mut self) -> Result<(Box<Node>, Box<Node>, u32), E> {
        let (b, db) = self.one()?;
        let (a, da) = self.one()?;
        Ok((a, b, da.max(db)))
    }
}

#[cfg(test)]
fn rebuild(nodes: Vec<Flat>) -> Result<Node, postcard::Error> {
    postcard::from_bytes::<Expr>(&postcard::to_allocvec(&nodes)?).map(|e| e.root)
}

/// Reads one node, its op then its type ([`Flat`]), and adds it to the stack with its children.
struct NodeSeed<'s>(&'s mut Stack);

impl<'de> serde::de::DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_tuple(2, self)
    }
}

impl<'de> serde::de::Visitor<'de> for NodeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an expression node")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.0;
        let lacks = || refuse("an expression node lacks its type");
        let (kind, depth) = seq.next_element_seed(OpSeed(st))?.ok_or_else(lacks)?;
        let ty = seq.next_element::<Type>()?.ok_or_else(lacks)?;
        let depth = depth + 1;
        if depth > MAX_COMPILED_DEPTH {
            return Err(refuse(format_args!("an expression tree deeper than {MAX_COMPILED_DEPTH}")));
        }
        st.0.push((Node { kind, ty }, depth));
        Ok(())
    }
}

/// Reads an [`Op`], taking its children from the stack: the node's kind and its depth below it.
struct OpSeed<'s>(&'s mut Stack);

impl<'de> serde::de::DeserializeSeed<'de> for OpSeed<'_> {
    type Value = (Kind, u32);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(Kind, u32), D::Error> {
        const OPS: &[&str] = &[
            "Const", "Slot", "Field", "Index", "List", "Not", "Neg", "Arith", "Cmp", "IsNull", "In", "InConsts", "And", "Or", "Coalesce",
            "Cond", "Has", "Quant", "Call", "Find", "AsType", "Window",
        ];
        d.deserialize_enum("Op", OPS, self)
    }
}

impl<'de> serde::de::Visitor<'de> for OpSeed<'_> {
    type Value = (Kind, u32);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an expression node's op")
    }

    /// A struct variant's fields are read as a tuple of them: postcard writes both alike.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(Kind, u32), A::Error> {
        use serde::de::VariantAccess;
        let st = self.0;
        let (op, v): (u32, _) = data.variant()?;
        Ok(match op {
            0 => (Kind::Const(v.newtype_variant()?), 0),
            1 => (Kind::Slot(check_slot(v.newtype_variant()?)?), 0),
            2 => {
                let name = field_name(&mut st.1, v.newtype_variant()?);
                let (base, d) = st.one()?;
                (Kind::Field { base, name, hint: Default::default() }, d)
            }
            3 => {
                v.unit_variant()?;
                let (base, index, d) = st.two()?;
                (Kind::Index { base, index }, d)
            }
            4 => {
                let (items, d) = st.take(v.newtype_variant()?)?;
                (Kind::List(items), d)
            }
            5 | 6 | 16 => {
                v.unit_variant()?;
                let (a, d) = st.one()?;
                (if op == 5 { Kind::Not(a) } else if op == 6 { Kind::Neg(a) } else { Kind::Has(a) }, d)
            }
            7 => {
                let arith = v.newtype_variant()?;
                let (a, b, d) = st.two()?;
                (Kind::Arith(arith, a, b), d)
            }
            8 => {
                let cmp = v.newtype_variant()?;
                let (a, b, d) = st.two()?;
                (Kind::Cmp(cmp, a, b), d)
            }
            9 => {
                let negate = v.newtype_variant()?;
                let (expr, d) = st.one()?;
                (Kind::IsNull { expr, negate }, d)
            }
            10 => {
                let elem = v.newtype_variant()?;
                let (needle, list, d) = st.two()?;
                (Kind::In { needle, list, elem }, d)
            }
            11 => {
                let items = v.newtype_variant()?;
                let (needle, d) = st.one()?;
                (Kind::InConsts { needle, items }, d)
            }
            12..=14 => {
                v.unit_variant()?;
                let (a, b, d) = st.two()?;
                (if op == 12 { Kind::And(a, b) } else if op == 13 { Kind::Or(a, b) } else { Kind::Coalesce(a, b) }, d)
            }
            15 => {
                v.unit_variant()?;
                let (c, dc) = st.one()?;
                let (a, b, d) = st.two()?;
                (Kind::Cond(a, b, c), d.max(dc))
            }
            17 => {
                let (q, slot, elem): (_, usize, _) = v.newtype_variant()?;
                let (list, body, d) = st.two()?;
                (Kind::Quant { q, list, slot: check_slot(slot)?, elem, body }, d)
            }
            18 => {
                let (f, args): (&str, usize) = v.newtype_variant()?;
                let Some(f) = lookup(f) else {
                    return Err(refuse(format_args!("no built-in function `{f}` in this engine")));
                };
                let (args, d) = st.take(args)?;
                (Kind::Call { f, args }, d)
            }
            19 => {
                let (path, index_key, key_ty, elem, all, by_name, shared) = v.newtype_variant()?;
                let (list, value, d) = st.two()?;
                (Kind::Find(Box::new(Find { list: *list, path, index_key, key_ty, value: *value, elem, all, by_name, shared })), d)
            }
            20 => {
                let name = v.newtype_variant()?;
                let (expr, d) = st.one()?;
                (Kind::AsType { expr, name }, d)
            }
            21 => {
                let (op, slot, elem, per, args, context): (_, usize, _, usize, usize, Vec<usize>) = v.newtype_variant()?;
                let (args, da) = st.take(args)?;
                let (per, dp) = st.take(per)?;
                let (list, dl) = st.one()?;
                for s in &context {
                    check_slot::<A::Error>(*s)?;
                }
                (Kind::Window(Box::new(Window::new(op, *list, check_slot(slot)?, elem, per, args, context))), da.max(dp).max(dl))
            }
            n => return Err(refuse(format_args!("no expression node #{n} in this engine"))),
        })
    }
}

impl Stack {
    /// The one tree the nodes made.
    fn root<E: serde::de::Error>(&mut self) -> Result<Node, E> {
        match (self.0.pop(), self.0.is_empty()) {
            (Some((root, _)), true) => Ok(root),
            _ => Err(refuse("an expression's nodes do not make one tree")),
        }
    }
}

thread_local! {
    /// The stack of the last tree rebuilt on this thread, emptied: the next one reuses its room
    /// (a pack holds a thousand expressions, most of a few nodes); with the names of the pack
    /// being read ([`shared_names`]).
    static SPARE: std::cell::Cell<Stack> = const { std::cell::Cell::new(Stack(Vec::new(), NO_NAMES)) };
}

/// Most room a spare stack keeps between trees.
const SPARE_AT_MOST: usize = 256;

/// Rebuilds the tree as its nodes are read (no list of them in between).
struct ExprVisitor;

impl<'de> serde::de::Visitor<'de> for ExprVisitor {
    type Value = Expr;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an expression's nodes")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Expr, A::Error> {
        let mut st = SPARE.take();
        let mut read = || {
            while seq.next_element_seed(NodeSeed(&mut st))?.is_some() {}
            st.root()
        };
        let root = read();
        st.0.clear();
        if st.0.capacity() > SPARE_AT_MOST {
            st.0 = Vec::new();
        }
        SPARE.set(st);
        Ok(Expr { root: root? })
    }
}

impl<'de> Deserialize<'de> for Expr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Expr, D::Error> {
        d.deserialize_seq(ExprVisitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_deepest_accepted_expressions_read_back_from_their_flat_form() {
        let (n, t) = (super::super::MAX_NESTING - 1, MAX_TREE_DEPTH as usize - 1);
        let scope = super::super::Scope::default();
        for src in [
            format!("{}1{}", "(1 + ".repeat(n), ")".repeat(n)),
            format!("1{}", " + 1".repeat(t - 1)),
            format!("{}1{}", "[".repeat(n), "]".repeat(n)),
            format!("{}true{}", "(true ? ".repeat(n / 2), " : false)".repeat(n / 2)),
        ] {
            let e = super::super::compile(&src, &scope).unwrap();
            let bytes = postcard::to_allocvec(&e).unwrap();
            let back: Expr = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(format!("{back:?}"), format!("{e:?}"), "{src}");
        }
    }

    #[test]
    fn nodes_that_do_not_make_one_tree_are_refused() {
        let one = Flat { op: Op::Const(Const::Null), ty: Type::Null };
        for nodes in [vec![], vec![Flat { op: Op::Not, ty: Type::Bool }], vec![one, Flat { op: Op::Const(Const::Null), ty: Type::Null }]] {
            assert!(rebuild(nodes).is_err());
        }
        let deep: Vec<Flat> = std::iter::once(Flat { op: Op::Const(Const::Null), ty: Type::Null })
            .chain((0..MAX_COMPILED_DEPTH).map(|_| Flat { op: Op::Not, ty: Type::Bool }))
            .collect();
        assert!(rebuild(deep).is_err());
        assert!(rebuild(vec![Flat { op: Op::Slot(MAX_SLOT + 1), ty: Type::Any }]).is_err());
    }

    #[test]
    fn the_accesses_of_one_field_name_read_back_in_a_pack_share_one_text() {
        let mut scope = super::super::Scope::default();
        scope.bind("doc", Type::Any);
        let e = super::super::compile("[doc.a, doc.b.a]", &scope).unwrap();
        let bytes = postcard::to_allocvec(&e).unwrap();
        let names = |e: &Expr| -> Vec<FieldName> {
            let Kind::List(items) = &e.root.kind else { panic!("a list") };
            items.iter().filter_map(|n| if let Kind::Field { name, .. } = &n.kind { Some(name.clone()) } else { None }).collect()
        };
        let shared = shared_names(|| postcard::from_bytes::<Expr>(&bytes).unwrap());
        assert_eq!(shared, e);
        assert!(matches!(&names(&shared)[..], [a, b] if std::sync::Arc::ptr_eq(a, b) && &**a == "a"));
        // Outside a pack's read, each access has its own.
        let alone = postcard::from_bytes::<Expr>(&bytes).unwrap();
        assert!(matches!(&names(&alone)[..], [a, b] if !std::sync::Arc::ptr_eq(a, b)));
    }

    /// Windowed lookups nested in each other's per-element expressions, as the fuzzer once wrote
    /// in a compiled body (when a window's shape was written out with its inner ones, each
    /// level doubled it): reading them back and comparing them stay linear in the tree. The `compiled_pack`
    /// fuzz seed `nested-windows-shape` is the body of `fuzz/packs/small` with such a tree.
    fn nested_windows(levels: usize) -> Expr {
        let leaf = || Node { kind: Kind::Slot(0), ty: Type::Any };
        let mut inner = leaf();
        for _ in 0..levels {
            let w = Window::new(WinOp::FindAllBy, leaf(), 7, Type::Any, vec![inner, leaf()], vec![leaf()], vec![0]);
            inner = Node { kind: Kind::Window(Box::new(w)), ty: Type::Any };
        }
        Expr { root: inner }
    }

    #[test]
    fn nested_windows_read_back_and_compare_in_linear_time() {
        let e = nested_windows(MAX_COMPILED_DEPTH as usize - 1);
        let bytes = postcard::to_allocvec(&e).unwrap();
        let back: Expr = postcard::from_bytes(&bytes).unwrap();
        let Kind::Window(w) = &back.root.kind else { panic!("a window") };
        assert!(**w == **w);
        assert_eq!(back, e);
        let deeper = nested_windows(MAX_COMPILED_DEPTH as usize);
        assert!(postcard::from_bytes::<Expr>(&postcard::to_allocvec(&deeper).unwrap()).is_err());
    }

    /// The `compiled_pack` fuzz seeds that are whole bodies are bodies of this engine's form,
    /// so that the fuzzer starts from packs that decode: `small-body` is `fuzz/packs/small`
    /// compiled, `nested-windows-shape` the same pack with its first check's `when` replaced by
    /// nested windows (what the fuzzer once found: `nested_windows_read_back_and_compare_in_linear_time`).
    /// After a change of the compiled form, `QAGIDA_WRITE_FUZZ_SEEDS=1 cargo test -p qagida --lib
    /// whole_body_fuzz_seeds` writes them anew.
    #[test]
    fn the_whole_body_fuzz_seeds_decode_with_this_engine() {
        use crate::pack::compiled::{CompileOptions, fuzzing};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut pack = crate::Pack::load_dir(root.join("fuzz/packs/small")).unwrap();
        let small = fuzzing::body(&pack, CompileOptions::default());
        let check = pack.rules.iter_mut().flat_map(|r| &mut r.checks).next().unwrap();
        check.when = Some(nested_windows((MAX_COMPILED_DEPTH as usize - 1).min(100)));
        let nested = fuzzing::body(&pack, CompileOptions::default());
        let dir = root.join("fuzz/corpus/compiled_pack");
        for (name, body) in [("small-body", small), ("nested-windows-shape", nested)] {
            let path = dir.join(name);
            if std::env::var_os("QAGIDA_WRITE_FUZZ_SEEDS").is_some() {
                std::fs::write(&path, [&[0u8][..], &body].concat()).unwrap();
            }
            let seed = std::fs::read(&path).unwrap();
            let decoded = seed.split_first().map(|(_, b)| fuzzing::from_body(b).map(drop));
            assert!(
                matches!(decoded, Some(Ok(()))),
                "fuzz/corpus/compiled_pack/{name} does not decode ({decoded:?}): the compiled form changed; write the seeds anew with QAGIDA_WRITE_FUZZ_SEEDS=1 cargo test -p qagida --lib whole_body_fuzz_seeds"
            );
        }
    }
}
