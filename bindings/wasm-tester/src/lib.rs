//! # qagida-tester — a rule pack's own tests, for JavaScript
//!
//! `runPackTests(files)` and `runLayerTests(layers)`: what `qagida test` runs (every rule's
//! `[[rule.test]]` case and the fixture checks) on a pack given as its files, as the compiler
//! module's `compilePack` and `compileLayers` take them. A pack editor fetches it to check an
//! edited pack before publishing it:
//!
//! ```js
//! const tester = await import("@qagida/validator/web/tester");
//! await tester.default();
//! const failed = tester.runPackTests(files).filter((c) => !c.passed);
//! ```
//!
//! Running tests needs the loader (the pack's files, with their test cases) and the engine (to
//! validate each case): the validator module has no loader, and the compiler module no engine;
//! with both, the compiler module would be 415,548 bytes gzipped, over its 409,600 budget
//! (docs/WASM.md, Size). So the tests run in this third module, fetched only to run them.
//! Errors are those of the compiler module (`PackError` with `err.diagnostics`, `FilesError`),
//! never a trap.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod cases;
// The pack-files reader, the error type and the shared JS types of the compiler module.
#[path = "../../wasm-compiler/src/error.rs"]
mod error;
#[path = "../../wasm-compiler/src/files.rs"]
mod files;
#[path = "../../wasm-compiler/src/types.rs"]
pub mod types;

use error::CompileError;
use qagida::Pack;
use wasm_bindgen::prelude::*;

pub use cases::PackTestCase;
pub use types::{PackDiagnostic, PackLayer};

/// Runs the own tests of a pack given as its files (as for `compilePack`): every rule's
/// `[[rule.test]]` case and the fixture checks, exactly as `qagida test` does, in its order.
///
/// @throws {Error} `PackError` as `compilePack` (a pack that does not load has no tests to
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
