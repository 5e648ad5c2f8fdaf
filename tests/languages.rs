//! Languages are pack data (issue 13): a pack declares any BCP 47 tags, and the engine, the
//! compiled form and the options serve them with no change to the engine.

mod common;

use common::MSGS;
use qagida::{Files, Lang, Options, Pack};
use serde_json::json;

const TYPES: &str = r#"
[types.line]
qty = "number"
[documents.order]
as_of = "date"
[documents.order.fields]
id = "string"
date = "date"
lines = "list<line>"
"#;

/// The fixture messages in `uz-Latn` (their `kk` texts) and `ru`, without the `en` ones.
fn uzbek_messages() -> String {
    let line = |l: &str| match l.find(", en = ") {
        Some(i) => format!("{} }}", &l[..i]).replacen("kk = \"", "\"uz-Latn\" = \"", 1),
        None => l.to_string(),
    };
    MSGS.lines().map(line).collect::<Vec<_>>().join("\n")
}

/// A pack in Uzbek (Latin script) and Russian, Uzbek first; `extra_title` adds a key to the
/// rule's title.
fn uzbek_pack(languages: &str, extra_title: &str) -> Result<Pack, qagida::PackError> {
    let mut f = Files::new();
    f.insert(
        "pack.toml".into(),
        format!(
            "id = \"uz\"\nversion = \"1.0.0\"\neffective_from = 2020-01-01\nlanguages = {languages}\n\
             timezone = \"+05:00\"\ntypes = \"types.toml\"\nrule_files = [\"rules.toml\"]\n{}",
            uzbek_messages()
        ),
    );
    f.insert("types.toml".into(), TYPES.into());
    f.insert(
        "rules.toml".into(),
        format!(
            r#"
[[rule]]
id = "QTY-01"
applies_to = "order"
severity = "error"
title = {{ "uz-Latn" = "Miqdor", ru = "Количество"{extra_title} }}
clause = {{ "uz-Latn" = "1-band", ru = "пункт 1" }}
message = {{ "uz-Latn" = "Miqdor {{actual}} beshdan oshmasligi kerak", ru = "Количество {{actual}} не должно превышать пяти" }}
[[rule.check]]
for_each = "/lines"
assert = "item.qty <= 5"
path = "/qty"
actual = "item.qty"
"#
        ),
    );
    Pack::from_files(&f)
}

fn order() -> serde_json::Value {
    json!({"document_type": "order", "id": "O-1", "date": "2026-01-05", "lines": [{"qty": 9}]})
}

fn message(pack: &Pack, lang: Option<&str>) -> String {
    let opts = Options { lang: lang.map(String::from), ..Options::default() };
    let r = pack.validate(&order(), &opts).unwrap();
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    r.findings[0].message.clone()
}

#[test]
fn a_pack_in_uzbek_and_russian_validates_in_uzbek_with_no_engine_change() {
    let pack = uzbek_pack(r#"["uz-Latn", "ru"]"#, "").unwrap();
    assert_eq!(pack.languages.iter().map(Lang::code).collect::<Vec<_>>(), ["uz-Latn", "ru"]);
    assert_eq!(message(&pack, Some("uz-Latn")), "Miqdor 9 beshdan oshmasligi kerak");
    assert_eq!(message(&pack, Some("ru")), "Количество 9 не должно превышать пяти");
    // The default is the first language listed.
    assert_eq!(message(&pack, None), "Miqdor 9 beshdan oshmasligi kerak");
}

#[test]
fn a_requested_tag_finds_the_packs_language_by_bcp47_lookup() {
    let pack = uzbek_pack(r#"["uz-Latn", "ru"]"#, "").unwrap();
    // Case aside, and a region or other subtags cut from the end (RFC 4647 lookup).
    assert_eq!(message(&pack, Some("UZ-latn")), "Miqdor 9 beshdan oshmasligi kerak");
    assert_eq!(message(&pack, Some("uz-Latn-UZ")), "Miqdor 9 beshdan oshmasligi kerak");
    assert_eq!(message(&pack, Some("ru-KZ")), "Количество 9 не должно превышать пяти");
    // A language the pack does not have: its default.
    assert_eq!(message(&pack, Some("kk")), "Miqdor 9 beshdan oshmasligi kerak");
}

#[test]
fn language_tags_are_written_in_their_canonical_case() {
    let pack = uzbek_pack(r#"["UZ-latn", "RU"]"#, "").unwrap();
    assert_eq!(pack.languages.iter().map(Lang::code).collect::<Vec<_>>(), ["uz-Latn", "ru"]);
    assert_eq!(Lang::new("pt-br").unwrap().code(), "pt-BR");
}

#[test]
fn a_text_in_a_language_the_pack_does_not_list_is_refused_at_its_place() {
    let e = uzbek_pack(r#"["uz-Latn", "ru"]"#, r#", kk = "Саны""#).unwrap_err().to_string();
    assert!(e.contains("rules.toml:6:") && e.contains("`kk`") && e.contains("not one of the pack's languages (uz-Latn, ru)"), "{e}");
}

#[test]
fn a_language_that_is_not_a_bcp47_tag_is_refused() {
    let e = uzbek_pack(r#"["uz-Latn", "ru", "not a tag"]"#, "").unwrap_err().to_string();
    assert!(e.contains("pack.toml:4:") && e.contains("`not a tag` is not a BCP 47 language tag"), "{e}");
    assert!(Lang::new("uz_Latn").is_err());
}

#[test]
fn the_compiled_form_keeps_the_packs_languages() {
    let pack = uzbek_pack(r#"["uz-Latn", "ru"]"#, "").unwrap();
    let back = Pack::from_compiled(&pack.to_compiled()).unwrap();
    assert_eq!(back.languages, pack.languages);
    assert_eq!(back.default_language, pack.default_language);
    for l in [None, Some("uz-Latn"), Some("ru")] {
        assert_eq!(message(&back, l), message(&pack, l));
    }
}
