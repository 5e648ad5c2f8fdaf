//! The document model's labels (issue 16): `[documents.T] label`, `[labels.T]`, `[enums.NAME]`
//! are pack data; the loader refuses labels of fields that do not exist; `{field}` in a message
//! names the field by its label in the message's language; TYPE findings say what was expected
//! in plain words; the JSON Schema of the documents carries it all.

mod common;

use common::{fixture_pack, text};
use qagida::{Files, Options, Pack};
use serde_json::json;

const TYPES: &str = r#"
[types.dose]
amount = "number"
route = "string"

[documents.order]
as_of = "date"
label = { kk = "Тапсырыс", ru = "Заказ", en = "Order" }
[documents.order.fields]
date = "date"
per_day = "integer"
dose = "dose"
tags = "list<string>"

[labels.order]
per_day = { kk = "Тәулігіне", ru = "Приёмов в сутки", en = "Doses per day" }
date = { kk = "Күні", ru = "Дата", en = "Date" }
[labels.dose]
amount = { kk = "Мөлшері", ru = "Количество", en = "Amount" }

[enums.route]
fields = ["dose.route"]
[enums.route.values]
oral = { kk = "Ішу арқылы", ru = "Перорально", en = "Oral" }
intravenous = { kk = "Көктамыр ішіне", ru = "Внутривенно", en = "Intravenous" }

[enums.tag]
fields = ["order.tags"]
open = true
[enums.tag.values]
urgent = { kk = "Шұғыл", ru = "Срочно", en = "Urgent" }
"#;

const PLAIN: &str = r#"type_expected_integer = { kk = "{field}: бүтін сан керек", ru = "{field}: нужно целое число", en = "{field} must be a whole number" }
type_expected_number = { kk = "{field}: сан керек", ru = "{field}: нужно число", en = "{field} must be a number" }
"#;

fn rules(message: &str) -> String {
    format!(
        r#"
[[rule]]
id = "R-1"
applies_to = "order"
severity = "error"
title = {title}
clause = {clause}
message = {message}
[[rule.check]]
assert = "doc.per_day <= 4"
path = "/per_day"
"#,
        title = text("t"),
        clause = text("c"),
    )
}

fn pack_with(types: &str, message: &str, plain: bool) -> Result<Pack, qagida::PackError> {
    let mut files: Files = fixture_pack("lbl", "", types, &rules(message));
    if plain {
        let p = files.get_mut("pack.toml").expect("pack.toml");
        p.push_str(PLAIN);
    }
    Pack::from_files(&files)
}

fn pack() -> Pack {
    pack_with(TYPES, r#"{ kk = "{field} тым көп", ru = "{field}: слишком много", en = "{field}: too many ({path})" }"#, true).expect("the pack loads")
}

fn findings(p: &Pack, doc: serde_json::Value, lang: &str) -> Vec<(String, String, String)> {
    let r = p.validate(&doc, &Options { lang: Some(lang.into()), ..Options::default() }).expect("validates");
    r.findings.into_iter().map(|f| (f.rule_id, f.path, f.message)).collect()
}

#[test]
fn a_rule_message_names_its_field_by_the_label_in_each_language() {
    let p = pack();
    let doc = json!({"document_type": "order", "date": "2026-01-01", "per_day": 9});
    assert_eq!(findings(&p, doc.clone(), "en"), [("R-1".into(), "/per_day".into(), "Doses per day: too many (/per_day)".into())]);
    assert_eq!(findings(&p, doc.clone(), "ru")[0].2, "Приёмов в сутки: слишком много");
    assert_eq!(findings(&p, doc, "kk")[0].2, "Тәулігіне тым көп");
}

#[test]
fn a_type_finding_says_in_plain_words_what_the_labelled_field_must_be() {
    let p = pack();
    let doc = json!({"document_type": "order", "date": "2026-01-01", "per_day": "two", "dose": {"amount": true}});
    let f = findings(&p, doc, "en");
    assert!(f.contains(&("TYPE".into(), "/per_day".into(), "Doses per day must be a whole number".into())), "{f:?}");
    assert!(f.contains(&("TYPE".into(), "/dose/amount".into(), "Amount must be a number".into())), "{f:?}");
}

#[test]
fn without_a_plain_message_or_a_label_the_type_finding_keeps_the_general_one() {
    let p = pack();
    // `date` has no plain date message in this pack: type_mismatch is said.
    let f = findings(&p, json!({"document_type": "order", "date": 5}), "en");
    assert!(f.contains(&("TYPE".into(), "/date".into(), "type date".into())), "{f:?}");
    // A field without a label: its pointer stands for it.
    let types = TYPES.replace("per_day = { kk = \"Тәулігіне\", ru = \"Приёмов в сутки\", en = \"Doses per day\" }\n", "");
    let p = pack_with(&types, &text("m"), true).expect("loads");
    let f = findings(&p, json!({"document_type": "order", "date": "2026-01-01", "per_day": 1.5}), "en");
    assert!(f.contains(&("TYPE".into(), "/per_day".into(), "/per_day must be a whole number".into())), "{f:?}");
}

#[test]
fn labels_of_fields_that_do_not_exist_are_refused_with_their_place() {
    for (bad, says) in [
        ("[labels.dose_]\nper_dya = { kk = \"a\", ru = \"b\", en = \"c\" }\n", "`dose` has no field `per_dya`"),
        ("[labels.nothing]\nx = { kk = \"a\", ru = \"b\", en = \"c\" }\n", "no record or document type `nothing`"),
        ("[labels.dose_]\nroute = { kk = \"a\", en = \"c\" }\n", "has no `ru` text"),
        ("[enums.e]\nfields = [\"dose.amount\"]\nvalues.a = { kk = \"a\", ru = \"b\", en = \"c\" }\n", "`dose.amount` is number, not a string"),
        ("[enums.e]\nfields = [\"dose.nope\"]\nvalues.a = { kk = \"a\", ru = \"b\", en = \"c\" }\n", "no field `nope`"),
        ("[enums.e]\nfields = [\"dose.route\"]\nvalues.a = { kk = \"a\", ru = \"b\", en = \"c\" }\n", "is in both `route` and `e`"),
        ("[enums.e]\nfields = [\"route\"]\nvalues.a = { kk = \"a\", ru = \"b\", en = \"c\" }\n", "is not TYPE.FIELD"),
    ] {
        // `[labels.dose_]`: lines added to the table `[labels.dose]` (a TOML table is written once).
        let types = match bad.strip_prefix("[labels.dose_]\n") {
            Some(lines) => TYPES.replace("[labels.dose]\n", &format!("[labels.dose]\n{lines}")),
            None => format!("{TYPES}\n{bad}"),
        };
        let err = pack_with(&types, &text("m"), false).err().unwrap_or_else(|| panic!("{bad} loaded")).to_string();
        assert!(err.contains(says), "{bad}: {err}");
        assert!(err.contains("types.toml:"), "the error names its file and line: {err}");
    }
}

#[test]
fn the_schema_carries_types_labels_and_enumerations() {
    let p = pack();
    let s = qagida::schema::document_schema(&p, Some("ru"));
    assert_eq!(s["oneOf"], json!([{"$ref": "#/$defs/order"}]));
    let order = &s["$defs"]["order"];
    assert_eq!(order["description"], "Заказ");
    assert_eq!(order["x-qagida-labels"], json!({"kk": "Тапсырыс", "ru": "Заказ", "en": "Order"}));
    assert_eq!(order["properties"]["document_type"], json!({"const": "order"}));
    assert_eq!(order["properties"]["per_day"]["type"], json!(["integer", "null"]));
    assert_eq!(order["properties"]["per_day"]["description"], "Приёмов в сутки");
    assert_eq!(order["properties"]["date"]["format"], "date");
    assert_eq!(order["properties"]["dose"], json!({"anyOf": [{"$ref": "#/$defs/dose"}, {"type": "null"}]}));
    let tags = &order["properties"]["tags"];
    assert_eq!(tags["items"]["examples"], json!(["urgent"]));
    assert_eq!(tags["items"]["tsType"], "\"urgent\" | (string & {}) | null");
    let route = &s["$defs"]["dose"]["properties"]["route"];
    assert_eq!(route["enum"], json!(["oral", "intravenous", null]));
    assert_eq!(route["x-qagida-enum-labels"]["intravenous"]["kk"], "Көктамыр ішіне");
    assert_eq!(s["$defs"]["dose"]["properties"]["amount"]["type"], json!(["number", "string", "null"]));
    assert_eq!(qagida::schema::unlabelled(&p), ["order.dose", "order.tags", "dose.route"]);
}

#[test]
fn labels_survive_the_compiled_form() {
    let p = pack();
    let back = Pack::from_compiled(&p.to_compiled()).expect("reads back");
    assert_eq!(qagida::schema::document_schema(&back, Some("kk")), qagida::schema::document_schema(&p, Some("kk")));
    let doc = json!({"document_type": "order", "date": "2026-01-01", "per_day": 9});
    assert_eq!(findings(&back, doc.clone(), "ru"), findings(&p, doc, "ru"));
}
#[test]
fn the_shipped_pack_labels_every_field_and_document_type() {
    let p = Pack::load_dir(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/kz-orphan"))).expect("loads");
    let missing = qagida::schema::unlabelled(&p);
    assert!(missing.is_empty(), "fields without labels: {missing:?}");
}
