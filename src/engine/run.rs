//! Running a document's rules: each rule's checks over the document, its `for_each` items and
//! `then_each` elements; what a check could not check (`info`); arithmetic that overflowed; and
//! a document no rule applied to (`NOT-IN-FORCE`).

use std::fmt::Write as _;

use chrono::NaiveDate;
use crate::document::Json;

use super::text::TextCap;
use super::{Finding, Out, render};
use crate::expr::{Env, EvalError, Expr, Val};
use crate::pack::{
    Check, CheckKind, DocType, LangId, LangTemplates, Pack, Pointer, Root, Rule, SLOT_AS_OF, SLOT_CALENDARS, SLOT_DATA, SLOT_DOC, SLOT_EFFECTIVE_FROM,
    SLOT_PARAMS, Seg, Severity, SysMsg, array_index,
};
use crate::types::Type;

/// Rule ID of the engine finding that no rule of the pack applied to a document on its date.
pub const NOT_IN_FORCE_RULE: &str = "NOT-IN-FORCE";

impl Pack {
    /// Runs the rules of `doc_type` in force on `as_of` over `doc` (at `prefix` in the input).
    /// When the type has rules but none of them is in force, one `NOT-IN-FORCE` finding says
    /// that nothing was checked — unless the document holds documents (`with_members`: a
    /// bundle's members were checked by their own rules, each with its own finding if none of
    /// its rules was in force).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run_rules<'a>(
        &'a self,
        doc_type: &'a DocType,
        doc: &'a Json<'a>,
        as_of: NaiveDate,
        prefix: &str,
        with_members: bool,
        lang: LangId,
        env: &mut Env<'a>,
        out: &mut Out,
    ) -> Result<(), EvalError> {
        let data = self.data_json(as_of);
        let mut applied = false;
        let at = self.rules_by_doc.binary_search_by(|(t, _)| t.as_str().cmp(&doc_type.name)).ok();
        let indices = at.and_then(|i| self.rules_by_doc.get(i)).map_or(&[][..], |(_, r)| r.as_slice());
        for (rule, &i) in indices.iter().filter_map(|i| Some((self.rules.get(*i)?, i))) {
            if out.full() {
                return Ok(());
            }
            if !rule.in_force(as_of) {
                continue;
            }
            applied = true;
            let run = RuleRun { pack: self, doc_type: &doc_type.name, rule, params: self.params_json(i), doc, data, as_of, lang, prefix };
            eval_rule(&run, env, out)?;
        }
        if applied || with_members {
            return Ok(());
        }
        // A type the pack gives no rule at all (a document only read by others' checks) is its
        // author's choice, not a gap in time.
        let earliest = self.rules_for(&doc_type.name).map(|r| r.effective_from).min();
        let silenced_applied = || {
            self.silenced.iter().any(|(t, from, to)| *t == doc_type.name && *from <= as_of && to.is_none_or(|to| as_of < to))
        };
        if earliest.is_some() && !silenced_applied() {
            // Point at the date that decided (the first of the type's date fields present).
            let date_field = doc_type.as_of.iter().find(|(path, _)| {
                path.iter().try_fold(doc, |v, name| super::member(v, name)).is_some_and(|v| !v.is_null())
            });
            let path = match date_field {
                Some((p, _)) => format!("{prefix}{}", Pointer::from_tokens(p).text),
                None => prefix.to_string(),
            };
            let expected = earliest.map(|d| format!("≥ {d}"));
            out.push(self.engine_finding(NOT_IN_FORCE_RULE, SysMsg::NotInForce, lang, path, Some(as_of.to_string()), expected));
        }
        Ok(())
    }
}

/// What every check of one rule evaluates against.
struct RuleRun<'a, 'p> {
    pack: &'a Pack,
    /// The document type of `doc`.
    doc_type: &'a str,
    /// Pointer of `doc` inside the input (`/documents/3` for a bundle member, else empty).
    prefix: &'p str,
    rule: &'a Rule,
    /// The rule's parameters.
    params: &'a Json<'a>,
    doc: &'a Json<'a>,
    /// The reference data in force on `as_of`.
    data: &'a Json<'a>,
    as_of: NaiveDate,
    lang: LangId,
}

impl<'a> RuleRun<'a, '_> {
    /// Fills the fixed slots (doc, params, data, as_of, calendars, effective_from) and drops
    /// every other binding.
    fn reset(&self, env: &mut Env<'a>) {
        const _: () = assert!(
            SLOT_DOC == 0 && SLOT_PARAMS == 1 && SLOT_DATA == 2 && SLOT_AS_OF == 3 && SLOT_CALENDARS == 4 && SLOT_EFFECTIVE_FROM == 5
        );
        env.slots.clear();
        env.slots.extend([
            Val::Json(self.doc),
            Val::Json(self.params),
            Val::Json(self.data),
            Val::Date(self.as_of),
            Val::Calendars(&self.pack.calendars),
            Val::Date(self.rule.effective_from),
        ]);
    }
}

/// A check whose outcome was unknown: where it ran, and the data it reads that is absent.
struct Unknown {
    /// The pointer of what the check ran on (document, item or element).
    base: String,
    /// Absent data, as pointers into the input.
    absent: Vec<String>,
    /// Where the check's findings point.
    path: String,
    /// The check's or rule's own `not_checked` message, rendered when the check could not run
    /// (its lets are bound then).
    message: Option<String>,
}

fn eval_rule<'a>(run: &RuleRun<'a, '_>, env: &mut Env<'a>, out: &mut Out) -> Result<(), EvalError> {
    run.reset(env);
    env.reclaim();
    let mut unknown: Vec<Unknown> = Vec::new();
    let doc_base = Base { prefix: run.prefix, item: None, elem: None };
    match outcome(run.rule.when.as_ref(), env)? {
        Outcome::Holds => {}
        Outcome::Fails => return Ok(()),
        Outcome::Unknown => {
            let ptrs = crate::pack::reads_of(run.rule.when.iter(), None, None);
            let absent = absent_reads(&ptrs, doc_base, run.doc, None, None);
            let message = run.rule.not_checked.as_ref().map(|t| render(t, run.lang, &|s, o| match s {
                Seg::Actual => o.push_str(&absent.join(", ")),
                Seg::Path => o.push_str(run.prefix),
                Seg::Lit(l) => o.push_str(l),
                _ => {}
            }));
            unknown.push(Unknown { base: doc_base.join(""), absent, path: doc_base.join(""), message });
            report_unknown(run, unknown, out);
            return Ok(());
        }
    }
    for check in run.rule.checks.iter().filter(|c| c.doc_type == run.doc_type) {
        match &check.for_each {
            None => eval_check(run, check, None, None, doc_base, env, out, &mut unknown)?,
            Some(ptr) => {
                // An absent list has no element to check (a required one has its own `require`
                // finding; a list of another JSON kind has its TYPE finding).
                let Some(Json::Array(items)) = pointer(run.doc, ptr) else { continue };
                for (i, item) in items.iter().enumerate() {
                    if out.full() {
                        return Ok(());
                    }
                    if let Some(t) = &check.of_type
                        && super::type_name(item) != Some(t.as_str())
                    {
                        continue;
                    }
                    let base = Base { prefix: run.prefix, item: Some((&ptr.text, i)), elem: None };
                    let Some(inner) = &check.then_each else {
                        eval_check(run, check, Some(item), None, base, env, out, &mut unknown)?;
                        continue;
                    };
                    let Some(Json::Array(elems)) = pointer(item, inner) else { continue };
                    for (j, elem) in elems.iter().enumerate() {
                        if out.full() {
                            return Ok(());
                        }
                        let base = Base { elem: Some((&inner.text, j)), ..base };
                        eval_check(run, check, Some(item), Some(elem), base, env, out, &mut unknown)?;
                    }
                }
            }
        }
    }
    report_unknown(run, unknown, out);
    Ok(())
}

/// One `info` finding per place (document, item, element) where some check of the rule could
/// not run, unless the rule reported something there already. It names the absent data it
/// needed, or says that what it read did not give a value (a value that does not convert, a
/// document it refers to that is not there).
fn report_unknown(run: &RuleRun<'_, '_>, unknown: Vec<Unknown>, out: &mut Out) {
    // By place, in the order first met (a rule over 100,000 lines has as many places).
    let mut merged: indexmap::IndexMap<String, Unknown> = indexmap::IndexMap::new();
    for u in unknown {
        match merged.get_mut(&u.base) {
            Some(m) => {
                for a in u.absent {
                    if !m.absent.contains(&a) {
                        m.absent.push(a);
                    }
                }
            }
            None => {
                merged.insert(u.base.clone(), u);
            }
        }
    }
    for u in merged.into_values() {
        if out.full() {
            return;
        }
        if out.reported(&run.rule.id, &u.base) {
            continue;
        }
        let (msg, path, actual) = match u.absent.first() {
            Some(first) => (SysMsg::NotCheckedAbsent, first.clone(), Some(u.absent.join(", "))),
            None => (SysMsg::NotChecked, u.path.clone(), None),
        };
        let message = u.message.unwrap_or_else(|| {
            render(run.pack.messages.get(msg), run.lang, &|s, o| match s {
                Seg::Actual => o.push_str(actual.as_deref().unwrap_or("—")),
                Seg::Path => o.push_str(&path),
                Seg::Expected => o.push('—'),
                _ => {}
            })
        });
        let f = Finding {
            rule_id: run.rule.id.clone(),
            severity: Severity::Info,
            path,
            message,
            clause: run.rule.clause.get(run.lang).to_string(),
            actual,
            expected: None,
        };
        out.push_not_checked(f, &run.rule.id, u.base, u.absent);
    }
}

/// The pointer of what a check runs on: the document (`prefix`, empty unless it is a bundle
/// member), its `for_each` item `i`, or that item's `then_each` element `j`. Joined into a
/// string only for a finding.
#[derive(Clone, Copy)]
struct Base<'s> {
    prefix: &'s str,
    item: Option<(&'s str, usize)>,
    elem: Option<(&'s str, usize)>,
}

impl Base<'_> {
    fn join(self, tail: &str) -> String {
        let mut s = String::from(self.prefix);
        for (ptr, i) in [self.item, self.elem].into_iter().flatten() {
            let _ = write!(s, "{ptr}/{i}");
        }
        s.push_str(tail);
        s
    }
}

/// `doc.pointer(ptr)` (RFC 6901, as serde_json reads it: no `+` or leading zero in an index),
/// over the tokens split when the pack loaded.
fn pointer<'j>(doc: &'j Json<'j>, ptr: &Pointer) -> Option<&'j Json<'j>> {
    ptr.tokens()?.iter().try_fold(doc, |cur, t| step(cur, t))
}

/// One token of a JSON Pointer into a value: an object's member, an array's element.
fn step<'j>(cur: &'j Json<'j>, token: &str) -> Option<&'j Json<'j>> {
    match cur {
        Json::Object(o) => o.get(token),
        Json::Array(a) => a.get(array_index(token)?),
        _ => None,
    }
}

/// Of the pointers a check reads, those absent in the input (each as its highest absent
/// prefix: `/eligibility`, not `/eligibility/status`), as full pointers into the input.
fn absent_reads(reads: &[(Root, Pointer)], base: Base<'_>, doc: &Json<'_>, item: Option<&Json<'_>>, elem: Option<&Json<'_>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (root, ptr) in reads {
        let (scope, at) = match root {
            Root::Doc => (Some(doc), Base { prefix: base.prefix, item: None, elem: None }),
            Root::Item => (item, Base { elem: None, ..base }),
            Root::Elem => (elem, base),
        };
        let Some(mut cur) = scope else { continue };
        let Some(tokens) = ptr.tokens() else { continue };
        let mut tail = String::new();
        for t in tokens {
            tail.push('/');
            crate::document::push_pointer_token(&mut tail, t);
            match step(cur, t) {
                Some(v) if !v.is_null() => cur = v,
                _ => {
                    let full = at.join(&tail);
                    if !out.contains(&full) {
                        out.push(full);
                    }
                    break;
                }
            }
        }
    }
    out
}

/// A precondition's outcome: absent or `true` holds; `false` fails; missing is unknown.
enum Outcome {
    Holds,
    Fails,
    Unknown,
}

fn outcome<'a>(when: Option<&'a Expr>, env: &mut Env<'a>) -> Result<Outcome, EvalError> {
    Ok(match when {
        None => Outcome::Holds,
        Some(w) => match w.eval(env)? {
            Val::Bool(true) => Outcome::Holds,
            Val::Bool(false) => Outcome::Fails,
            _ => Outcome::Unknown,
        },
    })
}

fn set_slot<'a>(env: &mut Env<'a>, slot: usize, v: Val<'a>) {
    if env.slots.len() <= slot {
        env.slots.resize(slot + 1, Val::Missing);
    }
    if let Some(s) = env.slots.get_mut(slot) {
        *s = v;
    }
}

#[allow(clippy::too_many_arguments)]
fn eval_check<'a>(
    run: &RuleRun<'a, '_>,
    check: &'a Check,
    item: Option<&'a Json<'a>>,
    elem: Option<&'a Json<'a>>,
    base: Base<'_>,
    env: &mut Env<'a>,
    out: &mut Out,
    unknown: &mut Vec<Unknown>,
) -> Result<(), EvalError> {
    // The fixed slots were filled by `eval_rule` and no expression writes them (lets, items and
    // quantifier variables get slots after them): drop only what the previous check bound.
    env.slots.truncate(SLOT_EFFECTIVE_FROM + 1);
    // What the previous check built is dropped with its slots: the memory budget is whole again.
    env.reclaim();
    env.overflowed = false;
    // Objects and arrays stay lazily borrowed; leaves decode dynamically.
    let bound = |v: &'a Json<'a>| match v {
        Json::Object(_) | Json::Array(_) => Val::Json(v),
        other => crate::value::decode(other, &Type::Any).unwrap_or(Val::Missing),
    };
    if let (Some(slot), Some(item)) = (check.item_slot, item) {
        set_slot(env, slot, bound(item));
    }
    if let (Some(slot), Some(elem)) = (check.elem_slot, elem) {
        set_slot(env, slot, bound(elem));
    }
    let severity = check.severity.unwrap_or(run.rule.severity);
    let scope_doc = elem.or(item).unwrap_or(run.doc);
    let not_run = |env: &mut Env<'a>, out: &mut Out, unknown: &mut Vec<Unknown>| {
        if env.overflowed {
            // Arithmetic overflowed: the values are out of range, and a check is never passed
            // by overflowing it.
            let path = base.join(&check.path);
            let actual = check.actual.as_ref().and_then(|a| a.eval(env).ok()).and_then(|v| out.text.value(&v));
            out.push_at(overflow_finding(run, severity, path, actual), &run.rule.id, base.join(""));
        } else {
            let absent = absent_reads(&check.reads(), base, run.doc, item, elem);
            let path = base.join(&check.path);
            let template = check.not_checked.as_ref().or(run.rule.not_checked.as_ref());
            let message = template.map(|t| render_check(t, check, run.lang, env, out.text, &path, Some(&absent.join(", ")), None));
            unknown.push(Unknown { base: base.join(""), absent, path, message });
        }
    };
    for (_, slot, e) in &check.lets {
        let v = e.eval(env)?;
        set_slot(env, *slot, v);
    }
    match outcome(check.when.as_ref(), env)? {
        Outcome::Holds => {}
        Outcome::Fails => return Ok(()),
        Outcome::Unknown => {
            not_run(env, out, unknown);
            return Ok(());
        }
    }
    // A check over the members of a bundle that decided on a member stands for the member's
    // own checks of the rule: what they could not check alone is checked here.
    let settle = |out: &mut Out| {
        if check.of_type.is_some() {
            out.settle(&run.rule.id, base.join(""));
        }
    };
    match &check.kind {
        CheckKind::Assert(e) => match e.eval(env)? {
            Val::Bool(true) => settle(out),
            Val::Bool(false) => {
                settle(out);
                let actual = match &check.actual {
                    Some(a) => out.text.value(&a.eval(env)?),
                    None => None,
                };
                let expected = match &check.expected {
                    Some(x) => out.text.value(&x.eval(env)?),
                    None => None,
                };
                let path = base.join(&check.path);
                let f = finding(run.rule, check, severity, run.lang, env, out.text, path, actual, expected);
                out.push_at(f, &run.rule.id, base.join(""));
            }
            _ => not_run(env, out, unknown),
        },
        CheckKind::Require(ptrs) => {
            for p in ptrs {
                if !present(scope_doc, p) {
                    let path = base.join(&p.text);
                    let f = finding(run.rule, check, severity, run.lang, env, out.text, path, None, None);
                    out.push_at(f, &run.rule.id, base.join(""));
                }
            }
        }
    }
    Ok(())
}

fn overflow_finding(run: &RuleRun<'_, '_>, severity: Severity, path: String, actual: Option<String>) -> Finding {
    let message = render(run.pack.messages.get(SysMsg::Overflow), run.lang, &|s, o| match s {
        Seg::Actual => o.push_str(actual.as_deref().unwrap_or("—")),
        Seg::Path => o.push_str(&path),
        Seg::Expected => o.push('—'),
        _ => {}
    });
    Finding {
        rule_id: run.rule.id.clone(),
        severity,
        path,
        message,
        clause: run.rule.clause.get(run.lang).to_string(),
        actual,
        expected: None,
    }
}

/// Present, non-null, and not a blank string.
pub(super) fn present(scope: &Json<'_>, ptr: &Pointer) -> bool {
    match pointer(scope, ptr) {
        None | Some(Json::Null) => false,
        Some(Json::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &Rule,
    check: &Check,
    severity: Severity,
    lang: LangId,
    env: &Env<'_>,
    cap: TextCap,
    path: String,
    actual: Option<String>,
    expected: Option<String>,
) -> Finding {
    let template = check.message.as_ref().unwrap_or(&rule.message);
    let message = render_check(template, check, lang, env, cap, &path, actual.as_deref(), expected.as_deref());
    Finding {
        rule_id: rule.id.clone(),
        severity,
        path,
        message,
        clause: rule.clause.get(lang).to_string(),
        actual,
        expected,
    }
}

/// A check's message template in `lang`, its let names bound to their values in `env` (each
/// written out up to the text cap).
#[allow(clippy::too_many_arguments)]
fn render_check(
    t: &LangTemplates,
    check: &Check,
    lang: LangId,
    env: &Env<'_>,
    cap: TextCap,
    path: &str,
    actual: Option<&str>,
    expected: Option<&str>,
) -> String {
    render(t, lang, &|s, out| match s {
        Seg::Actual => out.push_str(actual.unwrap_or("—")),
        Seg::Expected => out.push_str(expected.unwrap_or("—")),
        Seg::Path => out.push_str(path),
        Seg::Let(name) => {
            let value = check.lets.iter().find(|(n, _, _)| n == name).and_then(|(_, slot, _)| env.slots.get(*slot));
            if let Some(v) = value.filter(|v| !matches!(v, Val::Missing)) {
                // Written straight into the message (no intermediate string), up to the cap.
                cap.write(out, v);
            }
        }
        Seg::Lit(t) => out.push_str(t),
    })
}
