//! A lawful document is valid: the documents an independent vendor wrote from DOCUMENTS.md and
//! the acts alone (examples/contract/, no extension fields) validate with the default pack as
//! `examples/contract/expected.json` says — the lawful ones with no error and no warning it does
//! not name, the unlawful ones not valid, with the rule IDs and severities it names.
use std::collections::BTreeSet;
use std::path::Path;

use qagida::{Options, Pack, Severity};
use serde_json::Value;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join("contract")
}

/// Every `.json` document under examples/contract (and unlawful/), by its path there.
fn documents() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for sub in ["", "unlawful"] {
        for e in std::fs::read_dir(dir().join(sub)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && name != "expected.json" {
                out.insert(if sub.is_empty() { name } else { format!("{sub}/{name}") });
            }
        }
    }
    out
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(dir().join("expected.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["cases"].as_object().unwrap().clone()
}

#[test]
fn every_contract_document_has_an_expected_verdict() {
    let listed: BTreeSet<String> = expected().keys().cloned().collect();
    assert_eq!(listed, documents());
}

#[test]
fn contract_documents_get_the_verdicts_the_acts_give() {
    let pack = Pack::embedded().unwrap();
    let opts = Options { lang: Some("en".into()), ..Options::default() };
    let mut wrong = Vec::new();
    let cases = expected();
    let lawful = cases.values().filter(|c| c["expect"] == "valid").count();
    for (name, case) in &cases {
        let bytes = std::fs::read(dir().join(name)).unwrap();
        let r = pack.validate_bytes(&bytes, &opts).unwrap();
        let want: Vec<(String, String)> = case["findings"]
            .as_array()
            .map(|a| a.iter().map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string())).collect())
            .unwrap_or_default();
        let shown = || r.findings.iter().map(|f| format!("{} {} {} {}", f.severity.as_str(), f.rule_id, f.path, f.message)).collect::<Vec<_>>().join("\n      ");
        match case["expect"].as_str().unwrap() {
            "valid" => {
                let named = |rule: &str| want.iter().any(|(r, _)| r == rule);
                let unexpected = r.findings.iter().any(|f| f.severity == Severity::Error || (f.severity == Severity::Warning && !named(&f.rule_id)));
                if !r.valid || unexpected {
                    wrong.push(format!("{name}: expected valid\n      {}", shown()));
                }
            }
            _ => {
                if r.valid {
                    wrong.push(format!("{name}: expected not valid\n      {}", shown()));
                }
            }
        }
        for (rule, sev) in &want {
            if !r.findings.iter().any(|f| &f.rule_id == rule && f.severity.as_str() == sev) {
                wrong.push(format!("{name}: expected a {sev} finding of {rule}\n      {}", shown()));
            }
        }
    }
    assert!(lawful >= 40, "{lawful} lawful documents");
    assert!(wrong.is_empty(), "{} of {} documents:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}
