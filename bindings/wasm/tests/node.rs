//! The JS API, run as WebAssembly under Node:
//!
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test --target wasm32-unknown-unknown
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use qagida_wasm::{Lang, PackDiagnostic, PackTestCase, RuleInfo, Severity, ValidateOptions, ValidationResult, Validator};
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "node:fs")]
extern "C" {
    #[wasm_bindgen(js_name = readFileSync, catch)]
    fn read_file_sync(path: &str, encoding: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = readdirSync, catch)]
    fn readdir_sync(path: &str, options: &JsValue) -> Result<js_sys::Array, JsValue>;
}

const RULES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules");

/// A pack's files, read from the repository's rules/NAME (path in the pack → contents).
fn files_of(name: &str) -> BTreeMap<String, String> {
    let dir = format!("{RULES_DIR}/{name}");
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"recursive".into(), &true.into()).unwrap();
    let mut files = BTreeMap::new();
    for entry in readdir_sync(&dir, &opts).unwrap().iter() {
        let rel = entry.as_string().unwrap().replace('\\', "/");
        if rel.ends_with(".toml") || rel.ends_with(".json") {
            files.insert(rel.clone(), read_file_sync(&format!("{dir}/{rel}"), "utf8").unwrap());
        }
    }
    assert!(files.contains_key("pack.toml"), "no pack.toml under {dir}");
    files
}

/// The default pack's files.
fn pack_files() -> BTreeMap<String, String> {
    files_of("kz-orphan")
}

/// A Rust value as a plain JS value, through JSON text.
fn js_of<T: serde::Serialize + ?Sized>(v: &T) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(v).unwrap()).unwrap()
}

/// A plain JS value as a Rust value, through JSON text.
fn rust_of<T: serde::de::DeserializeOwned>(v: &JsValue) -> T {
    serde_json::from_str(&String::from(js_sys::JSON::stringify(v).unwrap())).unwrap()
}

fn validator_from(files: &BTreeMap<String, String>) -> Result<Validator, JsValue> {
    Validator::from_files(js_of(files))
}

fn opts(o: ValidateOptions) -> Option<Ts<ValidateOptions>> {
    Some(Ts::new_unchecked(js_of(&o)))
}

fn lang(l: Lang) -> Option<ValidateOptions> {
    Some(ValidateOptions { lang: Some(l), ..Default::default() })
}

fn validate(v: &Validator, doc: &serde_json::Value, o: Option<ValidateOptions>) -> ValidationResult {
    let js = js_sys::JSON::parse(&doc.to_string()).unwrap();
    rust_of(&v.validate(js, o.and_then(opts)).map_err(|e| error_text(&e)).unwrap().js_value())
}

fn fixture(v: &Validator, name: &str) -> serde_json::Value {
    let all = v.fixtures().unwrap();
    rust_of(&js_sys::Reflect::get(&all, &name.into()).unwrap())
}

/// `name: message` of a thrown JS error.
fn error_text(e: &JsValue) -> String {
    let e = e.dyn_ref::<js_sys::Error>().expect("a JS Error");
    format!("{}: {}", String::from(e.name()), String::from(e.message()))
}

#[wasm_bindgen_test]
fn default_pack_loads_with_id_version_and_languages() {
    let v = Validator::with_default_pack().unwrap();
    assert_eq!(v.pack_id(), "kz-orphan");
    assert!(!v.pack_version().is_empty());
    let langs: Vec<Lang> = rust_of(&v.languages().unwrap());
    assert_eq!(langs, vec![Lang::Kk, Lang::Ru, Lang::En]);
    let title_kk = v.pack_title(Some(Ts::new_unchecked("kk".into()))).unwrap();
    let title_en = v.pack_title(Some(Ts::new_unchecked("en".into()))).unwrap();
    assert_ne!(title_kk, title_en);
}

#[wasm_bindgen_test]
fn every_fixture_is_valid() {
    let v = Validator::with_default_pack().unwrap();
    let names: Vec<String> = js_sys::Object::keys(v.fixtures().unwrap().unchecked_ref::<js_sys::Object>())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    assert!(names.iter().any(|n| n == "mdt_conclusion"), "{names:?}");
    for name in names {
        let r = validate(&v, &fixture(&v, &name), None);
        assert!(r.valid && r.findings.is_empty(), "{name}: {:?}", r.findings);
    }
}

#[wasm_bindgen_test]
fn zero_single_dose_is_mdt03_in_every_language() {
    let v = Validator::with_default_pack().unwrap();
    let mut doc = fixture(&v, "mdt_conclusion");
    doc["single_dose"]["amount"] = 0.into();
    let mut messages = Vec::new();
    for l in [Lang::Kk, Lang::Ru, Lang::En] {
        let r = validate(&v, &doc, lang(l));
        assert!(!r.valid);
        let f = r.findings.iter().find(|f| f.rule_id == "MDT-03").expect("an MDT-03 finding");
        assert_eq!(f.path, "/single_dose/amount");
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.actual.as_deref(), Some("0"));
        assert!(!f.message.is_empty() && !f.clause.is_empty());
        messages.push((f.message.clone(), f.clause.clone()));
    }
    assert_ne!(messages[0], messages[2], "kk and en texts must differ");
    assert_ne!(messages[1], messages[2], "ru and en texts must differ");
    // Kazakh-specific letters: the kk message really is Kazakh.
    assert!(messages[0].0.chars().chain(messages[0].1.chars()).any(|c| "әғқңөұүһі".contains(c)), "{:?}", messages[0]);
}

#[wasm_bindgen_test]
fn validate_json_returns_the_same_result_as_text() {
    let v = Validator::with_default_pack().unwrap();
    let mut doc = fixture(&v, "prescription");
    doc["single_dose"] = serde_json::Value::Null;
    let o = ValidateOptions { lang: Some(Lang::En), as_of: Some("2026-04-10".into()), ..Default::default() };
    let text = v.validate_json(&doc.to_string(), opts(o.clone())).unwrap();
    let from_text: ValidationResult = serde_json::from_str(&text).unwrap();
    let from_object = validate(&v, &doc, Some(o));
    assert_eq!(from_text, from_object);
    assert_eq!(from_text.as_of, "2026-04-10");
    assert!(!from_text.valid);
}

/// `asOf` takes what chrono's `NaiveDate::from_str` took (the hand parser of `qagida::dates`):
/// blanks around the numbers, 1-digit months and days, a signed year.
#[wasm_bindgen_test]
fn as_of_takes_the_relaxed_forms_chrono_took() {
    let v = Validator::with_default_pack().unwrap();
    let doc = fixture(&v, "prescription");
    for (given, as_of) in [(" 2026 - 4-10 ", "2026-04-10"), ("+002026-04-1", "2026-04-01")] {
        let o = ValidateOptions { as_of: Some(given.into()), ..Default::default() };
        assert_eq!(validate(&v, &doc, Some(o)).as_of, as_of, "{given:?}");
    }
}

#[wasm_bindgen_test]
fn a_document_without_its_own_date_is_validated_as_of_today_without_trapping() {
    // The core calls Utc::now(): this traps on wasm unless chrono's `wasmbind` is on.
    let v = Validator::with_default_pack().unwrap();
    let r = validate(&v, &serde_json::json!({"document_type": "mdt_conclusion"}), None);
    let now = js_sys::Date::new_0();
    let astana = js_sys::Date::new(&JsValue::from_f64(now.get_time() + 5.0 * 3600.0 * 1000.0));
    let today = format!("{:04}-{:02}-{:02}", astana.get_utc_full_year(), astana.get_utc_month() + 1, astana.get_utc_date());
    assert_eq!(r.as_of, today);
    assert!(!r.valid);
}

#[wasm_bindgen_test]
fn bad_input_is_an_exception_never_a_trap() {
    let v = Validator::with_default_pack().unwrap();
    let e = v.validate_json("{not json", None).unwrap_err();
    assert!(error_text(&e).starts_with("InputError: input is not valid JSON"), "{}", error_text(&e));

    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let e = v.validate_json(&deep, None).unwrap_err();
    assert!(error_text(&e).contains("deeper than the limit"), "{}", error_text(&e));

    let small = ValidateOptions { max_input_bytes: Some(10), ..Default::default() };
    let e = v.validate_json(r#"{"document_type": "mdt_conclusion"}"#, opts(small)).unwrap_err();
    assert!(error_text(&e).contains("over the limit"), "{}", error_text(&e));

    // A cycle cannot become JSON.
    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let e = v.validate(cyclic.into(), None).unwrap_err();
    assert!(error_text(&e).starts_with("DocumentError:"), "{}", error_text(&e));

    // Not an object, unknown type: findings, not errors.
    let r = validate(&v, &serde_json::json!("text"), None);
    assert_eq!(r.findings[0].rule_id, "TYPE");
    let r = validate(&v, &serde_json::json!({"document_type": "invoice"}), None);
    assert_eq!(r.findings[0].rule_id, "DOCTYPE");
}

#[wasm_bindgen_test]
fn bad_options_are_reported() {
    let v = Validator::with_default_pack().unwrap();
    let doc = || js_sys::JSON::parse(r#"{"document_type": "mdt_conclusion"}"#).unwrap();
    let raw = |json: &str| Some(Ts::new_unchecked(js_sys::JSON::parse(json).unwrap()));
    let e = v.validate(doc(), raw(r#"{"as_of": "2026-04-02"}"#)).unwrap_err();
    assert!(error_text(&e).contains("unknown option `as_of`"), "{}", error_text(&e));
    let e = v.validate(doc(), raw(r#"{"asOf": "2026-02-30"}"#)).unwrap_err();
    assert_eq!(error_text(&e), "OptionsError: invalid options: asOf `2026-02-30` is not a valid YYYY-MM-DD date");
    let e = v.validate(doc(), raw(r#"{"lang": "de"}"#)).unwrap_err();
    assert_eq!(error_text(&e), r#"OptionsError: invalid options: lang must be "kk", "ru" or "en", not "de""#);
    // null / undefined options are the defaults.
    assert!(v.validate(doc(), Some(Ts::new_unchecked(JsValue::NULL))).is_ok());
}

/// Options are read by hand: each bad value is named with what was expected; counts are
/// non-negative safe integers (or BigInts) within the field's range, as serde-wasm-bindgen took.
#[wasm_bindgen_test]
fn option_types_are_checked_field_by_field() {
    let v = Validator::with_default_pack().unwrap();
    let doc = || js_sys::JSON::parse(r#"{"document_type": "mdt_conclusion", "date": "2026-04-02"}"#).unwrap();
    let with = |key: &str, value: JsValue| {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &key.into(), &value).unwrap();
        v.validate(doc(), Some(Ts::new_unchecked(o.into())))
    };
    let refused = |key: &str, value: JsValue| error_text(&with(key, value).expect_err("refused"));

    assert_eq!(refused("asOf", 5.into()), "OptionsError: invalid options: asOf must be a YYYY-MM-DD string, not a number");
    assert_eq!(refused("lang", 1.5.into()), r#"OptionsError: invalid options: lang must be "kk", "ru" or "en", not a number"#);
    let max = "OptionsError: invalid options: maxDepth must be a whole number from 0 to 4294967295, not";
    assert_eq!(refused("maxDepth", 1.5.into()), format!("{max} 1.5"));
    assert_eq!(refused("maxDepth", (-1).into()), format!("{max} -1"));
    assert_eq!(refused("maxDepth", f64::NAN.into()), format!("{max} NaN"));
    assert_eq!(refused("maxDepth", f64::INFINITY.into()), format!("{max} Infinity"));
    assert_eq!(refused("maxDepth", 4294967296.0.into()), format!("{max} 4294967296"));
    assert_eq!(refused("maxDepth", "5".into()), format!("{max} a string"));
    assert_eq!(refused("maxDepth", true.into()), format!("{max} a boolean"));
    assert_eq!(refused("maxDepth", js_sys::Object::new().into()), format!("{max} an object"));
    assert_eq!(refused("maxDepth", js_sys::BigInt::from(-1i64).into()), format!("{max} -1n"));
    let steps = "OptionsError: invalid options: maxSteps must be a whole number from 0 to 9007199254740991, not";
    assert_eq!(refused("maxSteps", 9007199254740992.0.into()), format!("{steps} 9007199254740992"));
    assert_eq!(refused("maxSteps", 1e300.into()), format!("{steps} 1e+300"));

    // Taken: -0 (is 0), the largest usize, a BigInt, null and undefined (the default). Past
    // maxFindings the result ends with one LIMIT finding.
    let findings = |key: &str, value: JsValue| rust_of::<ValidationResult>(&with(key, value).unwrap().js_value()).findings.len();
    assert_eq!(findings("maxFindings", (-0.0).into()), 1);
    assert_eq!(findings("maxFindings", js_sys::BigInt::from(2u64).into()), 3);
    let all = findings("maxFindings", JsValue::NULL);
    assert!(all > 2 && findings("maxFindings", JsValue::UNDEFINED) == all && findings("maxFindings", 4294967295u32.into()) == all);
    assert_eq!(findings("maxSteps", 9007199254740991.0.into()), all);
    assert_eq!(findings("maxSteps", js_sys::BigInt::from(u64::MAX).into()), all);

    // A lang argument is checked the same way.
    let e = v.pack_title(Some(Ts::new_unchecked("de".into()))).unwrap_err();
    assert_eq!(error_text(&e), r#"OptionsError: invalid options: lang must be "kk", "ru" or "en", not "de""#);
    let e = v.rules(Some(Ts::new_unchecked(5.into()))).unwrap_err();
    assert_eq!(error_text(&e), r#"OptionsError: invalid options: lang must be "kk", "ru" or "en", not a number"#);
}

/// Pack files are an object of strings (or a Map, or [path, contents] pairs); a bad one is named.
#[wasm_bindgen_test]
fn bad_pack_files_and_layers_are_named() {
    const FILES: &str = "FilesError: pack files must be an object mapping paths in the pack to file contents: ";
    let mut files = js_of(&pack_files());
    js_sys::Reflect::set(&files, &"pack.toml".into(), &1.5.into()).unwrap();
    let e = Validator::from_files(files.clone()).err().unwrap();
    assert_eq!(error_text(&e), format!(r#"{FILES}files["pack.toml"] must be a string, not a number"#));
    js_sys::Reflect::set(&files, &"pack.toml".into(), &JsValue::NULL).unwrap();
    let e = Validator::from_files(files.clone()).err().unwrap();
    assert_eq!(error_text(&e), format!(r#"{FILES}files["pack.toml"] must be a string, not null"#));
    let e = Validator::from_files(JsValue::from_str("pack.toml")).err().unwrap();
    assert_eq!(error_text(&e), format!("{FILES}files must be an object, not a string"));

    // A Map, and an array of [path, contents] pairs, are taken as before.
    files = js_of(&pack_files());
    let entries = js_sys::Object::entries(files.unchecked_ref());
    let map = js_sys::Map::new();
    for pair in entries.iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        map.set(&pair.get(0), &pair.get(1));
    }
    assert_eq!(Validator::from_files(map.into()).map_err(|e| error_text(&e)).unwrap().pack_id(), "kz-orphan");
    assert_eq!(Validator::from_files(entries.clone().into()).map_err(|e| error_text(&e)).unwrap().pack_id(), "kz-orphan");
    entries.push(&js_sys::Array::of2(&7.into(), &"x".into()));
    let e = Validator::from_files(entries.into()).err().unwrap();
    assert_eq!(error_text(&e), format!("{FILES}files: a path must be a string, not a number"));

    let layers = |json: String| Validator::from_layers(js_sys::JSON::parse(&json).unwrap()).err().map(|e| error_text(&e));
    let base = serde_json::to_string(&pack_files()).unwrap();
    assert_eq!(layers(format!(r#"{{"name": "kz-orphan", "files": {base}}}"#)).unwrap(), format!("{FILES}layers must be an array of {{name, files}} objects, not an object"));
    assert_eq!(layers("[5]".into()).unwrap(), format!("{FILES}layers[0] must be an object {{name, files}}, not a number"));
    assert_eq!(layers(format!(r#"[{{"files": {base}}}]"#)).unwrap(), format!("{FILES}layers[0].name must be a string, not undefined"));
    assert_eq!(layers(format!(r#"[{{"name": "kz-orphan", "files": {base}}}, {{"name": "x", "files": "pack.toml"}}]"#)).unwrap(), format!("{FILES}layers[1].files must be an object, not a string"));
    assert_eq!(layers(r#"[{"name": "x", "files": {"pack.toml": 2}}]"#.into()).unwrap(), format!(r#"{FILES}layers[0].files["pack.toml"] must be a string, not a number"#));
    assert!(layers(format!(r#"[{{"name": "kz-orphan", "files": {base}, "extra": 1}}]"#)).is_none(), "other keys of a layer are ignored");
}

/// Results are plain JS objects with keys in the fields' order and no key for an absent field.
#[wasm_bindgen_test]
fn results_are_plain_objects_without_absent_keys() {
    let v = Validator::with_default_pack().unwrap();
    let doc = js_sys::JSON::parse(r#"{"document_type": "mdt_conclusion", "date": "2026-04-02"}"#).unwrap();
    let r = v.validate(doc, opts(ValidateOptions { max_findings: Some(2), ..Default::default() })).unwrap().js_value();
    let keys = |o: &JsValue| js_sys::Object::keys(o.unchecked_ref::<js_sys::Object>()).iter().map(|k| k.as_string().unwrap()).collect::<Vec<_>>();
    assert_eq!(keys(&r), ["valid", "rule_pack", "as_of", "findings", "truncated"]);
    assert_eq!(keys(&js_sys::Reflect::get(&r, &"rule_pack".into()).unwrap()), ["id", "version"]);
    let first = js_sys::Reflect::get(&r, &"findings".into()).unwrap().unchecked_into::<js_sys::Array>().get(0);
    assert_eq!(keys(&first), ["rule_id", "severity", "path", "message", "clause"]);
    assert_eq!(js_sys::Object::get_prototype_of(&first), js_sys::Object::get_prototype_of(&js_sys::Object::new()));
    // The fixtures by name, in the pack's order, their numbers as JS numbers (not serde_json's
    // internal representation of `arbitrary_precision`).
    let fixtures = v.fixtures().unwrap();
    assert_eq!(keys(&fixtures), v.pack().fixtures.keys().cloned().collect::<Vec<_>>());
    let text = String::from(js_sys::JSON::stringify(&fixtures).unwrap());
    assert!(!text.contains("$serde_json") && text.contains(r#""amount":"#), "{text}");
}

#[wasm_bindgen_test]
fn an_edited_pack_changes_the_verdict_without_a_rebuild() {
    let files = pack_files();
    let default = validator_from(&files).unwrap();
    let mut doc = fixture(&default, "dispensing");
    doc["supply_days"] = 45.into();
    let before = validate(&default, &doc, None);
    assert!(before.findings.iter().any(|f| f.rule_id == "DSP-01" && f.path == "/supply_days"), "{:?}", before.findings);

    let mut edited = files.clone();
    let dsp = edited.get_mut("rules/dispensing.toml").unwrap();
    assert!(dsp.contains("max_supply_months = 1"));
    *dsp = dsp.replacen("max_supply_months = 1", "max_supply_months = 2", 1);
    let v = validator_from(&edited).unwrap();
    let after = validate(&v, &doc, None);
    assert!(!after.findings.iter().any(|f| f.rule_id == "DSP-01"), "{:?}", after.findings);
}

#[wasm_bindgen_test]
fn a_broken_pack_is_refused_with_file_line_col() {
    let mut files = pack_files();
    let mdt = files.get_mut("rules/mdt.toml").unwrap();
    *mdt = mdt.replacen("doc.single_dose.amount > params.single_dose_min_exclusive", "doc.single_dose.amont > params.nope", 1);
    let e = validator_from(&files).err().expect("the pack must be refused");
    let text = error_text(&e);
    assert!(text.starts_with("PackError: rules/mdt.toml:"), "{text}");
    let diags: Vec<PackDiagnostic> = rust_of(&js_sys::Reflect::get(&e, &"diagnostics".into()).unwrap());
    assert!(!diags.is_empty());
    assert!(diags.iter().all(|d| d.file == "rules/mdt.toml" && d.line > 0 && d.col > 0), "{diags:?}");
    // The message lists each diagnostic as file:line:col: message.
    for d in &diags {
        assert!(text.contains(&format!("{}:{}:{}: {}", d.file, d.line, d.col, d.message)), "{text}");
    }

    let e = Validator::from_files(JsValue::from_str("pack.toml")).err().unwrap();
    assert!(error_text(&e).starts_with("FilesError:"), "{}", error_text(&e));
}

#[wasm_bindgen_test]
fn rules_come_in_the_requested_language() {
    let v = Validator::with_default_pack().unwrap();
    let en: Vec<RuleInfo> = rust_of(&v.rules(Some(Ts::new_unchecked("en".into()))).unwrap());
    let kk: Vec<RuleInfo> = rust_of(&v.rules(Some(Ts::new_unchecked("kk".into()))).unwrap());
    assert_eq!(en.len(), kk.len());
    let mdt03 = en.iter().find(|r| r.id == "MDT-03").unwrap();
    assert!(mdt03.applies_to.iter().any(|t| t == "mdt_conclusion"), "{:?}", mdt03.applies_to);
    assert_eq!(mdt03.file, "rules/mdt.toml");
    let mdt03_kk = kk.iter().find(|r| r.id == "MDT-03").unwrap();
    assert_ne!(mdt03.title, mdt03_kk.title);
}

#[wasm_bindgen_test]
fn the_packs_own_tests_pass_in_wasm() {
    let v = Validator::with_default_pack().unwrap();
    let cases: Vec<PackTestCase> = rust_of(&v.run_pack_tests().unwrap());
    assert!(cases.len() > 20, "only {} cases", cases.len());
    let failed: Vec<_> = cases.iter().filter(|c| !c.passed).collect();
    assert!(failed.is_empty(), "{failed:?}");
}

#[cfg(feature = "signed-packs")]
#[wasm_bindgen_test]
fn a_signed_pack_loads_only_with_the_right_key_and_untouched_files() {
    use qagida::signing::{SigningKey, format_verifying_key, sign_files};
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let public = format_verifying_key(&key.verifying_key());
    let mut files = pack_files();
    let sig = sign_files(&files, &key).unwrap();
    files.insert("pack.sig".into(), sig);
    let load = |files: &BTreeMap<String, String>, public: &str| {
        Validator::from_signed_files(js_of(files), public)
    };
    let v = load(&files, &public).map_err(|e| error_text(&e)).unwrap();
    assert_eq!(v.pack_id(), "kz-orphan");

    // Another regulator's key.
    let other = format_verifying_key(&SigningKey::from_bytes(&[9u8; 32]).verifying_key());
    let e = load(&files, &other).err().unwrap();
    assert!(error_text(&e).starts_with("SignatureError:"), "{}", error_text(&e));

    // One changed byte in a rule file.
    let mut tampered = files.clone();
    let dsp = tampered.get_mut("rules/dispensing.toml").unwrap();
    *dsp = dsp.replacen("max_supply_months = 1", "max_supply_months = 2", 1);
    let e = load(&tampered, &public).err().unwrap();
    assert!(error_text(&e).contains("rules/dispensing.toml"), "{}", error_text(&e));

    // No pack.sig at all, and a key that is not a key.
    let mut unsigned = files.clone();
    unsigned.remove("pack.sig");
    assert!(error_text(&load(&unsigned, &public).err().unwrap()).contains("not signed"));
    assert!(error_text(&load(&files, "hello").err().unwrap()).starts_with("SignatureError:"));
}

#[wasm_bindgen_test]
fn a_regional_layer_over_the_national_pack() {
    let layers = vec![
        qagida_wasm::PackLayer { name: "kz-orphan".into(), files: pack_files() },
        qagida_wasm::PackLayer { name: "kz-karaganda".into(), files: files_of("kz-karaganda") },
    ];
    let v = Validator::from_layers(js_of(&layers)).map_err(|e| error_text(&e)).unwrap();
    assert_eq!(v.pack_id(), "kz-karaganda");
    let stack: Vec<qagida_wasm::PackRef> = rust_of(&v.pack_layers().unwrap());
    assert_eq!(stack.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["kz-orphan", "kz-karaganda"]);
    let r = validate(&v, &fixture(&v, "prescription"), None);
    assert_eq!(r.rule_pack.layers.len(), 2, "{:?}", r.rule_pack);
    // The mirror serialises the layers as the core does.
    let text = v.validate_json(&fixture(&v, "prescription").to_string(), None).unwrap();
    assert_eq!(serde_json::from_str::<ValidationResult>(&text).unwrap(), r);
    assert!(text.contains(r#""layers":[{"id":"kz-orphan""#), "{text}");

    // A broken regional layer names its files with the layer's name.
    let mut broken = layers.clone();
    broken[1].files.insert("pack.toml".into(), "id = [".into());
    let e = Validator::from_layers(js_of(&broken)).err().unwrap();
    assert!(error_text(&e).starts_with("PackError: kz-karaganda/pack.toml:1:"), "{}", error_text(&e));
}

#[wasm_bindgen_test]
fn max_findings_truncates_the_result() {
    let v = Validator::with_default_pack().unwrap();
    let doc = serde_json::json!({"document_type": "mdt_conclusion", "date": "2026-04-02"});
    let all = validate(&v, &doc, None);
    assert!(all.findings.len() > 2 && !all.truncated, "{:?}", all.findings);
    let o = ValidateOptions { max_findings: Some(2), ..Default::default() };
    let cut = validate(&v, &doc, Some(o.clone()));
    assert!(cut.truncated && !cut.valid);
    assert_eq!(cut.findings.last().unwrap().rule_id, "LIMIT", "{:?}", cut.findings);
    let text = v.validate_json(&doc.to_string(), opts(o)).unwrap();
    assert!(text.ends_with(r#","truncated":true}"#), "{text}");
    assert_eq!(serde_json::from_str::<ValidationResult>(&text).unwrap(), cut);
}
