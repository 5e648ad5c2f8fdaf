//! JS values into Rust and back: options and message languages are read by hand ([`FromJs`],
//! its note says why); the lists the API answers (rules, layers) are serialised into plain JS
//! objects and arrays by serde-wasm-bindgen ([`to_js`], `Serializer::json_compatible()`: no
//! `Map`s, numbers as JS numbers); a validation result is the core's JSON through `JSON.parse`.
//! Compiled pack bytes are copied out of their `Uint8Array`/`ArrayBuffer` with `js_sys`
//! ([`bytes`]: serde-wasm-bindgen would take only those two, not a `DataView` or another view).
//!
//! A bad option is named with what was expected and what was given:
//! `maxDepth: expected a whole number from 0 to 4294967295, got 1.5`.

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::js::{js_message, kind};

/// A JS value read by hand, with `js_sys`: the options and message languages. Not by
/// serde-wasm-bindgen: its deserialiser, and through serde's error texts ("invalid type:
/// floating point `1.5`") core's formatting of `f64`, cost the validator module 12,355 bytes
/// gzipped (2026-12-07, 6 % of its 200 KiB budget), for a flat object of strings and counts.
pub(crate) trait FromJs: Sized {
    fn from_js(v: &JsValue) -> Result<Self, String>;
}

impl FromJs for Option<String> {
    fn from_js(v: &JsValue) -> Result<Self, String> {
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_string().map(Some).ok_or_else(|| format!("expected a string, got {}", kind(v)))
    }
}

impl FromJs for Option<crate::types::Lang> {
    fn from_js(v: &JsValue) -> Result<Self, String> {
        Ok(Option::<String>::from_js(v)?.map(crate::types::Lang))
    }
}

/// A count: a non-negative whole JS number up to 2^53 - 1 (a safe integer; `-0` is 0), or a
/// BigInt, within `max`.
fn count(v: &JsValue, max: u64) -> Result<Option<u64>, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    // Beyond 2^53 - 1 a count is given as a BigInt (a JS number is no longer exact there).
    let expected = || match max {
        0..=9_007_199_254_740_991 => format!("expected a whole number from 0 to {max}"),
        _ => format!("expected a whole number from 0 to {max} (a number up to 9007199254740991, beyond it a BigInt)"),
    };
    if let Some(n) = v.as_f64() {
        const SAFE: f64 = 9_007_199_254_740_991.0;
        // `as` is exact here: a whole number within 0..=2^53 - 1.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        if n.trunc() == n && (0.0..=SAFE).contains(&n) && (n as u64) <= max {
            return Ok(Some(n as u64));
        }
        let text = js_sys::Number::from(v.clone()).to_string_with_radix(10).map(String::from).unwrap_or_default();
        return Err(format!("{}, got {text}", expected()));
    }
    if v.is_bigint() {
        let text = String::from(v.unchecked_ref::<js_sys::BigInt>().to_string(10).unwrap_or_else(|_| "?".into()));
        return match text.parse::<u64>() {
            Ok(n) if n <= max => Ok(Some(n)),
            _ => Err(format!("{}, got the BigInt {text}", expected())),
        };
    }
    Err(format!("{}, got {}", expected(), kind(v)))
}

impl FromJs for Option<u64> {
    fn from_js(v: &JsValue) -> Result<Self, String> {
        count(v, u64::MAX)
    }
}

impl FromJs for Option<usize> {
    fn from_js(v: &JsValue) -> Result<Self, String> {
        // wasm32's usize is 32 bits.
        let max = u64::try_from(usize::MAX).unwrap_or(u64::MAX);
        Ok(count(v, max)?.and_then(|n| usize::try_from(n).ok()))
    }
}

/// Property `key` of the object `obj` ([`FromJs`]; a missing property is `undefined`, so
/// `None`), the error prefixed with the key.
pub(crate) fn property<T: FromJs>(obj: &JsValue, key: &str) -> Result<T, String> {
    let v = Reflect::get(obj, &JsValue::from_str(key)).map_err(|e| format!("{key}: {}", js_message(&e)))?;
    T::from_js(&v).map_err(|e| format!("{key}: {e}"))
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
