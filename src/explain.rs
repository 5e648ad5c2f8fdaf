//! A rule as its pack states it: what `qagida explain RULE` prints and what the service's
//! `GET /v1/rules/{id}` and Python's `Pack.explain` answer, gathered once here for all; and a
//! rule in a list (`GET /v1/rules`, `Pack.rules()`). With the `openapi` feature, their OpenAPI
//! schemas derive from these types.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value as Json;

use crate::pack::{CheckKind, Expect, Lang, LangId, LangTemplates, Pack, Pointer, Rule, Severity};

/// A rule in a list: its ID, title in the language asked for, severity, document types and the
/// dates it is in force.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSummary {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub applies_to: Vec<String>,
    pub effective_from: NaiveDate,
    /// Exclusive; absent: still in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// The data it reads, as JSON Pointers into the document (`*`: every item of a list):
    /// [`Rule::reads`].
    pub reads: Vec<String>,
}

/// Rule `r` in a list, its title in `lang`.
pub fn summary(r: &Rule, lang: LangId) -> RuleSummary {
    RuleSummary {
        id: r.id.clone(),
        title: r.title.get(lang).to_string(),
        severity: r.severity,
        applies_to: r.applies_to.clone(),
        effective_from: r.effective_from,
        effective_to: r.effective_to,
        reads: r.reads().to_vec(),
    }
}

/// One rule explained, its texts in the language asked for (its messages in every language).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleExplained {
    pub id: String,
    pub title: String,
    pub clause: String,
    pub applies_to: Vec<String>,
    pub severity: Severity,
    pub effective_from: NaiveDate,
    /// Exclusive; absent: still in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// The pack file and line that define it.
    pub file: String,
    pub line: usize,
    /// Its `when`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Its parameters.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub params: Json,
    pub checks: Vec<CheckExplained>,
    /// Its message in each language of the pack: `[BCP 47 tag, template as written]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub message: Vec<(String, String)>,
    /// Its "not checked" text in each language (when it has one), as `message`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub not_checked: Vec<(String, String)>,
    /// Its own test cases, by expectation.
    pub tests: TestCounts,
}

/// One check of a rule.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckExplained {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Its keys as written in the pack (`assert`, `require`, `when`, `let …`), in order:
    /// `[key, text]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub source: Vec<(String, String)>,
    /// Its own "not checked" text, in the language asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_checked: Option<String>,
    /// Where its findings point: the item's and the element's indices stand as N and M.
    pub paths: Vec<String>,
}

/// The rule's own test cases by expectation.
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestCounts {
    pub pass: usize,
    pub fail: usize,
    pub info: usize,
}

/// Rule `r` of `pack`, its titles and clause in `lang`.
pub fn explain(pack: &Pack, r: &Rule, lang: LangId) -> RuleExplained {
    let by_lang = |t: &LangTemplates| -> Vec<(String, String)> {
        t.0.iter().map(|(l, t)| (pack.language_tag(l).map_or("", Lang::code).to_string(), t.as_written())).collect()
    };
    let count = |e: Expect| r.tests.iter().filter(|t| t.expect == e).count();
    RuleExplained {
        id: r.id.clone(),
        title: r.title.get(lang).to_string(),
        clause: r.clause.get(lang).to_string(),
        applies_to: r.applies_to.clone(),
        severity: r.severity,
        effective_from: r.effective_from,
        effective_to: r.effective_to,
        file: r.file.clone(),
        line: r.line,
        when: r.when_source.clone(),
        params: r.params.to_serde(),
        checks: r
            .checks
            .iter()
            .map(|c| {
                // A check on the document itself points at its `path`, or at nothing more.
                let each = |p: Option<&Pointer>, n: &str| p.map(|f| format!("{}/{n}", f.text)).unwrap_or_default();
                let base = format!("{}{}", each(c.for_each.as_ref(), "N"), each(c.then_each.as_ref(), "M"));
                let paths = match &c.kind {
                    CheckKind::Require(ptrs) => ptrs.iter().map(|p| format!("{base}{}", p.text)).collect(),
                    CheckKind::Assert(_) if !base.is_empty() || !c.path.is_empty() => vec![format!("{base}{}", c.path)],
                    CheckKind::Assert(_) => Vec::new(),
                };
                CheckExplained {
                    severity: c.severity,
                    source: c.source.clone(),
                    not_checked: c.not_checked.as_ref().and_then(|t| t.get(lang)).map(|t| t.as_written()),
                    paths,
                }
            })
            .collect(),
        message: by_lang(&r.message),
        not_checked: r.not_checked.as_ref().map(by_lang).unwrap_or_default(),
        tests: TestCounts { pass: count(Expect::Pass), fail: count(Expect::Fail), info: count(Expect::Info) },
    }
}
