//! Draft mode (issue 16): for a form being filled, an absent field is not reported, a check
//! that reads absent data waits (listed in `skipped`), and what is present and wrong is
//! reported as in submit mode, which stays the default and unchanged.

mod common;

use common::{fixture_pack, text};
use qagida::{Mode, Options, Pack, ValidationResult};
use serde_json::{Value, json};

const TYPES: &str = r#"
[types.line]
qty = "number"
max = "number"
[documents.order]
as_of = "date"
[documents.order.fields]
date = "date"
id = "string"
per_day = "integer"
days = "integer"
lines = "list<line>"
[documents.box]
member_id = "id"
[documents.box.fields]
id = "string"
documents = "list<document>"
"#;

/// A rule of error severity on `doc_type`, titled and cited `t`/`c` in every language, with
/// `message` (TOML) and its checks (the TOML lines after `[[rule.check]]`, one string each).
fn rule(id: &str, doc_type: &str, message: &str, checks: &[&str]) -> String {
    let (t, c) = (text("t"), text("c"));
    let checks: String = checks.iter().map(|k| format!("[[rule.check]]\n{k}\n")).collect();
    format!("[[rule]]\nid = \"{id}\"\napplies_to = \"{doc_type}\"\nseverity = \"error\"\ntitle = {t}\nclause = {c}\nmessage = {message}\n{checks}\n")
}

fn rules() -> String {
    let t = text("t");
    [
        rule("REQ-01", "order", r#"{ kk = "жоқ {field}", ru = "нет {field}", en = "missing {field}" }"#, &[r#"require = ["/id", "/per_day"]"#]),
        rule("SUM-01", "order", &t, &["assert = \"doc.per_day * doc.days <= 100\"\npath = \"/per_day\""]),
        rule("LIN-01", "order", &t, &["for_each = \"/lines\"\nassert = \"item.qty <= item.max\"\npath = \"/qty\""]),
    ]
    .concat()
}

fn pack() -> Pack {
    Pack::from_files(&fixture_pack("draft", "", TYPES, &rules())).expect("loads")
}

fn run(p: &Pack, doc: &Value, mode: Mode) -> ValidationResult {
    p.validate(doc, &Options { mode, lang: Some("en".into()), ..Options::default() }).expect("validates")
}

fn ids(r: &ValidationResult) -> Vec<(String, String)> {
    r.findings.iter().map(|f| (f.rule_id.clone(), f.path.clone())).collect()
}

#[test]
fn an_empty_form_is_valid_in_draft_and_every_rule_waits_for_its_data() {
    let p = pack();
    let doc = json!({"document_type": "order", "date": "2026-01-01"});
    let draft = run(&p, &doc, Mode::Draft);
    assert!(draft.valid && draft.findings.is_empty(), "{:?}", draft.findings);
    let skipped = draft.skipped.expect("a draft result lists what waits");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!((skipped[0].rule_id.as_str(), skipped[0].path.as_str()), ("SUM-01", ""));
    assert_eq!(skipped[0].waits_for, ["/per_day", "/days"]);
    // Submit: the required items are findings, and SUM's absent data an info.
    let submit = run(&p, &doc, Mode::Submit);
    assert!(submit.skipped.is_none());
    assert_eq!(ids(&submit), [("REQ-01".into(), "/id".into()), ("REQ-01".into(), "/per_day".into()), ("SUM-01".into(), "/per_day".into())]);
    assert!(!submit.valid);
}

#[test]
fn in_draft_what_is_present_and_wrong_is_reported_as_in_submit() {
    let p = pack();
    let doc = json!({"document_type": "order", "date": "2026-01-01", "id": "", "per_day": 30, "days": 10,
        "lines": [{"qty": 5, "max": 3}, {"qty": 1}]});
    let draft = run(&p, &doc, Mode::Draft);
    // A blank id is not filled in yet; the product and the first line are checked; the second
    // line waits for its max.
    assert_eq!(ids(&draft), [("SUM-01".into(), "/per_day".into()), ("LIN-01".into(), "/lines/0/qty".into())]);
    let skipped = draft.skipped.expect("listed");
    assert_eq!(skipped.len(), 1);
    assert_eq!((skipped[0].rule_id.as_str(), skipped[0].path.as_str()), ("LIN-01", "/lines/1"));
    assert_eq!(skipped[0].waits_for, ["/lines/1/max"]);
    // A wrong type is reported in draft too.
    let typed = run(&p, &json!({"document_type": "order", "date": "2026-01-01", "per_day": "three"}), Mode::Draft);
    assert_eq!(ids(&typed), [("TYPE".into(), "/per_day".into())]);
}

#[test]
fn submit_is_the_default_and_its_result_has_no_skipped_list() {
    let p = pack();
    let doc = json!({"document_type": "order", "date": "2026-01-01", "per_day": 3});
    let default = p.validate(&doc, &Options { lang: Some("en".into()), ..Options::default() }).expect("validates");
    assert_eq!(default, run(&p, &doc, Mode::Submit));
    let text = serde_json::to_string(&default).expect("json");
    assert!(!text.contains("skipped"), "{text}");
}

#[test]
fn an_absent_bundle_list_is_not_reported_in_draft() {
    let p = pack();
    let doc = json!({"document_type": "box", "id": "b"});
    assert!(run(&p, &doc, Mode::Draft).findings.is_empty());
    assert_eq!(ids(&run(&p, &doc, Mode::Submit)), [("BUNDLE".into(), "/documents".into())]);
}

#[test]
fn rules_say_what_they_read_with_list_items_as_a_star() {
    let p = pack();
    let reads = |id: &str| p.rules.iter().find(|r| r.id == id).expect("rule").reads();
    assert_eq!(reads("REQ-01"), ["/id", "/per_day"]);
    assert_eq!(reads("SUM-01"), ["/per_day", "/days"]);
    assert_eq!(reads("LIN-01"), ["/lines/*/qty", "/lines/*/max"]);
}

#[test]
fn modes_are_read_from_text_as_the_service_and_python_give_them() {
    let p = pack();
    assert_eq!(p.options_from_text(None, None, Some("draft")).expect("draft").mode, Mode::Draft);
    assert_eq!(p.options_from_text(None, None, Some("submit")).expect("submit").mode, Mode::Submit);
    assert_eq!(p.options_from_text(None, None, None).expect("default").mode, Mode::Submit);
    assert_eq!(p.options_from_text(None, None, Some("full")).expect("the former name").mode, Mode::Submit);
    let err = p.options_from_text(None, None, Some("final")).expect_err("unknown");
    assert!(err.contains("mode `final`: unknown"), "{err}");
}

#[test]
fn a_half_filled_mdt_conclusion_of_the_national_pack_in_draft() {
    let p = Pack::embedded().expect("the default pack");
    let doc = json!({"document_type": "mdt_conclusion", "date": "2026-04-02", "doses_per_day": 50, "route": "oral"});
    let draft = run(&p, &doc, Mode::Draft);
    assert_eq!(ids(&draft), [("MDT-03".into(), "/doses_per_day".into())], "{:?}", draft.findings);
    let submit = run(&p, &doc, Mode::Submit);
    assert!(submit.findings.iter().any(|f| f.rule_id == "MDT-01" && f.path == "/drug/inn"));
    // Every lawful fixture is valid in draft as in submit.
    for (name, fixture) in &p.fixtures {
        let v: Value = serde_json::from_str(&fixture.to_string()).expect("json");
        let d = run(&p, &v, Mode::Draft);
        assert!(d.valid, "{name}: {:?}", d.findings);
    }
}

/// A second pack: checks that test presence (`has`), a let read only by the message, a blank
/// date.
fn presence_pack() -> Pack {
    let types = r#"
[types.line]
qty = "number"
[documents.note]
as_of = "date"
[documents.note.fields]
date = "date"
due = "date"
reason = "string"
name = "string"
days = "integer"
lines = "list<line>"
"#;
    let t = text("t");
    let rules = [
        rule("HAS-01", "note", &t, &["assert = \"has(doc.reason) || has(doc.name)\"\npath = \"/reason\""]),
        rule("MSG-01", "note", r#"{ kk = "{who}", ru = "{who}", en = "too long for {who}" }"#, &["let = { who = \"doc.name\" }\nassert = \"doc.days <= 10\"\npath = \"/days\""]),
        rule("DUE-01", "note", &t, &["assert = \"doc.due >= doc.date\"\npath = \"/due\""]),
        rule("QTY-01", "note", &t, &["for_each = \"/lines\"\nassert = \"item.qty > 0\"\npath = \"/qty\""]),
    ]
    .concat();
    Pack::from_files(&fixture_pack("presence", "", types, &rules)).expect("loads")
}

#[test]
fn a_check_that_asks_whether_data_is_there_waits_in_draft() {
    let p = presence_pack();
    let doc = json!({"document_type": "note", "date": "2026-01-01"});
    let draft = run(&p, &doc, Mode::Draft);
    assert!(draft.findings.is_empty(), "{:?}", draft.findings);
    let has = draft.skipped.expect("listed").into_iter().find(|s| s.rule_id == "HAS-01").expect("HAS-01 waits");
    assert_eq!(has.waits_for, ["/reason", "/name"]);
    assert!(ids(&run(&p, &doc, Mode::Submit)).contains(&("HAS-01".into(), "/reason".into())));
    // Once one is filled, the check is decided on data, as in submit.
    let filled = json!({"document_type": "note", "date": "2026-01-01", "reason": "r", "name": "n"});
    assert!(!ids(&run(&p, &filled, Mode::Draft)).iter().any(|(r, _)| r == "HAS-01"));
}

#[test]
fn a_let_read_only_by_the_message_does_not_hide_a_wrong_present_value_in_draft() {
    let p = presence_pack();
    let doc = json!({"document_type": "note", "date": "2026-01-01", "days": 50});
    let draft = run(&p, &doc, Mode::Draft);
    assert!(ids(&draft).contains(&("MSG-01".into(), "/days".into())), "{:?}", draft.findings);
    assert_eq!(ids(&draft), ids(&run(&p, &doc, Mode::Submit)).into_iter().filter(|(r, _)| r == "MSG-01").collect::<Vec<_>>());
}

#[test]
fn blank_text_is_not_filled_in_yet_in_draft() {
    let p = presence_pack();
    let doc = json!({"document_type": "note", "date": "2026-01-01", "due": "", "reason": "  "});
    let draft = run(&p, &doc, Mode::Draft);
    // No TYPE finding for the blank date, no DUE-01 info, no HAS-01 error at the blank reason.
    assert!(draft.findings.is_empty(), "{:?}", draft.findings);
    let skipped = draft.skipped.expect("listed");
    assert!(skipped.iter().any(|s| s.rule_id == "DUE-01" && s.waits_for == ["/due"]), "{skipped:?}");
    // Submit reports the blank date as not a date.
    assert!(ids(&run(&p, &doc, Mode::Submit)).contains(&("TYPE".into(), "/due".into())));
}

#[test]
fn the_skipped_list_keeps_to_the_findings_cap_and_says_where_it_was_cut() {
    let p = presence_pack();
    let lines: Vec<Value> = (0..50).map(|_| json!({})).collect();
    let doc = json!({"document_type": "note", "date": "2026-01-01", "reason": "r", "lines": lines});
    let opts = Options { mode: Mode::Draft, max_findings: 10, ..Options::default() };
    let r = p.validate(&doc, &opts).expect("validates");
    let skipped = r.skipped.expect("listed");
    assert_eq!(skipped.len(), 11, "ten places and the LIMIT entry");
    assert_eq!(skipped.last().map(|s| s.rule_id.as_str()), Some("LIMIT"));
    // And within the result's bytes: a small budget lists fewer, and the result fits it.
    let opts = Options { mode: Mode::Draft, max_result_bytes: 2_000, ..Options::default() };
    let r = p.validate(&doc, &opts).expect("validates");
    let text = serde_json::to_string(&r).expect("json");
    assert!(text.len() <= 2_000, "{} bytes", text.len());
    assert_eq!(r.skipped.expect("listed").last().map(|s| s.rule_id.clone()), Some("LIMIT".to_string()));
}
