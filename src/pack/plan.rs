//! How the engine runs a rule's checks without work it does not need, derived from the rule
//! once, on its first validation (not when the pack loads: a pack loads within its time target
//! and most validations use a few of its rules).
//!
//! - Each check's lets are evaluated when something reads them: the evaluator evaluates a let
//!   when an expression first reads it (`expr::Lazy`), so `when` and `assert` compute only what
//!   their `&&`, `||`, `?:` and quantifiers reach; the plan lists the lets a finding's message
//!   names (written without an expression reading them). Evaluation is pure, so the results are
//!   those of evaluating every let first; only the step and memory budgets are spent less.
//! - Consecutive checks that walk the same list (or check the document itself) and begin with
//!   the same lets (same name, slot and compiled expression; a let reads only lets before it,
//!   so a common prefix is closed under what it reads) form a group: the engine runs it item by
//!   item (the document once), each shared let evaluated at most once per item for all of them.

use super::{Check, Rule, Seg};

/// What the engine needs to run a rule's checks ([`Rule::plan`]).
#[derive(Debug, Default)]
pub(crate) struct RulePlan {
    /// By check index.
    pub checks: Vec<CheckPlan>,
    /// What the rule's `when` reads (named when it cannot be decided).
    pub when_reads: Vec<(super::Root, super::Pointer)>,
}

/// What the engine needs to run a check.
#[derive(Debug, Default)]
pub(crate) struct CheckPlan {
    /// What a finding's `actual`, `expected` and message read: lets (indices into
    /// [`Check::lets`], ascending: a let reads only lets before it), closed under what they read.
    pub render: Vec<usize>,
    /// On the first check of a group: the group.
    pub group: Option<Group>,
    /// [`Check::reads`], for saying what a check that could not run lacked (every item of a
    /// bundle's members may need it).
    pub reads: Vec<(super::Root, super::Pointer)>,
    /// What the check's `assert` and the lets it needs read, absence-tested reads included: a
    /// draft validation runs the check (once its `when` holds) only when all of them are
    /// present. (Not the lets only its message or `actual`/`expected` read.)
    pub decide: Vec<(super::Root, super::Pointer)>,
}

/// Consecutive checks run item by item, their first `shared` lets evaluated once per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Group {
    /// How many checks, this one first.
    pub len: usize,
    pub shared: usize,
    /// The slots below this hold the document's fixed names, the item (and element) and the
    /// shared lets; every other let of the group's checks is bound above it.
    pub keep: usize,
}

impl Rule {
    /// How the engine runs the rule's checks (made on first use, then kept with the rule).
    pub(crate) fn plan(&self) -> &RulePlan {
        self.plan.get_or_init(|| plan_rule(self))
    }
}

fn plan_rule(rule: &Rule) -> RulePlan {
    let mut checks: Vec<CheckPlan> = rule.checks.iter().map(|c| plan_check(rule, c)).collect();
    let mut k = 0;
    while k < rule.checks.len() {
        let (len, shared) = group_from(&rule.checks, k);
        let keep = rule.checks.get(k..k + len).and_then(|g| group_keep(g, shared));
        match (len > 1, keep, checks.get_mut(k)) {
            (true, Some(keep), Some(p)) => {
                p.group = Some(Group { len, shared, keep });
                k += len;
            }
            _ => k += 1,
        }
    }
    RulePlan { checks, when_reads: super::reads_of(rule.when.iter(), None, None, false) }
}

/// The lets each part of `check` reads.
fn plan_check(rule: &Rule, check: &Check) -> CheckPlan {
    let let_of_slot = |s: usize, below: usize| check.lets.get(..below).and_then(|l| l.iter().position(|(_, slot, _)| *slot == s));
    // What each let reads directly (only lets bound before it: a slot of its own or above is a
    // variable of its own quantifiers).
    let deps: Vec<Vec<usize>> = check
        .lets
        .iter()
        .enumerate()
        .map(|(i, (_, _, e))| {
            let mut s = Vec::new();
            e.slots_into(&mut s);
            s.into_iter().filter_map(|s| let_of_slot(s, i)).collect()
        })
        .collect();
    let n = check.lets.len();
    // The lets an expression compiled after every let reads, closed under what they read.
    let closure = |direct: Vec<usize>| -> Vec<usize> {
        let mut need = vec![false; n];
        for i in direct {
            if let Some(b) = need.get_mut(i) {
                *b = true;
            }
        }
        for i in (0..n).rev() {
            if need.get(i).copied().unwrap_or(false) {
                for &d in deps.get(i).into_iter().flatten() {
                    if let Some(b) = need.get_mut(d) {
                        *b = true;
                    }
                }
            }
        }
        (0..n).filter(|i| need.get(*i).copied().unwrap_or(false)).collect()
    };
    let reads = |exprs: &[Option<&crate::expr::Expr>]| {
        let mut s = Vec::new();
        exprs.iter().flatten().for_each(|e| e.slots_into(&mut s));
        s.into_iter().filter_map(|s| let_of_slot(s, n)).collect::<Vec<usize>>()
    };
    let template = check.message.as_ref().unwrap_or(&rule.message);
    let named = template.0.0.iter().flatten().flat_map(|t| &t.0).filter_map(|s| match s {
        Seg::Let(name) => check.lets.iter().position(|(n, _, _)| n == name),
        _ => None,
    });
    let mut render = reads(&[check.actual.as_ref(), check.expected.as_ref()]);
    render.extend(named);
    let decided_by = closure(reads(&[check.assert()]));
    let decide_exprs = decided_by.iter().filter_map(|&i| check.lets.get(i)).map(|(_, _, e)| e).chain(check.assert());
    CheckPlan {
        render: closure(render),
        group: None,
        reads: check.reads(),
        decide: super::reads_of(decide_exprs, check.item_slot, check.elem_slot, true),
    }
}

/// How many checks from `k` on walk the same list as check `k` (or, like it, check the document
/// itself) with some lets in common, and how many leading lets all of them share.
fn group_from(checks: &[Check], k: usize) -> (usize, usize) {
    let Some(first) = checks.get(k) else { return (1, 0) };
    let mut shared = first.lets.len();
    let mut len = 1;
    let mut prev = first;
    for c in checks.iter().skip(k + 1) {
        let same_walk = c.doc_type == first.doc_type
            && c.for_each.as_ref().map(|p| &p.text) == first.for_each.as_ref().map(|p| &p.text)
            && c.then_each.as_ref().map(|p| &p.text) == first.then_each.as_ref().map(|p| &p.text)
            && c.of_type == first.of_type
            && c.item_slot == first.item_slot
            && c.elem_slot == first.elem_slot;
        let common = if same_walk { common_lets(prev, c).min(shared) } else { 0 };
        if common == 0 {
            break;
        }
        shared = common;
        len += 1;
        prev = c;
    }
    (len, if len > 1 { shared } else { 0 })
}

/// How many leading lets two checks walking the same list have in common: the same name, slot
/// and expression. Compiling is a function of the source and the scope, and the scopes agree up
/// to the first let that differs, so the same source text is the same expression; without
/// sources (a pack compiled without them, as the WebAssembly module loads) the trees are
/// compared node by node (`Expr`'s `PartialEq`: types, constants with their scale, slots and
/// built-ins; not their compiled bytes, which would bring postcard's writer into the validator
/// module, 11 KB).
fn common_lets(a: &Check, b: &Check) -> usize {
    a.lets
        .iter()
        .zip(&b.lets)
        .take_while(|((na, sa, ea), (nb, sb, eb))| {
            na == nb
                && sa == sb
                && match (let_source(a, na), let_source(b, nb)) {
                    (Some(x), Some(y)) => x == y,
                    _ => ea == eb,
                }
        })
        .count()
}

/// The source text of a let, when the pack kept it.
fn let_source<'c>(c: &'c Check, name: &str) -> Option<&'c str> {
    c.source.iter().find(|(k, _)| k.strip_prefix("let.") == Some(name)).map(|(_, v)| v.as_str())
}

/// The slot count a group keeps from one check to the next on an item: above the item's and
/// element's slots and the shared lets', below every other let of the group's checks (else the
/// group is not run as one: `None`).
fn group_keep(checks: &[Check], shared: usize) -> Option<usize> {
    let first = checks.first()?;
    let fixed = first.item_slot.into_iter().chain(first.elem_slot).chain(first.lets.iter().take(shared).map(|(_, s, _)| *s));
    let keep = fixed.max()? + 1;
    let own_above = checks.iter().all(|c| c.lets.iter().skip(shared).all(|(_, s, _)| *s >= keep));
    let shared_above = first.lets.iter().take(shared).all(|(_, s, _)| first.item_slot.is_none_or(|i| *s > i) && first.elem_slot.is_none_or(|e| *s > e));
    (own_above && shared_above).then_some(keep)
}
