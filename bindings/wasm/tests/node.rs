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

fn validator_from(files: &BTreeMap<String, String>) -> Result<Validator, JsValue> {
    Validator::from_files(serde_wasm_bindgen::to_value(files).unwrap())
}

fn opts(o: ValidateOptions) -> Option<Ts<ValidateOptions>> {
    Some(Ts::new_unchecked(serde_wasm_bindgen::to_value(&o).unwrap()))
}

fn lang(l: Lang) -> Option<ValidateOptions> {
    Some(ValidateOptions { lang: Some(l), ..Default::default() })
}

fn validate(v: &Validator, doc: &serde_json::Value, o: Option<ValidateOptions>) -> ValidationResult {
    let js = js_sys::JSON::parse(&doc.to_string()).unwrap();
    v.validate(js, o.and_then(opts)).map_err(|e| error_text(&e)).unwrap().to_rust().unwrap()
}

fn fixture(v: &Validator, name: &str) -> serde_json::Value {
    let all = v.fixtures().unwrap();
    let doc = js_sys::Reflect::get(&all, &name.into()).unwrap();
    serde_json::from_str(&String::from(js_sys::JSON::stringify(&doc).unwrap())).unwrap()
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
    let langs: Vec<Lang> = serde_wasm_bindgen::from_value(v.languages().unwrap()).unwrap();
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
    assert!(error_text(&e).contains("unknown variant `de`"), "{}", error_text(&e));
    // null / undefined options are the defaults.
    assert!(v.validate(doc(), Some(Ts::new_unchecked(JsValue::NULL))).is_ok());
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
    let diags: Vec<PackDiagnostic> =
        serde_wasm_bindgen::from_value(js_sys::Reflect::get(&e, &"diagnostics".into()).unwrap()).unwrap();
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
    let en: Vec<RuleInfo> = serde_wasm_bindgen::from_value(v.rules(Some(Ts::new_unchecked("en".into()))).unwrap()).unwrap();
    let kk: Vec<RuleInfo> = serde_wasm_bindgen::from_value(v.rules(Some(Ts::new_unchecked("kk".into()))).unwrap()).unwrap();
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
    let cases: Vec<PackTestCase> = serde_wasm_bindgen::from_value(v.run_pack_tests().unwrap()).unwrap();
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
        Validator::from_signed_files(serde_wasm_bindgen::to_value(files).unwrap(), public)
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
    let v = Validator::from_layers(serde_wasm_bindgen::to_value(&layers).unwrap()).map_err(|e| error_text(&e)).unwrap();
    assert_eq!(v.pack_id(), "kz-karaganda");
    let stack: Vec<qagida_wasm::PackRef> = serde_wasm_bindgen::from_value(v.pack_layers().unwrap()).unwrap();
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
    let e = Validator::from_layers(serde_wasm_bindgen::to_value(&broken).unwrap()).err().unwrap();
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
