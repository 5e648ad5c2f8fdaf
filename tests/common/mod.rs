//! What the in-memory fixture packs of the integration tests share.
#![allow(dead_code)] // each test file uses its own part

use qagida::Files;

/// The pack-level messages every fixture pack needs (`[messages]` of `pack.toml`).
pub const MSGS: &str = r#"
[messages]
type_mismatch = { kk = "t {expected}", ru = "т {expected}", en = "type {expected}" }
number_out_of_range = { kk = "r {actual}", ru = "д {actual}", en = "out of range {actual}" }
number_too_many_digits = { kk = "d {actual}", ru = "ц {actual}", en = "too many digits {actual}" }
unknown_document_type = { kk = "u", ru = "у", en = "unknown" }
missing_document_type = { kk = "m", ru = "м", en = "missing" }
duplicate_key = { kk = "k {actual}", ru = "к {actual}", en = "duplicate key {actual}" }
not_checked_absent = { kk = "n {actual}", ru = "н {actual}", en = "not checked: absent {actual}" }
not_checked = { kk = "n", ru = "н", en = "not checked" }
overflow = { kk = "o {actual}", ru = "п {actual}", en = "overflow {actual}" }
not_in_force = { kk = "f {actual}", ru = "с {actual}", en = "not in force on {actual}" }
bundle_empty = { kk = "e {path}", ru = "п {path}", en = "empty {path}" }
bundle_member = { kk = "b {actual}", ru = "э {actual}", en = "not a document: {actual}" }
bundle_duplicate_id = { kk = "i {actual}", ru = "и {actual}", en = "duplicate id {actual}" }
findings_limit = { kk = "Ескертулер {limit} шегінен асты", ru = "Замечаний больше предела {limit}", en = "more than {limit} findings: validation stopped and the rest are not reported" }
bytes_limit = { kk = "Ескертулер көлемі {limit} байт шегінен асты", ru = "Объём замечаний превысил предел {limit} байт", en = "findings over {limit} bytes: validation stopped and the rest are not reported" }
"#;

/// A text in the three languages: `{ kk = "S kk", ru = "S ru", en = "S" }`.
pub fn text(s: &str) -> String {
    format!("{{ kk = \"{s} kk\", ru = \"{s} ru\", en = \"{s}\" }}")
}

/// A fixture pack of three files: `pack.toml` (id `id`, version 1.0.0 from 2020-01-01, kk/ru/en
/// with `en` first, UTC+5, then `extra` lines and [`MSGS`]), `types.toml` and `rules.toml`.
pub fn fixture_pack(id: &str, extra: &str, types: &str, rules: &str) -> Files {
    let mut f = Files::new();
    f.insert(
        "pack.toml".into(),
        format!(
            "id = \"{id}\"\nversion = \"1.0.0\"\neffective_from = 2020-01-01\nlanguages = [\"kk\", \"ru\", \"en\"]\n\
             default_language = \"en\"\ntimezone = \"+05:00\"\ntypes = \"types.toml\"\nrule_files = [\"rules.toml\"]\n{extra}{MSGS}"
        ),
    );
    f.insert("types.toml".into(), types.into());
    f.insert("rules.toml".into(), rules.into());
    f
}
