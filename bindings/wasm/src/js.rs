//! Small helpers on JS values: a thrown value's message, a value's kind for messages.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

/// The message of a thrown JS value: an `Error`'s `message`, a string, else its debug text.
pub(crate) fn js_message(v: &JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

/// What kind of JS value `v` is, for messages: `a string`, `a number`, `null`, `an array`, …
pub(crate) fn kind(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if v.is_string() {
        "a string"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.is_bigint() {
        "a BigInt"
    } else if v.is_symbol() {
        "a symbol"
    } else if v.is_function() {
        "a function"
    } else if Array::is_array(v) {
        "an array"
    } else {
        "an object"
    }
}
