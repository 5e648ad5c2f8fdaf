//! The JS-facing types. Each derives `Tsify`, which writes its TypeScript declaration into the
//! package's `.d.ts`; results are converted from the core's types into these mirrors and the
//! mirrors are what gets serialised, so the declarations describe the objects actually returned.
//! (The core's types live in a crate that knows nothing of wasm, so they don't derive `Tsify`.)
//! The one exception is [`ValidationResult`]: `validate()` returns the core's own serialisation
//! (that of `validateJson()` and of the native CLI), and `tests/node.rs` checks that the mirror
//! serialises results of every kind (submit and draft) to exactly the same JSON text, so its
//! declaration is exact too;
//! `tests-wasm/parity.mjs` checks `validate()` against `validateJson()` and the CLI.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// A message language: a BCP 47 tag naming one of the pack's languages (`"kk"`, `"ru"`, `"en"`
/// for the national pack; `"kk-KZ"` finds `"kk"`). Languages are the pack's data: a pack in
/// `"uz-Latn"` is served with no change to this module.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(transparent)]
pub struct Lang(pub String);

/// Options of one validation. Every field is optional.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidateOptions {
    /// Validation date, `YYYY-MM-DD`. Default: the document's own date (`date`, `issued_at`,
    /// `dispensed_at`, … as the pack declares), else today in the pack's time zone.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Message language. Default: the pack's default language.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// Largest accepted input in bytes (of the document's JSON text).
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_input_bytes: Option<usize>,
    /// Deepest accepted nesting of arrays and objects.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_depth: Option<usize>,
    /// Evaluation budget in expression steps for the whole document (default: the engine's).
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_steps: Option<u64>,
    /// Most elements accepted in any one array of the input.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_array_len: Option<usize>,
    /// Most documents accepted in one bundle.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bundle_documents: Option<usize>,
    /// Most findings reported; past it the result ends with a `LIMIT` finding and is `truncated`.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_findings: Option<usize>,
    /// Longest text of a finding (message, actual, expected, clause), in characters; a
    /// longer one is cut and ends with `…`.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_text_chars: Option<usize>,
    /// Largest result, in bytes of its JSON; past it the result ends with a `LIMIT` finding and
    /// is `truncated`.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_result_bytes: Option<usize>,
    /// Memory budget of evaluation, in bytes of the strings and lists the rules' expressions
    /// build; past it validation stops with an `InputError`.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_eval_bytes: Option<usize>,
    /// Memory budget of parsing, in bytes of heap the parsed JSON tree may take; past it
    /// validation stops with an `InputError`.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parse_bytes: Option<usize>,
    /// `"submit"` (the default): the whole verdict. `"draft"`, for a form being filled: an
    /// absent (null, blank) field is not reported, a check that reads absent data waits (the
    /// result's `skipped` says for what); what is present and wrong is reported as usual.
    /// (Read as text and matched by `to_options`: serde-wasm-bindgen's reading of an enum cost
    /// the module 1,230 bytes gzipped, 2026-12-07.)
    #[tsify(optional, type = "Mode")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// How much of a verdict a validation gives ([`ValidateOptions::mode`]), as TypeScript sees it.
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_MODE: &'static str = r#"
/**
 * How much of a verdict a validation gives: `"submit"` (the default), the whole verdict;
 * `"draft"`, a form being filled (absent fields not reported, checks that read absent data wait).
 */
export type Mode = "submit" | "draft";
"#;

/// Severity of a finding; `valid` is false when any finding is an `error`.
#[derive(Tsify, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl From<qagida::Severity> for Severity {
    fn from(s: qagida::Severity) -> Self {
        match s {
            qagida::Severity::Error => Severity::Error,
            qagida::Severity::Warning => Severity::Warning,
            qagida::Severity::Info => Severity::Info,
        }
    }
}

/// A pack edition: ID and version.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PackRef {
    pub id: String,
    pub version: String,
}

/// The pack edition used for a result.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PackUsed {
    pub id: String,
    pub version: String,
    /// Base first; present when the pack is layered (e.g. national + regional).
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<PackRef>,
}

/// The result of validating one document (DOCUMENTS.md, "The result").
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ValidationResult {
    /// No finding of severity `error`.
    pub valid: bool,
    pub rule_pack: PackUsed,
    /// The validation date used, `YYYY-MM-DD`.
    pub as_of: String,
    /// Engine findings about the input's shape first (`DOCTYPE`, `TYPE`), then rules in pack
    /// order, each rule's findings in document order.
    pub findings: Vec<Finding>,
    /// Validation stopped at `maxFindings`; the last finding is a `LIMIT` one (and `valid` is
    /// false). Absent otherwise.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Only in a draft result (`mode: "draft"`): each rule and place whose checks wait for
    /// absent data, and the data (JSON Pointers) they wait for.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Vec<Skipped>>,
}

/// A rule's checks at one place, not run in a draft: data they read is absent.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub rule_id: String,
    /// JSON Pointer of what the checks run on (the document, or an item of a list).
    pub path: String,
    /// The absent data, as JSON Pointers into the input: the rule runs once they are filled.
    pub waits_for: Vec<String>,
}

/// One finding: which rule, where, why.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's ID (`MDT-03`), or the ID of an engine finding: `TYPE`, `DOCTYPE`, `INPUT`,
    /// `NOT-IN-FORCE`, `BUNDLE`, `LIMIT`.
    pub rule_id: String,
    pub severity: Severity,
    /// JSON Pointer into the input document (`/single_dose/amount`; `""` is the whole document).
    pub path: String,
    /// In the requested language.
    pub message: String,
    /// The clause of the act, in the requested language (empty for engine findings).
    pub clause: String,
    /// The value found, as text.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// What the rule expects, as text (`> 0`, `≤ 30`).
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

impl From<&qagida::ValidationResult> for ValidationResult {
    fn from(r: &qagida::ValidationResult) -> Self {
        ValidationResult {
            valid: r.valid,
            rule_pack: PackUsed {
                id: r.rule_pack.id.clone(),
                version: r.rule_pack.version.clone(),
                layers: r.rule_pack.layers.iter().map(PackRef::from).collect(),
            },
            as_of: r.as_of.to_string(),
            findings: r.findings.iter().map(Finding::from).collect(),
            truncated: r.truncated,
            skipped: r.skipped.as_ref().map(|s| {
                s.iter().map(|x| Skipped { rule_id: x.rule_id.clone(), path: x.path.clone(), waits_for: x.waits_for.clone() }).collect()
            }),
        }
    }
}

impl From<&qagida::PackRef> for PackRef {
    fn from(p: &qagida::PackRef) -> Self {
        PackRef { id: p.id.clone(), version: p.version.clone() }
    }
}

impl From<&qagida::Finding> for Finding {
    fn from(f: &qagida::Finding) -> Self {
        Finding {
            rule_id: f.rule_id.clone(),
            severity: f.severity.into(),
            path: f.path.clone(),
            message: f.message.clone(),
            clause: f.clause.clone(),
            actual: f.actual.clone(),
            expected: f.expected.clone(),
        }
    }
}

/// A rule of the pack, with its texts in one language.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    /// The document types the rule checks (`prescription`, `bundle`, …).
    pub applies_to: Vec<String>,
    pub severity: Severity,
    pub title: String,
    pub clause: String,
    /// First day in force, `YYYY-MM-DD`.
    pub effective_from: String,
    /// First day no longer in force, `YYYY-MM-DD`, if any.
    #[tsify(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<String>,
    /// Where the rule is defined: file in the pack and line.
    pub file: String,
    pub line: usize,
    /// The data it reads, as JSON Pointers into the document (`*`: every item of a list): a
    /// form re-validates the rule when one of them changes, and can say "checked when … is
    /// filled".
    pub reads: Vec<String>,
}

impl RuleInfo {
    pub fn new(r: &qagida::Rule, lang: qagida::pack::LangId) -> Self {
        RuleInfo {
            id: r.id.clone(),
            applies_to: r.applies_to.clone(),
            severity: r.severity.into(),
            title: r.title.get(lang).to_string(),
            clause: r.clause.get(lang).to_string(),
            effective_from: r.effective_from.to_string(),
            effective_to: r.effective_to.map(|d| d.to_string()),
            file: r.file.clone(),
            line: r.line,
            reads: r.reads.clone(),
        }
    }
}
