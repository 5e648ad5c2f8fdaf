//! # qagida-compiler — the pack compiler of the qagida validator, for JavaScript
//!
//! The validator module (`bindings/wasm`, `qagida_wasm`) loads packs only in compiled form;
//! this module turns a pack's files (TOML and JSON) into those bytes, with the core's full
//! loader: TOML parser, type checker, expression compiler, and Ed25519 signature check. It also
//! runs a pack's own tests (`runPackTests`, `runLayerTests`: what `qagida test` runs), which need
//! the rules' test cases that the validator module's compiled packs may leave out. A page
//! fetches it only when it loads an edited pack:
//!
//! ```js
//! import init, { Validator } from "@qagida/validator/web";
//! await init();
//! // … later, when the user loads an edited pack:
//! const compiler = await import("@qagida/validator/web/compiler");
//! await compiler.default();
//! const validator = Validator.fromCompiled(compiler.compilePack(files));
//! ```
//!
//! The bytes are tied to the engine version (both modules of one package are). Errors are
//! thrown as JS `Error`s whose `name` says the kind: `PackError` (every `file:line:col: message`,
//! also as `err.diagnostics`), `SignatureError`, `FilesError` — never a trap.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod files;
pub mod types;

use qagida::signing::{SIG_FILE, SignatureError, Trust, parse_verifying_key, verify_files_trusted};
use qagida::{Pack, PackError};
use wasm_bindgen::prelude::*;

pub use types::{PackDiagnostic, PackLayer, PackTestCase};

/// Every way a compiler call can fail. Turned into a JS `Error` whose `name` is the variant's
/// (`PackError`, `SignatureError`, `FilesError`) and whose `message` is the Rust error's text.
#[derive(Debug, thiserror::Error)]
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

/// Compiles a pack from in-memory files, e.g. a regulator's edited pack fetched by the page:
/// path in the pack (`pack.toml`, `types.toml`, `rules/mdt.toml`, `fixtures/x.json`, …) →
/// contents (an object, a `Map`, or `[path, contents]` pairs). Returns the compiled pack for
/// `Validator.fromCompiled`.
///
/// @throws {Error} `PackError` listing every problem as `file:line:col: message`, also as
/// `err.diagnostics` (`PackDiagnostic[]`); `FilesError` for an argument that is not pack files.
#[wasm_bindgen(js_name = compilePack)]
pub fn compile_pack(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] files: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let files = files::files(files).map_err(CompileError::Files)?;
    Ok(Pack::from_files(&files).map_err(CompileError::from)?.to_compiled())
}

/// Compiles a layered pack, base first: e.g. the national pack, then a regional one whose
/// `pack.toml` says `extends = "<base id>"` (what `qagida validate --rules` does for a
/// directory that extends another). Diagnostics name a layer's files `NAME/path`.
///
/// @throws {Error} `PackError` as for `compilePack`; `FilesError` for an argument that is not
/// an array of `{name, files}`.
#[wasm_bindgen(js_name = compileLayers)]
pub fn compile_layers(
    #[wasm_bindgen(unchecked_param_type = "PackLayer[]")] layers: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let layers = files::layers(layers).map_err(CompileError::Files)?;
    let refs: Vec<(&str, &qagida::Files)> = layers.iter().map(|(name, files)| (name.as_str(), files)).collect();
    Ok(Pack::from_layers(&refs).map_err(CompileError::from)?.to_compiled())
}

/// Compiles a signed pack, only after its Ed25519 signature verifies: `files` holds every file
/// of the pack (all those listed in its `pack.sig`, and `pack.sig` itself), `publicKey` is the
/// regulator's public key (the text of its `.pub` file, or the bare key in base64 or hex). Only
/// the `.toml` and `.json` files are then compiled — exactly the bytes verified.
/// `minVersion` (optional, e.g. `"2026.3.10"`) refuses a pack whose signed `version` is below
/// it, so a replayed older edition is not loaded (versions compare as versions).
///
/// @throws {Error} `SignatureError` (unsigned, another key, bad signature, a file added,
/// removed or changed — each named, or a malformed key), `PackError` as for `compilePack`, or
/// `FilesError`.
#[wasm_bindgen(js_name = compileSignedPack)]
pub fn compile_signed_pack(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] files: JsValue,
    #[wasm_bindgen(js_name = publicKey)] public_key: &str,
    #[wasm_bindgen(js_name = minVersion)] min_version: Option<String>,
) -> Result<Vec<u8>, JsValue> {
    let all = files::files(files).map_err(CompileError::Files)?;
    let key = parse_verifying_key(public_key).map_err(CompileError::from)?;
    let mut trust = Trust::any_of(std::slice::from_ref(&key));
    if let Some(v) = min_version {
        trust.min_version = Some(Trust::parse_version(&v).map_err(|m| CompileError::Signature(SignatureError::Malformed(format!("minVersion: {m}"))))?);
    }
    let sig = all.get(SIG_FILE).ok_or(CompileError::Signature(SignatureError::Unsigned))?;
    verify_files_trusted(&all, sig, &trust).map_err(CompileError::from)?;
    let files: qagida::Files = all
        .into_iter()
        .filter(|(p, _)| p.ends_with(".toml") || p.ends_with(".json"))
        .collect();
    Ok(Pack::from_files(&files).map_err(CompileError::from)?.to_compiled())
}

/// Runs the own tests of a pack given as its files (as for `compilePack`): every rule's
/// `[[rule.test]]` case and the fixture checks, exactly as `qagida test` does, in its order.
///
/// @throws {Error} `PackError` as for `compilePack` (a pack that does not load has no tests to
/// run); `FilesError` for an argument that is not pack files.
#[wasm_bindgen(js_name = runPackTests, unchecked_return_type = "PackTestCase[]")]
pub fn run_pack_tests(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] files: JsValue,
) -> Result<JsValue, JsValue> {
    let files = files::files(files).map_err(CompileError::Files)?;
    test_cases(&Pack::from_files(&files).map_err(CompileError::from)?)
}

/// Runs the own tests of a layered pack given as for `compileLayers` (base first): those of
/// every layer over the layers below it, as `qagida test` does for a regional directory.
///
/// @throws {Error} as `compileLayers`.
#[wasm_bindgen(js_name = runLayerTests, unchecked_return_type = "PackTestCase[]")]
pub fn run_layer_tests(
    #[wasm_bindgen(unchecked_param_type = "PackLayer[]")] layers: JsValue,
) -> Result<JsValue, JsValue> {
    let layers = files::layers(layers).map_err(CompileError::Files)?;
    let refs: Vec<(&str, &qagida::Files)> = layers.iter().map(|(name, files)| (name.as_str(), files)).collect();
    test_cases(&Pack::from_layers(&refs).map_err(CompileError::from)?)
}

/// The outcomes of `pack`'s tests as plain JS objects (serde-wasm-bindgen).
fn test_cases(pack: &Pack) -> Result<JsValue, JsValue> {
    let cases: Vec<PackTestCase> = qagida::testing::run_pack_tests(pack).iter().map(PackTestCase::from).collect();
    serde::Serialize::serialize(&cases, &serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_sys::Error::new(&format!("cannot convert the test outcomes to JavaScript: {e}")).into())
}
