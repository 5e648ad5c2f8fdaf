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
        // serde_path_to_error writes an index as a segment of its own (`[1].files`): `layers[1].files`.
        let path = path.replace(".[", "[");
        if path == "." {
            format!("{what}: {inner}")
        } else if path.starts_with('[') {
            format!("{what}{path}: {inner}")
        } else {
            format!("{what}.{path}: {inner}")
        }
    })
}

/// What kind of JS value `v` is, for messages: `a string`, `undefined`, `an object`, …
fn kind(v: &JsValue) -> String {
    match v.js_typeof().as_string().as_deref() {
        _ if v.is_null() => "null".into(),
        Some("undefined") => "undefined".into(),
        Some(t @ "object") => format!("an {t}"),
        Some(t) => format!("a {t}"),
        None => "a value".into(),
    }
}

/// Pack files: an object mapping paths in the pack to contents, a `Map`, or any iterable of
/// `[path, contents]` pairs.
pub(crate) fn files(v: JsValue) -> Result<qagida::Files, String> {
    // serde-wasm-bindgen's own words for a non-object here are `Reflect.get called on non-object`.
    if !v.is_object() {
        return Err(format!("files must be an object, not {}", kind(&v)));
    }
    from_js::<BTreeMap<String, String>>(v, "files")
}

/// The layers of `compileLayers`, base first: an array of `{name, files}`.
pub(crate) fn layers(v: JsValue) -> Result<Vec<(String, qagida::Files)>, String> {
    // serde-wasm-bindgen would quote the whole value (every file's text) in its message.
    if !js_sys::Array::is_array(&v) && !matches!(js_sys::try_iter(&v), Ok(Some(_))) {
        return Err(format!("layers must be an array of {{name, files}} objects, not {}", kind(&v)));
    }
    // A layer's `files` that is not an object: serde-wasm-bindgen's words would be `Reflect.get
    // called on non-object`.
    if let Some(items) = v.dyn_ref::<js_sys::Array>() {
        for (i, item) in items.iter().enumerate() {
            if item.is_object() {
                let files = js_sys::Reflect::get(&item, &JsValue::from_str("files")).unwrap_or(JsValue::UNDEFINED);
                if !files.is_object() && !files.is_undefined() {
                    return Err(format!("layers[{i}].files must be an object, not {}", kind(&files)));
                }
            }
        }
    }
    let layers: Vec<PackLayer> = from_js(v, "layers")?;
    Ok(layers.into_iter().map(|l| (l.name, l.files)).collect())
}
