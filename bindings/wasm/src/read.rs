//! JS values into Rust and back, with serde-wasm-bindgen: options and message languages are
//! deserialised from the JS values ([`from_js`]); results are serialised into plain JS objects
//! and arrays ([`to_js`], `Serializer::json_compatible()`: no `Map`s, numbers as JS numbers).
//! Compiled pack bytes are copied out of their `Uint8Array`/`ArrayBuffer` with `js_sys`
//! ([`bytes`]: serde-wasm-bindgen would take only those two, not a `DataView` or another view).
//!
//! Deserialisation errors are serde's words, with the offending property in front when it is
//! one of an object's ([`property`]): `maxDepth: invalid type: floating point `1.5`, expected usize`.

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::js::{js_message, kind};

/// A JS value as a `T`, by serde-wasm-bindgen. `null` and `undefined` are `None` for an
/// `Option`; a number must be a safe integer for an integer type (a BigInt also does).
pub(crate) fn from_js<T: DeserializeOwned>(v: JsValue) -> Result<T, String> {
    // The message of the JS Error serde-wasm-bindgen made (its `Display` prefixes `Error: `).
    T::deserialize(serde_wasm_bindgen::Deserializer::from(v)).map_err(|e| js_message(&JsValue::from(e)))
}

/// Property `key` of the object `obj` as a `T` ([`from_js`]; a missing property is
/// `undefined`, so `None` for an `Option`), the error prefixed with the key. The options are one
/// flat object, so the key is the whole path: read property by property, they need no
/// serde_path_to_error (2,404 bytes gzipped of the validator module, 2026-12-06).
pub(crate) fn property<T: DeserializeOwned>(obj: &JsValue, key: &str) -> Result<T, String> {
    let v = Reflect::get(obj, &JsValue::from_str(key)).map_err(|e| format!("{key}: {}", js_message(&e)))?;
    from_js(v).map_err(|e| format!("{key}: {e}"))
}

/// A Rust value as a plain JS value: objects (not `Map`s) with the fields in order, `None`
/// fields absent (every one is `skip_serializing_if`), numbers as JS numbers.
pub(crate) fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, String> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| js_message(&JsValue::from(e)))
}

/// The own enumerable property names of `v` that are not in `known` (serde-wasm-bindgen reads
/// a struct's fields by name, so `deny_unknown_fields` never sees the others).
pub(crate) fn unknown_keys(v: &JsValue, known: &[&str]) -> Option<String> {
    Object::keys(v.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .find(|k| !known.contains(&k.as_str()))
}

/// The bytes of a compiled pack: a `Uint8Array` (a Node `Buffer` too), any other view of an
/// `ArrayBuffer` (its bytes as they lie in memory), or an `ArrayBuffer`. Copied into the module.
pub(crate) fn bytes(v: &JsValue) -> Result<Vec<u8>, String> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Ok(a.to_vec());
    }
    if ArrayBuffer::is_view(v) {
        // A DataView or another typed array: the same getters as a Uint8Array's.
        let view = v.unchecked_ref::<Uint8Array>();
        return Ok(Uint8Array::new_with_byte_offset_and_length(&view.buffer(), view.byte_offset(), view.byte_length()).to_vec());
    }
    if v.is_instance_of::<ArrayBuffer>() {
        return Ok(Uint8Array::new(v).to_vec());
    }
    Err(format!("expected the bytes of a compiled pack (a Uint8Array or an ArrayBuffer), not {}", kind(v)))
}
