//! Loading and compiling a rule pack: manifest, document model, reference data, rules.
//!
//! A loaded [`Pack`] is immutable and `Send + Sync`: compile once, validate many.

mod convert;
mod raw;
mod template;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{FixedOffset, NaiveDate, Offset};
use indexmap::IndexMap;
use serde_json::Value as Json;
use toml::Spanned;

use crate::error::{Diagnostic, LineIndex, PackError};
use crate::expr::{self, Expr, Scope};
use crate::types::{RecordType, Type, parse_type};
pub use convert::{toml_date, toml_to_json};
use raw::{RawCheck, RawRule, RawText};
pub use template::{Seg, Template};

/// Message and text languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Kk,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kk" | "kz" => Some(Lang::Kk),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s).ok_or_else(|| format!("unknown language `{s}` (expected kk, ru or en)"))
    }
}

/// A text in every language of the pack.
#[derive(Clone, Debug, Default)]
pub struct Text(BTreeMap<Lang, String>);

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        self.0
            .get(&lang)
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A document type of the model.
#[derive(Debug)]
pub struct DocType {
    pub name: String,
    pub record: Arc<RecordType>,
    /// Field giving the document's own date, and whether it is a datetime.
    pub as_of: Option<(String, bool)>,
}

/// Fixed slots of every check's scope.
pub(crate) const SLOT_DOC: usize = 0;
pub(crate) const SLOT_PARAMS: usize = 1;
pub(crate) const SLOT_DATA: usize = 2;
pub(crate) const SLOT_AS_OF: usize = 3;

#[derive(Debug)]
pub enum CheckKind {
    Assert(Expr),
    /// JSON Pointers (relative to the item) that must be present.
    Require(Vec<String>),
}

#[derive(Debug)]
pub struct Check {
    pub kind: CheckKind,
    pub for_each: Option<String>,
    pub item_slot: Option<usize>,
    pub when: Option<Expr>,
    pub lets: Vec<(String, usize, Expr)>,
    pub path: String,
    pub actual: Option<Expr>,
    pub expected: Option<Expr>,
    pub message: Option<LangTemplates>,
    /// Source text of each expression, for `explain`.
    pub source: IndexMap<String, String>,
}

/// A message template per language.
#[derive(Debug, Clone, Default)]
pub struct LangTemplates(pub BTreeMap<Lang, Template>);

impl LangTemplates {
    pub fn get(&self, lang: Lang) -> Option<&Template> {
        self.0.get(&lang).or_else(|| self.0.values().next())
    }
}

/// A rule test case as written in the rule file.
#[derive(Debug, Clone)]
pub struct RuleTest {
    pub name: String,
    pub fixture: String,
    pub set: Vec<(String, Json)>,
    pub remove: Vec<String>,
    pub as_of: Option<NaiveDate>,
    pub expect_fail: bool,
    pub paths: Option<Vec<String>>,
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub applies_to: String,
    pub severity: Severity,
    pub title: Text,
    pub clause: Text,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub when: Option<Expr>,
    pub when_source: Option<String>,
    pub message: LangTemplates,
    pub params: Json,
    pub checks: Vec<Check>,
    pub tests: Vec<RuleTest>,
    /// File (inside the pack) and line where the rule is defined.
    pub file: String,
    pub line: usize,
}

impl Rule {
    /// Whether the rule is in force on `date` (`effective_to` is exclusive).
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date < to)
    }
}

/// Messages the engine itself emits.
#[derive(Debug, Default)]
pub struct SystemMessages {
    pub type_mismatch: LangTemplates,
    pub unknown_document_type: LangTemplates,
    pub missing_document_type: LangTemplates,
}

/// A compiled rule pack. Immutable and `Send + Sync`.
#[derive(Debug)]
pub struct Pack {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub languages: Vec<Lang>,
    pub default_language: Lang,
    pub timezone: FixedOffset,
    pub doc_types: IndexMap<String, DocType>,
    pub rules: Vec<Rule>,
    pub(crate) rules_by_doc: HashMap<String, Vec<usize>>,
    pub data: Json,
    pub messages: SystemMessages,
    pub fixtures: BTreeMap<String, Json>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Pack>();
};

/// The pack's files: path inside the pack (with `/` separators) → contents.
pub type Files = BTreeMap<String, String>;

#[cfg(feature = "embedded-pack")]
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_pack.rs"));
}

impl Pack {
    /// The default pack (`rules/kz-orphan`), embedded at build time.
    #[cfg(feature = "embedded-pack")]
    pub fn embedded() -> Result<Pack, PackError> {
        let files: Files = embedded::FILES
            .iter()
            .map(|(p, c)| ((*p).to_string(), (*c).to_string()))
            .collect();
        Pack::from_files(&files)
    }

    /// Loads a pack from a directory (reads every `.toml` and `.json` file under it).
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Pack, PackError> {
        let files = read_dir_files(dir.as_ref())?;
        Pack::from_files(&files)
    }

    /// Loads a pack from in-memory files (e.g. fetched by a web page).
    pub fn from_files(files: &Files) -> Result<Pack, PackError> {
        Loader::new(files).load()
    }

    /// Rules that apply to a document type, in pack order.
    pub fn rules_for(&self, doc_type: &str) -> impl Iterator<Item = &Rule> {
        self.rules_by_doc
            .get(doc_type)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.rules.get(i))
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }
}

/// Reads the pack files of a directory.
pub fn read_dir_files(dir: &Path) -> Result<Files, PackError> {
    let mut files = Files::new();
    let mut stack = vec![dir.to_path_buf()];
    let fail = |p: &Path, e: std::io::Error| PackError {
        diagnostics: vec![Diagnostic {
            file: p.display().to_string(),
            line: 0,
            col: 0,
            message: format!("cannot read: {e}"),
        }],
    };
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| fail(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(&d, e))?;
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("toml" | "json")
            ) {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap_or(&p)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let text = std::fs::read_to_string(&p).map_err(|e| fail(&p, e))?;
                files.insert(rel, text);
            }
        }
    }
    Ok(files)
}

struct Loader<'f> {
    files: &'f Files,
    diags: Vec<Diagnostic>,
    languages: Vec<Lang>,
}

/// Where a spanned value sits: file and byte range.
#[derive(Clone, Copy)]
struct At<'a> {
    file: &'a str,
    start: usize,
}

impl<'f> Loader<'f> {
    fn new(files: &'f Files) -> Self {
        Loader {
            files,
            diags: Vec::new(),
            languages: Lang::ALL.to_vec(),
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

    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: &str) -> Option<T> {
        let Some(src) = self.files.get(file) else {
            self.err(file, None, "file not found in the pack");
            return None;
        };
        match toml::from_str::<T>(src) {
            Ok(v) => Some(v),
            Err(e) => {
                let msg = e.message().trim().to_string();
                self.err(file, e.span().map(|s| s.start), msg);
                None
            }
        }
    }

    fn date(&mut self, file: &str, d: &Spanned<toml::value::Datetime>) -> Option<NaiveDate> {
        let r = convert::toml_date(d.get_ref());
        if r.is_none() {
            self.err_at(file, d, "expected a date such as 2026-03-23 (no time)");
        }
        r
    }

    fn text(&mut self, file: &str, raw: &RawText, what: &str) -> Text {
        let mut out = BTreeMap::new();
        for (k, v) in raw.get_ref() {
            match Lang::parse(k) {
                Some(l) => {
                    out.insert(l, v.get_ref().clone());
                }
                None => self.err_at(file, v, format!("unknown language `{k}` in {what}")),
            }
        }
        for l in self.languages.clone() {
            if !out.contains_key(&l) {
                self.err_at(file, raw, format!("{what} has no `{}` text", l.code()));
            }
        }
        Text(out)
    }

    fn templates(
        &mut self,
        file: &str,
        raw: &RawText,
        what: &str,
        names: &dyn Fn(&str) -> Option<Seg>,
    ) -> LangTemplates {
        let text = self.text(file, raw, what);
        let mut out = BTreeMap::new();
        for (lang, s) in &text.0 {
            match Template::parse(s, names) {
                Ok(t) => {
                    out.insert(*lang, t);
                }
                Err(e) => {
                    let at = raw.get_ref().get(lang.code());
                    let offset = at.map(|v| v.span().start).unwrap_or(raw.span().start);
                    self.err(file, Some(offset), format!("{what} ({}): {e}", lang.code()));
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
        let manifest_file = "pack.toml";
        let Some(m) = self.parse::<raw::Manifest>(manifest_file) else {
            return Err(PackError { diagnostics: self.diags });
        };
        let mf = manifest_file;
        let mut languages = Vec::new();
        for l in m.languages.get_ref() {
            match Lang::parse(l.get_ref()) {
                Some(x) => languages.push(x),
                None => self.err_at(mf, l, format!("unknown language `{}` (kk, ru, en)", l.get_ref())),
            }
        }
        if languages.is_empty() {
            self.err_at(mf, &m.languages, "at least one language is required");
            languages.push(Lang::En);
        }
        self.languages = languages.clone();
        let default_language = match Lang::parse(m.default_language.get_ref()) {
            Some(l) if languages.contains(&l) => l,
            _ => {
                self.err_at(mf, &m.default_language, "default_language must be one of `languages`");
                languages.first().copied().unwrap_or(Lang::En)
            }
        };
        let timezone = parse_offset(m.timezone.get_ref()).unwrap_or_else(|| {
            self.err_at(mf, &m.timezone, "timezone must be a UTC offset such as +05:00");
            chrono::Utc.fix()
        });
        let effective_from = self.date(mf, &m.effective_from).unwrap_or_default();
        let effective_to = m.effective_to.as_ref().and_then(|d| self.date(mf, d));
        let title = m.title.as_ref().map(|t| self.text(mf, t, "title")).unwrap_or_default();

        // Document model.
        let types_file = m.types.get_ref().clone();
        let doc_types = self.load_types(&types_file);

        // Reference data.
        let mut data = serde_json::Map::new();
        let mut data_fields = IndexMap::new();
        for (name, path) in &m.data {
            if let Some((json, ty)) = self.load_data(name, path.get_ref()) {
                data.insert(name.clone(), json);
                data_fields.insert(name.clone(), ty);
            } else if !self.files.contains_key(path.get_ref()) {
                self.err_at(mf, path, format!("data file `{}` not found in the pack", path.get_ref()));
            }
        }
        let data_type = Type::Record(Arc::new(RecordType { name: "data".into(), fields: data_fields }));

        // System messages.
        let sys_names = |n: &str| match n {
            "actual" => Some(Seg::Actual),
            "expected" => Some(Seg::Expected),
            "path" => Some(Seg::Path),
            _ => None,
        };
        let mut messages = SystemMessages::default();
        for (key, raw) in &m.messages {
            let t = self.templates(mf, raw, &format!("messages.{key}"), &sys_names);
            match key.as_str() {
                "type_mismatch" => messages.type_mismatch = t,
                "unknown_document_type" => messages.unknown_document_type = t,
                "missing_document_type" => messages.missing_document_type = t,
                _ => self.err_at(mf, raw, format!("unknown message `{key}` (type_mismatch, unknown_document_type, missing_document_type)")),
            }
        }
        for (name, t) in [
            ("type_mismatch", &messages.type_mismatch),
            ("unknown_document_type", &messages.unknown_document_type),
            ("missing_document_type", &messages.missing_document_type),
        ] {
            if t.0.is_empty() {
                self.err(mf, None, format!("[messages] lacks `{name}`"));
            }
        }

        // Fixtures.
        let mut fixtures = BTreeMap::new();
        for (path, src) in self.files {
            if let Some(name) = path.strip_prefix("fixtures/").and_then(|p| p.strip_suffix(".json")) {
                match serde_json::from_str::<Json>(src) {
                    Ok(v) => {
                        fixtures.insert(name.to_string(), v);
                    }
                    Err(e) => self.diags.push(Diagnostic {
                        file: path.clone(),
                        line: e.line(),
                        col: e.column(),
                        message: format!("invalid JSON: {e}"),
                    }),
                }
            }
        }

        // Rules.
        let pack_params = m.params.clone();
        let ctx = RuleCtx {
            doc_types: &doc_types,
            data_type: &data_type,
            pack_params: &pack_params,
            pack_from: effective_from,
            fixtures: &fixtures,
        };
        let mut rules = Vec::new();
        let mut seen: HashMap<String, (String, usize)> = HashMap::new();
        for rf in &m.rule_files {
            let file = rf.get_ref().clone();
            if !self.files.contains_key(&file) {
                self.err_at(mf, rf, format!("rule file `{file}` not found in the pack"));
                continue;
            }
            let Some(parsed) = self.parse::<raw::RuleFile>(&file) else { continue };
            for r in &parsed.rule {
                let id = r.id.get_ref().clone();
                if let Some((f, line)) = seen.get(&id) {
                    let msg = format!("duplicate rule id `{id}` (first defined at {f}:{line})");
                    self.err_at(&file, &r.id, msg);
                    continue;
                }
                if let Some(rule) = self.compile_rule(&file, r, &ctx) {
                    seen.insert(id, (file.clone(), rule.line));
                    rules.push(rule);
                }
            }
        }

        if !self.diags.is_empty() {
            return Err(PackError { diagnostics: self.diags });
        }
        let mut rules_by_doc: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            rules_by_doc.entry(r.applies_to.clone()).or_default().push(i);
        }
        Ok(Pack {
            id: m.id.into_inner(),
            version: m.version.into_inner(),
            title,
            effective_from,
            effective_to,
            languages,
            default_language,
            timezone,
            doc_types,
            rules,
            rules_by_doc,
            data: Json::Object(data),
            messages,
            fixtures,
        })
    }

    fn load_types(&mut self, file: &str) -> IndexMap<String, DocType> {
        let mut out = IndexMap::new();
        let Some(tf) = self.parse::<raw::TypesFile>(file) else { return out };
        let declared: HashSet<&str> = tf.types.keys().map(|k| k.get_ref().as_str()).collect();
        let mut built: HashMap<String, Type> = HashMap::new();
        // Build record types in dependency order; a pass that makes no progress ends the loop.
        let mut pending: Vec<&Spanned<String>> = tf.types.keys().collect();
        loop {
            let mut next = Vec::new();
            for name in &pending {
                let fields = tf.types.get(*name).map(|f| f.iter().collect::<Vec<_>>()).unwrap_or_default();
                let waits = fields.iter().any(|(_, t)| {
                    let base = base_type_name(t.get_ref());
                    declared.contains(base) && !built.contains_key(base)
                });
                if waits {
                    next.push(*name);
                    continue;
                }
                let rec = self.build_record(file, name.get_ref(), &fields, &built);
                built.insert(name.get_ref().clone(), Type::Record(Arc::new(rec)));
            }
            if next.is_empty() {
                break;
            }
            if next.len() == pending.len() {
                for name in &next {
                    self.err_at(file, name, format!("type `{}` is part of a cycle of record types", name.get_ref()));
                }
                break;
            }
            pending = next;
        }
        for (name, dt) in &tf.documents {
            let fields: Vec<(&String, &Spanned<String>)> = dt.fields.iter().collect();
            let rec = Arc::new(self.build_record(file, name.get_ref(), &fields, &built));
            let as_of = match &dt.as_of {
                None => None,
                Some(f) => match rec.field(f.get_ref()) {
                    Some(Type::Date) => Some((f.get_ref().clone(), false)),
                    Some(Type::DateTime) => Some((f.get_ref().clone(), true)),
                    _ => {
                        self.err_at(file, f, format!("as_of must name a date or datetime field of `{}`", name.get_ref()));
                        None
                    }
                },
            };
            out.insert(
                name.get_ref().clone(),
                DocType { name: name.get_ref().clone(), record: rec, as_of },
            );
        }
        out
    }

    fn build_record(
        &mut self,
        file: &str,
        name: &str,
        fields: &[(&String, &Spanned<String>)],
        built: &HashMap<String, Type>,
    ) -> RecordType {
        let mut out = IndexMap::new();
        for (fname, ty) in fields {
            match parse_type(ty.get_ref(), &|n| built.get(n).cloned()) {
                Ok(t) => {
                    out.insert((*fname).clone(), t);
                }
                Err(e) => {
                    self.err_at(file, ty, e);
                    out.insert((*fname).clone(), Type::Any);
                }
            }
        }
        RecordType { name: name.to_string(), fields: out }
    }

    fn load_data(&mut self, name: &str, file: &str) -> Option<(Json, Type)> {
        if !self.files.contains_key(file) {
            return None;
        }
        let df = self.parse::<raw::DataFile>(file)?;
        let mut rows = Vec::with_capacity(df.row.len());
        let mut row_type: Option<(String, Type)> = None;
        for row in &df.row {
            let rec = convert::infer_record(row.get_ref(), &format!("data.{name} row"));
            let ty = Type::Record(Arc::new(rec));
            let shape = convert::shape(&ty);
            match &row_type {
                None => row_type = Some((shape, ty)),
                Some((first, _)) if *first != shape => {
                    let msg = format!("every row of `{name}` must have the same keys and kinds of value as the first ({first}); this one is {shape}");
                    self.err_at(file, row, msg);
                }
                Some(_) => {}
            }
            rows.push(convert::table_to_json(row.get_ref()));
        }
        let elem = row_type.map(|(_, t)| t).unwrap_or(Type::Any);
        Some((Json::Array(rows), Type::List(Box::new(elem))))
    }

    fn compile_rule(&mut self, file: &str, r: &RawRule, ctx: &RuleCtx<'_>) -> Option<Rule> {
        let before = self.diags.len();
        let id = r.id.get_ref().clone();
        if !valid_rule_id(&id) {
            self.err_at(file, &r.id, format!("rule id `{id}` must look like ABC-01 (capital letters, a hyphen, digits)"));
        }
        let Some(doc_type) = ctx.doc_types.get(r.applies_to.get_ref()) else {
            let known: Vec<&str> = ctx.doc_types.keys().map(String::as_str).collect();
            self.err_at(file, &r.applies_to, format!("unknown document type `{}` (known: {})", r.applies_to.get_ref(), known.join(", ")));
            return None;
        };
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
        let effective_to = r.effective_to.as_ref().and_then(|d| self.date(file, d));

        // Params: the pack's, overridden by the rule's.
        let mut merged = ctx.pack_params.clone();
        for (k, v) in &r.params {
            merged.insert(k.clone(), v.clone());
        }
        let params_type = Type::Record(Arc::new(convert::infer_record(&merged, "params")));
        let params = convert::table_to_json(&merged);

        let mut scope = Scope::new();
        scope.bind("doc", Type::Record(doc_type.record.clone()));
        scope.bind("params", params_type);
        scope.bind("data", ctx.data_type.clone());
        scope.bind("as_of", Type::Date);
        let when = r.when.as_ref().and_then(|w| self.expr(file, w, &scope, Some(&Type::Bool)));

        let param_names: Vec<(String, String)> = params
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), display_json(v))).collect())
            .unwrap_or_default();
        let rule_names = |n: &str| -> Option<Seg> {
            match n {
                "actual" => Some(Seg::Actual),
                "expected" => Some(Seg::Expected),
                "path" => Some(Seg::Path),
                _ => param_names.iter().find(|(k, _)| k == n).map(|(_, v)| Seg::Lit(v.clone())),
            }
        };
        // The rule-level message may use the let names of any of its checks; a check that
        // lacks one renders it empty.
        let all_lets: Vec<String> = r.check.iter().flat_map(|c| c.lets.keys().cloned()).collect();
        let names = |n: &str| rule_names(n).or_else(|| all_lets.iter().any(|l| l == n).then(|| Seg::Let(n.to_string())));
        let message = self.templates(file, &r.message, "message", &names);
        self.finish_rule(file, r, ctx, doc_type, scope, RuleHead { id, severity, title, clause, effective_from, effective_to, when, message, params, rule_names: &rule_names, before })
    }

    fn finish_rule(
        &mut self,
        file: &str,
        r: &RawRule,
        ctx: &RuleCtx<'_>,
        doc_type: &DocType,
        scope: Scope,
        head: RuleHead<'_>,
    ) -> Option<Rule> {
        if r.check.is_empty() {
            self.err_at(file, &r.id, format!("rule `{}` has no [[rule.check]]", head.id));
        }
        let doc_ty = Type::Record(doc_type.record.clone());
        let mut checks = Vec::new();
        for c in &r.check {
            if let Some(ch) = self.compile_check(file, c, &doc_ty, &scope, head.rule_names) {
                checks.push(ch);
            }
        }
        let mut tests = Vec::new();
        for t in &r.test {
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
            .map(|s| LineIndex::new(s).position(r.id.span().start).0)
            .unwrap_or(0);
        Some(Rule {
            id: head.id,
            applies_to: r.applies_to.get_ref().clone(),
            severity: head.severity,
            title: head.title,
            clause: head.clause,
            effective_from: head.effective_from,
            effective_to: head.effective_to,
            when: head.when,
            when_source: r.when.as_ref().map(|w| w.get_ref().clone()),
            message: head.message,
            params: head.params,
            checks,
            tests,
            file: file.to_string(),
            line,
        })
    }

    fn compile_check(
        &mut self,
        file: &str,
        c: &RawCheck,
        doc_ty: &Type,
        base: &Scope,
        rule_names: &dyn Fn(&str) -> Option<Seg>,
    ) -> Option<Check> {
        let mut scope = base.clone();
        let mut source = IndexMap::new();
        let mut item_ty = doc_ty.clone();
        let mut item_slot = None;
        if let Some(fe) = &c.for_each {
            source.insert("for_each".into(), fe.get_ref().clone());
            match resolve_pointer(doc_ty, fe.get_ref()) {
                Ok(Type::List(elem)) => {
                    item_ty = (*elem).clone();
                    item_slot = Some(scope.bind("item", item_ty.clone()));
                }
                Ok(Type::Any) => {
                    item_ty = Type::Any;
                    item_slot = Some(scope.bind("item", Type::Any));
                }
                Ok(other) => {
                    self.err_at(file, fe, format!("for_each must point at a list, `{}` is `{other}`", fe.get_ref()));
                    return None;
                }
                Err(e) => {
                    self.err_at(file, fe, e);
                    return None;
                }
            }
        }
        let when = c.when.as_ref().and_then(|w| {
            source.insert("when".into(), w.get_ref().clone());
            self.expr(file, w, &scope, Some(&Type::Bool))
        });
        let mut lets = Vec::new();
        for (name, src) in &c.lets {
            source.insert(format!("let.{name}"), src.get_ref().clone());
            if matches!(name.as_str(), "doc" | "item" | "params" | "data" | "as_of" | "actual" | "expected" | "path") {
                self.err_at(file, src, format!("`{name}` is reserved and cannot be a let name"));
                continue;
            }
            if let Some(e) = self.expr(file, src, &scope, None) {
                let slot = scope.bind(name, e.ty().clone());
                lets.push((name.clone(), slot, e));
            }
        }
        let kind = match (&c.assert, &c.require) {
            (Some(a), None) => {
                source.insert("assert".into(), a.get_ref().clone());
                CheckKind::Assert(self.expr(file, a, &scope, Some(&Type::Bool))?)
            }
            (None, Some(req)) => {
                let mut ptrs = Vec::new();
                for p in req {
                    match resolve_pointer(&item_ty, p.get_ref()) {
                        Ok(_) => ptrs.push(p.get_ref().clone()),
                        Err(e) => self.err_at(file, p, e),
                    }
                }
                source.insert("require".into(), ptrs.join(", "));
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
            source.insert("actual".into(), a.get_ref().clone());
            self.expr(file, a, &scope, None)
        });
        let expected = c.expected.as_ref().and_then(|a| {
            source.insert("expected".into(), a.get_ref().clone());
            self.expr(file, a, &scope, None)
        });
        let let_names: Vec<String> = lets.iter().map(|(n, _, _)| n.clone()).collect();
        let names = |n: &str| rule_names(n).or_else(|| let_names.iter().any(|l| l == n).then(|| Seg::Let(n.to_string())));
        let message = c.message.as_ref().map(|m| self.templates(file, m, "message", &names));
        Some(Check {
            kind,
            for_each: c.for_each.as_ref().map(|f| f.get_ref().clone()),
            item_slot,
            when,
            lets,
            path,
            actual,
            expected,
            message,
            source,
        })
    }

    fn compile_test(&mut self, file: &str, t: &raw::RawTest, ctx: &RuleCtx<'_>) -> Option<RuleTest> {
        if !ctx.fixtures.contains_key(t.fixture.get_ref()) {
            let known: Vec<&str> = ctx.fixtures.keys().map(String::as_str).collect();
            self.err_at(file, &t.fixture, format!("unknown fixture `{}` (fixtures/*.json: {})", t.fixture.get_ref(), known.join(", ")));
        }
        let expect_fail = match t.expect.get_ref().as_str() {
            "fail" => true,
            "pass" => false,
            _ => {
                self.err_at(file, &t.expect, "expect must be \"pass\" or \"fail\"");
                false
            }
        };
        let as_of = t.as_of.as_ref().and_then(|d| self.date(file, d));
        Some(RuleTest {
            name: t.name.get_ref().clone(),
            fixture: t.fixture.get_ref().clone(),
            set: t.set.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect(),
            remove: t.remove.clone(),
            as_of,
            expect_fail,
            paths: t.paths.clone(),
        })
    }
}

struct RuleCtx<'a> {
    doc_types: &'a IndexMap<String, DocType>,
    data_type: &'a Type,
    pack_params: &'a toml::Table,
    pack_from: NaiveDate,
    fixtures: &'a BTreeMap<String, Json>,
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
    params: Json,
    rule_names: &'n dyn Fn(&str) -> Option<Seg>,
    before: usize,
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

fn valid_rule_id(id: &str) -> bool {
    let Some((a, b)) = id.split_once('-') else { return false };
    !a.is_empty() && a.bytes().all(|c| c.is_ascii_uppercase()) && !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit())
}

fn base_type_name(t: &str) -> &str {
    let mut t = t.trim();
    while let Some(inner) = t.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
        t = inner.trim();
    }
    t
}

/// Display form of a param in messages: strings bare, lists comma-separated.
fn display_json(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(a) => a.iter().map(display_json).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Splits a JSON Pointer into unescaped tokens. `""` is the root.
pub fn pointer_tokens(ptr: &str) -> Result<Vec<String>, String> {
    if ptr.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = ptr.strip_prefix('/') else {
        return Err(format!("`{ptr}` is not a JSON Pointer (it must start with `/`)"));
    };
    Ok(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// The static type a JSON Pointer reaches inside `ty`; an error names the unknown step.
pub fn resolve_pointer(ty: &Type, ptr: &str) -> Result<Type, String> {
    let mut cur = ty.clone();
    for tok in pointer_tokens(ptr)? {
        cur = match &cur {
            Type::Record(r) => match r.field(&tok) {
                Some(t) => t.clone(),
                None => {
                    let known: Vec<&str> = r.fields.keys().map(String::as_str).collect();
                    return Err(format!("unknown field `{tok}` in `{ptr}`: `{}` has {}", r.name, known.join(", ")));
                }
            },
            Type::List(e) if tok.parse::<usize>().is_ok() => (**e).clone(),
            Type::Any => Type::Any,
            other => return Err(format!("`{ptr}`: cannot step into `{tok}` of a `{other}`")),
        };
    }
    Ok(cur)
}
