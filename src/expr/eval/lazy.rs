//! Lets evaluated when first read: a check's lets are deferred into their slots and computed
//! by the first expression that reads them.

use super::{EvalError, Val};
use crate::expr::Env;

/// Lets bound to their slots but evaluated only when an expression first reads them: the engine
/// defers a check's lets, so what `&&`, `||`, `?:`, `??` or a quantifier passes over is never
/// computed (evaluation is pure: the values are those of evaluating every let first; only the
/// step and memory budgets are spent less). A let's value, once computed, is charged to the
/// memory budget while it stays bound (in [`Lazy::bytes`], which a quantifier giving back what
/// its body built leaves alone).
pub struct Lazy<'a> {
    /// By slot: the let not evaluated yet, and whether evaluating it overflowed
    /// ([`Env::overflowed`]). One vector, its room reserved once per validation (two, grown a
    /// slot at a time, cost ≈ 1 K instructions a validation, callgrind).
    pending: Vec<(Option<&'a crate::expr::Expr>, bool)>,
    /// Bytes of the bound lets' values.
    pub bytes: u64,
    /// Of them, those of the lets in slots below `shared_below` (a group's shared lets, kept
    /// from one check of the group to the next).
    pub shared_bytes: u64,
    pub shared_below: usize,
}

impl Default for Lazy<'_> {
    fn default() -> Self {
        // The WebAssembly module keeps the smaller code (grown as needed).
        #[cfg(not(target_arch = "wasm32"))]
        let pending = Vec::with_capacity(32);
        #[cfg(target_arch = "wasm32")]
        let pending = Vec::new();
        Lazy { pending, bytes: 0, shared_bytes: 0, shared_below: 0 }
    }
}

impl<'a> Lazy<'a> {
    /// No let deferred or bound.
    pub fn reset(&mut self) {
        self.pending.clear();
        self.bytes = 0;
        self.shared_bytes = 0;
        self.shared_below = 0;
    }

    /// Forgets the lets of the slots from `slot` on (their values were dropped).
    pub fn truncate(&mut self, slot: usize) {
        self.pending.truncate(slot);
    }

    /// Makes room for slots up to `top` (what deferring lets up to it needs), in one step rather
    /// than a slot at a time (a check of thirty lets grew both vectors thirty times).
    pub fn make_room(&mut self, top: usize, slots: &mut Vec<Val<'a>>) {
        if self.pending.len() <= top {
            self.pending.resize(top + 1, (None, false));
        }
        if slots.len() <= top {
            slots.resize(top + 1, Val::Missing);
        }
    }

    /// Binds `e` to `slot`, to be evaluated when first read (the slot holds missing until then).
    pub fn defer(&mut self, slot: usize, e: &'a crate::expr::Expr, slots: &mut Vec<Val<'a>>) {
        if self.pending.len() <= slot {
            self.pending.resize(slot + 1, (None, false));
        }
        if let Some(p) = self.pending.get_mut(slot) {
            *p = (Some(e), false);
        }
        if slots.len() <= slot {
            slots.resize(slot + 1, Val::Missing);
        }
    }

    /// Whether the let of `slot` is still to be evaluated.
    #[inline]
    pub fn is_pending(&self, slot: usize) -> bool {
        matches!(self.pending.get(slot), Some((Some(_), _)))
    }

    /// Whether evaluating the let of `slot` overflowed.
    pub fn overflowed(&self, slot: usize) -> bool {
        self.pending.get(slot).is_some_and(|p| p.1)
    }

    /// Hides a let deferred to `slot` while a quantifier's variable uses the slot (a variable of
    /// an earlier let's own quantifier may take the slot of a later let).
    pub(crate) fn hide(&mut self, slot: usize) -> Option<&'a crate::expr::Expr> {
        self.pending.get_mut(slot).and_then(|p| p.0.take())
    }

    pub(crate) fn unhide(&mut self, slot: usize, e: Option<&'a crate::expr::Expr>) {
        if let (Some(e), Some(p)) = (e, self.pending.get_mut(slot)) {
            p.0 = Some(e);
        }
    }
}

/// The let deferred to `slot`, evaluated into it now if it was not yet.
#[inline]
pub(crate) fn ready(env: &mut Env<'_>, slot: usize) -> Result<(), EvalError> {
    if env.lazy.is_pending(slot) {
        force(env, slot)?;
    }
    Ok(())
}

#[inline(never)]
pub(crate) fn force<'a>(env: &mut Env<'a>, slot: usize) -> Result<(), EvalError> {
    let Some(e) = env.lazy.pending.get_mut(slot).and_then(|p| p.0.take()) else {
        return Ok(());
    };
    let was = std::mem::replace(&mut env.overflowed, false);
    let before = env.bytes_used;
    let v = e.eval(env)?;
    // The let's bytes stay charged while it is bound.
    let used = env.bytes_used.saturating_sub(before);
    env.bytes_used = before;
    env.lazy.bytes = env.lazy.bytes.saturating_add(used);
    if slot < env.lazy.shared_below {
        env.lazy.shared_bytes = env.lazy.shared_bytes.saturating_add(used);
    }
    if let Some(p) = env.lazy.pending.get_mut(slot) {
        p.1 = env.overflowed;
    }
    env.overflowed |= was;
    if env.slots.len() <= slot {
        env.slots.resize(slot + 1, Val::Missing);
    }
    if let Some(s) = env.slots.get_mut(slot) {
        *s = v;
    }
    Ok(())
}
