//! The result of a validation, as the library returns it and every shell serialises it
//! (DOCUMENTS.md, "The result"): the verdict, the pack used, the validation date and the
//! findings. With the `openapi` feature, the service's OpenAPI schemas derive from these types.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::pack::{PackRef, Severity};

/// The `rule_pack` of a result: the pack used, and the layers it is made of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackUsed {
    pub id: String,
    pub version: String,
    /// Base first; present when the pack is layered (e.g. national + regional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<PackRef>,
}

/// The result of validating one document (DOCUMENTS.md, "The result").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationResult {
    /// No finding of severity `error`.
    pub valid: bool,
    pub rule_pack: PackUsed,
    #[cfg_attr(not(target_arch = "wasm32"), serde(serialize_with = "iso_date"))]
    pub as_of: NaiveDate,
    pub findings: Vec<Finding>,
    /// Validation stopped at [`Options::max_findings`] or [`Options::max_result_bytes`]; the
    /// last finding is a `LIMIT` one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Only in a draft result ([`Options::mode`](crate::Options) `draft`; a submit result has
    /// none): where checks were not run because data they read is absent, and what they wait
    /// for. (A submit validation says the same with "not checked" infos, or with findings for
    /// absent required data.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Vec<Skipped>>,
}

/// A rule's checks at one place not run in a draft validation: data they read is absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Skipped {
    pub rule_id: String,
    /// The JSON Pointer of what the checks run on (the document, or an item of a list).
    pub path: String,
    /// The absent data, as JSON Pointers into the input: the rule runs there once they are filled.
    pub waits_for: Vec<String>,
}

/// A date as chrono writes it (`YYYY-MM-DD`), without `fmt` for the years 0 to 9999 (through
/// chrono's `Serialize`, ≈ 1.9 K instructions a result, callgrind).
#[cfg(not(target_arch = "wasm32"))]
fn iso_date<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    match crate::expr::date_text(*d) {
        Some(text) => s.serialize_str(std::str::from_utf8(&text).unwrap_or_default()),
        None => d.serialize(s),
    }
}

/// One finding: which rule, where, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// The rule's ID (`MDT-03`), or the ID of one of the engine's own findings (`TYPE`,
    /// `DOCTYPE`, `INPUT`, `NOT-IN-FORCE`, `BUNDLE`, `LIMIT`).
    pub rule_id: String,
    pub severity: Severity,
    /// JSON Pointer into the input document (`""`: the whole document).
    pub path: String,
    /// In the requested language.
    pub message: String,
    /// The clause of the act, in the requested language (empty for the engine's own findings).
    pub clause: String,
    /// The value found, as text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actual: Option<String>,
    /// What the rule expected, as text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<String>,
}
