//! What the in-memory fixture packs of the integration tests share.
#![allow(dead_code)] // each test file uses its own part

/// The pack-level messages every fixture pack needs (`[messages]` of `pack.toml`).
pub const MSGS: &str = r#"
[messages]
type_mismatch = { kk = "t {expected}", ru = "т {expected}", en = "type {expected}" }
unknown_document_type = { kk = "u", ru = "у", en = "unknown" }
missing_document_type = { kk = "m", ru = "м", en = "missing" }
"#;

/// A text in the three languages: `{ kk = "S kk", ru = "S ru", en = "S" }`.
pub fn text(s: &str) -> String {
    format!("{{ kk = \"{s} kk\", ru = \"{s} ru\", en = \"{s}\" }}")
}
