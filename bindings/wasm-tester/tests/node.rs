//! The tester module's JS API, run as WebAssembly under Node:
//!
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test --target wasm32-unknown-unknown
//!
//! (The outcomes on the national and regional packs are also compared with the native ones
//! in bindings/wasm-compiler/tests/node.rs and, case by case with `qagida test -v`, in
//! tests-wasm/parity.mjs.)
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use qagida_tester::{PackTestCase, run_pack_tests};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[path = "../../wasm/tests/common/mod.rs"]
mod common;
use common::*;

/// The pack tests run in the tester module, on the pack's files (the validator module's packs may
/// be compiled without their tests): every rule's cases and the fixture checks, as `qagida test`; a failing
/// case is reported as failed, and a pack that does not load is a PackError.
#[wasm_bindgen_test]
fn the_packs_own_tests_run_on_its_files() {
    let files = pack_files();
    let cases: Vec<PackTestCase> = rust_of(&run_pack_tests(js_of(&files)).map_err(|e| error_text(&e)).unwrap());
    assert!(cases.len() > 20 && cases.iter().all(|c| c.passed), "{cases:?}");
    assert!(cases.iter().any(|c| c.rule_id == "MDT-03") && cases.iter().any(|c| c.rule_id.starts_with("fixture:")));
    // A rule made laxer than its own test cases expect: those cases fail, with a reason.
    let mut edited = files.clone();
    let dsp = edited.get_mut("rules/dispensing.toml").unwrap();
    *dsp = dsp.replacen("max_supply_months = 1", "max_supply_months = 2", 1);
    let cases: Vec<PackTestCase> = rust_of(&run_pack_tests(js_of(&edited)).unwrap());
    let failed: Vec<&PackTestCase> = cases.iter().filter(|c| !c.passed).collect();
    assert!(!failed.is_empty() && failed.iter().all(|c| !c.detail.is_empty()), "{cases:?}");
    let native = qagida::testing::run_pack_tests(&qagida::Pack::from_files(&edited).unwrap());
    assert_eq!(cases.iter().map(|c| c.passed).collect::<Vec<_>>(), native.iter().map(|c| c.passed).collect::<Vec<_>>());
    edited.insert("pack.toml".into(), "id = [".into());
    let e = run_pack_tests(js_of(&edited)).err().unwrap();
    assert!(error_text(&e).starts_with("PackError: pack.toml:1:"), "{}", error_text(&e));
    let e = run_pack_tests(JsValue::from_str("pack.toml")).err().unwrap();
    assert!(error_text(&e).starts_with("FilesError: "), "{}", error_text(&e));
}

