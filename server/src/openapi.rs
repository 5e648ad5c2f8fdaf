//! The OpenAPI 3.1 document (utoipa), generated from the handlers' annotations, and the
//! shapes of the service's own JSON bodies.
//!
//! The result's schemas (`ValidationResult`, `Finding`, `PackUsed`, `PackRef`, `Severity`) are
//! derived from the library's own types (its `openapi` feature), the ones a response is
//! serialised from. A test (`tests/openapi.rs`) holds every schema to real bodies: every key a
//! body has is in its schema, every required key in the body.

use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use qagida::{Finding, PackRef, PackUsed, Severity, ValidationResult};

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
    components(schemas(ValidationResult, Finding, PackUsed, PackRef, Severity, ErrorBody, BatchLine, PackInfo, RuleSummary, RuleExplained, CheckExplained, TestCounts)),
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
    pub layers: Vec<PackRef>,
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
            layers: p.layers.clone(),
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
