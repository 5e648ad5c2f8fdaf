//! Reading pack files and layers from JS by hand with `js_sys` (moved here from the validator
//! module's `read.rs`; they took the same values when serde-wasm-bindgen read them): pack files
//! as a plain object of strings (its own enumerable keys), a `Map` or any other iterable of
//! `[path, contents]` pairs; layers as an array (or iterable) of `{name, files}` objects. The
//! messages name the offending key and what was expected.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::js::{js_message, kind};

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

/// The layers of `compileLayers`, base first: an array (or iterable) of `{name, files}`.
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
