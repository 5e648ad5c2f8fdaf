//! The check language: lexer, parser, type checker and evaluator. See docs/RULES.md §5.
//!
//! ```text
//! source --lexer--> tokens --parser--> syntax tree --check--> typed Node tree (Expr)
//!                                                        eval(Expr, Env) --> Val
//! ```
//!
//! * [`compile`] parses and type-checks one expression against a [`Scope`] (the names the pack
//!   loader makes visible). Names are resolved to slot indices and functions to entries of the
//!   built-in table ([`builtins`]) at compile time, so evaluation is a plain tree walk.
//! * [`Expr::eval`] evaluates under a step budget ([`Env::steps_left`]).
//! * Every failure to compile is an [`ExprError`] with a byte span into the source.
//!
//! Missing values: absent fields, `null`, wrong-typed input and undefined results (division by
//! zero, overflow, invalid dates) are [`Val::Missing`] (or `Val::Null`, which operators treat the
//! same). Operators and functions given a missing value return missing, except `has`, `??`,
//! `&&`, `||`, `== null` / `!= null` and the quantifiers (see [`check`] for the exact rules).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

mod builtins;
mod check;
mod flat;
pub(crate) use flat::{MAX_SLOT, shared_names};
mod eval;

mod lexer;
mod parser;
mod reads;
mod tree;
mod window;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;
#[cfg(test)]
mod tests_window;

use std::sync::Arc;


pub use eval::{IndexCache, SharedIndexes};
pub(crate) use eval::{force, write_val};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use eval::date_text;
pub use eval::Lazy;
pub use reads::Read;
pub use window::WindowCache;
use crate::types::{RecordType, Type};
pub use crate::value::Val;

/// The pack's document types by name (for `as_type`).
pub type Documents = Arc<crate::types::NameMap<Arc<RecordType>>>;

/// Longest accepted expression source, in bytes.
pub const MAX_SOURCE_LEN: usize = 8 * 1024;
/// Deepest accepted syntactic nesting (parentheses, brackets, call arguments, unary operators,
/// conditional branches).
pub const MAX_NESTING: usize = 64;
/// Deepest accepted expression tree (also bounds long operator chains such as `a+b+c+…`), so
/// that checking and evaluation recursion stays small.
pub const MAX_TREE_DEPTH: u32 = 128;

/// Names visible to an expression, each with a slot index (its position).
#[derive(Clone, Default, Debug)]
pub struct Scope {
    names: Vec<(String, Type)>,
    /// Slots whose values live as long as the pack (its reference data): lookups over lists
    /// reached from them are indexed once for every validation ([`SharedIndexes`]).
    statics: Vec<usize>,
    /// Document types that `as_type(x, 'NAME')` may narrow to.
    documents: Option<Documents>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a name; returns its slot index. A later bind of the same name shadows the earlier.
    pub fn bind(&mut self, name: &str, ty: Type) -> usize {
        self.names.push((name.to_owned(), ty));
        self.names.len() - 1
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Adds a name whose value lives as long as the pack (its reference data); returns its slot.
    pub fn bind_static(&mut self, name: &str, ty: Type) -> usize {
        let slot = self.bind(name, ty);
        self.statics.push(slot);
        slot
    }

    /// Whether slot `i` was bound with [`Scope::bind_static`].
    pub fn is_static(&self, i: usize) -> bool {
        self.statics.contains(&i)
    }

    /// The innermost binding of `name`: its slot index and type.
    pub fn lookup(&self, name: &str) -> Option<(usize, &Type)> {
        self.names
            .iter()
            .enumerate()
            .rev()
            .find(|(_, (n, _))| n == name)
            .map(|(i, (_, t))| (i, t))
    }

    /// All bound names, outermost first (shadowed ones included).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|(n, _)| n.as_str())
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        self.names.truncate(len);
    }

    /// Makes the pack's document types known to `as_type(x, 'NAME')`.
    pub fn set_documents(&mut self, documents: Documents) {
        self.documents = Some(documents);
    }

    /// The document types set with [`Scope::set_documents`].
    pub fn documents(&self) -> Option<&Documents> {
        self.documents.as_ref()
    }
}

/// A compile error: byte offset and length inside the expression source, plus a message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

impl ExprError {
    pub(crate) fn new(offset: usize, len: usize, message: impl Into<String>) -> Self {
        Self {
            offset,
            len,
            message: message.into(),
        }
    }
}

/// A compiled, type-checked expression. Immutable, `Send + Sync`. Equal when the trees compute
/// the same ([`check::Node`]'s `PartialEq`).
#[derive(Debug, PartialEq)]
pub struct Expr {
    root: check::Node,
}

/// Compiles (parses and type-checks) `src` with the names of `scope` visible.
pub fn compile(src: &str, scope: &Scope) -> Result<Expr, ExprError> {
    if src.len() > MAX_SOURCE_LEN {
        return Err(ExprError::new(
            0,
            0,
            format!(
                "expression is too long ({} bytes; at most {MAX_SOURCE_LEN})",
                src.len()
            ),
        ));
    }
    let tokens = lexer::lex(src)?;
    let syn = parser::parse(&tokens, src.len())?;
    let root = check::check(&syn, scope)?;
    Ok(Expr { root })
}

impl Expr {
    /// The static result type.
    pub fn ty(&self) -> &Type {
        &self.root.ty
    }

    /// Whether the expression is a constant (a literal, possibly folded: `-1`, `date('…')`,
    /// `days(90)`).
    pub fn is_constant(&self) -> bool {
        matches!(self.root.kind, check::Kind::Const(_))
    }

    /// Evaluates the expression. `env.slots[i]` holds the value of the name bound at slot `i` of
    /// the [`Scope`] it was compiled with. Quantifier variables use slots beyond `scope.len()`;
    /// `env.slots` is restored to its previous length and contents afterwards.
    pub fn eval<'a>(&'a self, env: &mut Env<'a>) -> Result<Val<'a>, EvalError> {
        eval::eval(&self.root, env)
    }
}

/// Evaluation state: slot values (index = Scope slot), a step budget, a memory budget and the
/// lookup indexes built by `find` / `find_all`.
pub struct Env<'a> {
    pub slots: Vec<Val<'a>>,
    /// Decremented by every node evaluation, every list element visited and every KiB of text or
    /// list built; at 0 evaluation stops with [`EvalError::BudgetExhausted`].
    pub steps_left: u64,
    /// Bytes of strings and lists built since [`Env::reclaim`] (charged before they are built:
    /// a concatenation its two sides, a string function three times its text arguments — case
    /// mapping can triple UTF-8 text —, a list its elements).
    pub bytes_used: u64,
    /// The memory budget: past it evaluation stops with [`EvalError::MemoryExhausted`]. Memory
    /// kept for the whole evaluation (the lookup indexes over input lists) lowers it for good.
    pub bytes_limit: u64,
    /// Hash indexes over input lists, built on the first `find`/`find_all` over a list and key
    /// and reused by later lookups while this `Env` lives (one validation).
    pub index: IndexCache<'a>,
    /// Indexes over the pack's reference data, shared by every validation with the pack (a
    /// lookup into `data.…` is indexed once, not once per document).
    pub shared: Option<&'a SharedIndexes>,
    /// Indexes of `find_all_by` / `max_before` over input lists, built on a call's first
    /// use and reused while this `Env` lives (one validation).
    pub windows: WindowCache<'a>,
    /// Set when an arithmetic operation overflowed (a decimal beyond its range, a date beyond
    /// the calendar's): the value became missing, and the caller may tell that apart from data
    /// that is absent. Never cleared by evaluation: the caller resets it.
    pub overflowed: bool,
    /// Lets bound to slots, evaluated when first read.
    pub lazy: eval::Lazy<'a>,
}

impl<'a> Env<'a> {
    pub fn new(slots: Vec<Val<'a>>, steps_left: u64) -> Self {
        Self {
            slots,
            steps_left,
            bytes_used: 0,
            bytes_limit: u64::MAX,
            index: IndexCache::default(),
            shared: None,
            windows: WindowCache::default(),
            overflowed: false,
            lazy: eval::Lazy::default(),
        }
    }

    /// Sets the memory budget (bytes of strings and lists built; default: none).
    pub fn with_memory_budget(mut self, bytes: u64) -> Self {
        self.bytes_limit = bytes;
        self
    }

    /// Every value built so far is dropped (the caller cleared the slots that held them): the
    /// budget is whole again, less what indexes keep.
    pub fn reclaim(&mut self) {
        self.bytes_used = 0;
        self.lazy.reset();
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error("evaluation budget exhausted")]
    BudgetExhausted,
    #[error("evaluation memory budget exhausted")]
    MemoryExhausted,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Expr>();
    assert_send_sync::<Scope>();
};
