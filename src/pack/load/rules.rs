//! Compiling a pack's rules: each rule's head, params and editions, its checks (expressions
//! type-checked against the document model) and its own test cases.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde_json::Value as Json;
use toml::Spanned;

use crate::expr::{self, Expr, Scope};
use crate::types::{RecordType, Type};

use super::*;

impl Loader<'_> {
    pub(super) fn compile_rule(&mut self, file: &str, r: &RawRule, ctx: &RuleCtx<'_>) -> Option<Rule> {
        let before = self.diags.len();
        let id = r.id.get_ref().clone();
        if !valid_rule_id(&id) {
            self.err_at(file, &r.id, format!("rule id `{id}` must look like ABC-01 (capital letters, a hyphen, digits)"));
        }
        let mut doc_types: Vec<&DocType> = Vec::new();
        let names: Vec<Option<&str>> = match r.applies_to.get_ref() {
            TomlValue::String(s) => vec![Some(s.as_str())],
            TomlValue::Array(a) if !a.is_empty() => a.iter().map(TomlValue::as_str).collect(),
            _ => vec![None],
        };
        for n in names {
            match n.map(|n| (n, ctx.doc_types.get(n))) {
                Some((_, Some(dt))) => doc_types.push(dt),
                Some((n, None)) => {
                    let known: Vec<&str> = ctx.doc_types.keys().map(String::as_str).collect();
                    self.err_at(file, &r.applies_to, format!("unknown document type `{n}` (known: {})", known.join(", ")));
                }
                None => self.err_at(file, &r.applies_to, "applies_to must be a document type or a non-empty list of them"),
            }
        }
        let first = doc_types.first().copied()?;
        let severity = Severity::parse(r.severity.get_ref()).unwrap_or_else(|| {
            self.err_at(file, &r.severity, "severity must be error, warning or info");
            Severity::Error
        });
        let title = r.title.as_ref().map(|t| self.text(file, t, "title")).unwrap_or_default();
        let clause = self.text(file, &r.clause, "clause");
        let effective_from = match &r.effective_from {
            Some(d) => self.date(file, d).unwrap_or(ctx.pack_from),
            None => ctx.pack_from,
        };
        let effective_to = r.effective_to.as_ref().and_then(|d| self.date(file, d)).or(ctx.pack_to);

        // Params: the pack's (converted once per layer), overridden by the rule's; a rule's
        // new names come after the pack's, as in a merged table.
        let own: IndexMap<&String, ParamInfo> = r.params.iter().map(|(k, v)| (k, ParamInfo::new(k, v))).collect();
        let mut fields = crate::types::NameMap::with_capacity_and_hasher(ctx.pack_params.len() + own.len(), Default::default());
        let mut obj = serde_json::Map::new();
        let mut param_names: Vec<(String, String)> = Vec::with_capacity(fields.capacity());
        let pack_params = ctx.pack_params.iter().map(|(k, p)| (k, own.get(k).unwrap_or(p)));
        for (k, p) in pack_params.chain(own.iter().filter(|(k, _)| !ctx.pack_params.contains_key(k.as_str())).map(|(k, p)| (*k, p))) {
            fields.insert(k.clone(), p.ty.clone());
            obj.insert(k.clone(), p.json.clone());
            param_names.push((k.clone(), p.shown.clone()));
        }
        let params_type = Type::Record(Arc::new(RecordType { name: "params".into(), fields }));
        let params = Json::Object(obj);

        let scope = rule_scope(first, &params_type, ctx);
        let when = match &r.when {
            Some(w) if doc_types.len() > 1 => {
                self.err_at(file, w, "a rule-level `when` needs a single `applies_to`; put `when` on each check");
                None
            }
            Some(w) => self.expr(file, w, &scope, Some(&Type::Bool)),
            None => None,
        };

        let rule_names = |n: &str| -> Option<Seg> {
            match n {
                "actual" => Some(Seg::Actual),
                "expected" => Some(Seg::Expected),
                "path" => Some(Seg::Path),
                "field" => Some(Seg::Field),
                _ => param_names.iter().find(|(k, _)| k == n).map(|(_, v)| Seg::Lit(v.clone())),
            }
        };
        // The rule-level message may use the let names of any of its checks; a check that
        // lacks one renders it empty.
        let all_lets: Vec<String> = r.check.iter().flat_map(|c| c.lets.keys().cloned()).collect();
        let names = |n: &str| rule_names(n).or_else(|| all_lets.iter().any(|l| l == n).then(|| Seg::Let(n.to_string())));
        let message = self.templates(file, &r.message, "message", &names);
        let not_checked = r.not_checked.as_ref().map(|t| self.templates(file, t, "not_checked", &names));
        let head = RuleHead { id, severity, title, clause, effective_from, effective_to, when, message, not_checked, params, rule_names: &rule_names, before };
        self.finish_rule(file, r, ctx, &doc_types, &params_type, head)
    }

    fn finish_rule(
        &mut self,
        file: &str,
        r: &RawRule,
        ctx: &RuleCtx<'_>,
        doc_types: &[&DocType],
        params_type: &Type,
        head: RuleHead<'_>,
    ) -> Option<Rule> {
        if r.check.is_empty() {
            self.err_at(file, &r.id, format!("rule `{}` has no [[rule.check]]", head.id));
        }
        let mut checks = Vec::new();
        for c in &r.check {
            let dt = match (&c.applies_to, doc_types) {
                (None, [only]) => *only,
                (None, _) => {
                    let at = c.assert.as_ref().or(c.for_each.as_ref()).or(c.when.as_ref()).unwrap_or(&r.id);
                    self.err_at(file, at, "this rule applies to several document types: say which one this check reads with `applies_to`");
                    continue;
                }
                (Some(a), _) => match doc_types.iter().find(|d| d.name == *a.get_ref()) {
                    Some(d) => *d,
                    None => {
                        let names: Vec<&str> = doc_types.iter().map(|d| d.name.as_str()).collect();
                        self.err_at(file, a, format!("`{}` is not one of the rule's document types ({})", a.get_ref(), names.join(", ")));
                        continue;
                    }
                },
            };
            let scope = rule_scope(dt, params_type, ctx);
            let doc_ty = Type::Record(dt.record.clone());
            if let Some(mut ch) = self.compile_check(file, c, &doc_ty, &scope, head.rule_names, ctx.doc_types) {
                ch.doc_type = dt.name.clone();
                checks.push(ch);
            }
        }
        let mut tests = Vec::new();
        for t in &r.test {
            if let Some(rule) = &t.rule {
                self.err_at(file, rule, "`rule` names the rule of a top-level [[test]]; a [[rule.test]] tests its own rule");
            }
            if let Some(tc) = self.compile_test(file, t, ctx) {
                tests.push(tc);
            }
        }
        if self.diags.len() > head.before {
            return None;
        }
        let line = self
            .files
            .get(file)
            // The line of the rule's id: 1 + the newlines before it (as LineIndex counts, without
            // indexing the whole file again for every rule).
            .map(|s| 1 + memchr::memchr_iter(b'\n', s.as_bytes().get(..r.id.span().start).unwrap_or(s.as_bytes())).count())
            .unwrap_or(0);
        let mut rule = Rule {
            id: head.id,
            applies_to: doc_types.iter().map(|d| d.name.clone()).collect(),
            severity: head.severity,
            title: head.title,
            clause: head.clause,
            effective_from: head.effective_from,
            effective_to: head.effective_to,
            when: head.when,
            when_source: r.when.as_ref().map(|w| w.get_ref().clone()),
            message: head.message,
            not_checked: head.not_checked,
            params: crate::document::Json::owned_from_serde(&head.params),
            checks,
            tests,
            file: file.to_string(),
            line,
            reads: Vec::new(),
            plan: Default::default(),
        };
        rule.reads = rule.find_reads();
        Some(rule)
    }

    /// The element type of the list `ptr` points at inside `ty` (`any` inside `any`); an error
    /// at `ptr` when it is not a list. `key` names the pointer's key in the message.
    fn list_elem(&mut self, file: &str, ty: &Type, ptr: &Spanned<String>, key: &str) -> Option<Type> {
        match resolve_pointer(ty, ptr.get_ref()) {
            Ok(Type::List(elem)) => Some(*elem),
            Ok(Type::Any) => Some(Type::Any),
            Ok(other) => {
                self.err_at(file, ptr, format!("{key} must point at a list, `{}` is `{other}`", ptr.get_ref()));
                None
            }
            Err(e) => {
                self.err_at(file, ptr, e);
                None
            }
        }
    }

    fn compile_check(
        &mut self,
        file: &str,
        c: &RawCheck,
        doc_ty: &Type,
        base: &Scope,
        rule_names: &dyn Fn(&str) -> Option<Seg>,
        doc_types: &crate::types::NameMap<DocType>,
    ) -> Option<Check> {
        let mut scope = base.clone();
        let mut source: Vec<(String, String)> = Vec::new();
        let mut item_ty = doc_ty.clone();
        let mut item_slot = None;
        if let (Some(ot), None) = (&c.of_type, &c.for_each) {
            self.err_at(file, ot, "`of_type` needs a `for_each` over a list of documents");
            return None;
        }
        if let Some(fe) = &c.for_each {
            source.push(("for_each".into(), fe.get_ref().clone()));
            let elem = self.list_elem(file, doc_ty, fe, "for_each")?;
            item_ty = match &c.of_type {
                Some(ot) => {
                    source.push(("of_type".into(), ot.get_ref().clone()));
                    if !matches!(elem, Type::Document | Type::Any) {
                        self.err_at(file, ot, format!("`of_type` needs a list of documents; `{}` is a list of `{elem}`", fe.get_ref()));
                        return None;
                    }
                    let Some(dt) = doc_types.get(ot.get_ref()) else {
                        let known: Vec<&str> = doc_types.keys().map(String::as_str).collect();
                        self.err_at(file, ot, format!("unknown document type `{}` (known: {})", ot.get_ref(), known.join(", ")));
                        return None;
                    };
                    Type::Record(dt.record.clone())
                }
                None => elem,
            };
            item_slot = Some(scope.bind("item", item_ty.clone()));
        }
        // `then_each`: a list inside the item; `require` and `path` are then relative to its element.
        let mut elem_slot = None;
        if let Some(te) = &c.then_each {
            if c.for_each.is_none() {
                self.err_at(file, te, "`then_each` needs a `for_each` (it is a list inside each item)");
                return None;
            }
            source.push(("then_each".into(), te.get_ref().clone()));
            item_ty = self.list_elem(file, &item_ty, te, "then_each")?;
            elem_slot = Some(scope.bind("elem", item_ty.clone()));
        }
        // Lets first: `when`, `assert`, `actual` and `expected` may use them.
        let mut lets = Vec::new();
        for (name, src) in &c.lets {
            source.push((format!("let.{name}"), src.get_ref().clone()));
            if matches!(name.as_str(), "doc" | "item" | "elem" | "params" | "data" | "as_of" | "calendars" | "effective_from" | "actual" | "expected" | "path" | "field") {
                self.err_at(file, src, format!("`{name}` is reserved and cannot be a let name"));
                continue;
            }
            if let Some(e) = self.expr(file, src, &scope, None) {
                let slot = scope.bind(name, e.ty().clone());
                lets.push((name.clone(), slot, e));
            }
        }
        let when = c.when.as_ref().and_then(|w| {
            source.push(("when".into(), w.get_ref().clone()));
            self.expr(file, w, &scope, Some(&Type::Bool))
        });
        let kind = match (&c.assert, &c.require) {
            (Some(a), None) => {
                source.push(("assert".into(), a.get_ref().clone()));
                CheckKind::Assert(self.expr(file, a, &scope, Some(&Type::Bool))?)
            }
            (None, Some(req)) => {
                let mut ptrs = Vec::new();
                for p in req {
                    match resolve_pointer(&item_ty, p.get_ref()) {
                        Ok(_) => ptrs.push(Pointer::new(p.get_ref())),
                        Err(e) => self.err_at(file, p, e),
                    }
                }
                source.push(("require".into(), ptrs.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(", ")));
                CheckKind::Require(ptrs)
            }
            _ => {
                let at = c.for_each.as_ref().or(c.path.as_ref()).or(c.when.as_ref());
                match at {
                    Some(s) => self.err_at(file, s, "a check needs exactly one of `assert` or `require`"),
                    None => self.err(file, None, "a check needs exactly one of `assert` or `require`"),
                }
                return None;
            }
        };
        let path = match &c.path {
            Some(p) => match resolve_pointer(&item_ty, p.get_ref()) {
                Ok(_) => p.get_ref().clone(),
                Err(e) => {
                    self.err_at(file, p, e);
                    return None;
                }
            },
            None => String::new(),
        };
        let actual = c.actual.as_ref().and_then(|a| {
            source.push(("actual".into(), a.get_ref().clone()));
            self.expr(file, a, &scope, None)
        });
        let expected = c.expected.as_ref().and_then(|a| {
            source.push(("expected".into(), a.get_ref().clone()));
            self.expr(file, a, &scope, None)
        });
        let let_names: Vec<String> = lets.iter().map(|(n, _, _)| n.clone()).collect();
        let names = |n: &str| rule_names(n).or_else(|| let_names.iter().any(|l| l == n).then(|| Seg::Let(n.to_string())));
        let message = c.message.as_ref().map(|m| self.templates(file, m, "message", &names));
        let not_checked = c.not_checked.as_ref().map(|m| self.templates(file, m, "not_checked", &names));
        let severity = c.severity.as_ref().and_then(|sv| {
            let parsed = Severity::parse(sv.get_ref());
            if parsed.is_none() {
                self.err_at(file, sv, "severity must be error, warning or info");
            }
            parsed
        });
        Some(Check {
            doc_type: String::new(),
            severity,
            kind,
            for_each: c.for_each.as_ref().map(|f| Pointer::new(f.get_ref())),
            of_type: c.of_type.as_ref().map(|f| f.get_ref().clone()),
            item_slot,
            then_each: c.then_each.as_ref().map(|f| Pointer::new(f.get_ref())),
            elem_slot,
            when,
            lets,
            path,
            actual,
            expected,
            message,
            not_checked,
            source,
        })
    }

    pub(super) fn compile_test(&mut self, file: &str, t: &raw::RawTest, ctx: &RuleCtx<'_>) -> Option<RuleTest> {
        if !ctx.fixtures.contains_key(t.fixture.get_ref()) {
            let known: Vec<&str> = ctx.fixtures.keys().map(String::as_str).collect();
            self.err_at(file, &t.fixture, format!("unknown fixture `{}` (fixtures/*.json: {})", t.fixture.get_ref(), known.join(", ")));
        }
        let expect = Expect::parse(t.expect.get_ref()).unwrap_or_else(|| {
            self.err_at(file, &t.expect, "expect must be \"pass\", \"fail\" or \"info\"");
            Expect::Pass
        });
        let severity = t.severity.as_ref().and_then(|sv| {
            match (Severity::parse(sv.get_ref()), expect) {
                (Some(Severity::Info), _) | (None, _) => {
                    self.err_at(file, sv, "a failing case's severity is error or warning (info findings: expect = \"info\")");
                    None
                }
                (Some(_), Expect::Pass | Expect::Info) => {
                    self.err_at(file, sv, "severity goes with expect = \"fail\"");
                    None
                }
                (Some(s), Expect::Fail) => Some(s),
            }
        });
        let as_of = t.as_of.as_ref().and_then(|d| self.date(file, d));
        Some(RuleTest {
            name: t.name.get_ref().clone(),
            fixture: t.fixture.get_ref().clone(),
            set: t.set.iter().map(|(k, v)| (k.clone(), crate::document::Json::owned_from_serde(&toml_to_json(v)))).collect(),
            remove: t.remove.clone(),
            as_of,
            expect,
            paths: t.paths.clone(),
            severity,
        })
    }
}

/// The names every expression of a rule's check sees, for a check reading `dt`.
fn rule_scope(dt: &DocType, params_type: &Type, ctx: &RuleCtx<'_>) -> Scope {
    let mut scope = Scope::new();
    scope.bind("doc", Type::Record(dt.record.clone()));
    scope.bind("params", params_type.clone());
    scope.bind_static("data", ctx.data_type.clone());
    scope.bind("as_of", Type::Date);
    scope.bind("calendars", ctx.calendars_type.clone());
    scope.bind("effective_from", Type::Date);
    scope.set_documents(ctx.documents.clone());
    scope
}

pub(super) struct RuleCtx<'a> {
    pub(super) doc_types: &'a crate::types::NameMap<DocType>,
    pub(super) data_type: &'a Type,
    pub(super) calendars_type: &'a Type,
    pub(super) documents: &'a expr::Documents,
    pub(super) pack_params: &'a IndexMap<String, ParamInfo>,
    pub(super) pack_from: NaiveDate,
    /// The end of the layer's period (exclusive): the default end of its rules.
    pub(super) pack_to: Option<NaiveDate>,
    pub(super) fixtures: &'a BTreeMap<String, Json>,
}

/// A param as rules see it: its type (as `params.NAME`), JSON value and display text.
pub(super) struct ParamInfo {
    pub(super) ty: Type,
    pub(super) json: Json,
    pub(super) shown: String,
}

impl ParamInfo {
    pub(super) fn new(name: &str, v: &TomlValue) -> ParamInfo {
        let json = toml_to_json(v);
        ParamInfo { ty: convert::infer_type(v, &format!("params.{name}")), shown: display_json(&json), json }
    }
}

struct RuleHead<'n> {
    id: String,
    severity: Severity,
    title: Text,
    clause: Text,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    when: Option<Expr>,
    message: LangTemplates,
    not_checked: Option<LangTemplates>,
    params: Json,
    rule_names: &'n dyn Fn(&str) -> Option<Seg>,
    before: usize,
}

fn valid_rule_id(id: &str) -> bool {
    let Some((a, b)) = id.split_once('-') else { return false };
    !a.is_empty() && a.bytes().all(|c| c.is_ascii_uppercase()) && !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit())
}

/// Display form of a param in messages: strings bare, lists comma-separated.
fn display_json(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(a) => a.iter().map(display_json).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
