//! The errors of the compiler module, also those of the tester module (`bindings/wasm-tester`
//! includes this file): a JS `Error` whose `name` says the kind.

use qagida::PackError;
use qagida::signing::SignatureError;
use wasm_bindgen::prelude::*;

use crate::types::PackDiagnostic;

/// Every way a compiler call can fail. Turned into a JS `Error` whose `name` is the variant's
/// (`PackError`, `SignatureError`, `FilesError`) and whose `message` is the Rust error's text.
#[derive(Debug, thiserror::Error)]
#[allow(dead_code)] // the tester module never builds `Signature`
pub enum CompileError {
    /// The pack was refused: one `file:line:col: message` line per problem.
    #[error("{0}")]
    Pack(#[from] PackError),
    /// A signed pack whose signature does not verify, or a bad public key.
    #[error("{0}")]
    Signature(#[from] SignatureError),
    /// The pack files argument is not an object of strings (or a list of layers): the message
    /// names the offending key, e.g. `files.pack.toml: invalid type: floating point `5`, expected a string`.
    #[error("pack files must be an object mapping paths in the pack to file contents: {0}")]
    Files(String),
}

impl CompileError {
    fn name(&self) -> &'static str {
        match self {
            CompileError::Pack(_) => "PackError",
            CompileError::Signature(_) => "SignatureError",
            CompileError::Files(_) => "FilesError",
        }
    }
}

impl From<CompileError> for JsValue {
    fn from(e: CompileError) -> JsValue {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name(e.name());
        if let CompileError::Pack(p) = &e {
            // `err.diagnostics`: [{file, line, col, message}], for an editor to point at; plain
            // JS objects by serde-wasm-bindgen, as the validator module returns its results.
            let diags: Vec<PackDiagnostic> = p.diagnostics.iter().map(PackDiagnostic::from).collect();
            if let Ok(v) = serde::Serialize::serialize(&diags, &serde_wasm_bindgen::Serializer::json_compatible()) {
                let _ = js_sys::Reflect::set(&err, &JsValue::from_str("diagnostics"), &v);
            }
        }
        err.into()
    }
}

