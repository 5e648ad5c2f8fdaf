//! The JS-facing types of the compiler module. Each derives `Tsify`, which writes its
//! TypeScript declaration into the module's `.d.ts`.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// One layer of a layered pack (`compileLayers`): a name for its diagnostics
/// (`NAME/path`) and its files, path in the layer → contents.
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PackLayer {
    pub name: String,
    #[tsify(type = "Record<string, string>")]
    pub files: std::collections::BTreeMap<String, String>,
}

/// One problem of a refused pack (also in the thrown error's message as `file:line:col: message`).
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PackDiagnostic {
    /// Path of the file inside the pack (`rules/mdt.toml`).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub message: String,
}

impl From<&qagida::Diagnostic> for PackDiagnostic {
    fn from(d: &qagida::Diagnostic) -> Self {
        PackDiagnostic { file: d.file.clone(), line: d.line, col: d.col, message: d.message.clone() }
    }
}
