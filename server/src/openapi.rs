//! The OpenAPI 3.1 document (utoipa), generated from the handlers' annotations, and the
//! shapes of the service's own JSON bodies.
//!
//! `ValidationResult`, `Finding`, `PackUsed` and `PackRef` here are *schemas* of the library's
//! result (README, "The result"), not another result: responses are the library's
//! `ValidationResult` serialised. A test (`tests/openapi.rs`) holds these schemas to real
//! results: every key a result has is in its schema, every required key in the result.

use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::state::Serving;

#[derive(OpenApi)]
#[openapi(
    info(title = "qagida validation service", description = "Validates documents against the rule pack it serves (`qagida serve`)."),
    paths(
        crate::routes::validate,
        crate::batch::batch,
        crate::routes::pack,
        crate::routes::rules,
        crate::routes::rule,
        crate::routes::healthz,
        crate::routes::readyz,
        crate::routes::metrics,
        crate::routes::openapi,
        crate::routes::reload,
    ),
    components(schemas(ValidationResult, Finding, PackUsed, PackRefSchema, Severity, ErrorBody, BatchLine, PackInfo, RuleSummary, RuleExplained, CheckExplained, TestCounts)),
    modifiers(&Bearer)
)]
struct Doc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The service's OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    Doc::openapi()
}

/// `{"error": "…"}`: why there is no result.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

/// The result of validating one document (README, "The result").
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ValidationResult {
    /// No finding of severity `error`.
    pub valid: bool,
    pub rule_pack: PackUsed,
    /// The validation date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub as_of: String,
    /// In a deterministic order.
    pub findings: Vec<Finding>,
    /// Present (true) when validation stopped at a limit; the last finding is `LIMIT`.
    pub truncated: Option<bool>,
}

/// The pack used, and the layers it is made of.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct PackUsed {
    pub id: String,
    pub version: String,
    /// Base first; present when the pack is layered.
    pub layers: Option<Vec<PackRefSchema>>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = PackRef)]
pub struct PackRefSchema {
    pub id: String,
    pub version: String,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One finding: which rule, where, why.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    /// JSON Pointer into the document.
    pub path: String,
    pub message: String,
    /// The clause of the act (empty for the engine's own findings).
    pub clause: String,
    pub actual: Option<String>,
    pub expected: Option<String>,
}

/// One output line of `/v1/batch`: the input line's number, then its result's fields, or the
/// `error` that kept it from having one.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct BatchLine {
    /// The input line (1-based).
    pub line: u64,
    pub valid: Option<bool>,
    pub rule_pack: Option<PackUsed>,
    #[schema(format = Date)]
    pub as_of: Option<String>,
    pub findings: Option<Vec<Finding>>,
    pub truncated: Option<bool>,
    /// Why the line has no result (not JSON, empty, over a limit).
    pub error: Option<String>,
}

/// The pack serving.
#[derive(Serialize, ToSchema)]
pub struct PackInfo {
    pub id: String,
    pub version: String,
    pub title: String,
    /// Base first; empty for a pack of one layer.
    pub layers: Vec<PackRefSchema>,
    /// BCP 47 tags of its languages, the default first.
    pub languages: Vec<String>,
    pub rules: usize,
    /// The id of the key that verified it (`--pubkey`); absent when not verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// When it was loaded (RFC 3339).
    pub loaded_at: String,
}

impl PackInfo {
    pub fn of(s: &Serving) -> PackInfo {
        let p = &s.pack;
        let mut languages: Vec<String> = p.language_tag(p.default_language).map(|l| l.code().to_string()).into_iter().collect();
        for l in &p.languages {
            if !languages.iter().any(|x| x == l.code()) {
                languages.push(l.code().to_string());
            }
        }
        PackInfo {
            id: p.id.clone(),
            version: p.version.clone(),
            title: p.title.get(p.default_language).to_string(),
            layers: p.layers.iter().map(|l| PackRefSchema { id: l.id.clone(), version: l.version.clone() }).collect(),
            languages,
            rules: p.rules.len(),
            key_id: s.key_id.clone(),
            loaded_at: s.loaded_at_text(),
        }
    }
}

/// A rule, as `GET /v1/rules` lists it.
#[derive(Serialize, ToSchema)]
pub struct RuleSummary {
    pub id: String,
    pub title: String,
    #[schema(value_type = Severity)]
    pub severity: String,
    pub applies_to: Vec<String>,
    #[schema(format = Date)]
    pub effective_from: String,
    /// Exclusive; absent: still in force.
    #[schema(format = Date)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<String>,
}

impl RuleSummary {
    pub fn of(r: &qagida::Rule, lang: qagida::pack::LangId) -> RuleSummary {
        RuleSummary {
            id: r.id.clone(),
            title: r.title.get(lang).to_string(),
            severity: r.severity.as_str().to_string(),
            applies_to: r.applies_to.clone(),
            effective_from: r.effective_from.to_string(),
            effective_to: r.effective_to.map(|d| d.to_string()),
        }
    }
}

/// One rule explained: what `qagida explain` shows, as JSON (the schema of the library's
/// `qagida::explain::RuleExplained`).
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct RuleExplained {
    pub id: String,
    pub title: String,
    pub clause: String,
    pub applies_to: Vec<String>,
    pub severity: Severity,
    #[schema(format = Date)]
    pub effective_from: String,
    /// Exclusive; absent: still in force.
    #[schema(format = Date)]
    pub effective_to: Option<String>,
    /// The pack file and line that define it.
    pub file: String,
    pub line: u64,
    /// Its `when`, as written.
    pub when: Option<String>,
    /// Its parameters.
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    pub checks: Vec<CheckExplained>,
    /// Its message in each language of the pack: `[BCP 47 tag, template as written]`.
    pub message: Vec<Vec<String>>,
    /// Its "not checked" text in each language, as `message`.
    pub not_checked: Vec<Vec<String>>,
    pub tests: TestCounts,
}

/// A check of a rule.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct CheckExplained {
    pub severity: Option<Severity>,
    /// Its keys as written in the pack, in order: `[key, text]`.
    pub source: Vec<Vec<String>>,
    /// Its own "not checked" text.
    pub not_checked: Option<String>,
    /// Where its findings point: the item's and the element's indices stand as N and M.
    pub paths: Vec<String>,
}

/// The rule's own test cases by expectation.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct TestCounts {
    pub pass: u64,
    pub fail: u64,
    pub info: u64,
}
