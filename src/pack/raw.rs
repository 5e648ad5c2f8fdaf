//! The rule-pack files as written (serde shapes with spans). See docs/RULES.md.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

/// A string in several languages: `{ kk = "…", ru = "…", en = "…" }`.
pub type RawText = Spanned<IndexMap<String, Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub id: Spanned<String>,
    pub version: Spanned<String>,
    /// A layer names the id of the pack it is layered on (its base directory's name).
    pub extends: Option<Spanned<String>>,
    pub effective_from: Spanned<Datetime>,
    pub effective_to: Option<Spanned<Datetime>>,
    pub languages: Option<Spanned<Vec<Spanned<String>>>>,
    pub default_language: Option<Spanned<String>>,
    pub timezone: Option<Spanned<String>>,
    pub title: Option<RawText>,
    pub types: Option<Spanned<String>>,
    #[serde(default)]
    pub rule_files: Vec<Spanned<String>>,
    #[serde(default)]
    pub data: IndexMap<String, Spanned<String>>,
    #[serde(default)]
    pub data_edition: Vec<RawEdition>,
    #[serde(default)]
    pub calendars: IndexMap<String, Spanned<String>>,
    #[serde(default)]
    pub params: toml::Table,
    #[serde(default)]
    pub messages: IndexMap<String, RawText>,
}

/// One edition of a reference list, in force over a period.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEdition {
    pub name: Spanned<String>,
    pub file: Spanned<String>,
    pub effective_from: Spanned<Datetime>,
    pub effective_to: Option<Spanned<Datetime>>,
    /// Free text naming the act of this edition (informational).
    #[allow(dead_code)]
    pub source: Option<String>,
}

/// A deployment's overrides: severities changed or rules silenced by ID.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverridesFile {
    #[serde(default)]
    pub rules: IndexMap<Spanned<String>, RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    pub severity: Option<Spanned<String>>,
    pub enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypesFile {
    #[serde(default)]
    pub types: IndexMap<Spanned<String>, IndexMap<String, Spanned<String>>>,
    #[serde(default)]
    pub documents: IndexMap<Spanned<String>, RawDocType>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocType {
    pub as_of: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: IndexMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    #[serde(default)]
    pub row: Vec<Spanned<toml::Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    /// A document type, or a list of them (each check then names its own).
    pub applies_to: Spanned<toml::Value>,
    pub severity: Spanned<String>,
    pub title: Option<RawText>,
    pub clause: RawText,
    pub effective_from: Option<Spanned<Datetime>>,
    pub effective_to: Option<Spanned<Datetime>>,
    pub when: Option<Spanned<String>>,
    pub message: RawText,
    #[serde(default)]
    pub params: toml::Table,
    #[serde(default)]
    pub check: Vec<RawCheck>,
    #[serde(default)]
    pub test: Vec<RawTest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    /// Which of the rule's document types this check reads (required when there are several).
    pub applies_to: Option<Spanned<String>>,
    pub assert: Option<Spanned<String>>,
    pub require: Option<Vec<Spanned<String>>>,
    pub for_each: Option<Spanned<String>>,
    /// With `for_each` over a list of documents: only members of this document type.
    pub of_type: Option<Spanned<String>>,
    pub when: Option<Spanned<String>>,
    #[serde(default, rename = "let")]
    pub lets: IndexMap<String, Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub actual: Option<Spanned<String>>,
    pub expected: Option<Spanned<String>>,
    pub message: Option<RawText>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawTest {
    pub name: Spanned<String>,
    pub fixture: Spanned<String>,
    #[serde(default)]
    pub set: IndexMap<String, toml::Value>,
    #[serde(default)]
    pub remove: Vec<String>,
    pub as_of: Option<Spanned<Datetime>>,
    pub expect: Spanned<String>,
    pub paths: Option<Vec<String>>,
}
