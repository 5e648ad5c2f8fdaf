//! Reading the JS arguments by hand with `js_sys`: compiled pack bytes, options and languages.
//! (Pack files and layers are read by the compiler module, `bindings/wasm-compiler`.)
//!
//! They took the same values when serde-wasm-bindgen read them: option properties read with
//! `obj[key]` (so inherited ones count), `null` and `undefined` meaning "not given", counts as
//! non-negative safe integers (or BigInts) within the field's range. Only the error messages
//! differ: they name the offending key and what was expected.
//!
//! A message never formats an `f64` with `{}` (that would bring core's float printing back into
//! the module): it says what kind of value it got, and a number is printed by JS's own
//! `Number.prototype.toString`.

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::js::{js_message, kind};

/// `v` (a number or a BigInt) as JS prints it: `1.5`, `-1`, `NaN`, `9007199254740992`, `5n`.
fn number_text(v: &JsValue) -> String {
    let text = if v.is_bigint() {
        v.unchecked_ref::<js_sys::BigInt>().to_string(10).map(|s| format!("{}n", String::from(s))).ok()
    } else {
        v.unchecked_ref::<js_sys::Number>().to_string_with_radix(10).map(String::from).ok()
    };
    text.unwrap_or_else(|| kind(v).to_string())
}

fn is_nullish(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
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

/// A message language: a BCP 47 tag (`"kk"`, `"uz-Latn"`) as text; which of the pack's
/// languages it finds is the pack's lookup (`Validator::served`).
pub(crate) fn lang(v: &JsValue) -> Result<String, String> {
    v.as_string().ok_or_else(|| format!("lang must be a BCP 47 language tag such as \"kk\", not {}", kind(v)))
}

/// Property `key` of an options object, `None` when it is `null` or `undefined` (also when
/// inherited: `obj[key]`).
pub(crate) fn option(obj: &JsValue, key: &str) -> Result<Option<JsValue>, String> {
    let v = Reflect::get(obj, &JsValue::from_str(key)).map_err(|e| format!("{key}: {}", js_message(&e)))?;
    Ok(if is_nullish(&v) { None } else { Some(v) })
}

/// The largest safe integer of JS, `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A count option: a non-negative integer up to `max`. A number must be a safe integer (so
/// `1.5`, `-1`, `NaN`, `Infinity` and `2**53` are refused, `-0` is 0); a BigInt is taken too.
pub(crate) fn count(v: &JsValue, key: &str, max: u64) -> Result<u64, String> {
    let (n, max) = if v.is_bigint() {
        (u64::try_from(v.clone()).ok(), max)
    } else if let Some(x) = v.as_f64() {
        // `x >= 0.0` is true for -0, which JS's Number.isSafeInteger also takes.
        let n = (js_sys::Number::is_safe_integer(v) && x >= 0.0).then_some(x as u64);
        (n, max.min(MAX_SAFE_INTEGER))
    } else {
        return Err(format!("{key} must be a whole number from 0 to {}, not {}", max.min(MAX_SAFE_INTEGER), kind(v)));
    };
    match n {
        Some(n) if n <= max => Ok(n),
        _ => Err(format!("{key} must be a whole number from 0 to {max}, not {}", number_text(v))),
    }
}
