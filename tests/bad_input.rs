//! Bad input is normal input: garbage, wrong types, unknown document types, deep nesting and
//! oversized documents give findings or a clear error, never a panic or a hang.
use qagida::{InputError, Options, Pack};
use serde_json::{Value, json};

fn pack() -> Pack {
    Pack::embedded().unwrap()
}

/// A tiny deterministic generator, so failures reproduce.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn random_bytes_never_panic() {
    let p = pack();
    let mut rng = Lcg(7);
    for _ in 0..3000 {
        let len = (rng.next() % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 256) as u8).collect();
        let _ = p.validate_bytes(&bytes, &Options::default());
    }
}

#[test]
fn json_shaped_garbage_never_panics() {
    let p = pack();
    let alphabet: &[&str] = &["{", "}", "[", "]", ",", ":", "\"document_type\"", "\"prescription\"", "\"mdt_conclusion\"",
        "\"lines\"", "\"items\"", "1e999", "-0", "\"2026-02-30\"", "null", "true", "\"x\"", "0.000000000000000000000000000001",
        "\"single_dose\"", "\"amount\"", "12345678901234567890123456789"];
    let mut rng = Lcg(42);
    for _ in 0..3000 {
        let n = (rng.next() % 40) as usize;
        let s: String = (0..n).map(|_| alphabet[(rng.next() as usize) % alphabet.len()]).collect();
        let _ = p.validate_bytes(s.as_bytes(), &Options::default());
    }
}

#[test]
fn non_json_is_a_clear_error() {
    let err = pack().validate_bytes(b"{not json", &Options::default()).unwrap_err();
    assert!(matches!(err, InputError::NotJson(_)), "{err}");
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let err = pack().validate_bytes(deep.as_bytes(), &Options::default()).unwrap_err();
    assert!(matches!(err, InputError::TooDeep { .. }), "{err}");
}

#[test]
fn oversized_input_is_refused() {
    let opts = Options { max_input_bytes: 1000, ..Options::default() };
    let big = format!("{{\"document_type\":\"prescription\",\"x\":\"{}\"}}", "a".repeat(2000));
    assert!(matches!(pack().validate_bytes(big.as_bytes(), &opts), Err(InputError::TooLarge { .. })));
}

#[test]
fn unknown_document_type_is_a_finding_at_document_type() {
    let r = pack().validate(&json!({"document_type": "invoice"}), &Options::default()).unwrap();
    assert!(!r.valid);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].rule_id, "DOCTYPE");
    assert_eq!(r.findings[0].path, "/document_type");
    assert_eq!(r.findings[0].actual.as_deref(), Some("invoice"));
}

#[test]
fn missing_document_type_and_non_object_documents_are_findings() {
    let p = pack();
    let r = p.validate(&json!({"id": "x"}), &Options::default()).unwrap();
    assert_eq!(r.findings[0].rule_id, "DOCTYPE");
    let r = p.validate(&json!([1, 2]), &Options::default()).unwrap();
    assert_eq!((r.findings[0].rule_id.as_str(), r.findings[0].path.as_str()), ("TYPE", ""));
}

fn fixtures() -> Vec<(String, Value)> {
    pack().fixtures.iter().map(|(k, v)| (k.clone(), v.to_serde())).collect()
}

/// Every leaf path of a JSON value.
fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => o.iter().for_each(|(k, x)| leaves(x, format!("{path}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| leaves(x, format!("{path}/{i}"), out)),
        _ => out.push(path),
    }
}

#[test]
fn every_field_of_every_fixture_with_a_wrong_type_never_panics_and_is_reported() {
    let p = pack();
    let wrong = [json!({"a": 1}), json!([1, [2]]), json!(true), json!("not-a-value"), json!(1.5), json!(null)];
    for (name, doc) in fixtures() {
        let mut paths = Vec::new();
        leaves(&doc, String::new(), &mut paths);
        for path in paths.iter().filter(|p| *p != "/document_type") {
            for w in &wrong {
                let mut d = doc.clone();
                *d.pointer_mut(path).unwrap() = w.clone();
                let r = p.validate(&d, &Options::default()).unwrap_or_else(|e| panic!("{name}{path}: {e}"));
                // A value of the wrong kind where an object or list was expected is a TYPE finding
                // (a bundle member's document_type: a DOCTYPE one).
                // Fields the model types `any` take any value (a service record's nosology and
                // provider are names: a string, or an object with a name).
                let untyped = ["/info/nosology/", "/info/provider/"].iter().any(|p| path.starts_with(p));
                if w.is_object() && !doc.pointer(path).unwrap().is_object() && !untyped {
                    let want = if path.ends_with("/document_type") { "DOCTYPE" } else { "TYPE" };
                    assert!(r.findings.iter().any(|f| f.rule_id == want && f.path == *path), "{name}{path} = {w}: {:?}", r.findings);
                }
            }
        }
    }
}
