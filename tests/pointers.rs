//! JSON Pointers in rule files, and the lists checks run over (`for_each`, `then_each`).
//!
//! Array indices are read by RFC 6901 everywhere: `0` or digits without a leading zero, never a
//! sign. `require`, `for_each`, the loader's type resolution and the pack tests' `set`/`remove`
//! share that one rule.
use qagida::{Files, Options, Pack};
use serde_json::json;

mod common;

use common::{fixture_pack, text};

fn pack_with(require: &str) -> Files {
    pack_with_check(&format!("applies_to = \"order\"\nrequire = [{require}]"))
}

/// A pack of `order`s (with `lines`) and `bundle`s; its one rule REQ-01 has the check `check`.
fn pack_with_check(check: &str) -> Files {
    let rules = format!(
        r#"
[[rule]]
id = "REQ-01"
applies_to = ["order", "bundle"]
severity = "error"
clause = {c}
message = {m}
[[rule.check]]
{check}
"#,
        c = text("clause"),
        m = text("missing {{path}}")
    );
    fixture_pack("ptr", "", TYPES, &rules)
}

const TYPES: &str = r#"
[types.line]
code = "string"
[documents.order.fields]
id = "string"
lines = "list<line>"
extra = "any"
[documents.note.fields]
lines = "list<line>"
[documents.bundle.fields]
documents = "list<document>"
"#;

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

fn bundle() -> serde_json::Value {
    json!({"document_type": "bundle", "documents": [
        {"document_type": "order", "id": "A", "lines": [{"code": "ok"}, {"code": "X"}]},
        {"document_type": "note", "lines": [{"code": "X"}]},
        {"document_type": "order", "id": "B", "lines": [{"code": "X"}, {"code": ""}]}
    ]})
}

const EACH_LINE: &str = r#"applies_to = "bundle"
for_each = "/documents"
of_type = "order"
then_each = "/lines""#;

#[test]
fn then_each_runs_a_check_on_every_element_of_a_list_inside_each_item_and_points_at_it() {
    let pack = Pack::from_files(&pack_with_check(&format!(
        "{EACH_LINE}\nlet = {{ code = \"elem.code\", order = \"item.id\" }}\nassert = \"code != 'X' || order == 'A'\"\npath = \"/code\""
    )))
    .unwrap();
    // Only order B's line 0: order A's X is allowed by `item`, the note is not an order.
    assert_eq!(finding_paths(&pack, &bundle()), ["REQ-01@/documents/2/lines/0/code"]);
}

#[test]
fn then_each_makes_require_relative_to_the_element() {
    let pack = Pack::from_files(&pack_with_check(&format!("{EACH_LINE}\nrequire = [\"/code\"]"))).unwrap();
    assert_eq!(finding_paths(&pack, &bundle()), ["REQ-01@/documents/2/lines/1/code"]);
}

#[test]
fn then_each_is_refused_without_for_each_outside_the_item_or_into_a_non_list() {
    let cases = [
        ("applies_to = \"order\"\nthen_each = \"/lines\"\nrequire = [\"/code\"]", "`then_each` needs a `for_each`"),
        ("applies_to = \"bundle\"\nfor_each = \"/documents\"\nof_type = \"order\"\nthen_each = \"/rows\"\nrequire = [\"/code\"]", "unknown field `rows`"),
        ("applies_to = \"bundle\"\nfor_each = \"/documents\"\nof_type = \"order\"\nthen_each = \"/id\"\nrequire = [\"/code\"]", "then_each must point at a list"),
        (&format!("{EACH_LINE}\nrequire = [\"/nope\"]"), "unknown field `nope`"),
        (&format!("{EACH_LINE}\nlet = {{ elem = \"1\" }}\nassert = \"true\""), "`elem` is reserved"),
    ];
    for (check, want) in cases {
        let err = Pack::from_files(&pack_with_check(check)).err().unwrap_or_else(|| panic!("loaded: {check}")).to_string();
        assert!(err.contains(want), "{check}\n{err}");
    }
}

#[test]
fn what_two_checks_of_a_rule_could_not_check_is_one_info_per_line_naming_all_it_lacked() {
    // Both checks run over every line, one after the other: line 0 lacks what both read (its
    // code, the order's `extra`), line 1 what the second reads. One info per line, in line
    // order, naming everything the line's checks lacked.
    let pack = Pack::from_files(&pack_with_check(
        "applies_to = \"order\"\nfor_each = \"/lines\"\nassert = \"item.code != 'X'\"\n[[rule.check]]\napplies_to = \"order\"\nfor_each = \"/lines\"\nassert = \"doc.extra != 'Y'\"",
    ))
    .unwrap();
    let doc = json!({"document_type": "order", "lines": [{}, {"code": "A"}]});
    let r = pack.validate(&doc, &Options::default()).unwrap();
    assert!(r.findings.iter().all(|f| f.severity == qagida::Severity::Info), "{:?}", r.findings);
    let infos: Vec<(&str, Option<&str>)> = r.findings.iter().map(|f| (f.path.as_str(), f.actual.as_deref())).collect();
    assert_eq!(infos, [("/lines/0/code", Some("/lines/0/code, /extra")), ("/extra", Some("/extra"))], "{:?}", r.findings);
}
