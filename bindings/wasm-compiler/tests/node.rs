//! The compiler module's JS API, run as WebAssembly under Node:
//!
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test --target wasm32-unknown-unknown
//!
//! What it compiles is loaded with the validator module (`qagida_wasm::Validator::fromCompiled`,
//! a dev-dependency) and must validate as the pack compiled natively.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use qagida_compiler::{PackDiagnostic, PackLayer, compile_layers, compile_pack, compile_signed_pack};
use qagida_tester::{PackTestCase, run_layer_tests, run_pack_tests};
use qagida_wasm::{ValidationResult, Validator};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[path = "../../wasm/tests/common/mod.rs"]
mod common;
use common::*;

/// Loads compiled bytes in the validator module.
fn load(bytes: &[u8]) -> Validator {
    Validator::from_compiled(js_sys::Uint8Array::from(bytes).into()).map_err(|e| error_text(&e)).unwrap()
}

fn compile(files: &BTreeMap<String, String>) -> Result<Vec<u8>, JsValue> {
    compile_pack(js_of(files))
}

/// Every example document, by its path under examples/.
fn examples() -> Vec<(String, String)> {
    list(EXAMPLES_DIR)
        .into_iter()
        .filter(|rel| rel.ends_with(".json"))
        .map(|rel| {
            let text = read_file_sync(&format!("{EXAMPLES_DIR}/{rel}"), "utf8").unwrap();
            (rel, text)
        })
        .collect()
}

/// The validator of `bytes` and the natively loaded `pack` give the same result JSON for every
/// example, in every language; `tests` (the outcomes of the tester module's `runPackTests` or
/// `runLayerTests` on the same files) are those of `qagida test`, and all pass.
fn same_as_native(bytes: &[u8], pack: &qagida::Pack, tests: JsValue) {
    let v = load(bytes);
    assert_eq!(v.pack_id(), pack.id);
    let docs = examples();
    assert!(docs.len() > 5, "{} examples", docs.len());
    for (name, text) in &docs {
        for lang in pack.languages.clone() {
            let opts = qagida::Options { lang: Some(lang.code().into()), ..Default::default() };
            let native = pack.validate_bytes(text.as_bytes(), &opts).map(|r| serde_json::to_string(&r).unwrap());
            let o = js_sys::JSON::parse(&format!(r#"{{"lang": "{}"}}"#, lang.code())).unwrap();
            let wasm = v.validate_json(text, Some(tsify::Ts::new_unchecked(o)));
            match (native, wasm) {
                (Ok(n), Ok(w)) => assert_eq!(n, w, "{name} {lang:?}"),
                (Err(n), Err(w)) => assert_eq!(format!("InputError: {n}"), error_text(&w), "{name}"),
                (n, w) => panic!("{name} {lang:?}: native {n:?}, wasm {:?}", w.map_err(|e| error_text(&e))),
            }
        }
    }
    let cases: Vec<PackTestCase> = rust_of(&tests);
    let native = qagida::testing::run_pack_tests(pack);
    assert_eq!(cases.len(), native.len());
    assert!(cases.len() > 20, "only {} cases", cases.len());
    for (w, n) in cases.iter().zip(&native) {
        assert_eq!((w.rule_id.as_str(), w.name.as_str(), w.passed), (n.rule_id.as_str(), n.name.as_str(), n.passed));
    }
    assert!(cases.iter().all(|c| c.passed), "{:?}", cases.iter().filter(|c| !c.passed).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
fn a_pack_compiled_here_loads_in_the_validator_and_validates_as_natively() {
    let files = pack_files();
    let bytes = compile(&files).map_err(|e| error_text(&e)).unwrap();
    let native = qagida::Pack::from_files(&files).unwrap();
    // The same bytes as the native compiler writes (the embedded pack is compiled natively).
    assert_eq!(bytes, native.to_compiled(), "the wasm compiler and the native one disagree");
    assert_eq!(compile(&files).unwrap(), bytes, "compiling twice gives other bytes");
    same_as_native(&bytes, &native, run_pack_tests(js_of(&files)).map_err(|e| error_text(&e)).unwrap());
}

#[wasm_bindgen_test]
fn an_edited_pack_changes_the_verdict() {
    let files = pack_files();
    let mut edited = files.clone();
    let dsp = edited.get_mut("rules/dispensing.toml").unwrap();
    assert!(dsp.contains("max_supply_months = 1"));
    *dsp = dsp.replacen("max_supply_months = 1", "max_supply_months = 2", 1);
    let (before, after) = (load(&compile(&files).unwrap()), load(&compile(&edited).unwrap()));
    let mut doc: serde_json::Value =
        serde_json::from_str(&String::from(js_sys::JSON::stringify(&js_sys::Reflect::get(&before.fixtures().unwrap(), &"dispensing".into()).unwrap()).unwrap())).unwrap();
    doc["supply_days"] = 45.into();
    let run = |v: &Validator| -> ValidationResult { serde_json::from_str(&v.validate_json(&doc.to_string(), None).unwrap()).unwrap() };
    assert!(run(&before).findings.iter().any(|f| f.rule_id == "DSP-01" && f.path == "/supply_days"));
    assert!(!run(&after).findings.iter().any(|f| f.rule_id == "DSP-01"));
}

#[wasm_bindgen_test]
fn a_broken_pack_is_a_pack_error_with_file_line_col_and_diagnostics() {
    let mut files = pack_files();
    let mdt = files.get_mut("rules/mdt.toml").unwrap();
    *mdt = mdt.replacen("doc.single_dose.amount > params.single_dose_min_exclusive", "doc.single_dose.amont > params.nope", 1);
    let e = compile(&files).expect_err("the pack must be refused");
    let text = error_text(&e);
    assert!(text.starts_with("PackError: rules/mdt.toml:"), "{text}");
    let diags: Vec<PackDiagnostic> = rust_of(&js_sys::Reflect::get(&e, &"diagnostics".into()).unwrap());
    assert!(!diags.is_empty());
    assert!(diags.iter().all(|d| d.file == "rules/mdt.toml" && d.line > 0 && d.col > 0), "{diags:?}");
    // The message lists each diagnostic as file:line:col: message, as the native loader says.
    let native = qagida::Pack::from_files(&files).unwrap_err();
    assert_eq!(text, format!("PackError: {native}"));
    for d in &diags {
        assert!(text.contains(&format!("{}:{}:{}: {}", d.file, d.line, d.col, d.message)), "{text}");
    }
    // Not TOML at all.
    files.insert("pack.toml".into(), "id = [".into());
    let e = compile(&files).err().unwrap();
    assert!(error_text(&e).starts_with("PackError: pack.toml:1:"), "{}", error_text(&e));
}

/// Pack files are an object of strings (or a Map, or [path, contents] pairs); a bad one is named.
#[wasm_bindgen_test]
fn bad_pack_files_and_layers_are_named() {
    const FILES: &str = "FilesError: pack files must be an object mapping paths in the pack to file contents: ";
    let mut files = js_of(&pack_files());
    js_sys::Reflect::set(&files, &"pack.toml".into(), &1.5.into()).unwrap();
    let e = compile_pack(files.clone()).err().unwrap();
    assert_eq!(error_text(&e), format!("{FILES}files.pack.toml: invalid type: floating point `1.5`, expected a string"));
    js_sys::Reflect::set(&files, &"pack.toml".into(), &JsValue::NULL).unwrap();
    let e = compile_pack(files.clone()).err().unwrap();
    assert_eq!(error_text(&e), format!("{FILES}files.pack.toml: invalid type: unit value, expected a string"));
    let e = compile_pack(JsValue::from_str("pack.toml")).err().unwrap();
    assert_eq!(error_text(&e), format!("{FILES}files must be an object, not a string"));
    let e = compile_signed_pack(JsValue::UNDEFINED, "key", None).err().unwrap();
    assert_eq!(error_text(&e), format!("{FILES}files must be an object, not undefined"));

    // A Map, and an array of [path, contents] pairs, are taken as an object is.
    files = js_of(&pack_files());
    let want = compile_pack(files.clone()).unwrap();
    let entries = js_sys::Object::entries(files.unchecked_ref());
    let map = js_sys::Map::new();
    for pair in entries.iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        map.set(&pair.get(0), &pair.get(1));
    }
    assert_eq!(compile_pack(map.into()).map_err(|e| error_text(&e)).unwrap(), want);
    assert_eq!(compile_pack(entries.clone().into()).map_err(|e| error_text(&e)).unwrap(), want);
    entries.push(&js_sys::Array::of2(&7.into(), &"x".into()));
    let e = compile_pack(entries.into()).err().unwrap();
    // serde_path_to_error writes `?` for a key that is not a string.
    assert_eq!(error_text(&e), format!("{FILES}files.?: invalid type: floating point `7.0`, expected a string"));

    let layers = |json: String| compile_layers(js_sys::JSON::parse(&json).unwrap()).err().map(|e| error_text(&e));
    let base = serde_json::to_string(&pack_files()).unwrap();
    assert_eq!(layers(format!(r#"{{"name": "kz-orphan", "files": {base}}}"#)).unwrap(), format!("{FILES}layers must be an array of {{name, files}} objects, not an object"));
    assert_eq!(layers("[5]".into()).unwrap(), format!("{FILES}layers[0]: invalid type: floating point `5.0`, expected struct PackLayer"));
    assert_eq!(layers(format!(r#"[{{"files": {base}}}]"#)).unwrap(), format!("{FILES}layers[0]: missing field `name`"));
    assert_eq!(layers(format!(r#"[{{"name": "kz-orphan", "files": {base}}}, {{"name": "x", "files": "pack.toml"}}]"#)).unwrap(), format!("{FILES}layers[1].files must be an object, not a string"));
    assert_eq!(layers(r#"[{"name": "x", "files": {"pack.toml": 2}}]"#.into()).unwrap(), format!("{FILES}layers[0].files.pack.toml: invalid type: floating point `2.0`, expected a string"));
    assert!(layers(format!(r#"[{{"name": "kz-orphan", "files": {base}, "extra": 1}}]"#)).is_none(), "other keys of a layer are ignored");
}

#[wasm_bindgen_test]
fn a_regional_layer_over_the_national_pack() {
    let (national, regional) = (pack_files(), files_of("kz-karaganda"));
    let layers = vec![
        PackLayer { name: "kz-orphan".into(), files: national.clone() },
        PackLayer { name: "kz-karaganda".into(), files: regional.clone() },
    ];
    let bytes = compile_layers(js_of(&layers)).map_err(|e| error_text(&e)).unwrap();
    let native = qagida::Pack::from_layers(&[("kz-orphan", &national), ("kz-karaganda", &regional)]).unwrap();
    assert_eq!(bytes, native.to_compiled());
    let v = load(&bytes);
    assert_eq!(v.pack_id(), "kz-karaganda");
    let stack: Vec<qagida_wasm::PackRef> = rust_of(&v.pack_layers().unwrap());
    assert_eq!(stack.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["kz-orphan", "kz-karaganda"]);
    same_as_native(&bytes, &native, run_layer_tests(js_of(&layers)).map_err(|e| error_text(&e)).unwrap());

    // A broken regional layer names its files with the layer's name.
    let mut broken = layers.clone();
    broken[1].files.insert("pack.toml".into(), "id = [".into());
    let e = compile_layers(js_of(&broken)).err().unwrap();
    assert!(error_text(&e).starts_with("PackError: kz-karaganda/pack.toml:1:"), "{}", error_text(&e));
}

#[wasm_bindgen_test]
fn a_signed_pack_compiles_only_with_the_right_key_and_untouched_files() {
    use qagida::signing::{SigningKey, format_verifying_key, sign_files};
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let public = format_verifying_key(&key.verifying_key());
    let mut files = pack_files();
    files.insert("README.txt".into(), "signed too, not compiled".into());
    let sig = sign_files(&files, &key).unwrap();
    files.insert("pack.sig".into(), sig);
    let signed = |files: &BTreeMap<String, String>, public: &str| compile_signed_pack(js_of(files), public, None);
    let bytes = signed(&files, &public).map_err(|e| error_text(&e)).unwrap();
    // Only the .toml and .json files are compiled: the same pack as the unsigned files.
    assert_eq!(bytes, compile(&pack_files()).unwrap());
    assert_eq!(load(&bytes).pack_id(), "kz-orphan");

    // Another regulator's key.
    let other = format_verifying_key(&SigningKey::from_bytes(&[9u8; 32]).verifying_key());
    let e = signed(&files, &other).err().unwrap();
    assert!(error_text(&e).starts_with("SignatureError:"), "{}", error_text(&e));

    // One changed byte in a rule file; a file added; a file removed.
    let mut tampered = files.clone();
    let dsp = tampered.get_mut("rules/dispensing.toml").unwrap();
    *dsp = dsp.replacen("max_supply_months = 1", "max_supply_months = 2", 1);
    let e = signed(&tampered, &public).err().unwrap();
    assert!(error_text(&e).starts_with("SignatureError:") && error_text(&e).contains("rules/dispensing.toml"), "{}", error_text(&e));
    let mut added = files.clone();
    added.insert("rules/extra.toml".into(), String::new());
    let e = signed(&added, &public).err().unwrap();
    assert!(error_text(&e).starts_with("SignatureError:") && error_text(&e).contains("rules/extra.toml"), "{}", error_text(&e));
    let mut removed = files.clone();
    removed.remove("README.txt");
    let e = signed(&removed, &public).err().unwrap();
    assert!(error_text(&e).starts_with("SignatureError:") && error_text(&e).contains("README.txt"), "{}", error_text(&e));

    // No pack.sig at all, and a key that is not a key.
    let mut unsigned = files.clone();
    unsigned.remove("pack.sig");
    let e = signed(&unsigned, &public).err().unwrap();
    assert!(error_text(&e).starts_with("SignatureError:") && error_text(&e).contains("not signed"), "{}", error_text(&e));
    assert!(error_text(&signed(&files, "hello").err().unwrap()).starts_with("SignatureError:"));

    // A signed pack that verifies but does not compile is a PackError.
    let mut broken = pack_files();
    broken.insert("pack.toml".into(), "id = [".into());
    let sig = sign_files(&broken, &key).unwrap();
    broken.insert("pack.sig".into(), sig);
    let e = signed(&broken, &public).err().unwrap();
    assert!(error_text(&e).starts_with("PackError: pack.toml:1:"), "{}", error_text(&e));
}

/// Issue 12 row 9 in the browser: a replayed older signed edition is refused below
/// `minVersion`; versions compare as versions (2026.3.10 > 2026.3.9).
#[wasm_bindgen_test]
fn a_signed_pack_below_min_version_is_refused_as_a_replayed_edition() {
    use qagida::signing::{SigningKey, format_verifying_key, sign_files};
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let public = format_verifying_key(&key.verifying_key());
    let edition = |version: &str| {
        let mut files = pack_files();
        let manifest = files.get_mut("pack.toml").unwrap();
        let at = manifest.find("version = \"").unwrap();
        let end = at + manifest[at..].find('\n').unwrap();
        manifest.replace_range(at..end, &format!("version = \"{version}\""));
        let sig = sign_files(&files, &key).unwrap();
        files.insert("pack.sig".into(), sig);
        files
    };
    let (old, new) = (edition("2026.3.9"), edition("2026.3.10"));
    let min = || Some("2026.3.10".to_string());
    assert!(compile_signed_pack(js_of(&new), &public, min()).is_ok());
    let e = compile_signed_pack(js_of(&old), &public, min()).err().unwrap();
    assert!(error_text(&e).starts_with("SignatureError:") && error_text(&e).contains("2026.3.9"), "{}", error_text(&e));
    // Without a least version the older edition still verifies (freshness needs minVersion).
    assert!(compile_signed_pack(js_of(&old), &public, None).is_ok());
    let e = compile_signed_pack(js_of(&new), &public, Some("latest".into())).err().unwrap();
    assert!(error_text(&e).contains("minVersion"), "{}", error_text(&e));
}
