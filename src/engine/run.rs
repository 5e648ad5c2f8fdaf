//! Running a document's rules: each rule's checks over the document, its `for_each` items and
//! `then_each` elements; what a check could not check (`info`); arithmetic that overflowed; and
//! a document no rule applied to (`NOT-IN-FORCE`).

use chrono::NaiveDate;
use crate::document::{Json, NameSet};

use super::places::{Base, absent_reads, pointer, present, unfilled};
use super::text::TextCap;
use super::{Finding, Out, render};
use crate::expr::{Env, EvalError, Expr, Val};
use crate::pack::{
    Check, CheckKind, CheckPlan, Group, DocType, LangId, LangTemplates, Pack, Pointer, Rule, SLOT_AS_OF, SLOT_CALENDARS, SLOT_DATA, SLOT_DOC, SLOT_EFFECTIVE_FROM,
    SLOT_PARAMS, Seg, Severity, SysMsg,
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
        out: &mut Out<'a>,
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
            let run = RuleRun { pack: self, doc_type: &doc_type.name, rule, params: self.params_json(i), doc, data, as_of, lang, prefix, draft: out.draft };
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
    /// A draft validation: checks that read absent data wait, absent required data is not
    /// reported ([`crate::Mode::Draft`]).
    draft: bool,
}

impl<'a> RuleRun<'a, '_> {
    /// What `{field}` says of the finding at `path` (a pointer into the input): the label of
    /// the field it names, else the pointer itself.
    fn field_text(&self, path: &str) -> String {
        let label = self.pack.field_label(self.doc_type, path.strip_prefix(self.prefix).unwrap_or(path), self.lang);
        label.unwrap_or_else(|| path.to_string())
    }

    /// Fills the fixed slots (doc, params, data, as_of, calendars, effective_from) and drops
    /// every other binding.
    fn reset(&self, env: &mut Env<'a>) {
        const _: () = assert!(
            SLOT_DOC == 0 && SLOT_PARAMS == 1 && SLOT_DATA == 2 && SLOT_AS_OF == 3 && SLOT_CALENDARS == 4 && SLOT_EFFECTIVE_FROM == 5
        );
        let slots = &mut env.slots;
        slots.clear();
        // Pushed one by one natively: `extend` from an array was not always inlined (+1.1 K
        // instructions a validation when it was not, callgrind); the WebAssembly module keeps
        // the smaller code.
        #[cfg(not(target_arch = "wasm32"))]
        {
            slots.push(Val::Json(self.doc));
            slots.push(Val::Json(self.params));
            slots.push(Val::Json(self.data));
            slots.push(Val::Date(self.as_of));
            slots.push(Val::Calendars(&self.pack.calendars));
            slots.push(Val::Date(self.rule.effective_from));
        }
        #[cfg(target_arch = "wasm32")]
        slots.extend([
            Val::Json(self.doc),
            Val::Json(self.params),
            Val::Json(self.data),
            Val::Date(self.as_of),
            Val::Calendars(&self.pack.calendars),
            Val::Date(self.rule.effective_from),
        ]);
    }
}

/// Whether a check's document type is the document's: natively by `same_bytes` (no `memcmp`
/// call); the WebAssembly module keeps the smaller code.
#[cfg(not(target_arch = "wasm32"))]
fn same_type(a: &str, b: &str) -> bool {
    crate::document::same_bytes(a.as_bytes(), b.as_bytes())
}

#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn same_type(a: &str, b: &str) -> bool {
    a == b
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

fn eval_rule<'a>(run: &RuleRun<'a, '_>, env: &mut Env<'a>, out: &mut Out<'a>) -> Result<(), EvalError> {
    run.reset(env);
    env.reclaim();
    let mut unknown: Vec<Unknown> = Vec::new();
    let doc_base = Base { prefix: run.prefix, item: None, elem: None };
    match outcome(run.rule.when.as_ref(), env)? {
        Outcome::Holds => {}
        Outcome::Fails => return Ok(()),
        Outcome::Unknown => {
            let absent = absent_reads(&run.rule.plan().when_reads, doc_base, run.doc, None, None, run.draft);
            let message = run.rule.not_checked.as_ref().map(|t| render(t, run.lang, &|s, o| match s {
                Seg::Actual => o.push_str(&absent.join(", ")),
                Seg::Path => o.push_str(run.prefix),
                Seg::Field => o.push_str(&run.field_text(run.prefix)),
                Seg::Lit(l) => o.push_str(l),
                _ => {}
            }));
            unknown.push(Unknown { base: doc_base.join(""), absent, path: doc_base.join(""), message });
            report_unknown(run, unknown, out);
            return Ok(());
        }
    }
    let plans = &run.rule.plan().checks;
    let mut k = 0;
    while let Some(check) = run.rule.checks.get(k) {
        let plan = plans.get(k);
        let group = plan.and_then(|p| p.group);
        if !same_type(&check.doc_type, run.doc_type) {
            k += group.map_or(1, |g| g.len);
            continue;
        }
        if let Some(g) = group
            && let (Some(checks), Some(group_plans)) = (run.rule.checks.get(k..k + g.len), plans.get(k..k + g.len))
        {
            if eval_group(run, checks, group_plans, g, env, out, &mut unknown)? == Flow::Stop {
                return Ok(());
            }
            k += g.len;
            continue;
        }
        k += 1;
        let Some(plan) = plan else { continue };
        let mut one = |item: Option<&'a Json<'a>>, elem: Option<&'a Json<'a>>, base: Base<'_>, env: &mut Env<'a>, out: &mut Out<'a>| {
            start_unit(env, check, item, elem);
            defer_lets(check, 0, env);
            let text = out.text;
            eval_check(run, check, plan, item, elem, base, env, text, &mut Sink::Out(out), &mut unknown)
        };
        match &check.for_each {
            None => one(None, None, doc_base, env, out)?,
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
                        one(Some(item), None, base, env, out)?;
                        continue;
                    };
                    let Some(Json::Array(elems)) = pointer(item, inner) else { continue };
                    for (j, elem) in elems.iter().enumerate() {
                        if out.full() {
                            return Ok(());
                        }
                        let base = Base { elem: Some((&inner.text, j)), ..base };
                        one(Some(item), Some(elem), base, env, out)?;
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
fn report_unknown<'a>(run: &RuleRun<'a, '_>, unknown: Vec<Unknown>, out: &mut Out<'a>) {
    // By place, in the order first met (a rule over 100,000 lines has as many places: each
    // numbered through a set of them, hashed).
    let place: Vec<usize> = {
        let mut places = NameSet::default();
        unknown.iter().map(|u| places.enter(&u.base).0).collect()
    };
    let mut merged: Vec<Unknown> = Vec::new();
    for (u, p) in unknown.into_iter().zip(place) {
        // A place's number is the count of places before it: a new one comes next.
        match merged.get_mut(p) {
            Some(m) => {
                for a in u.absent {
                    if !m.absent.contains(&a) {
                        m.absent.push(a);
                    }
                }
            }
            None => merged.push(u),
        }
    }
    for u in merged {
        if out.full() {
            return;
        }
        if run.draft && !u.absent.is_empty() {
            out.skip(&run.rule.id, u.base, u.absent);
            continue;
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
                Seg::Field => o.push_str(&run.field_text(&path)),
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

/// Whether a rule goes on after a group of checks, or the result is full and it stops there.
#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    Stop,
}

/// What a check did, in order, kept to be written into [`Out`] in the order of running the
/// checks one after another (a group runs item by item).
enum Event {
    /// A new item or element: a full result stops the rule here.
    Unit,
    Finding(Finding, String),
    Settle(String),
}

/// Where a check's findings go: straight into the result, or kept to be written in order later
/// (a group of checks).
enum Sink<'o, 'a> {
    Out(&'o mut Out<'a>),
    Events(&'o mut Vec<Event>),
}

impl<'a> Sink<'_, 'a> {
    fn finding(&mut self, run: &RuleRun<'a, '_>, f: Finding, base: String) {
        match self {
            Sink::Out(out) => out.push_at(f, &run.rule.id, base),
            Sink::Events(ev) => ev.push(Event::Finding(f, base)),
        }
    }

    fn settle(&mut self, run: &RuleRun<'a, '_>, base: Base<'_>) {
        match self {
            Sink::Out(out) => out.settle(&run.rule.id, &base.join("")),
            Sink::Events(ev) => ev.push(Event::Settle(base.join(""))),
        }
    }
}

/// Writes `events` into `out`; [`Flow::Stop`] when the result was full at a new item.
fn replay<'a>(run: &RuleRun<'a, '_>, events: impl Iterator<Item = Event>, out: &mut Out<'a>) -> Flow {
    for e in events {
        match e {
            Event::Unit if out.full() => return Flow::Stop,
            Event::Unit => {}
            Event::Finding(f, base) => out.push_at(f, &run.rule.id, base),
            Event::Settle(base) => out.settle(&run.rule.id, &base),
        }
    }
    Flow::Go
}

// The lets of the check running are deferred into their slots as the check starts
// (`defer_lets`), each evaluated when an expression first reads it ([`crate::expr::Lazy`]), or
// when a finding's message or the reason the check could not run needs it (`need_lets`).

/// Defers the lets of `check` from the `from`-th on (those before it are a group's shared lets,
/// kept from the check before).
fn defer_lets<'a>(check: &'a Check, from: usize, env: &mut Env<'a>) {
    if let Some(top) = check.lets.iter().skip(from).map(|(_, slot, _)| *slot).max() {
        env.lazy.make_room(top, &mut env.slots);
    }
    for (_, slot, e) in check.lets.iter().skip(from) {
        env.lazy.defer(*slot, e, &mut env.slots);
    }
}

/// Evaluates the lets `which` of `check` not evaluated yet. A let evaluated before counts its
/// overflow again, as evaluating it again would.
fn need_lets<'a>(check: &'a Check, which: impl IntoIterator<Item = usize>, env: &mut Env<'a>) -> Result<(), EvalError> {
    for i in which {
        let Some((_, slot, _)) = check.lets.get(i) else { continue };
        if env.lazy.is_pending(*slot) {
            crate::expr::force(env, *slot)?;
        } else {
            env.overflowed |= env.lazy.overflowed(*slot);
        }
    }
    Ok(())
}

/// Starts what a check runs on: drops what the previous check bound (the fixed slots were
/// filled by `eval_rule` and no expression writes them; lets, items and quantifier variables
/// get slots after them), so the memory budget is whole again, and binds the item and element.
fn start_unit<'a>(env: &mut Env<'a>, check: &Check, item: Option<&'a Json<'a>>, elem: Option<&'a Json<'a>>) {
    env.slots.truncate(SLOT_EFFECTIVE_FROM + 1);
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
}

/// The next check of a group on one unit: the shared lets stay bound (or deferred), with the
/// bytes they hold; the previous check's own lets are dropped.
fn next_in_group(env: &mut Env<'_>, g: Group) {
    env.slots.truncate(g.keep);
    env.lazy.truncate(g.keep);
    env.lazy.bytes = env.lazy.shared_bytes;
    env.bytes_used = 0;
    env.overflowed = false;
}

/// Runs a group's checks one after another on one unit (the document, an item or an element):
/// binds it, keeps the shared lets from check to check, defers each check's own, and hands check
/// `k` to `run_check`.
fn run_unit<'a>(
    checks: &'a [Check],
    plans: &[CheckPlan],
    g: Group,
    item: Option<&'a Json<'a>>,
    elem: Option<&'a Json<'a>>,
    env: &mut Env<'a>,
    mut run_check: impl FnMut(usize, &'a Check, &CheckPlan, &mut Env<'a>) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    let Some(first) = checks.first() else { return Ok(()) };
    start_unit(env, first, item, elem);
    env.lazy.shared_below = g.keep;
    for (k, (check, plan)) in checks.iter().zip(plans).enumerate() {
        if k > 0 {
            next_in_group(env, g);
        }
        defer_lets(check, if k == 0 { 0 } else { g.shared }, env);
        run_check(k, check, plan, env)?;
    }
    Ok(())
}

/// A new item or element in every check's events (one mark for several with nothing between).
fn mark(events: &mut [Vec<Event>]) {
    for e in events {
        if !matches!(e.last(), Some(Event::Unit)) {
            e.push(Event::Unit);
        }
    }
}

/// Runs a group of checks ([`crate::pack::Group`]) item by item (element by element), each
/// shared let evaluated once per item, and writes what they found as running them one after
/// another would have: check by check, each over every item.
#[allow(clippy::too_many_arguments)]
fn eval_group<'a>(
    run: &RuleRun<'a, '_>,
    checks: &'a [Check],
    plans: &[CheckPlan],
    g: Group,
    env: &mut Env<'a>,
    out: &mut Out<'a>,
    unknown: &mut Vec<Unknown>,
) -> Result<Flow, EvalError> {
    let Some(first) = checks.first() else { return Ok(Flow::Go) };
    let Some(ptr) = &first.for_each else {
        // Checks of the document itself: one unit, each check's findings written as it runs.
        let base = Base { prefix: run.prefix, item: None, elem: None };
        let text = out.text;
        run_unit(checks, plans, g, None, None, env, |_, check, plan, env| eval_check(run, check, plan, None, None, base, env, text, &mut Sink::Out(out), unknown))?;
        return Ok(Flow::Go);
    };
    let Some(Json::Array(items)) = pointer(run.doc, ptr) else { return Ok(Flow::Go) };
    let mut events: Vec<Vec<Event>> = checks.iter().map(|_| Vec::new()).collect();
    let mut unknowns: Vec<Vec<Unknown>> = checks.iter().map(|_| Vec::new()).collect();
    let mut found = vec![0usize; checks.len()];
    // A finding at this place or later in the order of writing is never written: the result is
    // full before it (past `max_findings` one more is kept; each finding written or refused).
    let room = (out.cap + 1).saturating_sub(out.list.len());
    // Whether to go on: once the first check alone fills the result, the rest is never written.
    let mut unit = |item: Option<&'a Json<'a>>, elem: Option<&'a Json<'a>>, base: Base<'_>, env: &mut Env<'a>, events: &mut Vec<Vec<Event>>| -> Result<bool, EvalError> {
        if found.first().is_some_and(|n| *n >= room) {
            return Ok(false);
        }
        if elem.is_some() {
            mark(events);
        }
        let text = out.text;
        run_unit(checks, plans, g, item, elem, env, |k, check, plan, env| {
            let (Some(ev), Some(un)) = (events.get_mut(k), unknowns.get_mut(k)) else { return Ok(()) };
            let from = ev.len();
            eval_check(run, check, plan, item, elem, base, env, text, &mut Sink::Events(ev), un)?;
            if ev.len() > from {
                let mut before: usize = found.get(..=k).map_or(0, |f| f.iter().sum());
                let new = ev.split_off(from);
                for e in new {
                    if let Event::Finding(..) = e {
                        if before >= room {
                            continue;
                        }
                        before += 1;
                        if let Some(n) = found.get_mut(k) {
                            *n += 1;
                        }
                    }
                    ev.push(e);
                }
            }
            Ok(())
        })?;
        Ok(true)
    };
    'items: for (i, item) in items.iter().enumerate() {
        mark(&mut events);
        if let Some(t) = &first.of_type
            && super::type_name(item) != Some(t.as_str())
        {
            continue;
        }
        let base = Base { prefix: run.prefix, item: Some((&ptr.text, i)), elem: None };
        let Some(inner) = &first.then_each else {
            if !unit(Some(item), None, base, env, &mut events)? {
                break;
            }
            continue;
        };
        let Some(Json::Array(elems)) = pointer(item, inner) else { continue };
        for (j, elem) in elems.iter().enumerate() {
            if !unit(Some(item), Some(elem), Base { elem: Some((&inner.text, j)), ..base }, env, &mut events)? {
                break 'items;
            }
        }
    }
    for (ev, un) in events.into_iter().zip(unknowns) {
        if replay(run, ev.into_iter(), out) == Flow::Stop {
            return Ok(Flow::Stop);
        }
        unknown.extend(un);
    }
    Ok(Flow::Go)
}

/// Runs one check on what `start_unit` bound: its lets as they are needed, `when`, then
/// `assert` or `require`; what it finds goes to `events`, what it could not check to `unknown`.
#[allow(clippy::too_many_arguments)]
fn eval_check<'a>(
    run: &RuleRun<'a, '_>,
    check: &'a Check,
    plan: &CheckPlan,
    item: Option<&'a Json<'a>>,
    elem: Option<&'a Json<'a>>,
    base: Base<'_>,
    env: &mut Env<'a>,
    text: TextCap,
    sink: &mut Sink<'_, 'a>,
    unknown: &mut Vec<Unknown>,
) -> Result<(), EvalError> {
    let severity = check.severity.unwrap_or(run.rule.severity);
    let scope_doc = elem.or(item).unwrap_or(run.doc);
    // The check could not run: every let is bound first, as the message may name any of them
    // and an overflow in any of them decides what is said.
    let not_run = |env: &mut Env<'a>, sink: &mut Sink<'_, 'a>, unknown: &mut Vec<Unknown>| -> Result<(), EvalError> {
        need_lets(check, 0..check.lets.len(), env)?;
        if env.overflowed {
            // Arithmetic overflowed: the values are out of range, and a check is never passed
            // by overflowing it.
            let path = base.join(&check.path);
            let actual = check.actual.as_ref().and_then(|a| a.eval(env).ok()).and_then(|v| text.value(&v));
            sink.finding(run, overflow_finding(run, severity, path, actual), base.join(""));
        } else {
            let absent = absent_reads(&plan.reads, base, run.doc, item, elem, run.draft);
            let path = base.join(&check.path);
            let template = check.not_checked.as_ref().or(run.rule.not_checked.as_ref());
            let message = template.map(|t| render_check(t, check, run, env, text, &path, Some(&absent.join(", ")), None));
            unknown.push(Unknown { base: base.join(""), absent, path, message });
        }
        Ok(())
    };
    match outcome(check.when.as_ref(), env)? {
        Outcome::Holds => {}
        Outcome::Fails => return Ok(()),
        Outcome::Unknown => return not_run(env, sink, unknown),
    }
    // A draft: a check whose `assert` reads data not filled in yet waits for it, unrun (its
    // absence, not the data, would decide it).
    let waiting = |absent: Vec<String>, unknown: &mut Vec<Unknown>| unknown.push(Unknown { base: base.join(""), absent, path: base.join(&check.path), message: None });
    if run.draft {
        let absent = absent_reads(&plan.decide, base, run.doc, item, elem, true);
        if !absent.is_empty() {
            waiting(absent, unknown);
            return Ok(());
        }
    }
    // A check over the members of a bundle that decided on a member stands for the member's
    // own checks of the rule: what they could not check alone is checked here.
    let settle = |sink: &mut Sink<'_, 'a>| {
        if check.of_type.is_some() {
            sink.settle(run, base);
        }
    };
    match &check.kind {
        CheckKind::Assert(e) => {
            match e.eval(env)? {
                Val::Bool(true) => settle(sink),
                Val::Bool(false) => {
                    settle(sink);
                    let path = base.join(&check.path);
                    // A draft reports nothing at a field not filled in yet: the check waits (and
                    // what only its finding would say is not worked out).
                    if run.draft && unfilled(run.doc, path.strip_prefix(run.prefix).unwrap_or(&path)) {
                        waiting(vec![path], unknown);
                        return Ok(());
                    }
                    need_lets(check, plan.render.iter().copied(), env)?;
                    let actual = match &check.actual {
                        Some(a) => text.value(&a.eval(env)?),
                        None => None,
                    };
                    let expected = match &check.expected {
                        Some(x) => text.value(&x.eval(env)?),
                        None => None,
                    };
                    let f = finding(run, check, severity, env, text, path, actual, expected);
                    sink.finding(run, f, base.join(""));
                }
                _ => not_run(env, sink, unknown)?,
            }
        }
        CheckKind::Require(ptrs) => {
            for p in ptrs {
                // A draft does not report what is not filled in yet.
                if !run.draft && !present(scope_doc, p) {
                    need_lets(check, plan.render.iter().copied(), env)?;
                    let path = base.join(&p.text);
                    let f = finding(run, check, severity, env, text, path, None, None);
                    sink.finding(run, f, base.join(""));
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
        Seg::Field => o.push_str(&run.field_text(&path)),
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


#[allow(clippy::too_many_arguments)]
fn finding(
    run: &RuleRun<'_, '_>,
    check: &Check,
    severity: Severity,
    env: &Env<'_>,
    cap: TextCap,
    path: String,
    actual: Option<String>,
    expected: Option<String>,
) -> Finding {
    let rule = run.rule;
    let template = check.message.as_ref().unwrap_or(&rule.message);
    let message = render_check(template, check, run, env, cap, &path, actual.as_deref(), expected.as_deref());
    Finding {
        rule_id: rule.id.clone(),
        severity,
        path,
        message,
        clause: rule.clause.get(run.lang).to_string(),
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
    run: &RuleRun<'_, '_>,
    env: &Env<'_>,
    cap: TextCap,
    path: &str,
    actual: Option<&str>,
    expected: Option<&str>,
) -> String {
    render(t, run.lang, &|s, out| match s {
        Seg::Actual => out.push_str(actual.unwrap_or("—")),
        Seg::Expected => out.push_str(expected.unwrap_or("—")),
        Seg::Path => out.push_str(path),
        Seg::Field => out.push_str(&run.field_text(path)),
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
