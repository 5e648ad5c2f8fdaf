//! Validation: one document against a pack, as of a date.

use std::fmt::Write as _;

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::error::InputError;
use crate::input::{LimitHit, ParseError, parse_limited};
use crate::expr::{Env, EvalError, Val};
use crate::pack::{
    Check, CheckKind, DocType, Pointer, LangTemplates, array_index, Lang, Pack, Rule, SLOT_AS_OF, SLOT_CALENDARS, SLOT_DATA, SLOT_DOC, SLOT_PARAMS, Seg,
    Severity,
};
use crate::types::{RecordType, Type};
use crate::value::decode;

/// Rule ID of engine findings about input that does not fit the document model.
pub const TYPE_RULE: &str = "TYPE";
/// Rule ID of engine findings about a missing or unknown `document_type`.
pub const DOCTYPE_RULE: &str = "DOCTYPE";
/// Rule ID of the finding that ends a result cut at [`Options::max_findings`].
pub const LIMIT_RULE: &str = "LIMIT";

/// Options of one validation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// Validation date; default: the document's own date, else today (in the pack's time zone).
    pub as_of: Option<NaiveDate>,
    /// Message language; default: the pack's default language.
    pub lang: Option<Lang>,
    /// Largest accepted input, in bytes (for [`Pack::validate_bytes`]).
    pub max_input_bytes: usize,
    /// Deepest accepted nesting of JSON arrays and objects.
    pub max_depth: usize,
    /// Evaluation budget: expression steps for the whole document.
    pub max_steps: u64,
    /// Most elements accepted in any one array of the input.
    pub max_array_len: usize,
    /// Most documents accepted in one bundle (a `list<document>` field).
    pub max_bundle_documents: usize,
    /// Most findings reported. Past it validation stops: the result keeps the first
    /// `max_findings`, ends with one `LIMIT` finding, is `truncated` and not `valid`.
    pub max_findings: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            as_of: None,
            lang: None,
            max_input_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_steps: 10_000_000,
            max_array_len: 100_000,
            max_bundle_documents: 10_000,
            max_findings: 10_000,
        }
    }
}

/// Identifies the pack edition used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRef {
    pub id: String,
    pub version: String,
}

/// The `rule_pack` of a result: the pack used, and the layers it is made of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackUsed {
    pub id: String,
    pub version: String,
    /// Base first; present when the pack is layered (e.g. national + regional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<PackRef>,
}

/// The result of validating one document (DOCUMENTS.md, "The result").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationResult {
    /// No finding of severity `error`.
    pub valid: bool,
    pub rule_pack: PackUsed,
    pub as_of: NaiveDate,
    pub findings: Vec<Finding>,
    /// Validation stopped at [`Options::max_findings`]; the last finding is a `LIMIT` one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// One finding: which rule, where, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    /// JSON Pointer into the input document.
    pub path: String,
    pub message: String,
    pub clause: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actual: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<String>,
}

impl Pack {
    /// Validates raw bytes: JSON text of one document. Non-JSON, oversized or too deeply
    /// nested input is an [`InputError`]; everything else is findings.
    pub fn validate_bytes(&self, bytes: &[u8], opts: &Options) -> Result<ValidationResult, InputError> {
        if bytes.len() > opts.max_input_bytes {
            return Err(InputError::TooLarge { size: bytes.len(), limit: opts.max_input_bytes });
        }
        let doc = parse_document(bytes, opts.max_depth, opts.max_array_len)?;
        self.validate_checked(&doc, opts)
    }

    /// Validates a parsed document.
    pub fn validate(&self, doc: &Json, opts: &Options) -> Result<ValidationResult, InputError> {
        check_shape(doc, opts.max_depth, opts.max_array_len)?;
        self.validate_checked(doc, opts)
    }

    /// Validates a document already within the depth and array limits.
    fn validate_checked(&self, doc: &Json, opts: &Options) -> Result<ValidationResult, InputError> {
        let cap = opts.max_findings;
        let lang = opts.lang.filter(|l| self.languages.contains(l)).unwrap_or(self.default_language);
        let mut out = Vec::new();
        let doc_type = match self.document_type(doc, lang, &mut out) {
            Some(dt) => dt,
            None => {
                let as_of = opts.as_of.unwrap_or_else(|| self.today());
                return Ok(self.result(as_of, out, cap, lang));
            }
        };
        for (field, m) in members(doc, doc_type) {
            if m.len() > opts.max_bundle_documents {
                return Err(InputError::TooManyDocuments { field: field.into(), count: m.len(), limit: opts.max_bundle_documents });
            }
        }
        let as_of = opts.as_of.or_else(|| self.own_date(doc, doc_type)).unwrap_or_else(|| self.today());
        check_types(self, doc, &Type::Record(doc_type.record.clone()), &At::Root, &mut |path, expected, actual| {
            if out.len() <= cap {
                out.push(self.type_finding(path, expected, actual, lang));
            }
        });
        let mut env = Env::new(Vec::with_capacity(16), opts.max_steps);
        let budget = |EvalError::BudgetExhausted| InputError::BudgetExhausted(opts.max_steps);
        // Members of a bundle: each validated with its own rules, paths into the bundle.
        for (field, member) in members(doc, doc_type) {
            for (i, m) in member.iter().enumerate() {
                if out.len() > cap {
                    break;
                }
                let Some(mt) = type_name(m).and_then(|t| self.doc_types.get(t)) else {
                    continue;
                };
                let m_as_of = opts.as_of.or_else(|| self.own_date(m, mt)).unwrap_or(as_of);
                let prefix = format!("/{field}/{i}");
                self.run_rules(mt, m, m_as_of, &prefix, lang, cap, &mut env, &mut out).map_err(budget)?;
            }
        }
        self.run_rules(doc_type, doc, as_of, "", lang, cap, &mut env, &mut out).map_err(budget)?;
        Ok(self.result(as_of, out, cap, lang))
    }

    #[allow(clippy::too_many_arguments)]
    fn run_rules<'a>(
        &'a self,
        doc_type: &'a DocType,
        doc: &'a Json,
        as_of: NaiveDate,
        prefix: &str,
        lang: Lang,
        cap: usize,
        env: &mut Env<'a>,
        out: &mut Vec<Finding>,
    ) -> Result<(), EvalError> {
        let data = self.data_as_of(as_of);
        for rule in self.rules_for(&doc_type.name) {
            if out.len() > cap {
                break;
            }
            if !rule.in_force(as_of) {
                continue;
            }
            let run = RuleRun { pack: self, doc_type: &doc_type.name, rule, doc, data, as_of, lang, prefix, cap };
            eval_rule(&run, env, out)?;
        }
        Ok(())
    }

    /// The reference data in force on `date`.
    pub fn data_as_of(&self, date: NaiveDate) -> &Json {
        let i = self.data_epochs.partition_point(|(from, _)| *from <= date);
        static EMPTY: Json = Json::Null;
        self.data_epochs.get(i.saturating_sub(1)).map_or(&EMPTY, |(_, d)| d)
    }

    /// The result; past `cap` findings, the first `cap` and one `LIMIT` finding.
    fn result(&self, as_of: NaiveDate, mut findings: Vec<Finding>, cap: usize, lang: Lang) -> ValidationResult {
        let truncated = findings.len() > cap;
        if truncated {
            findings.truncate(cap);
            findings.push(limit_finding(cap, lang));
        }
        ValidationResult {
            valid: !findings.iter().any(|f| f.severity == Severity::Error),
            rule_pack: PackUsed { id: self.id.clone(), version: self.version.clone(), layers: self.layers.clone() },
            as_of,
            findings,
            truncated,
        }
    }

    /// Today in the pack's time zone.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.timezone).date_naive()
    }

    /// The document's own date (its type's `as_of` field), in the pack's time zone.
    fn own_date(&self, doc: &Json, dt: &DocType) -> Option<NaiveDate> {
        let Some((field, is_dt)) = dt.as_of.as_ref() else {
            // A bundle without a date of its own: the latest date of its members.
            return members(doc, dt)
                .flat_map(|(_, m)| m.iter())
                .filter_map(|m| {
                    let t = self.doc_types.get(type_name(m)?)?;
                    t.as_of.as_ref()?;
                    self.own_date(m, t)
                })
                .max();
        };
        let v = member(doc, field)?;
        match decode(v, if *is_dt { &Type::DateTime } else { &Type::Date })? {
            Val::Date(d) => Some(d),
            Val::DateTime(t) => Some(t.with_timezone(&self.timezone).date_naive()),
            _ => None,
        }
    }

    fn document_type(&self, doc: &Json, lang: Lang, out: &mut Vec<Finding>) -> Option<&DocType> {
        let known = || self.doc_types.keys().cloned().collect::<Vec<_>>().join(" | ");
        let Some(obj) = doc.as_object() else {
            out.push(self.type_finding("", "object", json_kind(doc), lang));
            return None;
        };
        let sys = |t: &LangTemplates, actual: Option<String>| {
            let expected = known();
            let msg = render(t, lang, &|s, out| match s {
                Seg::Actual => out.push_str(actual.as_deref().unwrap_or_default()),
                Seg::Expected => out.push_str(&expected),
                Seg::Path => out.push_str("/document_type"),
                _ => {}
            });
            Finding {
                rule_id: DOCTYPE_RULE.into(),
                severity: Severity::Error,
                path: "/document_type".into(),
                message: msg,
                clause: String::new(),
                actual,
                expected: Some(expected),
            }
        };
        match get_field(obj, "document_type") {
            None | Some(Json::Null) => {
                out.push(sys(&self.messages.missing_document_type, None));
                None
            }
            Some(Json::String(s)) => match self.doc_types.get(s) {
                Some(dt) => Some(dt),
                None => {
                    out.push(sys(&self.messages.unknown_document_type, Some(truncate(s, 64))));
                    None
                }
            },
            Some(other) => {
                out.push(sys(&self.messages.unknown_document_type, Some(truncate(&serde_json::to_string(other).unwrap_or_default(), 64))));
                None
            }
        }
    }

    /// The finding of a value at `path` whose JSON kind (`actual`, or `missing`) does not fit.
    fn type_finding(&self, path: &str, expected: &str, actual: &str, lang: Lang) -> Finding {
        let message = render(&self.messages.type_mismatch, lang, &|s, out| match s {
            Seg::Actual => out.push_str(actual),
            Seg::Expected => out.push_str(expected),
            Seg::Path => out.push_str(path),
            _ => {}
        });
        Finding {
            rule_id: TYPE_RULE.into(),
            severity: Severity::Error,
            path: path.to_string(),
            message,
            clause: String::new(),
            actual: Some(actual.to_string()),
            expected: Some(expected.to_string()),
        }
    }
}

/// The lists of documents a document holds (a bundle's `documents`), by field name.
fn members<'a>(doc: &'a Json, dt: &'a DocType) -> impl Iterator<Item = (&'a str, &'a Vec<Json>)> {
    dt.record.fields.iter().filter_map(move |(name, ty)| match ty {
        Type::List(e) if matches!(**e, Type::Document) => Some((name.as_str(), member(doc, name)?.as_array()?)),
        _ => None,
    })
}

/// The last finding of a result cut at `cap` findings.
fn limit_finding(cap: usize, lang: Lang) -> Finding {
    let message = match lang {
        Lang::Kk => format!("Ескертулер {cap} шегінен асты: тексеру тоқтатылды, қалғандары көрсетілмеді"),
        Lang::Ru => format!("Замечаний больше предела {cap}: проверка остановлена, остальные не показаны"),
        Lang::En => format!("more than {cap} findings: validation stopped and the rest are not reported"),
    };
    Finding {
        rule_id: LIMIT_RULE.into(),
        severity: Severity::Error,
        path: String::new(),
        message,
        clause: String::new(),
        actual: Some(format!("more than {cap} findings")),
        expected: Some(format!("at most {cap} findings")),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "list",
        Json::Object(_) => "object",
    }
}

fn render(t: &LangTemplates, lang: Lang, value: &dyn Fn(&Seg, &mut String)) -> String {
    t.get(lang).map(|t| t.render(value)).unwrap_or_default()
}

/// Parses a document, refusing nesting deeper than `limit` and arrays longer than `max_len`
/// as the parser meets them (no huge array is ever built, and the error is clear).
fn parse_document(bytes: &[u8], limit: usize, max_len: usize) -> Result<Json, InputError> {
    parse_limited(bytes, limit, max_len).map_err(|e| match e {
        ParseError::Limit(LimitHit::Depth) => InputError::TooDeep { limit },
        ParseError::Limit(LimitHit::ArrayLength) => InputError::ArrayTooLong { limit: max_len },
        ParseError::Json(e) => InputError::NotJson(e.to_string()),
    })
}

/// `v[name]` when `v` is an object (see [`get_field`]).
pub(crate) fn member<'a>(v: &'a Json, name: &str) -> Option<&'a Json> {
    get_field(v.as_object()?, name)
}

/// The `document_type` of a document, if it names one.
pub(crate) fn type_name(v: &Json) -> Option<&str> {
    member(v, "document_type")?.as_str()
}

/// `obj[name]`, by a linear scan for objects of up to 32 keys (documents have about 20):
/// comparing short keys, most rejected by their length, is cheaper than hashing the name with
/// the map's SipHash.
#[inline]
pub(crate) fn get_field<'a>(obj: &'a serde_json::Map<String, Json>, name: &str) -> Option<&'a Json> {
    if obj.len() <= 32 {
        obj.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        obj.get(name)
    }
}

/// The limits of [`parse_document`] on an already parsed value (iteratively: no recursion).
fn check_shape(doc: &Json, limit: usize, max_len: usize) -> Result<(), InputError> {
    let mut stack = vec![(doc, 0usize)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Json::Array(a) => {
                if d + 1 > limit {
                    return Err(InputError::TooDeep { limit });
                }
                if a.len() > max_len {
                    return Err(InputError::ArrayTooLong { limit: max_len });
                }
                stack.extend(a.iter().map(|x| (x, d + 1)));
            }
            Json::Object(o) => {
                if d + 1 > limit {
                    return Err(InputError::TooDeep { limit });
                }
                stack.extend(o.values().map(|x| (x, d + 1)));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Where a value sits in the input: a JSON Pointer written out only when a finding needs it.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Field(&'a At<'a>, &'a str),
    Item(&'a At<'a>, usize),
}

impl At<'_> {
    fn write(&self, out: &mut String) {
        match *self {
            At::Root => {}
            At::Field(parent, name) => {
                parent.write(out);
                out.push('/');
                push_escaped(out, name);
            }
            At::Item(parent, i) => {
                parent.write(out);
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }
}

/// Reports every declared field whose input value does not fit its type, with its pointer, the
/// type expected and the JSON kind found there (`missing` for an absent `document_type`).
fn check_types(pack: &Pack, v: &Json, ty: &Type, at: &At, report: &mut dyn FnMut(&str, &str, &str)) {
    let mut fail = |expected: &str| {
        let mut path = String::new();
        at.write(&mut path);
        report(&path, expected, json_kind(v));
    };
    if v.is_null() {
        return;
    }
    match ty {
        Type::Document => {
            let Some(obj) = v.as_object() else {
                fail("document");
                return;
            };
            match type_name(v).and_then(|t| pack.doc_types.get(t)) {
                Some(dt) => check_record(pack, obj, &dt.record, at, report),
                None => {
                    let mut path = String::new();
                    At::Field(at, "document_type").write(&mut path);
                    report(&path, "document type", member(v, "document_type").map_or("missing", json_kind));
                }
            }
        }
        Type::Record(r) => match v.as_object() {
            Some(obj) => check_record(pack, obj, r, at, report),
            None => fail("object"),
        },
        Type::List(elem) => {
            let Some(items) = v.as_array() else {
                fail(&ty.to_string());
                return;
            };
            for (i, item) in items.iter().enumerate() {
                check_types(pack, item, elem, &At::Item(at, i), report);
            }
        }
        Type::Any => {}
        leaf => {
            if decode(v, leaf).is_none() {
                fail(&leaf.to_string());
            }
        }
    }
}

fn check_record(pack: &Pack, obj: &serde_json::Map<String, Json>, r: &RecordType, at: &At, report: &mut dyn FnMut(&str, &str, &str)) {
    for (name, fty) in &r.fields {
        if let Some(fv) = get_field(obj, name) {
            check_types(pack, fv, fty, &At::Field(at, name), report);
        }
    }
}

fn push_escaped(path: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
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
    doc: &'a Json,
    /// The reference data in force on `as_of`.
    data: &'a Json,
    as_of: NaiveDate,
    lang: Lang,
    /// Stop once there are more findings than this ([`Options::max_findings`]).
    cap: usize,
}

impl<'a> RuleRun<'a, '_> {
    /// Fills the fixed slots (doc, params, data, as_of) and drops every other binding.
    fn reset(&self, env: &mut Env<'a>) {
        const _: () = assert!(SLOT_DOC == 0 && SLOT_PARAMS == 1 && SLOT_DATA == 2 && SLOT_AS_OF == 3 && SLOT_CALENDARS == 4);
        env.slots.clear();
        env.slots.extend([
            Val::Json(self.doc),
            Val::Json(&self.rule.params),
            Val::Json(self.data),
            Val::Date(self.as_of),
            Val::Calendars(&self.pack.calendars),
        ]);
    }

}

fn eval_rule<'a>(run: &RuleRun<'a, '_>, env: &mut Env<'a>, out: &mut Vec<Finding>) -> Result<(), EvalError> {
    run.reset(env);
    if !holds(run.rule.when.as_ref(), env)? {
        return Ok(());
    }
    for check in run.rule.checks.iter().filter(|c| c.doc_type == run.doc_type) {
        match &check.for_each {
            None => eval_check(run, check, None, None, Base { prefix: run.prefix, item: None, elem: None }, env, out)?,
            Some(ptr) => {
                let Some(Json::Array(items)) = pointer(run.doc, ptr) else { continue };
                for (i, item) in items.iter().enumerate() {
                    if out.len() > run.cap {
                        return Ok(());
                    }
                    if let Some(t) = &check.of_type
                        && type_name(item) != Some(t.as_str())
                    {
                        continue;
                    }
                    let base = Base { prefix: run.prefix, item: Some((&ptr.text, i)), elem: None };
                    let Some(inner) = &check.then_each else {
                        eval_check(run, check, Some(item), None, base, env, out)?;
                        continue;
                    };
                    let Some(Json::Array(elems)) = pointer(item, inner) else { continue };
                    for (j, elem) in elems.iter().enumerate() {
                        if out.len() > run.cap {
                            return Ok(());
                        }
                        let base = Base { elem: Some((&inner.text, j)), ..base };
                        eval_check(run, check, Some(item), Some(elem), base, env, out)?;
                    }
                }
            }
        }
    }
    Ok(())
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
fn pointer<'j>(doc: &'j Json, ptr: &Pointer) -> Option<&'j Json> {
    let mut cur = doc;
    for t in ptr.tokens()? {
        cur = match cur {
            Json::Object(o) => get_field(o, t)?,
            Json::Array(a) => a.get(array_index(t)?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A precondition holds when absent or `true` (missing counts as not holding).
fn holds<'a>(when: Option<&'a crate::expr::Expr>, env: &mut Env<'a>) -> Result<bool, EvalError> {
    match when {
        None => Ok(true),
        Some(w) => Ok(matches!(w.eval(env)?, Val::Bool(true))),
    }
}

fn set_slot<'a>(env: &mut Env<'a>, slot: usize, v: Val<'a>) {
    if env.slots.len() <= slot {
        env.slots.resize(slot + 1, Val::Missing);
    }
    if let Some(s) = env.slots.get_mut(slot) {
        *s = v;
    }
}

fn eval_check<'a>(
    run: &RuleRun<'a, '_>,
    check: &'a Check,
    item: Option<&'a Json>,
    elem: Option<&'a Json>,
    base: Base<'_>,
    env: &mut Env<'a>,
    out: &mut Vec<Finding>,
) -> Result<(), EvalError> {
    // The fixed slots (doc, params, data, as_of, calendars) were filled by `eval_rule` and no
    // expression writes them (lets, items and quantifier variables get slots after them): drop
    // only what the previous check bound.
    env.slots.truncate(SLOT_CALENDARS + 1);
    // Objects and arrays stay lazily borrowed; leaves decode dynamically.
    let bound = |v: &'a Json| match v {
        Json::Object(_) | Json::Array(_) => Val::Json(v),
        other => crate::value::decode(other, &Type::Any).unwrap_or(Val::Missing),
    };
    if let (Some(slot), Some(item)) = (check.item_slot, item) {
        set_slot(env, slot, bound(item));
    }
    if let (Some(slot), Some(elem)) = (check.elem_slot, elem) {
        set_slot(env, slot, bound(elem));
    }
    if !holds(check.when.as_ref(), env)? {
        return Ok(());
    }
    for (_, slot, e) in &check.lets {
        let v = e.eval(env)?;
        set_slot(env, *slot, v);
    }
    let scope_doc = elem.or(item).unwrap_or(run.doc);
    match &check.kind {
        CheckKind::Assert(e) => {
            if matches!(e.eval(env)?, Val::Bool(false)) {
                let actual = match &check.actual {
                    Some(a) => shown(a.eval(env)?),
                    None => None,
                };
                let expected = match &check.expected {
                    Some(x) => shown(x.eval(env)?),
                    None => None,
                };
                let path = base.join(&check.path);
                out.push(finding(run.rule, check, run.lang, env, path, actual, expected));
            }
        }
        CheckKind::Require(ptrs) => {
            for p in ptrs {
                if !present(scope_doc, p) {
                    let path = base.join(&p.text);
                    out.push(finding(run.rule, check, run.lang, env, path, None, None));
                }
            }
        }
    }
    Ok(())
}

fn shown(v: Val<'_>) -> Option<String> {
    match v {
        Val::Missing => None,
        v => Some(v.to_string()),
    }
}

/// Present, non-null, and not a blank string.
fn present(scope: &Json, ptr: &Pointer) -> bool {
    match pointer(scope, ptr) {
        None | Some(Json::Null) => false,
        Some(Json::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

fn finding(
    rule: &Rule,
    check: &Check,
    lang: Lang,
    env: &Env<'_>,
    path: String,
    actual: Option<String>,
    expected: Option<String>,
) -> Finding {
    let template = check.message.as_ref().unwrap_or(&rule.message);
    let message = render(template, lang, &|s, out| match s {
        Seg::Actual => out.push_str(actual.as_deref().unwrap_or("—")),
        Seg::Expected => out.push_str(expected.as_deref().unwrap_or("—")),
        Seg::Path => out.push_str(&path),
        Seg::Let(name) => {
            let value = check.lets.iter().find(|(n, _, _)| n == name).and_then(|(_, slot, _)| env.slots.get(*slot));
            if let Some(v) = value.filter(|v| !matches!(v, Val::Missing)) {
                // Written straight into the message (no intermediate string).
                let _ = write!(out, "{v}");
            }
        }
        Seg::Lit(t) => out.push_str(t),
    });
    Finding {
        rule_id: rule.id.clone(),
        severity: rule.severity,
        path,
        message,
        clause: rule.clause.get(lang).to_string(),
        actual,
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_pointers_are_unescaped_once_and_blank_strings_are_absent() {
        let doc = serde_json::json!({"a/b": {"~c": "x"}, "list": [{"d": " "}, {"d": 0}], "n": null});
        assert_eq!(Pointer::new("/a~1b/~0c").tokens(), Some(&["a/b".to_string(), "~c".to_string()][..]));
        assert!(present(&doc, &Pointer::new("/a~1b/~0c")));
        assert!(present(&doc, &Pointer::new("/list/1/d")));
        assert!(!present(&doc, &Pointer::new("/list/0/d")), "a blank string is not present");
        assert!(!present(&doc, &Pointer::new("/list/2/d")));
        assert!(!present(&doc, &Pointer::new("/n")));
        assert!(!present(&doc, &Pointer::new("a~1b")), "not a pointer: no leading slash");
        assert!(present(&doc, &Pointer::new("")), "the empty pointer is the document itself");
    }

    #[test]
    fn depth_check_ignores_brackets_inside_strings() {
        assert!(parse_document(br#"{"a":"[[[[[[[[[["}"#, 2, 10).is_ok());
        assert_eq!(parse_document(b"[[[[", 3, 10).map(|_| ()), Err(InputError::TooDeep { limit: 3 }));
    }

    #[test]
    fn array_length_counts_the_elements_of_each_array_alone() {
        assert!(parse_document(br#"[1,2,3]"#, 8, 3).is_ok());
        assert_eq!(parse_document(br#"[1,2,3,4]"#, 8, 3).map(|_| ()), Err(InputError::ArrayTooLong { limit: 3 }));
        // Commas of nested objects, arrays and strings are not the outer array's.
        assert!(parse_document(br#"[{"a":1,"b":2,"c":3,"d":4},[1,2,3],"x,y,z,w"]"#, 8, 3).is_ok());
        assert!(check_shape(&serde_json::json!([1, 2, 3]), 8, 3).is_ok());
        assert_eq!(check_shape(&serde_json::json!({"a": [1, 2, 3, 4]}), 8, 3), Err(InputError::ArrayTooLong { limit: 3 }));
        assert_eq!(check_shape(&serde_json::json!([[[]]]), 2, 3), Err(InputError::TooDeep { limit: 2 }));
    }
}
