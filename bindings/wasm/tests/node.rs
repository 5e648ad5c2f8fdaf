//! The JS API, run as WebAssembly under Node:
//!
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test --target wasm32-unknown-unknown
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use qagida_wasm::{Lang, RuleInfo, Severity, ValidateOptions, ValidationResult, Validator};
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod common;
use common::*;

/// A pack compiled in Rust, as the compiler module (or `qagida pack compile`) does: the test
/// build may hold the loader, the module does not.
fn compiled(files: &BTreeMap<String, String>) -> Vec<u8> {
    qagida::Pack::from_files(files).map_err(|e| e.to_string()).unwrap().to_compiled()
}

fn compiled_layers(layers: &[(&str, &BTreeMap<String, String>)]) -> Vec<u8> {
    qagida::Pack::from_layers(layers).map_err(|e| e.to_string()).unwrap().to_compiled()
}

/// The default pack as the npm package ships it beside the module (`packs/default.qpack`,
/// `qagida pack compile rules/default.toml --validation-only`): the layers rules/default.toml
/// lists, compiled without the rules' tests and the expressions' sources.
fn default_pack() -> Vec<u8> {
    let stack = read_file_sync(&format!("{RULES_DIR}/default.toml"), "utf8").unwrap();
    let chain: Vec<(String, BTreeMap<String, String>)> =
        qagida::pack::stack_layers(&stack).unwrap().into_iter().map(|name| { let f = files_of(&name); (name, f) }).collect();
    let layers: Vec<(&str, &BTreeMap<String, String>)> = chain.iter().map(|(n, f)| (n.as_str(), f)).collect();
    qagida::Pack::stack_of(&layers).map_err(|e| e.to_string()).unwrap().to_compiled_with(qagida::CompileOptions::VALIDATION_ONLY)
}

/// A validator of the default pack, loaded as a page loads it: `Validator.fromCompiled(bytes)`.
fn default_validator() -> Validator {
    Validator::from_compiled(u8_array(&default_pack())).map_err(|e| error_text(&e)).unwrap()
}

/// Bytes as a JS `Uint8Array`.
fn u8_array(bytes: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(bytes).into()
}

fn validator_from(files: &BTreeMap<String, String>) -> Result<Validator, JsValue> {
    Validator::from_compiled(u8_array(&compiled(files)))
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

#[wasm_bindgen_test]
fn default_pack_loads_with_id_version_and_languages() {
    let v = default_validator();
    assert_eq!(v.pack_id(), "kz-orphan");
    assert!(!v.pack_version().is_empty());
    let langs: Vec<Lang> = rust_of(&v.languages().into());
    assert_eq!(v.default_language(), "ru");
    assert_eq!(langs, ["kk", "ru", "en"].map(|l| Lang(l.into())));
    let title_kk = v.pack_title(Some(Ts::new_unchecked("kk".into()))).unwrap();
    let title_en = v.pack_title(Some(Ts::new_unchecked("en".into()))).unwrap();
    assert_ne!(title_kk, title_en);
}

#[wasm_bindgen_test]
fn every_fixture_is_valid() {
    let v = default_validator();
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
    let v = default_validator();
    let mut doc = fixture(&v, "mdt_conclusion");
    doc["single_dose"]["amount"] = 0.into();
    let mut messages = Vec::new();
    for l in ["kk", "ru", "en"].map(|l| Lang(l.into())) {
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
    let v = default_validator();
    let mut doc = fixture(&v, "prescription");
    doc["single_dose"] = serde_json::Value::Null;
    let o = ValidateOptions { lang: Some(Lang("en".into())), as_of: Some("2026-04-10".into()), ..Default::default() };
    let text = v.validate_json(&doc.to_string(), opts(o.clone())).unwrap();
    let from_text: ValidationResult = serde_json::from_str(&text).unwrap();
    let from_object = validate(&v, &doc, Some(o));
    assert_eq!(from_text, from_object);
    assert_eq!(from_text.as_of, "2026-04-10");
    assert!(!from_text.valid);
}

/// `asOf` is read by chrono's `NaiveDate::from_str`, as the CLI's `--as-of`: blanks around the
/// numbers, 1-digit months and days, a signed year.
#[wasm_bindgen_test]
fn as_of_takes_the_relaxed_forms_chrono_took() {
    let v = default_validator();
    let doc = fixture(&v, "prescription");
    for (given, as_of) in [(" 2026 - 4-10 ", "2026-04-10"), ("+002026-04-1", "2026-04-01")] {
        let o = ValidateOptions { as_of: Some(given.into()), ..Default::default() };
        assert_eq!(validate(&v, &doc, Some(o)).as_of, as_of, "{given:?}");
    }
}

#[wasm_bindgen_test]
fn a_document_without_its_own_date_is_validated_as_of_today_without_trapping() {
    // The core calls Utc::now(): this traps on wasm unless chrono's `wasmbind` is on.
    let v = default_validator();
    let r = validate(&v, &serde_json::json!({"document_type": "mdt_conclusion"}), None);
    let now = js_sys::Date::new_0();
    let astana = js_sys::Date::new(&JsValue::from_f64(now.get_time() + 5.0 * 3600.0 * 1000.0));
    let today = format!("{:04}-{:02}-{:02}", astana.get_utc_full_year(), astana.get_utc_month() + 1, astana.get_utc_date());
    assert_eq!(r.as_of, today);
    assert!(!r.valid);
}

#[wasm_bindgen_test]
fn bad_input_is_an_exception_never_a_trap() {
    let v = default_validator();
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
    let v = default_validator();
    let doc = || js_sys::JSON::parse(r#"{"document_type": "mdt_conclusion"}"#).unwrap();
    let raw = |json: &str| Some(Ts::new_unchecked(js_sys::JSON::parse(json).unwrap()));
    let e = v.validate(doc(), raw(r#"{"as_of": "2026-04-02"}"#)).unwrap_err();
    assert!(error_text(&e).contains("unknown option `as_of`"), "{}", error_text(&e));
    let e = v.validate(doc(), raw(r#"{"asOf": "2026-02-30"}"#)).unwrap_err();
    assert_eq!(error_text(&e), "OptionsError: invalid options: asOf `2026-02-30` is not a valid YYYY-MM-DD date");
    // A language the pack does not have is served in its default one, as the library does
    // (`validator.languages` lists what it has); a tag finds its language by lookup.
    let in_lang = |l: &str| validate(&v, &serde_json::json!({"document_type": "mdt_conclusion"}), lang(Lang(l.into())));
    assert_eq!(serde_json::to_string(&in_lang("de")).unwrap(), serde_json::to_string(&in_lang("ru")).unwrap());
    assert_eq!(serde_json::to_string(&in_lang("kk-KZ")).unwrap(), serde_json::to_string(&in_lang("kk")).unwrap());
    // null / undefined options are the defaults.
    assert!(v.validate(doc(), Some(Ts::new_unchecked(JsValue::NULL))).is_ok());
}

/// The options are read property by property (`read_options`): each key of `OPTION_KEYS` lands
/// in the field that serde names so, and the keys are all of `ValidateOptions`'s fields, in order.
#[wasm_bindgen_test]
fn every_option_key_is_read_into_its_field() {
    let o = js_sys::Object::new();
    for (i, key) in qagida_wasm::OPTION_KEYS.iter().enumerate() {
        let value: JsValue = match *key {
            "asOf" => "2026-04-02".into(),
            "lang" => "ru".into(),
            "mode" => "draft".into(),
            _ => (i as u32 + 1).into(),
        };
        js_sys::Reflect::set(&o, &(*key).into(), &value).unwrap();
    }
    let read = qagida_wasm::read_options(&o.into()).unwrap();
    let json = serde_json::to_value(&read).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, qagida_wasm::OPTION_KEYS);
    assert_eq!(json["asOf"], "2026-04-02");
    assert_eq!(json["lang"], "ru");
    assert_eq!(json["mode"], "draft");
    for (i, key) in qagida_wasm::OPTION_KEYS.iter().enumerate().skip(2).filter(|(_, k)| **k != "mode") {
        assert_eq!(json[*key], i + 1, "{key}");
    }
}

/// Options are read by hand (`read::FromJs`): each bad value is named with what was expected
/// and what was given; counts are non-negative safe integers (or BigInts) within the field's
/// range.
#[wasm_bindgen_test]
fn option_types_are_checked_field_by_field() {
    let v = default_validator();
    let doc = || js_sys::JSON::parse(r#"{"document_type": "mdt_conclusion", "date": "2026-04-02"}"#).unwrap();
    let with = |key: &str, value: JsValue| {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &key.into(), &value).unwrap();
        v.validate(doc(), Some(Ts::new_unchecked(o.into())))
    };
    let refused = |key: &str, value: JsValue| error_text(&with(key, value).expect_err("refused"));

    let bad = "OptionsError: invalid options:";
    assert_eq!(refused("asOf", 5.into()), format!("{bad} asOf: expected a string, got a number"));
    assert_eq!(refused("lang", 1.5.into()), format!("{bad} lang: expected a string, got a number"));
    assert_eq!(refused("mode", true.into()), format!("{bad} mode: expected a string, got a boolean"));
    // wasm32's usize is 32 bits.
    let max = "OptionsError: invalid options: maxDepth: expected a whole number from 0 to 4294967295, got";
    assert_eq!(refused("maxDepth", 1.5.into()), format!("{max} 1.5"));
    assert_eq!(refused("maxDepth", (-1).into()), format!("{max} -1"));
    assert_eq!(refused("maxDepth", f64::NAN.into()), format!("{max} NaN"));
    assert_eq!(refused("maxDepth", f64::INFINITY.into()), format!("{max} Infinity"));
    assert_eq!(refused("maxDepth", 4294967296.0.into()), format!("{max} 4294967296"));
    assert_eq!(refused("maxDepth", "5".into()), format!("{max} a string"));
    assert_eq!(refused("maxDepth", true.into()), format!("{max} a boolean"));
    assert_eq!(refused("maxDepth", js_sys::Object::new().into()), format!("{max} an object"));
    assert_eq!(refused("maxDepth", js_sys::BigInt::from(-1i64).into()), format!("{max} the BigInt -1"));
    // Past 2^53 - 1 a JS number is no longer a safe integer.
    let steps = "OptionsError: invalid options: maxSteps: expected a whole number from 0 to 18446744073709551615 (a number up to 9007199254740991, beyond it a BigInt), got";
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
    assert_eq!(v.pack_title(Some(Ts::new_unchecked("de".into()))).unwrap(), v.pack_title(None).unwrap());
    let e = v.rules(Some(Ts::new_unchecked(5.into()))).unwrap_err();
    assert_eq!(error_text(&e), "OptionsError: invalid options: lang: expected a string, got a number");
}

/// Results are plain JS objects with keys in the fields' order and no key for an absent field.
#[wasm_bindgen_test]
fn results_are_plain_objects_without_absent_keys() {
    let v = default_validator();
    let doc = js_sys::JSON::parse(r#"{"document_type": "mdt_conclusion", "date": "2026-04-02"}"#).unwrap();
    let r = v.validate(doc, opts(ValidateOptions { max_findings: Some(2), ..Default::default() })).unwrap().js_value();
    let keys = |o: &JsValue| js_sys::Object::keys(o.unchecked_ref::<js_sys::Object>()).iter().map(|k| k.as_string().unwrap()).collect::<Vec<_>>();
    assert_eq!(keys(&r), ["valid", "rule_pack", "as_of", "findings", "truncated"]);
    assert_eq!(keys(&js_sys::Reflect::get(&r, &"rule_pack".into()).unwrap()), ["id", "version", "layers"]);
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
fn rules_come_in_the_requested_language() {
    let v = default_validator();
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
fn a_regional_layer_over_the_national_pack() {
    let (national, regional) = (pack_files(), files_of("kz-karaganda"));
    let bytes = compiled_layers(&[("kz-orphan", &national), ("kz-karaganda", &regional)]);
    let v = Validator::from_compiled(u8_array(&bytes)).map_err(|e| error_text(&e)).unwrap();
    assert_eq!(v.pack_id(), "kz-karaganda");
    let stack: Vec<qagida_wasm::PackRef> = rust_of(&v.pack_layers().unwrap());
    assert_eq!(stack.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["kz-orphan", "kz-karaganda"]);
    let r = validate(&v, &fixture(&v, "prescription"), None);
    assert_eq!(r.rule_pack.layers.len(), 2, "{:?}", r.rule_pack);
    // The mirror serialises the layers as the core does.
    let text = v.validate_json(&fixture(&v, "prescription").to_string(), None).unwrap();
    assert_eq!(serde_json::from_str::<ValidationResult>(&text).unwrap(), r);
    assert!(text.contains(r#""layers":[{"id":"kz-orphan""#), "{text}");
}

#[wasm_bindgen_test]
fn max_findings_truncates_the_result() {
    let v = default_validator();
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

/// The memory bounds (docs/LIMITS.md) are options too: the text cap, the result budget and the
/// evaluation budget reach the engine.
#[wasm_bindgen_test]
fn memory_bounds_are_passed_through() {
    let v = default_validator();
    let doc = serde_json::json!({"document_type": "mdt_conclusion", "date": "2026-04-02"});
    let all = validate(&v, &doc, None);
    let o = ValidateOptions { max_text_chars: Some(10), ..Default::default() };
    let cut = validate(&v, &doc, Some(o));
    assert_eq!(cut.findings.len(), all.findings.len());
    assert!(cut.findings.iter().all(|f| f.message.chars().count() <= 10), "{:?}", cut.findings);
    assert!(cut.findings.iter().any(|f| f.message.ends_with('…')), "{:?}", cut.findings);
    let o = ValidateOptions { max_result_bytes: Some(1_000), ..Default::default() };
    let text = v.validate_json(&doc.to_string(), opts(o)).unwrap();
    let cut: ValidationResult = serde_json::from_str(&text).unwrap();
    assert!(text.len() <= 1_000 && cut.truncated && !cut.valid, "{text}");
    assert_eq!(cut.findings.last().unwrap().rule_id, "LIMIT");
    // A bundle whose MDT conclusion has a 100 KB unit: comparing it builds 300 KB.
    let mut bundle = fixture(&v, "bundle");
    bundle["documents"][0]["single_dose"]["unit"] = "U".repeat(100_000).into();
    assert!(validate(&v, &bundle, None).findings.iter().all(|f| f.message.chars().count() <= 1_000));
    let o = ValidateOptions { max_eval_bytes: Some(100_000), ..Default::default() };
    let js = js_sys::JSON::parse(&bundle.to_string()).unwrap();
    let e = v.validate(js, opts(o)).unwrap_err();
    assert_eq!(error_text(&e), "InputError: validation exceeded its memory budget of 100000 bytes");
    // The parse's budget: the bundle's tree (its objects and arrays; strings are borrowed from
    // the input, so the 100 KB unit costs nothing) takes more than 2 KB.
    let o = ValidateOptions { max_parse_bytes: Some(2_000), ..Default::default() };
    let e = v.validate_json(&bundle.to_string(), opts(o)).unwrap_err();
    assert_eq!(error_text(&e), "InputError: input needs more than the limit of 2000 bytes of memory once parsed");
}

/// The default pack as shipped (validation only) is the pack of its layers' files: the same
/// rules, fixtures and results as the stack compiled in full, with the rules' tests left out.
#[wasm_bindgen_test]
fn the_shipped_default_pack_is_the_pack_of_its_files() {
    let shipped = default_validator();
    let stack = read_file_sync(&format!("{RULES_DIR}/default.toml"), "utf8").unwrap();
    let names = qagida::pack::stack_layers(&stack).unwrap();
    assert_eq!(names.first().map(String::as_str), Some("kz-orphan"));
    let chain: Vec<(String, BTreeMap<String, String>)> = names.into_iter().map(|n| { let f = files_of(&n); (n, f) }).collect();
    let layers: Vec<(&str, &BTreeMap<String, String>)> = chain.iter().map(|(n, f)| (n.as_str(), f)).collect();
    let full_bytes = qagida::Pack::stack_of(&layers).map_err(|e| e.to_string()).unwrap().to_compiled();
    assert!(default_pack().len() < full_bytes.len(), "the validation-only form leaves out the tests and sources");
    let full = Validator::from_compiled(u8_array(&full_bytes)).map_err(|e| error_text(&e)).unwrap();
    assert_eq!((shipped.pack_id(), shipped.pack_version()), (full.pack_id(), full.pack_version()));
    let layers_of = |v: &Validator| rust_of::<Vec<qagida_wasm::PackRef>>(&v.pack_layers().unwrap());
    assert_eq!(layers_of(&shipped), layers_of(&full));
    for l in ["kk", "ru", "en"] {
        let a: Vec<RuleInfo> = rust_of(&shipped.rules(Some(Ts::new_unchecked(l.into()))).unwrap());
        let b: Vec<RuleInfo> = rust_of(&full.rules(Some(Ts::new_unchecked(l.into()))).unwrap());
        assert_eq!(a, b, "{l}");
    }
    assert_eq!(js_sys::JSON::stringify(&shipped.fixtures().unwrap()).unwrap(), js_sys::JSON::stringify(&full.fixtures().unwrap()).unwrap());
    let doc = fixture(&full, "prescription").to_string();
    assert_eq!(shipped.validate_json(&doc, None).unwrap(), full.validate_json(&doc, None).unwrap());
}

/// `fromCompiled` takes a Uint8Array (also a subarray, a Node Buffer), another view of an
/// ArrayBuffer, or an ArrayBuffer.
#[wasm_bindgen_test]
fn compiled_bytes_are_taken_as_any_view_or_buffer() {
    let bytes = compiled(&pack_files());
    let id = |v: JsValue| Validator::from_compiled(v).map_err(|e| error_text(&e)).unwrap().pack_id();
    assert_eq!(id(u8_array(&bytes)), "kz-orphan");
    // A view into a larger buffer, at an offset.
    let mut padded = vec![0xAAu8; 7];
    padded.extend_from_slice(&bytes);
    padded.extend_from_slice(&[0x55; 5]);
    let big = js_sys::Uint8Array::from(&padded[..]);
    assert_eq!(id(big.subarray(7, 7 + bytes.len() as u32).into()), "kz-orphan");
    assert_eq!(id(js_sys::DataView::new(&big.buffer(), 7, bytes.len()).into()), "kz-orphan");
    assert_eq!(id(js_sys::Uint8Array::from(&bytes[..]).buffer().into()), "kz-orphan");
    // Not bytes at all.
    for (v, what) in [
        (JsValue::from_str("kz-orphan"), "a string"),
        (JsValue::NULL, "null"),
        (JsValue::UNDEFINED, "undefined"),
        (js_sys::Array::new().into(), "an array"),
        (js_sys::Object::new().into(), "an object"),
    ] {
        let e = Validator::from_compiled(v).err().unwrap();
        assert_eq!(
            error_text(&e),
            format!("CompiledPackError: not a usable compiled pack: expected the bytes of a compiled pack (a Uint8Array or an ArrayBuffer), not {what}")
        );
    }
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn refused(bytes: &[u8]) -> String {
    match Validator::from_compiled(u8_array(bytes)) {
        Ok(v) => format!("accepted as {}", v.pack_id()),
        Err(e) => error_text(&e),
    }
}

/// Bad bytes are a `CompiledPackError`, never a trap: empty, truncated anywhere, damaged, noise.
#[wasm_bindgen_test]
fn bad_compiled_bytes_are_a_compiled_pack_error_never_a_trap() {
    let is_error = |what: &str, text: String| {
        assert!(text.starts_with("CompiledPackError: not a usable compiled pack: "), "{what}: {text}");
    };
    is_error("empty", refused(&[]));
    let good = compiled(&pack_files());
    assert!(good.len() > 64, "{} bytes", good.len());
    // Every prefix up to 64 bytes, then about 300 more cuts spread over the whole length.
    let step = (good.len() / 300).max(1);
    for len in (0..64.min(good.len())).chain((64..good.len()).step_by(step)) {
        is_error(&format!("the first {len} of {} bytes", good.len()), refused(&good[..len]));
    }
    // One byte changed, at spread positions; bytes added at the end.
    for (i, pos) in (0..good.len()).step_by((good.len() / 100).max(1)).enumerate() {
        let mut bad = good.clone();
        bad[pos] ^= 1 << (i % 8);
        is_error(&format!("bit {} of byte {pos} flipped", i % 8), refused(&bad));
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"\0trailing");
    is_error("trailing bytes", refused(&longer));
    // Noise of many lengths, also behind the real first bytes (a plausible header).
    for seed in 1..=64u64 {
        let len = (seed as usize * 97) % 4096;
        is_error(&format!("noise {seed}"), refused(&noise(seed, len)));
        let mut headed = good[..16.min(good.len())].to_vec();
        headed.extend(noise(seed, len));
        is_error(&format!("header + noise {seed}"), refused(&headed));
    }
}

/// `validate()` returns the core's serialisation of the result; its declaration is the mirror
/// `ValidationResult`, which must serialise every result to the very same JSON text (keys, order,
/// absent fields): valid and invalid documents, engine findings, a truncated result, layers,
/// draft results with their `skipped` list.
#[wasm_bindgen_test]
fn the_result_declaration_serialises_as_the_core_result() {
    let national = pack_files();
    let layered = qagida::Pack::from_layers(&[("kz-orphan", &national), ("kz-karaganda", &files_of("kz-karaganda"))]).unwrap();
    let single = qagida::Pack::from_files(&national).unwrap();
    let mut docs: Vec<serde_json::Value> = single.fixtures.values().map(|v| v.to_serde()).collect();
    for doc in docs.clone() {
        let mut broken = doc.clone();
        if let Some(o) = broken.as_object_mut() {
            for v in o.values_mut().skip(1).step_by(2) {
                *v = serde_json::Value::Null;
            }
        }
        docs.push(broken);
    }
    docs.extend([serde_json::json!("text"), serde_json::json!({"document_type": "invoice"}), serde_json::json!({"document_type": "mdt_conclusion"})]);
    let mut checked = 0;
    for pack in [&single, &layered] {
        for doc in &docs {
            for (max_findings, mode) in [(None, qagida::Mode::Submit), (Some(1), qagida::Mode::Submit), (None, qagida::Mode::Draft), (Some(1), qagida::Mode::Draft)] {
                let mut opts = qagida::Options { mode, ..qagida::Options::default() };
                if let Some(n) = max_findings {
                    opts.max_findings = n;
                }
                let result = pack.validate_bytes(doc.to_string().as_bytes(), &opts).unwrap();
                let core = serde_json::to_string(&result).unwrap();
                let mirror = serde_json::to_string(&ValidationResult::from(&result)).unwrap();
                assert_eq!(core, mirror);
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked}");
}

/// `mode: "draft"`: a half-filled MDT conclusion gets no finding for what is not filled yet,
/// a present wrong value is reported as in submit, and the result lists what waits; submit
/// reports the absent required items.
#[wasm_bindgen_test]
fn draft_mode_reports_only_what_is_present_and_wrong() {
    let v = default_validator();
    let doc = serde_json::json!({"document_type": "mdt_conclusion", "date": "2026-04-02", "doses_per_day": 50});
    let draft = validate(&v, &doc, Some(ValidateOptions { mode: Some("draft".into()), ..Default::default() }));
    let ids: Vec<(&str, &str)> = draft.findings.iter().map(|f| (f.rule_id.as_str(), f.path.as_str())).collect();
    assert_eq!(ids, [("MDT-03", "/doses_per_day")], "{:?}", draft.findings);
    let skipped = draft.skipped.expect("a draft result lists what waits");
    assert!(skipped.iter().any(|s| s.waits_for.iter().any(|w| w == "/single_dose")), "{skipped:?}");
    let submit = validate(&v, &doc, None);
    assert!(submit.skipped.is_none());
    assert!(submit.findings.iter().any(|f| f.rule_id == "MDT-01" && f.path == "/drug/inn"), "{:?}", submit.findings);
    let bad = js_sys::Object::new();
    js_sys::Reflect::set(&bad, &"mode".into(), &"final".into()).unwrap();
    let js = js_sys::JSON::parse(&doc.to_string()).unwrap();
    let err = error_text(&v.validate(js, Some(Ts::new_unchecked(bad.into()))).expect_err("an unknown mode is refused"));
    assert!(err.starts_with("OptionsError: invalid options: mode:"), "{err}");
}

/// `rules()[i].reads`: the JSON Pointers a rule reads, list items as `*`.
#[wasm_bindgen_test]
fn rules_say_what_they_read() {
    let v = default_validator();
    let rules: Vec<RuleInfo> = rust_of(&v.rules(None).unwrap());
    let mdt03 = rules.iter().find(|r| r.id == "MDT-03").expect("MDT-03");
    assert!(mdt03.reads.contains(&"/doses_per_day".to_string()), "{:?}", mdt03.reads);
    assert!(rules.iter().any(|r| r.reads.iter().any(|p| p.contains("/*/"))), "some rule reads list items");
}
