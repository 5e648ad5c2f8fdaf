//! The `Pack` model: what a loaded or decoded pack holds (document types, rules and their
//! checks, reference data, calendars, messages in each language) and the few questions the
//! engine asks it (`rules_for`, `rule`).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{FixedOffset, NaiveDate};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::document::Json;
use crate::expr::{self, Expr};
use crate::types::RecordType;

use super::{Pointer, Template};

/// A language of a pack's texts: a BCP 47 tag (RFC 5646) in its canonical case — `kk`, `ru`,
/// `en`, `uz-Latn`, `pt-BR`. A pack declares its languages (`languages = [...]` in pack.toml);
/// the engine knows none of them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(Box<str>);

/// Why a text is not a BCP 47 language tag.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{tag}` is not a BCP 47 language tag (such as `kk`, `ru`, `en`, `uz-Latn`): {reason}")]
pub struct LangError {
    pub tag: String,
    pub reason: String,
}

impl Lang {
    /// Reads a BCP 47 tag (well-formedness by `oxilangtag`), writing it in its canonical case
    /// (`UZ-latn` → `uz-Latn`).
    pub fn new(tag: &str) -> Result<Lang, LangError> {
        match oxilangtag::LanguageTag::parse_and_normalize(tag.trim()) {
            Ok(t) => Ok(Lang(t.into_inner().into_boxed_str())),
            Err(e) => Err(LangError { tag: tag.to_string(), reason: e.to_string() }),
        }
    }

    /// The tag (`"kk"`).
    pub fn code(&self) -> &str {
        &self.0
    }

    /// A tag as a compiled pack carries it: the loader checked it (with [`Lang::new`]) when the
    /// pack was compiled, so the validator reads it back without a BCP 47 parser.
    pub(crate) fn compiled(tag: String) -> Lang {
        Lang(tag.into_boxed_str())
    }

    /// The language of `available` a reader of `self` is served in: [`Lang::lookup_tag`].
    pub fn lookup(&self, available: &[Lang]) -> Option<usize> {
        Lang::lookup_tag(&self.0, available)
    }

    /// The language of `available` a reader asking for `tag` is served in — RFC 4647's lookup:
    /// the tag itself, else the tag with its last subtag cut, and so on (`kk-Cyrl-KZ` →
    /// `kk-Cyrl` → `kk`), without regard to case; `None` when nothing matches. Written as its
    /// equivalent for a pack's languages (which never end in a singleton subtag): the longest
    /// language that is the tag or a prefix of it ending at a `-`. `tag` need not be
    /// well-formed: one that is not matches nothing.
    pub fn lookup_tag(tag: &str, available: &[Lang]) -> Option<usize> {
        let tag = tag.trim().as_bytes();
        let mut best: Option<(usize, usize)> = None;
        for (i, l) in available.iter().enumerate() {
            let n = l.0.len();
            let prefix = tag.get(..n).is_some_and(|p| p.eq_ignore_ascii_case(l.0.as_bytes()));
            if prefix && matches!(tag.get(n), None | Some(b'-')) && best.is_none_or(|(_, m)| n > m) {
                best = Some((i, n));
            }
        }
        best.map(|(i, _)| i)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Lang {
    type Err = LangError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::new(s)
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Lang::new(&s).map_err(serde::de::Error::custom)
    }
}

/// One of a pack's languages: its position in [`Pack::languages`]. What the engine carries
/// while it writes one result's texts ([`Pack::language`] chooses it from a requested [`Lang`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct LangId(pub u16);

/// One value per language of the pack, in [`Pack::languages`] order (indexed by [`LangId`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ByLang<T>(pub(crate) Vec<Option<T>>);

impl<T> Default for ByLang<T> {
    fn default() -> Self {
        ByLang(Vec::new())
    }
}

impl<T> ByLang<T> {
    pub fn get(&self, lang: LangId) -> Option<&T> {
        self.0.get(usize::from(lang.0)).and_then(Option::as_ref)
    }

    /// The value in `lang`, else the first there is (in the pack's order of languages).
    pub fn get_or_first(&self, lang: LangId) -> Option<&T> {
        self.get(lang).or_else(|| self.0.iter().flatten().next())
    }

    pub fn insert(&mut self, lang: LangId, value: T) {
        let i = usize::from(lang.0);
        if self.0.len() <= i {
            self.0.resize_with(i + 1, || None);
        }
        if let Some(slot) = self.0.get_mut(i) {
            *slot = Some(value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }

    /// The languages that have a value, with it, in the pack's order.
    pub fn iter(&self) -> impl Iterator<Item = (LangId, &T)> {
        self.0.iter().enumerate().filter_map(|(i, v)| Some((LangId(u16::try_from(i).ok()?), v.as_ref()?)))
    }
}

/// A text in every language of the pack.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Text(pub(crate) ByLang<String>);

impl Text {
    pub fn get(&self, lang: LangId) -> &str {
        self.0.get_or_first(lang).map(String::as_str).unwrap_or("")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize, Deserialize)]
pub struct DocType {
    pub name: String,
    #[serde(serialize_with = "crate::types::serialize_record", deserialize_with = "crate::types::deserialize_record")]
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

#[derive(Debug, Serialize, Deserialize)]
pub enum CheckKind {
    Assert(Expr),
    /// JSON Pointers (relative to the item) that must be present.
    Require(Vec<Pointer>),
}


/// The value a check's read starts from: the document, its `for_each` item or `then_each`
/// element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    Doc,
    Item,
    Elem,
}

#[derive(Debug, Serialize, Deserialize)]
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
    #[serde(serialize_with = "super::compiled::sources_kept")]
    pub source: Vec<(String, String)>,
}

impl Check {
    /// What the check's expressions (`when`, lets, `assert`) read from the document, its item
    /// or its element, as pointers relative to them, without duplicates. The engine names the
    /// absent ones when the check's outcome is unknown; a form may re-check a rule when one of
    /// them changes.
    pub fn reads(&self) -> Vec<(Root, Pointer)> {
        let exprs = self.when.iter().chain(self.lets.iter().map(|(_, _, e)| e)).chain(self.assert());
        reads_of(exprs, self.item_slot, self.elem_slot, false)
    }

    /// The `assert` expression, if the check is one.
    pub fn assert(&self) -> Option<&Expr> {
        match &self.kind {
            CheckKind::Assert(e) => Some(e),
            CheckKind::Require(_) => None,
        }
    }
}

impl Rule {
    /// The data the rule reads, as JSON Pointers into the document it applies to, without
    /// duplicates, in the order its `when` and checks read them: what its expressions read and
    /// what its `require`s name; an item of a list as `*` (`/lines/*/drug/inn`). A form
    /// re-validates a rule only when one of them changes, and can say "checked when … is filled".
    pub fn reads(&self) -> &[String] {
        &self.reads
    }

    /// What [`Rule::reads`] holds, from the rule's `when` and checks.
    pub(crate) fn find_reads(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |p: String| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        for (_, p) in reads_of(self.when.iter(), None, None, true) {
            add(p.text);
        }
        for c in &self.checks {
            let item = c.for_each.as_ref().map(|f| format!("{}/*", f.text)).unwrap_or_default();
            let elem = c.then_each.as_ref().map(|t| format!("{item}{}/*", t.text)).unwrap_or_default();
            let at = |root: Root| match root {
                Root::Doc => "",
                Root::Item => item.as_str(),
                Root::Elem => elem.as_str(),
            };
            let exprs = c.when.iter().chain(c.lets.iter().map(|(_, _, e)| e)).chain(c.assert());
            for (root, p) in reads_of(exprs, c.item_slot, c.elem_slot, true) {
                add(format!("{}{}", at(root), p.text));
            }
            if let CheckKind::Require(ptrs) = &c.kind {
                let base = if c.then_each.is_some() { &elem } else { &item };
                for p in ptrs {
                    add(format!("{base}{}", p.text));
                }
            }
        }
        out
    }
}

/// What expressions read from the document (slot `doc`), an item (`item_slot`) or an element
/// (`elem_slot`), as pointers relative to them, without duplicates (see [`Check::reads`]).
/// `all`: with the reads whose absence an expression asks about ([`Expr::all_reads_into`]).
pub fn reads_of<'e>(exprs: impl Iterator<Item = &'e Expr>, item_slot: Option<usize>, elem_slot: Option<usize>, all: bool) -> Vec<(Root, Pointer)> {
    let mut raw = Vec::new();
    for e in exprs {
        if all {
            e.all_reads_into(&mut raw);
        } else {
            e.reads_into(&mut raw);
        }
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LangTemplates(pub ByLang<Template>);

impl LangTemplates {
    pub fn get(&self, lang: LangId) -> Option<&Template> {
        self.0.get_or_first(lang)
    }
}

/// What a rule test case expects of its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleTest {
    pub name: String,
    pub fixture: String,
    #[serde(with = "json_text::pairs")]
    pub set: Vec<(String, Json<'static>)>,
    pub remove: Vec<String>,
    #[serde(with = "crate::wire::compact")]
    pub as_of: Option<NaiveDate>,
    pub expect: Expect,
    /// The paths of the findings `expect` is about (error/warning ones for `fail`, info ones
    /// for `info`), exactly.
    pub paths: Option<Vec<String>>,
    /// With `fail`: the severity each of those findings has.
    pub severity: Option<Severity>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    /// The document types the rule checks (each check reads one of them).
    pub applies_to: Vec<String>,
    pub severity: Severity,
    pub title: Text,
    pub clause: Text,
    #[serde(with = "crate::wire::compact")]
    pub effective_from: NaiveDate,
    #[serde(with = "crate::wire::compact")]
    pub effective_to: Option<NaiveDate>,
    pub when: Option<Expr>,
    pub when_source: Option<String>,
    pub message: LangTemplates,
    /// The message of the rule's `info` finding when one of its checks could not run (else
    /// the pack's `not_checked_absent` / `not_checked`).
    pub not_checked: Option<LangTemplates>,
    #[serde(with = "json_text::one")]
    pub params: Json<'static>,
    pub checks: Vec<Check>,
    #[serde(serialize_with = "super::compiled::tests_kept")]
    pub tests: Vec<RuleTest>,
    /// File (inside the pack) and line where the rule is defined.
    pub file: String,
    pub line: usize,
    /// The data the rule reads ([`Rule::reads`]), found when the pack loads and written in the
    /// compiled form (so the WebAssembly module answers `rules()[i].reads` without the code
    /// that finds them: 730 bytes gzipped, 2026-12-07).
    pub reads: Vec<String>,
    /// How the engine runs the checks ([`Rule::plan`]): derived, never written.
    #[serde(skip)]
    pub(crate) plan: std::sync::OnceLock<super::plan::RulePlan>,
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
    /// `LIMIT`: more findings than `max_findings` (`{limit}`: the cap).
    FindingsLimit,
    /// `LIMIT`: findings over `max_result_bytes` (`{limit}`: the bytes).
    BytesLimit,
    /// `TYPE`, in plain words naming the field's label (`{field}`): a whole number was expected.
    /// This and the seven below are optional: without one, `type_mismatch` is said.
    TypeExpectedInteger,
    /// `TYPE`: a number (decimal) was expected.
    TypeExpectedNumber,
    /// `TYPE`: text was expected.
    TypeExpectedString,
    /// `TYPE`: true or false was expected.
    TypeExpectedBool,
    /// `TYPE`: a date was expected.
    TypeExpectedDate,
    /// `TYPE`: a date-time with its offset was expected.
    TypeExpectedDatetime,
    /// `TYPE`: a group of fields (an object) was expected.
    TypeExpectedObject,
    /// `TYPE`: a list was expected.
    TypeExpectedList,
}

impl SysMsg {
    pub const ALL: [SysMsg; 24] = [
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
        SysMsg::FindingsLimit,
        SysMsg::BytesLimit,
        SysMsg::TypeExpectedInteger,
        SysMsg::TypeExpectedNumber,
        SysMsg::TypeExpectedString,
        SysMsg::TypeExpectedBool,
        SysMsg::TypeExpectedDate,
        SysMsg::TypeExpectedDatetime,
        SysMsg::TypeExpectedObject,
        SysMsg::TypeExpectedList,
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
            SysMsg::FindingsLimit => "findings_limit",
            SysMsg::BytesLimit => "bytes_limit",
            SysMsg::TypeExpectedInteger => "type_expected_integer",
            SysMsg::TypeExpectedNumber => "type_expected_number",
            SysMsg::TypeExpectedString => "type_expected_string",
            SysMsg::TypeExpectedBool => "type_expected_bool",
            SysMsg::TypeExpectedDate => "type_expected_date",
            SysMsg::TypeExpectedDatetime => "type_expected_datetime",
            SysMsg::TypeExpectedObject => "type_expected_object",
            SysMsg::TypeExpectedList => "type_expected_list",
        }
    }

    /// Whether a pack may leave the message out: the clause of shape findings, and the plain
    /// TYPE messages (`type_mismatch` is said without them).
    pub fn optional(self) -> bool {
        matches!(
            self,
            SysMsg::ShapeClause
                | SysMsg::TypeExpectedInteger
                | SysMsg::TypeExpectedNumber
                | SysMsg::TypeExpectedString
                | SysMsg::TypeExpectedBool
                | SysMsg::TypeExpectedDate
                | SysMsg::TypeExpectedDatetime
                | SysMsg::TypeExpectedObject
                | SysMsg::TypeExpectedList
        )
    }
}

/// Messages the engine itself emits, one per [`SysMsg`] (in [`SysMsg::ALL`] order).
#[derive(Debug, Serialize, Deserialize)]
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
#[derive(Debug, Serialize, Deserialize)]
pub struct Pack {
    pub id: String,
    pub version: String,
    pub title: Text,
    #[serde(with = "crate::wire::compact")]
    pub effective_from: NaiveDate,
    #[serde(with = "crate::wire::compact")]
    pub effective_to: Option<NaiveDate>,
    /// The languages of its texts (BCP 47 tags), as the base pack lists them.
    #[serde(deserialize_with = "compiled_langs")]
    pub languages: Vec<Lang>,
    pub default_language: LangId,
    #[serde(with = "crate::wire::compact")]
    pub timezone: FixedOffset,
    pub doc_types: crate::types::NameMap<DocType>,
    /// The document model's labels (document types, fields, enumerated values), per language.
    pub labels: super::Labels,
    pub rules: Vec<Rule>,
    /// Rule indices by document type, sorted by type name (not written: [`index_rules`]).
    #[serde(skip)]
    pub(crate) rules_by_doc: Vec<(String, Vec<usize>)>,
    /// The layers this pack is made of, base first (empty for a single pack).
    pub layers: Vec<PackRef>,
    /// Reference data per period: `(from, data)`, sorted; the last one not after the
    /// validation date is in force.
    #[serde(with = "json_text::epochs")]
    pub data_epochs: Vec<(NaiveDate, Json<'static>)>,
    /// The working-day calendars, sorted by name.
    pub calendars: Vec<Arc<crate::calendar::Calendar>>,
    pub messages: SystemMessages,
    /// The severity of each engine finding ([`ENGINE_RULES`] order); a deployment's overrides
    /// may change them.
    pub engine_severity: [Severity; 5],
    /// Rules a deployment silenced (`enabled = false`): each document type with the period
    /// the rule was in force. A document they applied to was judged by the deployment's choice,
    /// so it gets no `NOT-IN-FORCE` finding for them.
    #[serde(with = "crate::wire::compact")]
    pub silenced: Vec<(String, NaiveDate, Option<NaiveDate>)>,
    /// What validations derive from the fields above and keep (never written, never read back).
    #[serde(skip)]
    pub(crate) cache: EngineCache,
    /// Sample documents by name (`fixtures/NAME.json`), sorted by name.
    #[serde(with = "json_text::map")]
    pub fixtures: IndexMap<String, Json<'static>>,
}

/// What validations derive from a pack and keep for the next ones: each part made on first use,
/// all of them dropped together when the pack's rules change ([`Pack::with_overrides`]).
#[derive(Debug, Default)]
pub(crate) struct EngineCache {
    /// Indexes over the reference data for `find` lookups (keyed by the lists' places in
    /// `data_epochs`), shared by every validation with the pack.
    pub(crate) data_indexes: expr::SharedIndexes,
    /// The bytes a result takes besides its findings, by `(max_findings, max_result_bytes,
    /// language)` (the engine's `result_frame`).
    pub(crate) frames: std::sync::Mutex<Vec<ResultFrame>>,
}

/// `((max_findings, max_result_bytes, language), bytes)`: see [`EngineCache`]'s `frames`.
pub(crate) type ResultFrame = ((usize, usize, u16), usize);

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Pack>();
};

/// The pack's files: path inside the pack (with `/` separators) → contents.
pub type Files = BTreeMap<String, String>;

/// Identifies the pack edition used.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackRef {
    pub id: String,
    pub version: String,
}

impl Pack {
    /// The language a result is written in when `requested` is asked for: the pack's
    /// language [`Lang::lookup`] finds, else the pack's default.
    pub fn language(&self, requested: Option<&str>) -> LangId {
        requested
            .and_then(|l| Lang::lookup_tag(l, &self.languages))
            .and_then(|i| u16::try_from(i).ok())
            .map_or(self.default_language, LangId)
    }

    /// The tag of one of the pack's languages.
    pub fn language_tag(&self, lang: LangId) -> Option<&Lang> {
        self.languages.get(usize::from(lang.0))
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

/// A compiled pack's languages: tags the loader checked when the pack was compiled, read back
/// without a BCP 47 parser ([`Lang::compiled`]).
fn compiled_langs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Lang>, D::Error> {
    Ok(Vec::<String>::deserialize(d)?.into_iter().map(Lang::compiled).collect())
}

/// JSON values (params, reference data, fixtures, test cases' values) in the document model's
/// compiled form ([`crate::document::wire`]: their tokens, read back into owned values without
/// parsing JSON text again).
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::document::Json;
    use crate::document::wire::{In, Out};

    pub(super) mod one {
        use super::*;
        pub(crate) fn serialize<S: Serializer>(v: &Json<'static>, s: S) -> Result<S::Ok, S::Error> {
            Out(v).serialize(s)
        }
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Json<'static>, D::Error> {
            Ok(In::deserialize(d)?.0)
        }
    }

    pub(super) mod pairs {
        use super::*;
        pub(crate) fn serialize<S: Serializer>(v: &[(String, Json<'static>)], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(|(k, j)| (k, Out(j))))
        }
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Json<'static>)>, D::Error> {
            Ok(Vec::<(String, In)>::deserialize(d)?.into_iter().map(|(k, j)| (k, j.0)).collect())
        }
    }

    pub(super) mod epochs {
        use super::*;
        use chrono::{Datelike, NaiveDate};
        pub(crate) fn serialize<S: Serializer>(v: &[(NaiveDate, Json<'static>)], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(|(k, j)| (k.num_days_from_ce(), Out(j))))
        }
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(NaiveDate, Json<'static>)>, D::Error> {
            Vec::<(i32, In)>::deserialize(d)?
                .into_iter()
                .map(|(k, j)| NaiveDate::from_num_days_from_ce_opt(k).map(|k| (k, j.0)).ok_or_else(|| crate::wire::refuse(format_args!("day {k} is not a date"))))
                .collect()
        }
    }

    pub(super) mod map {
        use super::*;
        use indexmap::IndexMap;
        pub(crate) fn serialize<S: Serializer>(v: &IndexMap<String, Json<'static>>, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(|(k, j)| (k, Out(j))))
        }
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<String, Json<'static>>, D::Error> {
            Ok(Vec::<(String, In)>::deserialize(d)?.into_iter().map(|(k, j)| (k, j.0)).collect())
        }
    }
}
