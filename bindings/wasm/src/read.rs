//! Reading the JS arguments by hand with `js_sys`: pack files, layers, options and languages.
//!
//! They took the same values when serde-wasm-bindgen read them: pack files as a plain object of
//! strings (its own enumerable keys), a `Map` or any other iterable of `[path, contents]` pairs;
//! layers as an array (or iterable) of `{name, files}` objects; option properties read with
//! `obj[key]` (so inherited ones count), `null` and `undefined` meaning "not given", counts as
//! non-negative safe integers (or BigInts) within the field's range. Only the error messages
//! differ: they name the offending key and what was expected.
//!
//! A message never formats an `f64` with `{}` (that would bring core's float printing back into
//! the module): it says what kind of value it got, and a number is printed by JS's own
//! `Number.prototype.toString`.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::js_message;

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

/// Pack files, `what` naming them in messages (`files`, `layers[1].files`): an object mapping
/// paths in the pack to contents, a `Map`, or any iterable of `[path, contents]` pairs.
pub(crate) fn files(v: &JsValue, what: &str) -> Result<qagida::Files, String> {
    if !v.is_object() {
        return Err(format!("{what} must be an object, not {}", kind(v)));
    }
    let mut out = qagida::Files::new();
    let mut add = |path: JsValue, contents: JsValue| -> Result<(), String> {
        let Some(path) = path.as_string() else {
            return Err(format!("{what}: a path must be a string, not {}", kind(&path)));
        };
        let Some(contents) = contents.as_string() else {
            return Err(format!("{what}[{path:?}] must be a string, not {}", kind(&contents)));
        };
        out.insert(path, contents);
        Ok(())
    };
    match js_sys::try_iter(v).map_err(|e| format!("{what}: {}", js_message(&e)))? {
        Some(pairs) => {
            for (i, pair) in pairs.enumerate() {
                let pair = pair.map_err(|e| format!("{what}: {}", js_message(&e)))?;
                if !pair.is_object() {
                    return Err(format!("{what}: entry {i} must be a [path, contents] pair, not {}", kind(&pair)));
                }
                let get = |k| Reflect::get_u32(&pair, k).map_err(|e| format!("{what}: {}", js_message(&e)));
                add(get(0)?, get(1)?)?;
            }
        }
        None => {
            for pair in Object::entries(v.unchecked_ref::<Object>()).iter() {
                let pair = pair.unchecked_into::<Array>();
                add(pair.get(0), pair.get(1))?;
            }
        }
    }
    Ok(out)
}

/// The layers of `Validator.fromLayers`, base first: an array (or iterable) of `{name, files}`.
pub(crate) fn layers(v: &JsValue) -> Result<Vec<(String, qagida::Files)>, String> {
    const EXPECTED: &str = "layers must be an array of {name, files} objects";
    let items: Vec<JsValue> = if let Some(a) = v.dyn_ref::<Array>() {
        a.iter().collect()
    } else if v.is_object() {
        match js_sys::try_iter(v).map_err(|e| format!("layers: {}", js_message(&e)))? {
            Some(it) => it.collect::<Result<_, _>>().map_err(|e| format!("layers: {}", js_message(&e)))?,
            None => return Err(format!("{EXPECTED}, not {}", kind(v))),
        }
    } else {
        return Err(format!("{EXPECTED}, not {}", kind(v)));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if !item.is_object() {
            return Err(format!("layers[{i}] must be an object {{name, files}}, not {}", kind(item)));
        }
        let get = |k: &str| Reflect::get(item, &JsValue::from_str(k)).map_err(|e| format!("layers[{i}]: {}", js_message(&e)));
        let name = get("name")?;
        let Some(name) = name.as_string() else {
            return Err(format!("layers[{i}].name must be a string, not {}", kind(&name)));
        };
        let files = files(&get("files")?, &format!("layers[{i}].files"))?;
        out.push((name, files));
    }
    Ok(out)
}

/// A message language: `"kk"`, `"ru"` or `"en"`.
pub(crate) fn lang(v: &JsValue) -> Result<qagida::Lang, String> {
    match v.as_string().as_deref() {
        Some("kk") => Ok(qagida::Lang::Kk),
        Some("ru") => Ok(qagida::Lang::Ru),
        Some("en") => Ok(qagida::Lang::En),
        Some(other) => Err(format!("lang must be \"kk\", \"ru\" or \"en\", not {other:?}")),
        None => Err(format!("lang must be \"kk\", \"ru\" or \"en\", not {}", kind(v))),
    }
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
