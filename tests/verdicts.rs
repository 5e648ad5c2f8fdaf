//! No result says more than was checked: bundles at every level, documents no rule applied to,
//! arithmetic that overflows, numbers no decimal holds exactly, keys repeated in an object. Each
//! case of issue 11's list, on the default pack (the national pack and its regional layers).
use qagida::{Finding, Options, Pack, Severity, ValidationResult};
use serde_json::{Value, json};

fn pack() -> Pack {
    Pack::embedded().unwrap()
}

fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validate(doc: &Value) -> ValidationResult {
    pack().validate(doc, &Options::default()).unwrap()
}

fn findings<'r>(r: &'r ValidationResult, rule: &str) -> Vec<&'r Finding> {
    r.findings.iter().filter(|f| f.rule_id == rule).collect()
}

fn paths(r: &ValidationResult, rule: &str) -> Vec<String> {
    findings(r, rule).iter().map(|f| f.path.clone()).collect()
}

/// The invalid example prescription: a paper prescription with a trade name and no reason, …
fn bad_prescription() -> Value {
    example("invalid/prescription.json")
}

#[test]
fn an_invalid_prescription_in_a_bundle_in_a_bundle_is_invalid_with_paths_through_both() {
    let inner = json!({"document_type": "bundle", "id": "B-inner", "documents": [bad_prescription()]});
    let outer = json!({"document_type": "bundle", "id": "B-outer", "documents": [inner]});
    let alone = validate(&bad_prescription());
    let nested = validate(&outer);
    assert!(!nested.valid, "{:?}", nested.findings);
    // Every finding of the prescription alone is there, under /documents/0/documents/0.
    let alone_errors: Vec<(String, String)> =
        alone.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| (f.rule_id.clone(), format!("/documents/0/documents/0{}", f.path))).collect();
    assert!(!alone_errors.is_empty());
    for (rule, path) in &alone_errors {
        assert!(nested.findings.iter().any(|f| &f.rule_id == rule && &f.path == path), "{rule} at {path} missing: {:?}", nested.findings);
    }
}

#[test]
fn a_bundle_with_no_documents_is_a_finding_not_a_silent_valid() {
    for doc in [json!({"document_type": "bundle"}), json!({"document_type": "bundle", "documents": []}), json!({"document_type": "bundle", "documents": null})] {
        let r = validate(&doc);
        assert!(!r.valid, "{doc}: {:?}", r.findings);
        assert_eq!(paths(&r, "BUNDLE"), ["/documents"], "{doc}");
    }
}

#[test]
fn null_and_non_object_members_are_findings_at_their_index() {
    let doc = json!({"document_type": "bundle", "documents": [null, 5, "x", [], example("valid/mdt_conclusion.json")]});
    let r = validate(&doc);
    assert!(!r.valid);
    assert_eq!(paths(&r, "BUNDLE"), ["/documents/0", "/documents/1", "/documents/2", "/documents/3"]);
    assert!(findings(&r, "BUNDLE").iter().all(|f| f.severity == Severity::Error));
}

#[test]
fn a_member_without_a_known_document_type_is_a_doctype_finding_at_its_index() {
    let doc = json!({"document_type": "bundle", "documents": [{"id": "X-1"}, {"document_type": "invoice"}]});
    let r = validate(&doc);
    assert!(!r.valid);
    assert_eq!(paths(&r, "DOCTYPE"), ["/documents/0/document_type", "/documents/1/document_type"]);
}

#[test]
fn two_members_with_one_id_are_a_finding_whatever_their_order() {
    let mut a = example("valid/prescription.json");
    let mut b = a.clone();
    b["drug"]["inn"] = json!("Eculizumab");
    b["nosology"] = json!({"icd10": "D59.5", "name": "ПНГ"});
    a["id"] = json!("RX-SAME");
    b["id"] = json!("RX-SAME");
    let mdt = example("valid/mdt_conclusion.json");
    let one = validate(&json!({"document_type": "bundle", "documents": [mdt, a, b]}));
    let other = validate(&json!({"document_type": "bundle", "documents": [b, a, mdt]}));
    for r in [&one, &other] {
        assert!(!r.valid);
        let dup = findings(r, "BUNDLE");
        assert_eq!(dup.len(), 1, "{:?}", r.findings);
        assert_eq!(dup[0].actual.as_deref(), Some("RX-SAME"));
    }
    assert_eq!(paths(&one, "BUNDLE"), ["/documents/2/id"]);
    assert_eq!(paths(&other, "BUNDLE"), ["/documents/1/id"]);
}

#[test]
fn the_verdict_of_a_bundle_does_not_depend_on_the_order_of_its_members() {
    let bundle = example("valid/bundle.json");
    let members = bundle["documents"].as_array().unwrap().clone();
    let verdict = |docs: Vec<Value>| {
        let r = validate(&json!({"document_type": "bundle", "documents": docs}));
        let mut rules: Vec<(String, Severity)> = r.findings.iter().map(|f| (f.rule_id.clone(), f.severity)).collect();
        rules.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.as_str().cmp(b.1.as_str())));
        (r.valid, rules)
    };
    let base = verdict(members.clone());
    let mut reversed = members.clone();
    reversed.reverse();
    assert_eq!(verdict(reversed), base);
    let mut rotated = members.clone();
    rotated.rotate_left(2);
    assert_eq!(verdict(rotated), base);
}

#[test]
fn an_invalid_prescription_dated_before_any_rule_was_in_force_is_not_valid() {
    let mut doc = bad_prescription();
    doc["issued_at"] = json!("2020-05-04T10:00:00+05:00");
    doc["valid_until"] = json!("2020-06-03");
    let r = validate(&doc);
    assert!(!r.valid, "{:?}", r.findings);
    let f = findings(&r, "NOT-IN-FORCE");
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].path, "/issued_at");
    assert_eq!(f[0].actual.as_deref(), Some("2020-05-04"));
    assert_eq!(f[0].severity, Severity::Error);
    // Nothing else was judged: no rule was in force.
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
}

#[test]
fn a_deployment_may_make_no_rule_in_force_a_warning() {
    let pack = pack().with_overrides("overrides.toml", "[rules.NOT-IN-FORCE]\nseverity = \"warning\"\n").unwrap();
    let mut doc = bad_prescription();
    doc["issued_at"] = json!("2020-05-04T10:00:00+05:00");
    let r = pack.validate(&doc, &Options::default()).unwrap();
    assert!(r.valid);
    assert_eq!(findings(&r, "NOT-IN-FORCE")[0].severity, Severity::Warning);
    // An engine finding takes a severity, it cannot be silenced.
    let err = Pack::embedded().unwrap().with_overrides("o.toml", "[rules.NOT-IN-FORCE]\nenabled = false\n").unwrap_err();
    assert!(err.to_string().contains("cannot be silenced"), "{err}");
}

#[test]
fn a_document_in_force_gets_no_not_in_force_finding() {
    for name in ["valid/prescription.json", "valid/bundle.json", "valid/dispensing.json"] {
        let r = validate(&example(name));
        assert!(findings(&r, "NOT-IN-FORCE").is_empty(), "{name}: {:?}", r.findings);
    }
}

#[test]
fn an_overflowing_sum_cannot_pass_mon_02() {
    let mut doc = example("valid/monitoring_report.json");
    // quantity × unit price is beyond any decimal: the stated sum cannot be confirmed.
    doc["rows"][0]["quantity"]["plan"] = json!("79228162514264337593543950335");
    doc["rows"][0]["sum"]["plan"] = json!("1");
    let r = pack().validate(&doc, &Options { as_of: Some("2026-10-05".parse().unwrap()), ..Options::default() }).unwrap();
    assert!(!r.valid, "{:?}", r.findings);
    assert!(findings(&r, "MON-02").iter().any(|f| f.severity == Severity::Error && f.path.starts_with("/rows/0")), "{:?}", r.findings);
}

#[test]
fn a_supply_of_two_to_the_31_days_is_a_finding_not_a_silent_pass() {
    let mut doc = example("valid/dispensing.json");
    doc["supply_days"] = json!(2147483648u64);
    let r = validate(&doc);
    assert!(!r.valid, "{:?}", r.findings);
    assert!(findings(&r, "DSP-01").iter().any(|f| f.severity == Severity::Error), "{:?}", r.findings);
}

#[test]
fn a_repeated_key_is_an_input_finding_at_its_pointer() {
    let text = br#"{"document_type": "mdt_conclusion", "id": "MDT-1", "date": "2026-04-02", "drug": {"inn": "Nusinersen", "inn": "Eculizumab"}}"#;
    let r = pack().validate_bytes(text, &Options::default()).unwrap();
    assert!(!r.valid);
    let f = findings(&r, "INPUT");
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].path, "/drug/inn");
    assert_eq!(f[0].actual.as_deref(), Some("inn"));
}

#[test]
fn a_number_no_decimal_holds_exactly_is_a_type_finding_that_says_why() {
    let mut doc = example("valid/mdt_conclusion.json");
    doc["single_dose"]["amount"] = json!("0.00000000000000000000000000000001");
    let r = pack().validate(&doc, &Options { lang: Some("en".into()), ..Options::default() }).unwrap();
    let f = findings(&r, "TYPE");
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].path, "/single_dose/amount");
    assert_eq!(f[0].expected.as_deref(), Some("too many digits"));
    assert!(f[0].message.contains("0.00000000000000000000000000000001") && f[0].message.contains("too many digits"), "{}", f[0].message);

    let text = br#"{"document_type": "mdt_conclusion", "id": "MDT-1", "date": "2026-04-02", "single_dose": {"amount": 1e400, "unit": "mg"}}"#;
    let r = pack().validate_bytes(text, &Options { lang: Some("en".into()), ..Options::default() }).unwrap();
    let f = findings(&r, "TYPE");
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].expected.as_deref(), Some("out of range"));
    // The number exactly as the document writes it.
    assert!(f[0].message.contains("1e400") && f[0].message.contains("out of range"), "{}", f[0].message);
    // The rule that reads it says it could not check it rather than passing it.
    assert!(!r.valid);
}

#[test]
fn a_check_whose_extension_data_is_absent_says_so_in_one_info() {
    let mut doc = example("valid/prescription.json");
    doc.as_object_mut().unwrap().remove("eligibility");
    let r = validate(&doc);
    assert!(r.valid, "{:?}", r.findings);
    for rule in ["ELG-01", "ELG-02"] {
        let f = findings(&r, rule);
        assert_eq!(f.len(), 1, "{rule}: {:?}", r.findings);
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(f[0].path, "/eligibility");
    }
}

#[test]
fn a_result_cut_at_the_findings_cap_says_so_even_when_infos_are_dropped() {
    let mut doc = bad_prescription();
    doc.as_object_mut().unwrap().remove("funding");
    for cap in [1, 2, 3, 4, 5] {
        let r = pack().validate(&doc, &Options { max_findings: cap, ..Options::default() }).unwrap();
        assert!(r.truncated, "cap {cap}: {:?}", r.findings);
        assert!(!r.valid, "cap {cap}");
        assert_eq!(r.findings.last().map(|f| f.rule_id.as_str()), Some("LIMIT"), "cap {cap}");
        assert!(r.findings.len() <= cap + 1);
    }
}

#[test]
fn rules_a_deployment_silenced_do_not_make_a_document_not_in_force() {
    let doc = example("valid/procurement_report.json");
    let silenced = pack().with_overrides("o.toml", "[rules.PRC-01]\nenabled = false\n").unwrap();
    let r = silenced.validate(&doc, &Options::default()).unwrap();
    assert!(findings(&r, "NOT-IN-FORCE").is_empty(), "{:?}", r.findings);
    // Its compiled form keeps that.
    let r = Pack::from_compiled(&silenced.to_compiled()).unwrap().validate(&doc, &Options::default()).unwrap();
    assert!(findings(&r, "NOT-IN-FORCE").is_empty(), "{:?}", r.findings);
}
