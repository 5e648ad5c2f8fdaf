//! Loading and compiling a rule pack: manifest, document model, reference data, rules.
//!
//! A loaded [`Pack`] is immutable and `Send + Sync`: compile once, validate many.

pub mod compiled;
#[cfg(test)]
mod compiled_tests;
mod convert;
mod dir;
mod raw;
#[cfg(test)]
mod raw_tests;
mod template;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{FixedOffset, NaiveDate, Offset};
use indexmap::IndexMap;
use serde_json::Value as Json;
use toml::Spanned;

use crate::engine::PackRef;
use crate::error::{Diagnostic, LineIndex, PackError};
use crate::expr::{self, Expr, Scope};
use crate::types::{RecordType, Type, parse_type};
pub use convert::{toml_date, toml_to_json};
pub use dir::{
    MAX_LAYERS, MAX_PACK_BYTES, MAX_PACK_ENTRIES, MAX_PACK_FILE_BYTES, MAX_PACK_ID_LEN, is_pack_id, pack_id_problem, read_dir_files,
    read_file_capped,
};
pub(crate) use dir::{in_dirs, layer_chain, layer_names, manifest_str, rel_path};
pub use raw::{Error as TomlError, Table as TomlTable, Value as TomlValue, calendar_from_toml};
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

/// One value per language, in a fixed slot per [`Lang`] (kk, ru, en): what a map from
/// language would hold, without a map's code for each kind of value.
#[derive(Clone, Debug)]
pub struct ByLang<T>([Option<T>; 3]);

impl<T> Default for ByLang<T> {
    fn default() -> Self {
        ByLang([None, None, None])
    }
}

impl<T> ByLang<T> {
    pub fn get(&self, lang: Lang) -> Option<&T> {
        self.0.get(lang as usize).and_then(Option::as_ref)
    }

    /// The value in `lang`, else the first there is (in kk, ru, en order).
    pub fn get_or_first(&self, lang: Lang) -> Option<&T> {
        self.get(lang).or_else(|| self.0.iter().flatten().next())
    }

    pub fn insert(&mut self, lang: Lang, value: T) {
        if let Some(slot) = self.0.get_mut(lang as usize) {
            *slot = Some(value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }

    /// The languages that have a value, with it, in kk, ru, en order.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &T)> {
        Lang::ALL.into_iter().zip(&self.0).filter_map(|(l, v)| Some((l, v.as_ref()?)))
    }
}

/// A text in every language of the pack.
#[derive(Clone, Debug, Default)]
pub struct Text(ByLang<String>);

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        self.0.get_or_first(lang).map(String::as_str).unwrap_or("")
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
    /// The fields giving the document's own date (the latest of those present), each as its
    /// path of field names, and whether it is a datetime.
    pub as_of: Vec<(Vec<String>, bool)>,
    /// For a document holding documents: the field that identifies each member.
    pub member_id: Option<String>,
}

/// Fixed slots of every check's scope.
pub(crate) const SLOT_DOC: usize = 0;
pub(crate) const SLOT_PARAMS: usize = 1;
pub(crate) const SLOT_DATA: usize = 2;
pub(crate) const SLOT_AS_OF: usize = 3;
pub(crate) const SLOT_CALENDARS: usize = 4;
/// `effective_from`: the day the rule (edition) entered into force.
pub(crate) const SLOT_EFFECTIVE_FROM: usize = 5;

#[derive(Debug)]
pub enum CheckKind {
    Assert(Expr),
    /// JSON Pointers (relative to the item) that must be present.
    Require(Vec<Pointer>),
}

/// A JSON Pointer (RFC 6901) as written, and its tokens unescaped once when the pack loads.
#[derive(Debug, Clone)]
pub struct Pointer {
    pub text: String,
    /// `None` when the text is neither empty nor starts with `/` (it then points at nothing).
    tokens: Option<Box<[String]>>,
}

impl Pointer {
    pub fn new(text: &str) -> Pointer {
        Pointer { text: text.to_string(), tokens: pointer_tokens(text).ok().map(Vec::into_boxed_slice) }
    }

    /// The unescaped tokens, or `None` for a text that is not a pointer.
    pub fn tokens(&self) -> Option<&[String]> {
        self.tokens.as_deref()
    }

    /// The pointer to the (unescaped) tokens.
    pub fn from_tokens(tokens: &[String]) -> Pointer {
        let mut text = String::new();
        for t in tokens {
            text.push('/');
            crate::input::push_pointer_token(&mut text, t);
        }
        Pointer { text, tokens: Some(tokens.to_vec().into_boxed_slice()) }
    }
}

/// The value a check's read starts from: the document, its `for_each` item or `then_each`
/// element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    Doc,
    Item,
    Elem,
}

#[derive(Debug)]
pub struct Check {
    /// The document type this check reads.
    pub doc_type: String,
    /// The check's own severity (else the rule's).
    pub severity: Option<Severity>,
    pub kind: CheckKind,
    pub for_each: Option<Pointer>,
    /// Only list members whose `document_type` is this.
    pub of_type: Option<String>,
    pub item_slot: Option<usize>,
    /// A list inside each `for_each` item: the check runs once per element of it, bound as `elem`.
    pub then_each: Option<Pointer>,
    pub elem_slot: Option<usize>,
    pub when: Option<Expr>,
    pub lets: Vec<(String, usize, Expr)>,
    pub path: String,
    pub actual: Option<Expr>,
    pub expected: Option<Expr>,
    pub message: Option<LangTemplates>,
    /// The message of the `info` finding when this check could not run (else the rule's).
    pub not_checked: Option<LangTemplates>,
    /// Source text of each expression, for `explain`.
    pub source: Vec<(String, String)>,
}

impl Check {
    /// What the check's expressions (`when`, lets, `assert`) read from the document, its item
    /// or its element, as pointers relative to them, without duplicates. The engine names the
    /// absent ones when the check's outcome is unknown; a form may re-check a rule when one of
    /// them changes.
    pub fn reads(&self) -> Vec<(Root, Pointer)> {
        let assert = match &self.kind {
            CheckKind::Assert(e) => Some(e),
            CheckKind::Require(_) => None,
        };
        let exprs = self.when.iter().chain(self.lets.iter().map(|(_, _, e)| e)).chain(assert);
        reads_of(exprs, self.item_slot, self.elem_slot)
    }
}

/// What expressions read from the document (slot `doc`), an item (`item_slot`) or an element
/// (`elem_slot`), as pointers relative to them, without duplicates (see [`Check::reads`]).
pub fn reads_of<'e>(exprs: impl Iterator<Item = &'e Expr>, item_slot: Option<usize>, elem_slot: Option<usize>) -> Vec<(Root, Pointer)> {
    let mut raw = Vec::new();
    for e in exprs {
        e.reads_into(&mut raw);
    }
    let mut out: Vec<(Root, Pointer)> = Vec::new();
    for r in raw {
        let root = if r.slot == SLOT_DOC {
            Root::Doc
        } else if Some(r.slot) == item_slot {
            Root::Item
        } else if Some(r.slot) == elem_slot {
            Root::Elem
        } else {
            continue;
        };
        let ptr = Pointer::from_tokens(&r.path);
        if !out.iter().any(|(x, p)| *x == root && p.text == ptr.text) {
            out.push((root, ptr));
        }
    }
    out
}

/// A message template per language.
#[derive(Debug, Clone, Default)]
pub struct LangTemplates(pub ByLang<Template>);

impl LangTemplates {
    pub fn get(&self, lang: Lang) -> Option<&Template> {
        self.0.get_or_first(lang)
    }
}

/// What a rule test case expects of its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// No finding of the rule at all.
    Pass,
    /// At least one finding of the rule of severity error or warning.
    Fail,
    /// Only `info` findings of the rule, at least one (e.g. "not checked").
    Info,
}

impl Expect {
    pub fn parse(s: &str) -> Option<Expect> {
        match s {
            "pass" => Some(Expect::Pass),
            "fail" => Some(Expect::Fail),
            "info" => Some(Expect::Info),
            _ => None,
        }
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
    pub expect: Expect,
    /// The paths of the findings `expect` is about (error/warning ones for `fail`, info ones
    /// for `info`), exactly.
    pub paths: Option<Vec<String>>,
    /// With `fail`: the severity each of those findings has.
    pub severity: Option<Severity>,
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// The document types the rule checks (each check reads one of them).
    pub applies_to: Vec<String>,
    pub severity: Severity,
    pub title: Text,
    pub clause: Text,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub when: Option<Expr>,
    pub when_source: Option<String>,
    pub message: LangTemplates,
    /// The message of the rule's `info` finding when one of its checks could not run (else
    /// the pack's `not_checked_absent` / `not_checked`).
    pub not_checked: Option<LangTemplates>,
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

/// A message the engine itself emits; every base pack words each in `[messages]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SysMsg {
    /// `TYPE`: a field's value has the wrong JSON type (`{expected}`, `{actual}`).
    TypeMismatch,
    /// `TYPE`: a number beyond the range of exact decimals (`{actual}`: the number).
    NumberOutOfRange,
    /// `TYPE`: a number with more digits than an exact decimal holds (`{actual}`).
    NumberTooManyDigits,
    /// `DOCTYPE`: an unknown `document_type` (`{actual}`; `{expected}`: the known ones).
    UnknownDocumentType,
    /// `DOCTYPE`: no `document_type` (`{expected}`: the known ones).
    MissingDocumentType,
    /// `INPUT`: an object has the key `{actual}` more than once.
    DuplicateKey,
    /// A rule's `info`: a check could not run; `{actual}`: what is absent.
    NotCheckedAbsent,
    /// A rule's `info`: a check could not run, though what it reads is present (a value that
    /// does not convert, a referenced document that is not there).
    NotChecked,
    /// A rule's finding: a check's arithmetic overflowed (`{actual}`: what it showed).
    Overflow,
    /// `NOT-IN-FORCE`: no rule for the document's type was in force on `{actual}`; `{expected}`:
    /// when the earliest applies.
    NotInForce,
    /// `BUNDLE`: a list of documents (`{path}`) is absent or empty.
    BundleEmpty,
    /// `BUNDLE`: a member that is not a document object (`{actual}`: its JSON kind).
    BundleMember,
    /// `BUNDLE`: two members with one id (`{actual}`; `{expected}`: where the first is).
    BundleDuplicateId,
    /// Not a message: the `clause` of the findings on the input's shape (`TYPE`, `DOCTYPE`,
    /// `BUNDLE`) — where the pack's document contract is. Optional (empty clause without it).
    ShapeClause,
}

impl SysMsg {
    pub const ALL: [SysMsg; 14] = [
        SysMsg::TypeMismatch,
        SysMsg::NumberOutOfRange,
        SysMsg::NumberTooManyDigits,
        SysMsg::UnknownDocumentType,
        SysMsg::MissingDocumentType,
        SysMsg::DuplicateKey,
        SysMsg::NotCheckedAbsent,
        SysMsg::NotChecked,
        SysMsg::Overflow,
        SysMsg::NotInForce,
        SysMsg::BundleEmpty,
        SysMsg::BundleMember,
        SysMsg::BundleDuplicateId,
        SysMsg::ShapeClause,
    ];

    /// The key of the message in a manifest's `[messages]`.
    pub fn key(self) -> &'static str {
        match self {
            SysMsg::TypeMismatch => "type_mismatch",
            SysMsg::NumberOutOfRange => "number_out_of_range",
            SysMsg::NumberTooManyDigits => "number_too_many_digits",
            SysMsg::UnknownDocumentType => "unknown_document_type",
            SysMsg::MissingDocumentType => "missing_document_type",
            SysMsg::DuplicateKey => "duplicate_key",
            SysMsg::NotCheckedAbsent => "not_checked_absent",
            SysMsg::NotChecked => "not_checked",
            SysMsg::Overflow => "overflow",
            SysMsg::NotInForce => "not_in_force",
            SysMsg::BundleEmpty => "bundle_empty",
            SysMsg::BundleMember => "bundle_member",
            SysMsg::BundleDuplicateId => "bundle_duplicate_id",
            SysMsg::ShapeClause => "shape_clause",
        }
    }
}

/// Messages the engine itself emits, one per [`SysMsg`] (in [`SysMsg::ALL`] order).
#[derive(Debug)]
pub struct SystemMessages(pub Vec<LangTemplates>);

impl Default for SystemMessages {
    fn default() -> Self {
        SystemMessages(SysMsg::ALL.iter().map(|_| LangTemplates::default()).collect())
    }
}

impl SystemMessages {
    pub fn get(&self, m: SysMsg) -> &LangTemplates {
        static EMPTY: std::sync::OnceLock<LangTemplates> = std::sync::OnceLock::new();
        self.0.get(m as usize).unwrap_or_else(|| EMPTY.get_or_init(LangTemplates::default))
    }
}

/// The IDs of the engine's own findings whose severity a deployment may change (each is an
/// error by default). `LIMIT`, which ends a cut result, stays an error.
pub const ENGINE_RULES: [&str; 5] = ["TYPE", "DOCTYPE", "INPUT", "NOT-IN-FORCE", "BUNDLE"];

/// The index of an engine finding's ID in [`ENGINE_RULES`].
pub fn engine_rule(id: &str) -> Option<usize> {
    ENGINE_RULES.iter().position(|r| *r == id)
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
    /// Rule indices by document type, sorted by type name.
    pub(crate) rules_by_doc: Vec<(String, Vec<usize>)>,
    /// The layers this pack is made of, base first (empty for a single pack).
    pub layers: Vec<PackRef>,
    /// Reference data per period: `(from, data)`, sorted; the last one not after the
    /// validation date is in force.
    pub data_epochs: Vec<(NaiveDate, Json)>,
    /// The working-day calendars, sorted by name.
    pub calendars: Vec<Arc<crate::calendar::Calendar>>,
    pub messages: SystemMessages,
    /// The severity of each engine finding ([`ENGINE_RULES`] order); a deployment's overrides
    /// may change them.
    pub engine_severity: [Severity; 5],
    /// Rules a deployment silenced (`enabled = false`): each document type with the period
    /// the rule was in force. A document they applied to was judged by the deployment's choice,
    /// so it gets no `NOT-IN-FORCE` finding for them.
    pub silenced: Vec<(String, NaiveDate, Option<NaiveDate>)>,
    /// Indexes over the reference data for `find` lookups, built on first use and shared by
    /// every validation with the pack.
    pub(crate) data_indexes: expr::SharedIndexes,
    /// Sample documents by name (`fixtures/NAME.json`), sorted by name.
    pub fixtures: serde_json::Map<String, Json>,
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
    /// The default pack, embedded at build time: the layers of `rules/default.toml` (the
    /// national pack `kz-orphan` and every regional layer, each region's decision applied to
    /// that region's local-budget documents).
    #[cfg(feature = "embedded-pack")]
    pub fn embedded() -> Result<Pack, PackError> {
        let chain: Vec<(&str, Files)> = embedded::LAYERS
            .iter()
            .map(|(name, files)| (*name, files.iter().map(|(p, c)| ((*p).to_string(), (*c).to_string())).collect()))
            .collect();
        let layers: Vec<(&str, &Files)> = chain.iter().map(|(n, f)| (*n, f)).collect();
        Pack::stack_of(&layers)
    }

    /// Loads a pack from a directory (reads every `.toml` and `.json` file under it). A pack
    /// whose manifest says `extends = "ID"` is a layer: the pack `ID` is loaded first
    /// (recursively), and this one on top of it. `ID` is a pack id, never a path: the pack
    /// directory beside this one named `ID`, else the one whose `pack.toml` has that id.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Pack, PackError> {
        Pack::load_dir_in(dir, &[])
    }

    /// [`Pack::load_dir`], looking for the packs a layer extends also in the directories of
    /// `pack_path` (each holding pack directories), after those beside the layer.
    pub fn load_dir_in(dir: impl AsRef<Path>, pack_path: &[std::path::PathBuf]) -> Result<Pack, PackError> {
        let mut chain = layer_chain(dir.as_ref(), pack_path, read_dir_files)?;
        chain.reverse();
        let dirs: Vec<&Path> = chain.iter().map(|(d, _)| d.as_path()).collect();
        let names = layer_names(&dirs);
        let layers: Vec<(&str, &Files)> = names.iter().zip(&chain).map(|(n, (_, f))| (n.as_str(), f)).collect();
        let located: Vec<(&str, &Path)> = names.iter().zip(&dirs).map(|(n, d)| (n.as_str(), *d)).collect();
        Pack::from_layers(&layers).map_err(|e| in_dirs(e, &located))
    }

    /// Loads the layers a stack file lists, base first: a TOML file `layers = ["kz-orphan",
    /// "kz-karaganda"]` naming pack directories beside it (`rules/default.toml`, the default
    /// pack: the national pack and every regional layer). Each layer's `extends` names a layer
    /// below it.
    pub fn load_stack(file: impl AsRef<Path>) -> Result<Pack, PackError> {
        let file = file.as_ref();
        let fail = |message: String| PackError { diagnostics: vec![Diagnostic { file: file.display().to_string(), line: 0, col: 0, message }] };
        let bytes = read_file_capped(file, MAX_PACK_FILE_BYTES).map_err(fail)?;
        let text = String::from_utf8(bytes).map_err(|_| fail("cannot read: the file is not UTF-8 text".into()))?;
        let names = stack_layers(&text).map_err(fail)?;
        let dir = file.parent().unwrap_or(Path::new("."));
        let mut chain: Vec<(String, std::path::PathBuf, Files)> = Vec::with_capacity(names.len());
        for name in names {
            let d = dir.join(&name);
            let files = read_dir_files(&d)?;
            chain.push((name, d, files));
        }
        let layers: Vec<(&str, &Files)> = chain.iter().map(|(n, _, f)| (n.as_str(), f)).collect();
        let located: Vec<(&str, &Path)> = chain.iter().map(|(n, d, _)| (n.as_str(), d.as_path())).collect();
        Pack::stack_of(&layers).map_err(|e| in_dirs(e, &located))
    }

    /// Loads a pack from in-memory files (e.g. fetched by a web page).
    pub fn from_files(files: &Files) -> Result<Pack, PackError> {
        Loader::new(files, vec![String::new()]).load()
    }

    /// Loads layered packs, base first: e.g. the national pack, then a regional pack whose
    /// manifest says `extends = "<base id>"`. Each layer adds types, data, calendars, params
    /// and rules; a layer's rule with the ID of a rule below replaces it. Diagnostics name a
    /// layer's files as `NAME/path`.
    pub fn from_layers(layers: &[(&str, &Files)]) -> Result<Pack, PackError> {
        Pack::layered(layers, false)
    }

    /// Loads a stack of layers (a stack file's, the embedded default pack's): as
    /// [`Pack::from_layers`], but the pack is named by its base (id, version and title of
    /// `kz-orphan`, its layers listed in the result's `rule_pack.layers`), not by whichever
    /// regional layer it lists last.
    pub fn stack_of(layers: &[(&str, &Files)]) -> Result<Pack, PackError> {
        Pack::layered(layers, true)
    }

    fn layered(layers: &[(&str, &Files)], named_by_base: bool) -> Result<Pack, PackError> {
        let mut all = Files::new();
        let mut prefixes = Vec::new();
        for (i, (name, files)) in layers.iter().enumerate() {
            let prefix = if i == 0 { String::new() } else { format!("{name}/") };
            for (p, c) in files.iter() {
                all.insert(format!("{prefix}{p}"), c.clone());
            }
            prefixes.push(prefix);
        }
        let mut loader = Loader::new(&all, prefixes);
        loader.named_by_base = named_by_base;
        loader.load()
    }

    /// Applies a deployment's overrides (TOML): `[rules.RX-05] severity = "warning"` changes a
    /// rule's severity (every finding it judges by; its `info` checks stay info),
    /// `[rules.MON-02] enabled = false` silences it. An engine finding's ID (`NOT-IN-FORCE`,
    /// `BUNDLE`, `INPUT`, `TYPE`, `DOCTYPE`) takes a severity, not `enabled`. Unknown rule IDs
    /// and bad values are refused with `file:line:col`.
    pub fn with_overrides(mut self, file_name: &str, text: &str) -> Result<Pack, PackError> {
        let files: Files = [(file_name.to_string(), text.to_string())].into_iter().collect();
        let mut loader = Loader::new(&files, Vec::new());
        let Some(ov) = loader.parse(file_name, raw::OverridesFile::read) else {
            return Err(PackError { diagnostics: loader.diags });
        };
        let mut silenced = HashSet::new();
        for (id, o) in &ov.rules {
            if let Some(i) = engine_rule(id.get_ref()) {
                if o.enabled.is_some() {
                    loader.err_at(file_name, id, format!("`{}` is a finding of the engine: its severity may change, it cannot be silenced", id.get_ref()));
                }
                match o.severity.as_ref().map(|s| (s, Severity::parse(s.get_ref()))) {
                    Some((_, Some(sev))) => {
                        if let Some(slot) = self.engine_severity.get_mut(i) {
                            *slot = sev;
                        }
                    }
                    Some((s, None)) => loader.err_at(file_name, s, "severity must be error, warning or info"),
                    None => {}
                }
                continue;
            }
            if !self.rules.iter().any(|r| r.id == *id.get_ref()) {
                loader.err_at(file_name, id, format!("no rule `{}` in {} {}", id.get_ref(), self.id, self.version));
                continue;
            }
            if let Some(sev) = &o.severity {
                match Severity::parse(sev.get_ref()) {
                    // The rule's judgments take the new severity, its checks with a severity of
                    // their own too; its `info` checks (what it could not judge) stay info.
                    Some(s) => self.rules.iter_mut().filter(|r| r.id == *id.get_ref()).for_each(|r| {
                        r.severity = s;
                        for c in &mut r.checks {
                            if c.severity.is_some_and(|own| own != Severity::Info) {
                                c.severity = Some(s);
                            }
                        }
                    }),
                    None => loader.err_at(file_name, sev, "severity must be error, warning or info"),
                }
            }
            if o.enabled == Some(false) {
                silenced.insert(id.get_ref().clone());
            }
        }
        if !loader.diags.is_empty() {
            return Err(PackError { diagnostics: loader.diags });
        }
        for r in self.rules.iter().filter(|r| silenced.contains(&r.id)) {
            for t in &r.applies_to {
                self.silenced.push((t.clone(), r.effective_from, r.effective_to));
            }
        }
        self.rules.retain(|r| !silenced.contains(&r.id));
        self.rules_by_doc = index_rules(&self.rules);
        Ok(self)
    }

    /// Rules that apply to a document type, in pack order.
    pub fn rules_for(&self, doc_type: &str) -> impl Iterator<Item = &Rule> {
        let at = self.rules_by_doc.binary_search_by(|(t, _)| t.as_str().cmp(doc_type)).ok();
        at.and_then(|i| self.rules_by_doc.get(i))
            .into_iter()
            .flat_map(|(_, rules)| rules)
            .filter_map(|&i| self.rules.get(i))
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }
}

/// Rule indices by the document types the rules apply to, in pack order.
pub(crate) fn index_rules(rules: &[Rule]) -> Vec<(String, Vec<usize>)> {
    let mut by_doc: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        for t in &r.applies_to {
            match by_doc.binary_search_by(|(have, _)| have.cmp(t)) {
                Ok(at) => {
                    if let Some((_, list)) = by_doc.get_mut(at) {
                        list.push(i);
                    }
                }
                Err(at) => by_doc.insert(at, (t.clone(), vec![i])),
            }
        }
    }
    by_doc
}

/// The layer names of a stack file (`layers = ["…", …]`: at least one, each a plain directory
/// name, none twice).
pub fn stack_layers(text: &str) -> Result<Vec<String>, String> {
    let t: TomlTable = raw::read_doc(text).map_err(|e| e.message)?;
    if let Some(k) = t.keys().find(|k| *k != "layers") {
        return Err(format!("unknown key `{k}` (a stack file has `layers` only)"));
    }
    let Some(TomlValue::Array(items)) = t.get("layers") else {
        return Err("a stack file lists its `layers = [\"base\", \"layer\", …]`".into());
    };
    let mut names: Vec<String> = Vec::new();
    for v in items {
        let Some(n) = v.as_str() else { return Err("each layer is a directory name (a string)".into()) };
        if let Some(problem) = pack_id_problem(n) {
            return Err(format!("a layer is the name of a pack directory beside the stack file: {problem}"));
        }
        if names.iter().any(|have| have == n) {
            return Err(format!("`{n}` is listed twice"));
        }
        names.push(n.to_string());
    }
    if names.is_empty() {
        return Err("a stack lists at least one layer".into());
    }
    Ok(names)
}

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
            languages: Lang::ALL.to_vec(),
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
            match Lang::parse(k) {
                Some(l) => out.insert(l, v.get_ref().clone()),
                None => self.err_at(file, v, format!("unknown language `{k}` in {what}")),
            }
        }
        for l in self.languages.clone() {
            if out.get(l).is_none() {
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
        let mut out = ByLang::default();
        for (lang, s) in text.0.iter() {
            match Template::parse(s, names) {
                Ok(t) => out.insert(lang, t),
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
        let mut languages = Vec::new();
        match &base.languages {
            Some(ls) => {
                for l in ls.get_ref() {
                    match Lang::parse(l.get_ref()) {
                        Some(x) => languages.push(x),
                        None => self.err_at(mf, l, format!("unknown language `{}` (kk, ru, en)", l.get_ref())),
                    }
                }
                if languages.is_empty() {
                    self.err_at(mf, ls, "at least one language is required");
                }
            }
            None => self.err(mf, Some(0), "the base pack must list its `languages`"),
        }
        if languages.is_empty() {
            languages.push(Lang::En);
        }
        self.languages = languages.clone();
        let default_language = match &base.default_language {
            Some(d) => match Lang::parse(d.get_ref()) {
                Some(l) if languages.contains(&l) => l,
                _ => {
                    self.err_at(mf, d, "default_language must be one of `languages`");
                    languages.first().copied().unwrap_or(Lang::En)
                }
            },
            None => languages.first().copied().unwrap_or(Lang::En),
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
        let (doc_types, record_types) = self.load_types(&type_files);
        // What `as_type(x, 'NAME')` may narrow to.
        let documents: expr::Documents =
            Arc::new(doc_types.iter().map(|(n, d)| (n.clone(), d.record.clone())).collect());

        // Calendars.
        let mut calendars: Vec<Arc<crate::calendar::Calendar>> = Vec::new();
        let mut cal_fields = IndexMap::new();
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
            if messages.get(x).0.is_empty() && x != SysMsg::ShapeClause {
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
                match crate::input::parse_json(src.as_bytes()) {
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
            rules,
            rules_by_doc,
            data_epochs,
            calendars,
            messages,
            engine_severity: [Severity::Error; ENGINE_RULES.len()],
            silenced: Vec::new(),
            data_indexes: expr::SharedIndexes::default(),
            fixtures: fixtures.into_iter().collect(),
        })
    }

    /// The document types, and every record type by name.
    fn load_types(&mut self, files: &[String]) -> (IndexMap<String, DocType>, HashMap<String, Type>) {
        let mut out = IndexMap::new();
        // type name -> fields (name -> (file, type text)), merged over the files in order.
        type Fields = IndexMap<String, (String, Spanned<String>)>;
        let mut types: IndexMap<String, (String, Spanned<String>, Fields)> = IndexMap::new();
        // document type -> (file, as_of fields, member_id, fields)
        type DocDecl = (String, Vec<Spanned<String>>, Option<Spanned<String>>, Fields);
        let mut docs: IndexMap<String, DocDecl> = IndexMap::new();
        for file in files {
            let Some(tf) = self.parse(file, raw::TypesFile::read) else { continue };
            for (name, fields) in tf.types {
                let entry = types.entry(name.get_ref().clone()).or_insert_with(|| (file.clone(), name.clone(), IndexMap::new()));
                for (k, v) in fields {
                    entry.2.insert(k, (file.clone(), v));
                }
            }
            for (name, dt) in tf.documents {
                let entry = docs.entry(name.get_ref().clone()).or_insert_with(|| (file.clone(), Vec::new(), None, IndexMap::new()));
                if !dt.as_of.is_empty() {
                    entry.0 = file.clone();
                    entry.1 = dt.as_of;
                }
                if let Some(k) = dt.member_id {
                    entry.0 = file.clone();
                    entry.2 = Some(k);
                }
                for (k, v) in dt.fields {
                    entry.3.insert(k, (file.clone(), v));
                }
            }
        }
        let declared: HashSet<String> = types.keys().cloned().collect();
        let mut built: HashMap<String, Type> = HashMap::new();
        // Build record types in dependency order; a pass that makes no progress ends the loop.
        let mut pending: Vec<String> = types.keys().cloned().collect();
        loop {
            let mut next = Vec::new();
            for name in &pending {
                let Some((_, _, fields)) = types.get(name) else { continue };
                let waits = fields.values().any(|(_, t)| {
                    let b = base_type_name(t.get_ref());
                    declared.contains(b) && !built.contains_key(b)
                });
                if waits {
                    next.push(name.clone());
                    continue;
                }
                let fields = fields.clone();
                let rec = self.build_record(name, &fields, &built);
                built.insert(name.clone(), Type::Record(Arc::new(rec)));
            }
            if next.is_empty() {
                break;
            }
            if next.len() == pending.len() {
                for name in &next {
                    if let Some((file, span, _)) = types.get(name) {
                        let (file, span) = (file.clone(), span.clone());
                        self.err_at(&file, &span, format!("type `{name}` is part of a cycle of record types"));
                    }
                }
                break;
            }
            pending = next;
        }
        for (name, (file, as_of, member_id, fields)) in docs {
            let rec = Arc::new(self.build_record(&name, &fields, &built));
            let member_id = member_id.and_then(|k| {
                let holds_documents = rec.fields.values().any(|t| matches!(t, Type::List(e) if matches!(**e, Type::Document)));
                if holds_documents {
                    Some(k.get_ref().clone())
                } else {
                    self.err_at(&file, &k, format!("member_id: `{name}` has no `list<document>` field"));
                    None
                }
            });
            let mut dates = Vec::with_capacity(as_of.len());
            for f in &as_of {
                let path: Vec<String> = f.get_ref().split('.').map(str::to_string).collect();
                let ptr = Pointer::from_tokens(&path);
                match resolve_pointer(&Type::Record(rec.clone()), &ptr.text) {
                    Ok(Type::Date) => dates.push((path, false)),
                    Ok(Type::DateTime) => dates.push((path, true)),
                    _ => self.err_at(&file, f, format!("as_of must name date or datetime fields of `{name}` (`signed_at`, `signature.signed_at`)")),
                }
            }
            let as_of = dates;
            out.insert(name.clone(), DocType { name, record: rec, as_of, member_id });
        }
        (out, built)
    }

    fn build_record(
        &mut self,
        name: &str,
        fields: &IndexMap<String, (String, Spanned<String>)>,
        built: &HashMap<String, Type>,
    ) -> RecordType {
        let mut out = IndexMap::new();
        for (fname, (file, ty)) in fields {
            match parse_type(ty.get_ref(), &|n| built.get(n).cloned()) {
                Ok(t) => {
                    out.insert(fname.clone(), t);
                }
                Err(e) => {
                    self.err_at(file, ty, e);
                    out.insert(fname.clone(), Type::Any);
                }
            }
        }
        RecordType { name: name.to_string(), fields: out }
    }

    fn load_data(&mut self, name: &str, file: &str) -> Option<(Json, Type)> {
        if !self.files.contains_key(file) {
            return None;
        }
        let df = self.parse(file, raw::DataFile::read)?;
        let mut rows = Vec::with_capacity(df.row.len());
        let mut row_type: Option<(String, Type)> = None;
        for row in &df.row {
            match &row_type {
                None => {
                    let ty = Type::Record(Arc::new(convert::infer_record(row.get_ref(), &format!("data.{name} row"))));
                    row_type = Some((convert::shape(&ty), ty));
                }
                // The same shape as the first row, checked without building this row's type.
                Some((_, first_ty)) if convert::table_has_shape(row.get_ref(), first_ty) => {}
                Some((first, _)) => {
                    let rec = convert::infer_record(row.get_ref(), &format!("data.{name} row"));
                    let shape = convert::shape(&Type::Record(Arc::new(rec)));
                    if *first != shape {
                        let msg = format!("every row of `{name}` must have the same keys and kinds of value as the first ({first}); this one is {shape}");
                        self.err_at(file, row, msg);
                    }
                }
            }
            rows.push(convert::table_to_json(row.get_ref()));
        }
        let elem = row_type.map(|(_, t)| t).unwrap_or(Type::Any);
        Some((Json::Array(rows), Type::List(Box::new(elem))))
    }

    /// The rows of a data file of a shared list, each checked against the list's row type.
    fn load_shared_rows(&mut self, name: &str, file: &str, list: &Type) -> Option<Json> {
        let df = self.parse(file, raw::DataFile::read)?;
        let elem = list.element().cloned().unwrap_or(Type::Any);
        let mut rows = Vec::with_capacity(df.row.len());
        for row in &df.row {
            let json = convert::table_to_json(row.get_ref());
            if let Err(e) = convert::check_value(&json, &elem) {
                self.err_at(file, row, format!("a row of `{name}` does not fit its type `{elem}`: {e}"));
            }
            rows.push(json);
        }
        Some(Json::Array(rows))
    }

    fn compile_rule(&mut self, file: &str, r: &RawRule, ctx: &RuleCtx<'_>) -> Option<Rule> {
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
        let mut fields = IndexMap::with_capacity(ctx.pack_params.len() + own.len());
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
        Some(Rule {
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
            params: head.params,
            checks,
            tests,
            file: file.to_string(),
            line,
        })
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
        doc_types: &IndexMap<String, DocType>,
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
            if matches!(name.as_str(), "doc" | "item" | "elem" | "params" | "data" | "as_of" | "calendars" | "effective_from" | "actual" | "expected" | "path") {
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

    fn compile_test(&mut self, file: &str, t: &raw::RawTest, ctx: &RuleCtx<'_>) -> Option<RuleTest> {
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
            set: t.set.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect(),
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

struct RuleCtx<'a> {
    doc_types: &'a IndexMap<String, DocType>,
    data_type: &'a Type,
    calendars_type: &'a Type,
    documents: &'a expr::Documents,
    pack_params: &'a IndexMap<String, ParamInfo>,
    pack_from: NaiveDate,
    /// The end of the layer's period (exclusive): the default end of its rules.
    pack_to: Option<NaiveDate>,
    fixtures: &'a BTreeMap<String, Json>,
}

/// A param as rules see it: its type (as `params.NAME`), JSON value and display text.
struct ParamInfo {
    ty: Type,
    json: Json,
    shown: String,
}

impl ParamInfo {
    fn new(name: &str, v: &TomlValue) -> ParamInfo {
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

/// Whether two periods `[from, to)` (open-ended when `to` is `None`) share a day.
fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    let before = |end: Option<NaiveDate>, start: NaiveDate| end.is_some_and(|e| e <= start);
    !(before(a.1, b.0) || before(b.1, a.0))
}

/// One edition of a reference list: its rows, in force over `[from, to)`, from layer `layer`.
struct Edition {
    name: String,
    layer: usize,
    from: NaiveDate,
    to: Option<NaiveDate>,
    rows: Json,
}

/// Builds the data in force over each period: the plain lists always; each edition of a list
/// over its period (an empty list where none is in force); a shared list, the rows of every
/// edition in force, in layer order.
fn build_epochs(plain: &IndexMap<String, Json>, shared: &IndexMap<String, Type>, editions: &[Edition]) -> Vec<(NaiveDate, Json)> {
    let mut starts: Vec<NaiveDate> = vec![NaiveDate::MIN];
    for e in editions {
        starts.push(e.from);
        starts.extend(e.to.iter().copied());
    }
    starts.sort_unstable();
    starts.dedup();
    starts
        .into_iter()
        .map(|start| {
            let mut obj: serde_json::Map<String, Json> = plain.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for name in shared.keys() {
                obj.insert(name.clone(), Json::Array(Vec::new()));
            }
            for e in editions {
                let in_force = e.from <= start && e.to.is_none_or(|t| start < t);
                if in_force {
                    match (obj.get_mut(&e.name), &e.rows) {
                        (Some(Json::Array(have)), Json::Array(rows)) if shared.contains_key(&e.name) => have.extend(rows.iter().cloned()),
                        _ => {
                            obj.insert(e.name.clone(), e.rows.clone());
                        }
                    }
                } else if !obj.contains_key(&e.name) {
                    obj.insert(e.name.clone(), Json::Array(Vec::new()));
                }
            }
            (start, Json::Object(obj))
        })
        .collect()
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

/// An array index token of a JSON Pointer (RFC 6901): `0`, or digits without a leading zero —
/// no sign, no `01`. Every walk of a pointer into an array reads its index with this one rule
/// (`require`, `for_each`, the pack loader's type resolution, the pack tests' `set`/`remove`).
pub fn array_index(tok: &str) -> Option<usize> {
    let b = tok.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    tok.parse().ok()
}

/// The static type a JSON Pointer reaches inside `ty`; an error names the unknown step.
pub fn resolve_pointer(ty: &Type, ptr: &str) -> Result<Type, String> {
    let mut cur = ty;
    for tok in pointer_tokens(ptr)? {
        cur = match cur {
            Type::Record(r) => match r.field(&tok) {
                Some(t) => t,
                None => {
                    let known: Vec<&str> = r.fields.keys().map(String::as_str).collect();
                    return Err(format!("unknown field `{tok}` in `{ptr}`: `{}` has {}", r.name, known.join(", ")));
                }
            },
            Type::List(e) if array_index(&tok).is_some() => e,
            // Every step into `any` is `any`.
            Type::Any => return Ok(Type::Any),
            other => return Err(format!("`{ptr}`: cannot step into `{tok}` of a `{other}`")),
        };
    }
    Ok(cur.clone())
}
