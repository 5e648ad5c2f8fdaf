//! The OpenAPI 3.1 document (utoipa), generated from the handlers' annotations, and the
//! shapes of the service's own JSON bodies.
//!
//! The schemas of the result (`ValidationResult`, `Finding`, `PackUsed`, `PackRef`,
//! `Severity`) and of the rules (`RuleSummary`, `RuleExplained`) derive from the library's own
//! types (its `openapi` feature), the ones a response is serialised from. A test (`tests/openapi.rs`) holds every schema to real bodies: every key a
//! body has is in its schema, every required key in the body.

use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use qagida::explain::{CheckExplained, RuleExplained, RuleSummary, TestCounts};
use qagida::{Finding, Mode, PackRef, PackUsed, Severity, Skipped, ValidationResult};

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
    components(schemas(ValidationResult, Finding, Skipped, Mode, PackUsed, PackRef, Severity, ErrorBody, BatchLine, PackInfo, RuleSummary, RuleExplained, CheckExplained, TestCounts)),
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

