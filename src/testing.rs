//! Running the tests a pack carries: every rule's `[[rule.test]]` cases, and the check that
//! every fixture is clean. Used by `qagida test` and by `cargo test`.

use serde_json::Value as Json;

use crate::engine::Options;
use crate::pack::{Expect, Pack, Rule, RuleTest, Severity, array_index, pointer_tokens};

/// The outcome of one test case.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// The rule's ID, or `fixture:NAME` for a fixture check.
    pub rule_id: String,
    pub name: String,
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub detail: String,
}

/// Runs every rule test and fixture check of the pack, in pack order.
pub fn run_pack_tests(pack: &Pack) -> Vec<CaseOutcome> {
    let mut out = check_fixtures(pack);
    for rule in &pack.rules {
        for t in &rule.tests {
            out.push(run_case(pack, rule, t));
        }
    }
    out
}

/// Every fixture must validate with no finding at all.
pub fn check_fixtures(pack: &Pack) -> Vec<CaseOutcome> {
    pack.fixtures
        .iter()
        .map(|(name, doc)| {
            let (passed, detail) = match pack.validate(&doc.to_serde(), &Options::default()) {
                Ok(r) if r.findings.is_empty() => (true, String::new()),
                Ok(r) => (
                    false,
                    r.findings
                        .iter()
                        .map(|f| format!("{} at `{}`: {}", f.rule_id, f.path, f.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Err(e) => (false, e.to_string()),
            };
            CaseOutcome { rule_id: format!("fixture:{name}"), name: "fixture has no findings".into(), passed, detail }
        })
        .collect()
}

/// Runs one rule test case.
pub fn run_case(pack: &Pack, rule: &Rule, t: &RuleTest) -> CaseOutcome {
    let outcome = |passed: bool, detail: String| CaseOutcome {
        rule_id: rule.id.clone(),
        name: t.name.clone(),
        passed,
        detail,
    };
    let doc = match case_document(pack, t) {
        Ok(doc) => doc,
        Err(e) => return outcome(false, e),
    };
    let opts = Options { as_of: t.as_of, ..Options::default() };
    let result = match pack.validate(&doc, &opts) {
        Ok(r) => r,
        Err(e) => return outcome(false, e.to_string()),
    };
    let mine: Vec<(&str, Severity)> = result
        .findings
        .iter()
        .filter(|f| f.rule_id == rule.id)
        .map(|f| (f.path.as_str(), f.severity))
        .collect();
    let failing: Vec<&str> = mine.iter().filter(|(_, s)| *s != Severity::Info).map(|(p, _)| *p).collect();
    let infos: Vec<&str> = mine.iter().filter(|(_, s)| *s == Severity::Info).map(|(p, _)| *p).collect();
    let shown = |v: &[(&str, Severity)]| v.iter().map(|(p, s)| format!("{}@{p}", s.as_str())).collect::<Vec<_>>();
    let about = match t.expect {
        Expect::Pass => {
            return if mine.is_empty() {
                outcome(true, String::new())
            } else {
                outcome(false, format!("expected no {} finding, got {:?}", rule.id, shown(&mine)))
            };
        }
        Expect::Info if !failing.is_empty() => {
            return outcome(false, format!("expected only info findings of {}, got {:?}", rule.id, shown(&mine)));
        }
        Expect::Info => infos,
        Expect::Fail => failing,
    };
    if about.is_empty() {
        let others: Vec<String> = result.findings.iter().map(|f| format!("{}@{}({})", f.rule_id, f.path, f.severity.as_str())).collect();
        let what = if t.expect == Expect::Info { "an info" } else { "an error or warning" };
        return outcome(false, format!("expected {what} finding of {}, got none (findings: {:?})", rule.id, others));
    }
    if let Some(want) = t.severity
        && let Some((p, s)) = mine.iter().find(|(_, s)| *s != Severity::Info && *s != want)
    {
        return outcome(false, format!("expected {} findings of severity {}, got {} at {p}", rule.id, want.as_str(), s.as_str()));
    }
    if let Some(paths) = &t.paths {
        let mut want: Vec<&str> = paths.iter().map(String::as_str).collect();
        let mut got = about.clone();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            return outcome(false, format!("expected {} findings at {:?}, got at {:?}", rule.id, want, got));
        }
    }
    outcome(true, String::new())
}

/// The document of a test case: its fixture with its patch applied.
pub fn case_document(pack: &Pack, t: &RuleTest) -> Result<Json, String> {
    let Some(fixture) = pack.fixtures.get(&t.fixture) else {
        return Err(format!("unknown fixture `{}`", t.fixture));
    };
    let mut doc = fixture.to_serde();
    let set: Vec<(String, Json)> = t.set.iter().map(|(k, v)| (k.clone(), v.to_serde())).collect();
    apply_patch(&mut doc, &set, &t.remove)?;
    Ok(doc)
}

/// Applies a test's patch: `set` (JSON Pointer → value; creates the last key, `-` appends)
/// then `remove`.
pub fn apply_patch(doc: &mut Json, set: &[(String, Json)], remove: &[String]) -> Result<(), String> {
    for (ptr, value) in set {
        let mut tokens = pointer_tokens(ptr)?;
        let Some(last) = tokens.pop() else {
            *doc = value.clone();
            continue;
        };
        let parent = walk(doc, &tokens).ok_or_else(|| format!("set: `{ptr}`: parent does not exist"))?;
        match parent {
            Json::Object(o) => {
                o.insert(last, value.clone());
            }
            Json::Array(a) if last == "-" => a.push(value.clone()),
            Json::Array(a) => {
                let slot = array_index(&last)
                    .and_then(|i| a.get_mut(i))
                    .ok_or_else(|| format!("set: `{ptr}`: no such element"))?;
                *slot = value.clone();
            }
            _ => return Err(format!("set: `{ptr}`: parent is not an object or array")),
        }
    }
    for ptr in remove {
        let mut tokens = pointer_tokens(ptr)?;
        let last = tokens.pop().ok_or_else(|| "remove: cannot remove the root".to_string())?;
        let parent = walk(doc, &tokens).ok_or_else(|| format!("remove: `{ptr}` does not exist"))?;
        let removed = match parent {
            Json::Object(o) => o.shift_remove(&last).is_some(),
            Json::Array(a) => match array_index(&last) {
                Some(i) if i < a.len() => {
                    a.remove(i);
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if !removed {
            return Err(format!("remove: `{ptr}` does not exist"));
        }
    }
    Ok(())
}

fn walk<'a>(doc: &'a mut Json, tokens: &[String]) -> Option<&'a mut Json> {
    let mut cur = doc;
    for t in tokens {
        cur = match cur {
            Json::Object(o) => o.get_mut(t)?,
            Json::Array(a) => a.get_mut(array_index(t)?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patch_sets_creates_appends_and_removes() {
        let mut d = json!({"a": {"b": 1}, "xs": [1, 2]});
        apply_patch(
            &mut d,
            &[("/a/c".into(), json!(2)), ("/xs/-".into(), json!(3)), ("/xs/0".into(), json!(0))],
            &["/a/b".into()],
        )
        .unwrap();
        assert_eq!(d, json!({"a": {"c": 2}, "xs": [0, 2, 3]}));
    }

    #[test]
    fn patch_into_a_missing_parent_is_an_error() {
        let mut d = json!({});
        assert!(apply_patch(&mut d, &[("/x/y".into(), json!(1))], &[]).is_err());
        assert!(apply_patch(&mut d, &[], &["/nope".into()]).is_err());
    }
}
