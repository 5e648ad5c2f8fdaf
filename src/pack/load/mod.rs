//! The loader: reads a pack's files (every layer, base first) into a [`Pack`] — manifests and
//! the layer chain, the time zone and languages, the document model, calendars, reference data
//! and its editions, system messages, fixtures, rules and their tests — collecting every
//! problem as a `file:line:col` diagnostic.

mod data;
mod doc_types;
mod rules;
mod sources;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{FixedOffset, NaiveDate, Offset};
use indexmap::IndexMap;
use serde_json::Value as Json;
use toml::Spanned;

use crate::error::{Diagnostic, LineIndex, PackError};
use crate::expr::{self, Expr, Scope};
use crate::types::{RecordType, Type};

use super::*;
use super::raw::{self, RawCheck, RawRule, RawText};
use data::{Edition, build_epochs};
use rules::{ParamInfo, RuleCtx};
pub use sources::stack_layers;

/// The most languages a pack may list (each text carries one slot per language).
pub(super) const MAX_LANGUAGES: usize = 64;

struct Loader<'f> {
    files: &'f Files,
    /// Path prefix of each layer's files: `""` for the base, `"NAME/"` for the layers on it.
    prefixes: Vec<String>,
    diags: Vec<Diagnostic>,
    languages: Vec<Lang>,
    /// Name the pack by its base layer (a stack), else by its top layer.
    named_by_base: bool,
}

/// Where a spanned value sits: file and byte range.
#[derive(Clone, Copy)]
struct At<'a> {
    file: &'a str,
    start: usize,
}

impl<'f> Loader<'f> {
    fn new(files: &'f Files, prefixes: Vec<String>) -> Self {
        Loader {
            files,
            prefixes,
            diags: Vec::new(),
            languages: Vec::new(),
            named_by_base: false,
        }
    }

    fn err(&mut self, file: &str, offset: Option<usize>, message: impl Into<String>) {
        let (line, col) = match (offset, self.files.get(file)) {
            (Some(o), Some(src)) => LineIndex::new(src).position(o),
            _ => (0, 0),
        };
        self.diags.push(Diagnostic {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
        });
    }

    fn err_at<T>(&mut self, file: &str, s: &Spanned<T>, message: impl Into<String>) {
        self.err(file, Some(s.span().start), message);
    }

    /// Reads a TOML file of the pack with `read` (one of the raw shapes' readers).
    fn parse<T>(&mut self, file: &str, read: fn(&str) -> raw::R<T>) -> Option<T> {
        let Some(src) = self.files.get(file) else {
            self.err(file, None, "file not found in the pack");
            return None;
        };
        match read(src) {
            Ok(v) => Some(v),
            Err(e) => {
                self.err(file, e.at, e.message);
                None
            }
        }
    }

    fn date(&mut self, file: &str, d: &Spanned<toml_datetime::Datetime>) -> Option<NaiveDate> {
        let r = convert::toml_date(d.get_ref());
        if r.is_none() {
            self.err_at(file, d, "expected a date such as 2026-03-23 (no time)");
        }
        r
    }

    fn text(&mut self, file: &str, raw: &RawText, what: &str) -> Text {
        let mut out = ByLang::default();
        for (k, v) in raw.get_ref() {
            match self.language_of(k) {
                Some(l) => out.insert(l, v.get_ref().clone()),
                None => {
                    let known: Vec<&str> = self.languages.iter().map(Lang::code).collect();
                    self.err_at(file, v, format!("`{k}` in {what} is not one of the pack's languages ({})", known.join(", ")));
                }
            }
        }
        for (i, l) in self.languages.clone().iter().enumerate() {
            if out.get(LangId(u16::try_from(i).unwrap_or(u16::MAX))).is_none() {
                self.err_at(file, raw, format!("{what} has no `{l}` text"));
            }
        }
        Text(out)
    }

    /// The pack's language a text's key names (`kk`, `uz-Latn`; case aside). The pack's tags are
    /// well-formed and differ from any spelling of them in ASCII case only, so a comparison
    /// without case finds the same language as parsing the key would, with no parse or
    /// allocation per text.
    fn language_of(&self, key: &str) -> Option<LangId> {
        let key = key.trim();
        let i = self.languages.iter().position(|x| x.code().eq_ignore_ascii_case(key))?;
        u16::try_from(i).ok().map(LangId)
    }

    fn templates(
        &mut self,
        file: &str,
        raw: &RawText,
        what: &str,
        names: &dyn Fn(&str) -> Option<Seg>,
    ) -> LangTemplates {
        let text = self.text(file, raw, what);
        let mut out = ByLang::default();
        for (lang, s) in text.0.iter() {
            match Template::parse(s, names) {
                Ok(t) => out.insert(lang, t),
                Err(e) => {
                    let tag = self.languages.get(usize::from(lang.0)).map(Lang::code).unwrap_or_default().to_string();
                    let at = raw.get_ref().iter().find(|(k, _)| self.language_of(k) == Some(lang)).map(|(_, v)| v);
                    let offset = at.map(|v| v.span().start).unwrap_or(raw.span().start);
                    self.err(file, Some(offset), format!("{what} ({tag}): {e}"));
                }
            }
        }
        LangTemplates(out)
    }

    /// Compiles an expression; a compile error is reported at its position in the file.
    fn expr(&mut self, file: &str, src: &Spanned<String>, scope: &Scope, want: Option<&Type>) -> Option<Expr> {
        let at = At { file, start: src.span().start };
        match expr::compile(src.get_ref(), scope) {
            Ok(e) => {
                if let Some(want) = want.filter(|w| !w.accepts(e.ty())) {
                    self.err_at(file, src, format!("expected a `{want}` expression, this is `{}`", e.ty()));
                    return None;
                }
                Some(e)
            }
            Err(e) => {
                let offset = self.expr_offset(at, e.offset);
                self.err(file, Some(offset), e.message);
                None
            }
        }
    }

    /// Maps an offset inside a string value to an offset in the file, skipping the opening
    /// quote(s) of the TOML string. Exact unless escapes precede the offset.
    fn expr_offset(&self, at: At<'_>, inner: usize) -> usize {
        let src = self.files.get(at.file).map(String::as_str).unwrap_or("");
        let rest = src.get(at.start..).unwrap_or("");
        let mut skip = if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
            3
        } else if rest.starts_with('\'') || rest.starts_with('"') {
            1
        } else {
            0
        };
        if skip == 3 {
            let after = rest.get(3..).unwrap_or("");
            if after.starts_with("\r\n") {
                skip += 2;
            } else if after.starts_with('\n') {
                skip += 1;
            }
        }
        at.start + skip + inner
    }

    fn load(mut self) -> Result<Pack, PackError> {
        // Manifests of every layer, base first.
        let mut layers: Vec<(String, raw::Manifest)> = Vec::new();
        for prefix in self.prefixes.clone() {
            let file = format!("{prefix}pack.toml");
            match self.parse(&file, raw::Manifest::read) {
                Some(m) => layers.push((prefix, m)),
                None => return Err(PackError { diagnostics: self.diags }),
            }
        }
        // Pack ids are plain names (an `extends` names a pack by its id, never by a path).
        for (prefix, m) in &layers {
            let file = format!("{prefix}pack.toml");
            if let Some(problem) = pack_id_problem(m.id.get_ref()) {
                self.err_at(&file, &m.id, format!("id: {problem}"));
            }
            if let Some(e) = &m.extends
                && let Some(problem) = pack_id_problem(e.get_ref())
            {
                self.err_at(&file, e, format!("extends: {problem}"));
            }
        }
        let Some((_, base)) = layers.first() else {
            return Err(PackError { diagnostics: self.diags });
        };
        let mf = "pack.toml";
        if let Some(e) = &base.extends {
            let msg = format!("this pack extends `{}`: load it on top of that pack (e.g. keep both directories side by side)", e.get_ref());
            self.err_at(mf, e, msg);
        }
        let mut languages: Vec<Lang> = Vec::new();
        match &base.languages {
            Some(ls) => {
                for l in ls.get_ref() {
                    match Lang::new(l.get_ref()) {
                        Ok(x) if languages.contains(&x) => self.err_at(mf, l, format!("language `{x}` is listed twice")),
                        Ok(x) if languages.len() >= MAX_LANGUAGES => {
                            self.err_at(mf, l, format!("a pack has at most {MAX_LANGUAGES} languages"));
                            let _ = x;
                        }
                        Ok(x) => languages.push(x),
                        Err(e) => self.err_at(mf, l, e.to_string()),
                    }
                }
                if languages.is_empty() {
                    self.err_at(mf, ls, "at least one language is required");
                }
            }
            None => self.err(mf, Some(0), "the base pack must list its `languages`"),
        }
        self.languages = languages.clone();
        let default_language = match &base.default_language {
            Some(d) => match Lang::new(d.get_ref()).ok().and_then(|l| languages.iter().position(|x| *x == l)) {
                Some(i) => LangId(u16::try_from(i).unwrap_or(0)),
                None => {
                    self.err_at(mf, d, "default_language must be one of `languages`");
                    LangId(0)
                }
            },
            None => LangId(0),
        };
        let timezone = match &base.timezone {
            Some(tz) => parse_offset(tz.get_ref()).unwrap_or_else(|| {
                self.err_at(mf, tz, "timezone must be a UTC offset such as +05:00");
                chrono::Utc.fix()
            }),
            None => {
                self.err(mf, Some(0), "the base pack must give its `timezone` (e.g. \"+05:00\")");
                chrono::Utc.fix()
            }
        };
        let effective_from = self.date(mf, &base.effective_from).unwrap_or_default();
        let effective_to = base.effective_to.as_ref().and_then(|d| self.date(mf, d));

        // Layer chain: each layer names the id of the one below it.
        let mut layer_refs = Vec::new();
        let mut layer_from = Vec::new();
        let mut layer_to = Vec::new();
        for (i, (prefix, m)) in layers.iter().enumerate() {
            let file = format!("{prefix}pack.toml");
            if i > 0 {
                // A layer extends a pack below it: the base, or a layer between (several
                // regional layers each extend the national base).
                let below: Vec<&str> = layers.iter().take(i).map(|(_, b)| b.id.get_ref().as_str()).collect();
                match &m.extends {
                    Some(e) if below.contains(&e.get_ref().as_str()) => {}
                    Some(e) => {
                        let msg = format!("this layer extends `{}`, but it is loaded on {}", e.get_ref(), below.join(" + "));
                        self.err_at(&file, e, msg);
                    }
                    None => {
                        let base = below.first().copied().unwrap_or("");
                        self.err_at(&file, &m.id, format!("a layer must say which pack it extends (`extends = \"{base}\"`)"));
                    }
                }
                for (what, set) in [("languages", m.languages.is_some()), ("timezone", m.timezone.is_some()), ("default_language", m.default_language.is_some())] {
                    if set {
                        self.err_at(&file, &m.id, format!("`{what}` comes from the base pack; a layer cannot change it"));
                    }
                }
            }
            layer_refs.push(PackRef { id: m.id.get_ref().clone(), version: m.version.get_ref().clone() });
            layer_from.push(self.date(&file, &m.effective_from).unwrap_or(effective_from));
            layer_to.push(m.effective_to.as_ref().and_then(|d| self.date(&file, d)));
        }
        // The layer the pack is named by: its top one, or for a stack its base.
        let named = if self.named_by_base { layers.first() } else { layers.last() };
        let title = match named.map(|(p, m)| (p, &m.title)) {
            Some((prefix, Some(t))) => {
                let file = format!("{prefix}pack.toml");
                self.text(&file, t, "title")
            }
            _ => Text::default(),
        };

        // Document model: the base's types file, extended by the layers'.
        let mut type_files = Vec::new();
        for (prefix, m) in &layers {
            match &m.types {
                Some(t) => type_files.push(format!("{prefix}{}", t.get_ref())),
                None if prefix.is_empty() => self.err(mf, Some(0), "the base pack must name its `types` file"),
                None => {}
            }
        }
        let (doc_types, record_types, labels) = self.load_types(&type_files);
        // What `as_type(x, 'NAME')` may narrow to.
        let documents: expr::Documents =
            Arc::new(doc_types.iter().map(|(n, d)| (n.clone(), d.record.clone())).collect());

        // Calendars.
        let mut calendars: Vec<Arc<crate::calendar::Calendar>> = Vec::new();
        let mut cal_fields = crate::types::NameMap::default();
        for (prefix, m) in &layers {
            let file = format!("{prefix}pack.toml");
            for (name, path) in &m.calendars {
                let cal_file = format!("{prefix}{}", path.get_ref());
                if !self.files.contains_key(&cal_file) {
                    self.err_at(&file, path, format!("calendar file `{}` not found in the pack", path.get_ref()));
                    continue;
                }
                let Some(rc) = self.parse(&cal_file, raw::RawCalendar::read) else { continue };
                match rc.compile(name) {
                    Ok(c) => {
                        // A layer's calendar replaces the base's of the same name.
                        match calendars.binary_search_by(|have| have.name.as_str().cmp(name)) {
                            Ok(i) => {
                                if let Some(slot) = calendars.get_mut(i) {
                                    *slot = Arc::new(c);
                                }
                            }
                            Err(i) => calendars.insert(i, Arc::new(c)),
                        }
                        cal_fields.insert(name.clone(), Type::Calendar);
                    }
                    Err(e) => self.err(&cal_file, Some(0), e),
                }
            }
        }
        let calendars_type = Type::Record(Arc::new(RecordType { name: "calendars".into(), fields: cal_fields }));

        // Reference data, and editions of reference data over time. A shared list (`[shared_data]`,
        // with a declared row type) gathers the rows of every layer's files and editions; any
        // other name is one list, which a layer's file of the same name replaces.
        let mut shared: IndexMap<String, Type> = IndexMap::new();
        for (prefix, m) in &layers {
            let file = format!("{prefix}pack.toml");
            for (name, ty) in &m.shared_data {
                match record_types.get(ty.get_ref()) {
                    Some(t @ Type::Record(_)) => {
                        shared.insert(name.clone(), Type::List(Box::new(t.clone())));
                    }
                    _ => {
                        let msg = format!("shared_data.{name}: `{}` is not a record type of the types file", ty.get_ref());
                        self.err_at(&file, ty, msg);
                    }
                }
            }
        }
        let mut plain: IndexMap<String, Json> = IndexMap::new();
        let mut data_fields: IndexMap<String, (String, Type)> =
            shared.iter().map(|(n, t)| (n.clone(), ("pack.toml".to_string(), t.clone()))).collect();
        let mut editions: Vec<Edition> = Vec::new();
        for (li, (prefix, m)) in layers.iter().enumerate() {
            let file = format!("{prefix}pack.toml");
            for (name, path) in &m.data {
                let data_file = format!("{prefix}{}", path.get_ref());
                if !self.files.contains_key(&data_file) {
                    self.err_at(&file, path, format!("data file `{}` not found in the pack", path.get_ref()));
                } else if let Some(rows) = shared.get(name) {
                    if let Some(json) = self.load_shared_rows(name, &data_file, rows) {
                        editions.push(Edition { name: name.clone(), layer: li, from: NaiveDate::MIN, to: None, rows: json });
                    }
                } else if let Some((json, ty)) = self.load_data(name, &data_file) {
                    plain.insert(name.clone(), json);
                    data_fields.insert(name.clone(), (data_file, ty));
                }
            }
            for ed in &m.data_edition {
                let name = ed.name.get_ref().clone();
                if m.data.contains_key(&name) {
                    self.err_at(&file, &ed.name, format!("`{name}` is both in [data] and in [[data_edition]]"));
                    continue;
                }
                let data_file = format!("{prefix}{}", ed.file.get_ref());
                if !self.files.contains_key(&data_file) {
                    self.err_at(&file, &ed.file, format!("data file `{}` not found in the pack", ed.file.get_ref()));
                    continue;
                }
                let (Some(from), to) = (self.date(&file, &ed.effective_from), ed.effective_to.as_ref().and_then(|d| self.date(&file, d))) else { continue };
                let json = match shared.get(&name) {
                    Some(rows) => self.load_shared_rows(&name, &data_file, rows),
                    None => {
                        let Some((json, ty)) = self.load_data(&name, &data_file) else { continue };
                        match data_fields.get(&name) {
                            Some((first, t)) if convert::shape(t) != convert::shape(&ty) => {
                                let msg = format!("every edition of `{name}` must have the rows of {first}: {}", convert::shape(t));
                                self.err_at(&file, &ed.file, msg);
                                continue;
                            }
                            Some(_) => {}
                            None => {
                                data_fields.insert(name.clone(), (data_file, ty));
                            }
                        }
                        Some(json)
                    }
                };
                let Some(json) = json else { continue };
                // Editions of one list may not overlap; a shared list's editions from different
                // layers (each region's decision) may.
                let clash = editions.iter().find(|e| e.name == name && (e.layer == li || !shared.contains_key(&name)) && overlaps((e.from, e.to), (from, to)));
                if let Some(e) = clash {
                    let msg = format!("this edition of `{name}` overlaps the one in force from {}{}", e.from, e.to.map(|t| format!(" to {t}")).unwrap_or_default());
                    self.err_at(&file, &ed.effective_from, msg);
                    continue;
                }
                editions.push(Edition { name, layer: li, from, to, rows: json });
            }
        }
        let data_type = Type::Record(Arc::new(RecordType {
            name: "data".into(),
            fields: data_fields.iter().map(|(k, (_, t))| (k.clone(), t.clone())).collect(),
        }));
        let data_epochs = build_epochs(&plain, &shared, &editions);

        // System messages (a layer may reword them).
        let sys_names = |n: &str| match n {
            "actual" => Some(Seg::Actual),
            "expected" => Some(Seg::Expected),
            "path" => Some(Seg::Path),
            "field" => Some(Seg::Field),
            "limit" => Some(Seg::Let("limit".into())),
            _ => None,
        };
        let mut messages = SystemMessages::default();
        for (prefix, m) in &layers {
            let file = format!("{prefix}pack.toml");
            for (key, raw) in &m.messages {
                let t = self.templates(&file, raw, &format!("messages.{key}"), &sys_names);
                match SysMsg::ALL.iter().find(|x| x.key() == key) {
                    Some(x) => {
                        if let Some(slot) = messages.0.get_mut(*x as usize) {
                            *slot = t;
                        }
                    }
                    None => {
                        let keys: Vec<&str> = SysMsg::ALL.iter().map(|x| x.key()).collect();
                        self.err_at(&file, raw, format!("unknown message `{key}` ({})", keys.join(", ")));
                    }
                }
            }
        }
        for x in SysMsg::ALL {
            if messages.get(x).0.is_empty() && !x.optional() {
                self.err(mf, None, format!("[messages] lacks `{}`", x.key()));
            }
        }

        // Fixtures of every layer (a layer's fixture replaces the base's of the same name).
        let mut fixtures = BTreeMap::new();
        for prefix in &self.prefixes {
            for (path, src) in self.files {
                let Some(rest) = path.strip_prefix(prefix.as_str()) else { continue };
                let Some(name) = rest.strip_prefix("fixtures/").and_then(|p| p.strip_suffix(".json")) else { continue };
                if prefix.is_empty() && self.prefixes.iter().any(|p| !p.is_empty() && path.starts_with(p.as_str())) {
                    continue;
                }
                match crate::document::parse_json_value(src.as_bytes()) {
                    Ok(v) => {
                        fixtures.insert(name.to_string(), v);
                    }
                    Err(e) => self.diags.push(Diagnostic {
                        file: path.clone(),
                        line: e.line,
                        col: e.column,
                        message: format!("invalid JSON: {e}"),
                    }),
                }
            }
        }

        // Rules of every layer, in order. Within a layer one ID may have several editions with
        // periods that do not overlap; a later layer's rule replaces every edition below it.
        let mut rules: Vec<(usize, Rule)> = Vec::new();
        let mut layer_tests: Vec<(String, Spanned<String>, RuleTest)> = Vec::new();
        for (li, (prefix, m)) in layers.iter().enumerate() {
            let mut merged = base.params.clone();
            for (_, lm) in layers.iter().take(li + 1).skip(1) {
                for (k, v) in &lm.params {
                    merged.insert(k.clone(), v.clone());
                }
            }
            let params: IndexMap<String, ParamInfo> = merged.iter().map(|(k, v)| (k.clone(), ParamInfo::new(k, v))).collect();
            let ctx = RuleCtx {
                doc_types: &doc_types,
                data_type: &data_type,
                calendars_type: &calendars_type,
                documents: &documents,
                pack_params: &params,
                pack_from: layer_from.get(li).copied().unwrap_or(effective_from),
                pack_to: layer_to.get(li).copied().flatten(),
                fixtures: &fixtures,
            };
            let file = format!("{prefix}pack.toml");
            for rf in &m.rule_files {
                let rule_file = format!("{prefix}{}", rf.get_ref());
                if !self.files.contains_key(&rule_file) {
                    self.err_at(&file, rf, format!("rule file `{}` not found in the pack", rf.get_ref()));
                    continue;
                }
                let Some(parsed) = self.parse(&rule_file, raw::RuleFile::read) else { continue };
                for t in &parsed.test {
                    let Some(rule) = &t.rule else {
                        self.err_at(&rule_file, &t.name, "a top-level [[test]] names the `rule` it tests");
                        continue;
                    };
                    if let Some(tc) = self.compile_test(&rule_file, t, &ctx) {
                        layer_tests.push((rule_file.clone(), rule.clone(), tc));
                    }
                }
                for r in &parsed.rule {
                    let Some(rule) = self.compile_rule(&rule_file, r, &ctx) else { continue };
                    rules.retain(|(l, x)| !(x.id == rule.id && *l < li));
                    if let Some((_, prev)) = rules.iter().find(|(l, x)| x.id == rule.id && *l == li && overlaps((x.effective_from, x.effective_to), (rule.effective_from, rule.effective_to))) {
                        let msg = format!("rule `{}` is already defined at {}:{} for an overlapping period; editions of one rule need periods that do not overlap", rule.id, prev.file, prev.line);
                        self.err_at(&rule_file, &r.id, msg);
                        continue;
                    }
                    rules.push((li, rule));
                }
            }
        }
        let mut rules: Vec<Rule> = rules.into_iter().map(|(_, r)| r).collect();
        // A top-level [[test]] joins the tests of its rule (every edition of it).
        for (file, id, tc) in layer_tests {
            let mut found = false;
            for r in rules.iter_mut().filter(|r| r.id == *id.get_ref()) {
                r.tests.push(tc.clone());
                found = true;
            }
            if !found {
                self.err_at(&file, &id, format!("no rule `{}` in the pack", id.get_ref()));
            }
        }

        if !self.diags.is_empty() {
            return Err(PackError { diagnostics: self.diags });
        }
        let rules_by_doc = index_rules(&rules);
        let named_ref = if self.named_by_base { layer_refs.first() } else { layer_refs.last() };
        let top_ref = named_ref.cloned().unwrap_or(PackRef { id: String::new(), version: String::new() });
        Ok(Pack {
            id: top_ref.id,
            version: top_ref.version,
            layers: if layer_refs.len() > 1 { layer_refs } else { Vec::new() },
            title,
            effective_from,
            effective_to,
            languages,
            default_language,
            timezone,
            doc_types,
            labels,
            rules,
            rules_by_doc,
            data_epochs,
            calendars,
            messages,
            engine_severity: [Severity::Error; ENGINE_RULES.len()],
            silenced: Vec::new(),
            cache: Default::default(),
            fixtures: fixtures.into_iter().map(|(k, v)| (k, crate::document::Json::owned_from_serde(&v))).collect(),
        })
    }
}

/// Whether two periods `[from, to)` (open-ended when `to` is `None`) share a day.
fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    let before = |end: Option<NaiveDate>, start: NaiveDate| end.is_some_and(|e| e <= start);
    !(before(a.1, b.0) || before(b.1, a.0))
}

/// Parses `+05:00` / `-03:30` / `Z`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    if s == "Z" || s == "UTC" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, s.get(1..)?),
        b'-' => (-1, s.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}
