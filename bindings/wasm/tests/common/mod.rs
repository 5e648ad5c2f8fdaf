//! What the wasm-bindgen tests of the three modules share: the repository's files read through
//! Node's `fs`, plain JS values to and from Rust through JSON text, and a thrown error's text.
//! Included by `bindings/wasm/tests/node.rs` and, by path, by the compiler's and the tester's
//! `tests/node.rs`.
#![allow(dead_code)] // each test file uses its own part

use std::collections::BTreeMap;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "node:fs")]
extern "C" {
    #[wasm_bindgen(js_name = readFileSync, catch)]
    pub fn read_file_sync(path: &str, encoding: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = readdirSync, catch)]
    fn readdir_sync(path: &str, options: &JsValue) -> Result<js_sys::Array, JsValue>;
}

pub const RULES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules");
pub const EXAMPLES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// The relative paths of the files under `dir` (recursively, `/` separators), sorted.
pub fn list(dir: &str) -> Vec<String> {
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"recursive".into(), &true.into()).unwrap();
    let mut out: Vec<String> =
        readdir_sync(dir, &opts).unwrap().iter().map(|e| e.as_string().unwrap().replace('\\', "/")).collect();
    out.sort();
    out
}

/// A pack's files, read from the repository's rules/NAME (path in the pack → contents).
pub fn files_of(name: &str) -> BTreeMap<String, String> {
    let dir = format!("{RULES_DIR}/{name}");
    let files: BTreeMap<String, String> = list(&dir)
        .into_iter()
        .filter(|rel| rel.ends_with(".toml") || rel.ends_with(".json"))
        .map(|rel| {
            let text = read_file_sync(&format!("{dir}/{rel}"), "utf8").unwrap();
            (rel, text)
        })
        .collect();
    assert!(files.contains_key("pack.toml"), "no pack.toml under {dir}");
    files
}

/// The default pack's files.
pub fn pack_files() -> BTreeMap<String, String> {
    files_of("kz-orphan")
}

/// A Rust value as a plain JS value, through JSON text.
pub fn js_of<T: serde::Serialize + ?Sized>(v: &T) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(v).unwrap()).unwrap()
}

/// A plain JS value as a Rust value, through JSON text.
pub fn rust_of<T: serde::de::DeserializeOwned>(v: &JsValue) -> T {
    serde_json::from_str(&String::from(js_sys::JSON::stringify(v).unwrap())).unwrap()
}

/// `name: message` of a thrown JS error.
pub fn error_text(e: &JsValue) -> String {
    let e = e.dyn_ref::<js_sys::Error>().expect("a JS Error");
    format!("{}: {}", String::from(e.name()), String::from(e.message()))
}
