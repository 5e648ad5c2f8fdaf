//! Every limit of docs/LIMITS.md fires with its own clear error (never a panic or a hang), and
//! adversarial inputs cost bounded work. No timed assertions: each test just has to return.
use qagida::{InputError, Options, Pack};
use serde_json::{Value, json};

mod common;

use common::{fixture_pack, text};

/// A small pack: orders with lines, a per-line rule, a quadratic rule, and bundles of orders.
fn pack() -> Pack {
    let rules = format!(
        r#"
[[rule]]
id = "QTY-01"
applies_to = "order"
severity = "error"
clause = {c}
message = {m}
[[rule.check]]
for_each = "/lines"
assert = "item.qty <= 5"
path = "/qty"
actual = "item.qty"

[[rule]]
id = "DUP-01"
applies_to = "order"
severity = "warning"
clause = {c}
message = {m}
[[rule.check]]
for_each = "/lines"
assert = "count(doc.lines, l, l.code == item.code) == 1"
path = "/code"
"#,
        c = text("clause"),
        m = text("message {{actual}}")
    );
    Pack::from_files(&fixture_pack("limits", "", TYPES, &rules)).unwrap()
}

const TYPES: &str = r#"
[types.line]
code = "string"
qty = "number"
[documents.order]
as_of = "date"
[documents.order.fields]
id = "string"
date = "date"
lines = "list<line>"
[documents.bundle.fields]
documents = "list<document>"
"#;

fn order(lines: usize, qty: u32) -> Value {
    let lines: Vec<Value> = (0..lines).map(|i| json!({"code": format!("C{i}"), "qty": qty})).collect();
    json!({"document_type": "order", "id": "O-1", "date": "2026-01-01", "lines": lines})
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

// ---- input size -------------------------------------------------------------------------

#[test]
fn input_over_max_input_bytes_is_too_large() {
    let p = pack();
    let doc = format!(r#"{{"document_type":"order","id":"{}"}}"#, "x".repeat(20 << 20));
    let err = p.validate_bytes(doc.as_bytes(), &Options::default()).unwrap_err();
    assert_eq!(err, InputError::TooLarge { size: doc.len(), limit: 16 << 20 });
    assert!(err.to_string().contains("over the limit of 16777216 bytes"), "{err}");
}

#[test]
fn a_ten_megabyte_string_within_the_limit_is_just_a_document() {
    let p = pack();
    let doc = format!(r#"{{"document_type":"order","id":"{}","date":"2026-01-01","lines":[]}}"#, "я".repeat(5 << 20));
    let r = p.validate_bytes(doc.as_bytes(), &Options::default()).unwrap();
    assert!(r.valid, "{:?}", r.findings);
}

// ---- nesting depth ----------------------------------------------------------------------

#[test]
fn a_million_nested_arrays_are_too_deep() {
    let p = pack();
    let deep = "[".repeat(1_000_000) + &"]".repeat(1_000_000);
    let err = p.validate_bytes(deep.as_bytes(), &Options::default()).unwrap_err();
    assert_eq!(err, InputError::TooDeep { limit: 64 });
    // Unterminated, and inside an object: the same.
    let deep = format!(r#"{{"document_type":"order","lines":{}"#, "[".repeat(1_000_000));
    assert_eq!(p.validate_bytes(deep.as_bytes(), &Options::default()).unwrap_err(), InputError::TooDeep { limit: 64 });
}

#[test]
fn depth_limit_applies_to_parsed_documents_too() {
    let p = pack();
    let mut v = json!("leaf");
    for _ in 0..100 {
        v = json!([v]);
    }
    let doc = json!({"document_type": "order", "id": v});
    let err = p.validate(&doc, &Options::default()).unwrap_err();
    assert_eq!(err, InputError::TooDeep { limit: 64 });
    assert_eq!(err.to_string(), "input nesting is deeper than the limit of 64");
}

// ---- array length -----------------------------------------------------------------------

#[test]
fn a_need_with_200_000_lines_is_refused_before_parsing() {
    let p = pack();
    let doc = bytes(&order(200_000, 1));
    let err = p.validate_bytes(&doc, &Options::default()).unwrap_err();
    assert_eq!(err, InputError::ArrayTooLong { limit: 100_000 });
    assert_eq!(err.to_string(), "input has an array of more than 100000 elements");
}

#[test]
fn array_limit_is_exact_for_bytes_and_parsed_values() {
    let p = pack();
    let opts = Options { max_array_len: 10, ..Options::default() };
    assert!(p.validate_bytes(&bytes(&order(10, 1)), &opts).is_ok());
    assert!(p.validate(&order(10, 1), &opts).is_ok());
    assert_eq!(p.validate_bytes(&bytes(&order(11, 1)), &opts).unwrap_err(), InputError::ArrayTooLong { limit: 10 });
    assert_eq!(p.validate(&order(11, 1), &opts).unwrap_err(), InputError::ArrayTooLong { limit: 10 });
    // Any array counts, declared in the model or not; commas in strings and objects do not.
    let stray = json!({"document_type": "order", "extra": (0..11).collect::<Vec<_>>()});
    assert_eq!(p.validate_bytes(&bytes(&stray), &opts).unwrap_err(), InputError::ArrayTooLong { limit: 10 });
    let commas = json!({"document_type": "order", "id": ",".repeat(50), "x": [{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11}]});
    assert!(p.validate_bytes(&bytes(&commas), &opts).is_ok());
}

#[test]
fn a_wide_flat_array_at_the_limit_costs_linear_work() {
    // 16 MiB of `[0,0,0,…]` would be 8 million values: refused by the pre-scan instead.
    let p = pack();
    let mut s = String::from("[");
    s.push_str(&"0,".repeat(8_000_000));
    s.push_str("0]");
    assert_eq!(p.validate_bytes(s.as_bytes(), &Options::default()).unwrap_err(), InputError::ArrayTooLong { limit: 100_000 });
}

// ---- bundle size ------------------------------------------------------------------------

#[test]
fn a_bundle_over_max_bundle_documents_is_refused() {
    let p = pack();
    let member = order(1, 1);
    let bundle = |n: usize| json!({"document_type": "bundle", "documents": vec![member.clone(); n]});
    let err = p.validate(&bundle(10_001), &Options::default()).unwrap_err();
    assert_eq!(err, InputError::TooManyDocuments { field: "documents".into(), count: 10_001, limit: 10_000 });
    assert_eq!(err.to_string(), "bundle field `documents` holds 10001 documents, over the limit of 10000");
    let opts = Options { max_bundle_documents: 3, ..Options::default() };
    assert!(p.validate(&bundle(3), &opts).unwrap().valid);
    assert!(matches!(p.validate_bytes(&bytes(&bundle(4)), &opts), Err(InputError::TooManyDocuments { count: 4, .. })));
}

#[test]
fn a_bundle_at_the_limit_validates_every_member() {
    let p = pack();
    let docs: Vec<Value> = (0..10_000).map(|i| order(2, if i == 9_999 { 9 } else { 1 })).collect();
    let r = p.validate(&json!({"document_type": "bundle", "documents": docs}), &Options::default()).unwrap();
    let paths: Vec<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["/documents/9999/lines/0/qty", "/documents/9999/lines/1/qty"]);
}

// ---- evaluation budget ------------------------------------------------------------------

#[test]
fn an_expression_heavy_document_exhausts_the_budget() {
    // DUP-01 is quadratic in the number of lines: 50 000 lines would be 2.5e9 steps.
    let p = pack();
    let err = p.validate_bytes(&bytes(&order(50_000, 1)), &Options::default()).unwrap_err();
    assert_eq!(err, InputError::BudgetExhausted(10_000_000));
    assert_eq!(err.to_string(), "validation exceeded its evaluation budget of 10000000 steps");
    // A smaller budget fires on a smaller document; a large one lets it through.
    let small = Options { max_steps: 10_000, ..Options::default() };
    assert_eq!(p.validate(&order(200, 1), &small).unwrap_err(), InputError::BudgetExhausted(10_000));
    assert!(p.validate(&order(200, 1), &Options::default()).unwrap().valid);
}

#[test]
fn the_budget_is_per_document_across_bundle_members() {
    // Each member is cheap; together they are not.
    let p = pack();
    let docs: Vec<Value> = (0..100).map(|_| order(50, 1)).collect();
    let bundle = json!({"document_type": "bundle", "documents": docs});
    let opts = Options { max_steps: 100_000, ..Options::default() };
    assert!(p.validate(&order(50, 1), &opts).is_ok());
    assert_eq!(p.validate(&bundle, &opts).unwrap_err(), InputError::BudgetExhausted(100_000));
}

// ---- findings cap -----------------------------------------------------------------------

#[test]
fn findings_past_max_findings_are_cut_with_one_limit_finding() {
    let p = pack();
    let opts = Options { max_findings: 100, ..Options::default() };
    let r = p.validate(&order(1_000, 9), &opts).unwrap();
    assert!(r.truncated);
    assert!(!r.valid);
    assert_eq!(r.findings.len(), 101);
    assert!(r.findings[..100].iter().all(|f| f.rule_id == "QTY-01"));
    let last = r.findings.last().unwrap();
    assert_eq!((last.rule_id.as_str(), last.path.as_str()), ("LIMIT", ""));
    assert_eq!(last.message, "more than 100 findings: validation stopped and the rest are not reported");
    // The findings kept are the first ones, in order.
    assert_eq!(r.findings[99].path, "/lines/99/qty");
    // Serialised, the flag is there only when true.
    let s = serde_json::to_value(&r).unwrap();
    assert_eq!(s["truncated"], true);
    let ok = serde_json::to_value(p.validate(&order(3, 1), &opts).unwrap()).unwrap();
    assert!(ok.get("truncated").is_none(), "{ok}");
}

#[test]
fn exactly_max_findings_is_not_truncated() {
    let p = pack();
    let opts = Options { max_findings: 100, ..Options::default() };
    let r = p.validate(&order(100, 9), &opts).unwrap();
    assert!(!r.truncated);
    assert_eq!(r.findings.len(), 100);
}

#[test]
fn a_truncated_result_is_never_valid_even_with_only_warnings() {
    // Duplicate codes are warnings: 1 000 of them, cut at 10.
    let p = pack();
    let mut doc = order(1_000, 1);
    for l in doc["lines"].as_array_mut().unwrap() {
        l["code"] = json!("SAME");
    }
    let opts = Options { max_findings: 10, ..Options::default() };
    let r = p.validate(&doc, &opts).unwrap();
    assert!(r.truncated && !r.valid);
    assert_eq!(r.findings.len(), 11);
}

#[test]
fn type_findings_count_towards_the_cap_too() {
    let p = pack();
    let lines: Vec<Value> = (0..50_000).map(|_| json!({"code": 1, "qty": "many"})).collect();
    let doc = json!({"document_type": "order", "id": "O", "date": "2026-01-01", "lines": lines});
    let r = p.validate_bytes(&bytes(&doc), &Options::default()).unwrap();
    assert!(r.truncated);
    assert_eq!(r.findings.len(), 10_001);
    assert!(r.findings[..10_000].iter().all(|f| f.rule_id == "TYPE"));
}

#[test]
fn the_limit_finding_speaks_the_requested_language() {
    let p = pack();
    for (lang, word) in [(qagida::Lang::new("kk").unwrap(), "шегінен"), (qagida::Lang::new("ru").unwrap(), "предела"), (qagida::Lang::new("en").unwrap(), "findings")] {
        let opts = Options { max_findings: 1, lang: Some(lang.code().into()), ..Options::default() };
        let r = p.validate(&order(5, 9), &opts).unwrap();
        assert!(r.findings.last().unwrap().message.contains(word), "{:?}", r.findings);
    }
}

// ---- adversarial, all at their defaults -------------------------------------------------

#[test]
fn the_embedded_pack_survives_adversarial_documents() {
    let p = Pack::embedded().unwrap();
    let opts = Options::default();
    // A need with 30 000 lines, each line wrong in several ways.
    let line = json!({"patient": {"iin": "1"}, "single_dose": {"amount": "-1", "unit": ""}, "annual_need": "x"});
    let need = json!({"document_type": "personalized_need", "fiscal_year": 2027, "lines": vec![line; 30_000]});
    let r = p.validate_bytes(&bytes(&need), &opts);
    assert!(matches!(&r, Ok(r) if !r.valid) || matches!(r, Err(InputError::BudgetExhausted(_))), "{r:?}");
    if let Ok(r) = r {
        assert!(r.findings.len() <= 10_001);
    }
    // Every document type, with a 10 MB string in every place a string could go.
    let big = "ә".repeat(5 << 20);
    for t in p.doc_types.keys() {
        let doc = json!({"document_type": t, "id": big, "number": big});
        let _ = p.validate_bytes(&bytes(&doc), &opts);
    }
}
