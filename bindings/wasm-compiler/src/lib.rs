//! # qagida-compiler — the pack compiler of the qagida validator, for JavaScript
//!
//! The validator module (`bindings/wasm`, `qagida_wasm`) loads packs only in compiled form;
//! this module turns a pack's files (TOML and JSON) into those bytes, with the core's full
//! loader: TOML parser, type checker, expression compiler, and Ed25519 signature check. A page
//! fetches it only when it loads an edited pack. (A pack's own tests run in the tester module,
//! `bindings/wasm-tester`: they need the engine too.)
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

mod error;
mod files;
pub mod types;

pub use error::CompileError;

use qagida::signing::{SIG_FILE, SignatureError, Trust, parse_verifying_key, verify_files_trusted};
use qagida::Pack;
use wasm_bindgen::prelude::*;

pub use types::{PackDiagnostic, PackLayer};

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

