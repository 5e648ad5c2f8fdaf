//! JSON Pointers in rule files read array indices by RFC 6901 everywhere: `0` or digits without a
//! leading zero, never a sign. `require`, `for_each`, the loader's type resolution and the pack
//! tests' `set`/`remove` share that one rule.
use qagida::{Files, Options, Pack};
use serde_json::json;

mod common;

use common::{MSGS, text};

fn pack_with(require: &str) -> Files {
    let mut f = Files::new();
    f.insert(
        "pack.toml".into(),
        format!(
            r#"id = "ptr"
version = "1.0.0"
effective_from = 2020-01-01
languages = ["kk", "ru", "en"]
default_language = "en"
timezone = "+05:00"
types = "types.toml"
rule_files = ["rules.toml"]
{MSGS}"#
        ),
    );
    f.insert(
        "types.toml".into(),
        r#"
[types.line]
code = "string"
[documents.order.fields]
lines = "list<line>"
extra = "any"
"#
        .into(),
    );
    f.insert(
        "rules.toml".into(),
        format!(
            r#"
[[rule]]
id = "REQ-01"
applies_to = "order"
severity = "error"
clause = {c}
message = {m}
[[rule.check]]
require = [{require}]
"#,
            c = text("clause"),
            m = text("missing {{path}}")
        ),
    );
    f
}

fn finding_paths(pack: &Pack, doc: &serde_json::Value) -> Vec<String> {
    let r = pack.validate(doc, &Options::default()).unwrap();
    r.findings.into_iter().map(|f| format!("{}@{}", f.rule_id, f.path)).collect()
}

#[test]
fn a_require_pointer_reads_a_list_index_as_rfc_6901_does() {
    let pack = Pack::from_files(&pack_with(r#""/lines/1/code""#)).unwrap();
    let two = json!({"document_type": "order", "lines": [{"code": "A"}, {"code": "B"}]});
    assert!(finding_paths(&pack, &two).is_empty());
    let second_blank = json!({"document_type": "order", "lines": [{"code": "A"}, {"code": " "}]});
    assert_eq!(finding_paths(&pack, &second_blank), ["REQ-01@/lines/1/code"]);
    let one = json!({"document_type": "order", "lines": [{"code": "A"}]});
    assert_eq!(finding_paths(&pack, &one), ["REQ-01@/lines/1/code"]);
}

#[test]
fn a_list_index_with_a_leading_zero_or_a_sign_is_refused_when_the_pack_loads() {
    for bad in ["01", "+1", "-1", "1.0", ""] {
        let err = Pack::from_files(&pack_with(&format!(r#""/lines/{bad}/code""#)))
            .err()
            .unwrap_or_else(|| panic!("`/lines/{bad}/code` loaded"))
            .to_string();
        assert!(err.contains(&format!("cannot step into `{bad}`")), "{bad}: {err}");
    }
}

#[test]
fn under_an_untyped_field_a_leading_zero_index_finds_nothing_at_run_time() {
    // `any` is not checked when the pack loads; at run time "01" is not index 1 (RFC 6901), so
    // the required value is missing even though the array has two elements.
    let pack = Pack::from_files(&pack_with(r#""/extra/01""#)).unwrap();
    let doc = json!({"document_type": "order", "lines": [], "extra": ["a", "b"]});
    assert_eq!(finding_paths(&pack, &doc), ["REQ-01@/extra/01"]);
    let pack = Pack::from_files(&pack_with(r#""/extra/1""#)).unwrap();
    assert!(finding_paths(&pack, &doc).is_empty());
}
