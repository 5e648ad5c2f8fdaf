//! Pack files and layers from JS, read with serde-wasm-bindgen (as the validator module reads
//! its options): pack files as a plain object of strings (its own enumerable keys), a `Map` or
//! any other iterable of `[path, contents]` pairs; layers as an array of `{name, files}`
//! objects. A message is serde's with the path of the offending value in front
//! (serde_path_to_error): `files.pack.toml: invalid type: floating point `5`, expected a string`.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::types::PackLayer;

/// `v` as a `T`, `what` naming it in messages (`files`, `layers`).
fn from_js<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(v)).map_err(|e| {
        let path = e.path().to_string();
        // The message of the JS Error serde-wasm-bindgen made (its `Display` prefixes `Error: `).
        let inner = JsValue::from(e.into_inner());
        let inner = inner.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{inner:?}"), |e| String::from(e.message()));
        if path == "." { format!("{what}: {inner}") } else { format!("{what}.{path}: {inner}") }
    })
}

/// Pack files: an object mapping paths in the pack to contents, a `Map`, or any iterable of
/// `[path, contents]` pairs.
pub(crate) fn files(v: JsValue) -> Result<qagida::Files, String> {
    from_js::<BTreeMap<String, String>>(v, "files")
}

/// The layers of `compileLayers`, base first: an array of `{name, files}`.
pub(crate) fn layers(v: JsValue) -> Result<Vec<(String, qagida::Files)>, String> {
    let layers: Vec<PackLayer> = from_js(v, "layers")?;
    Ok(layers.into_iter().map(|l| (l.name, l.files)).collect())
}
