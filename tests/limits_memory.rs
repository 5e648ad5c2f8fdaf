//! Memory is bounded by the limits for every input within them (issue 12, rows 1 and 6): the
//! text of each finding is cut to `max_text_chars`, the result to `max_result_bytes`, and what
//! expressions build to `max_eval_bytes`. Memory is asserted through sizes and budgets, never
//! timings.
use qagida::{InputError, Lang, Options, Pack, ValidationResult};
use serde_json::{Value, json};

mod common;

use common::{fixture_pack, text};

const MB: usize = 1 << 20;

fn fixture(name: &str) -> Value {
    let path = format!("{}/rules/kz-orphan/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Issue 12, row 1: an MDT conclusion whose single dose's unit is `unit`, and `n` prescriptions
/// referring to it (each in unit "U": every one differs from the conclusion's).
fn bundle_with_unit(unit: &str, n: usize) -> Vec<u8> {
    let mut mdt = fixture("mdt_conclusion.json");
    mdt["single_dose"]["unit"] = json!(unit);
    let mut docs = vec![mdt.clone()];
    for i in 0..n {
        let mut rx = fixture("prescription.json");
        rx["id"] = json!(format!("RX-2026-{i:06}"));
        rx["mdt_conclusion_id"] = mdt["id"].clone();
        docs.push(rx);
    }
    serde_json::to_vec(&json!({"document_type": "bundle", "documents": docs})).unwrap()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Every text of every finding is within `max` characters.
fn assert_texts_within(r: &ValidationResult, max: usize) {
    for f in &r.findings {
        for t in [Some(&f.message), Some(&f.clause), f.actual.as_ref(), f.expected.as_ref()].into_iter().flatten() {
            assert!(chars(t) <= max, "{} chars in a finding of {}: {}…", chars(t), f.rule_id, t.chars().take(80).collect::<String>());
        }
    }
}

#[test]
fn row1_a_megabyte_unit_referred_to_by_200_prescriptions_gives_a_small_result_with_each_text_cut() {
    let p = Pack::embedded().unwrap();
    let input = bundle_with_unit(&"U".repeat(MB), 200);
    assert!(input.len() > 1_250_000 && input.len() < 1_400_000, "{}", input.len());
    let opts = Options { lang: Some("en".into()), ..Options::default() };
    let r = p.validate_bytes(&input, &opts).unwrap();
    let out = serde_json::to_string(&r).unwrap();
    // Before: 400 MB of output (each finding copied the unit into its message and expected).
    assert!(out.len() <= opts.max_result_bytes, "{} bytes", out.len());
    assert!(out.len() < 1_000_000, "{} bytes of result for {} findings", out.len(), r.findings.len());
    assert!(!r.truncated, "200 findings of a few KB fit the result");
    assert_texts_within(&r, 1_000);
    let units: Vec<_> = r.findings.iter().filter(|f| f.path.ends_with("/single_dose/unit")).collect();
    assert_eq!(units.len(), 200, "one finding per prescription");
    for f in units {
        assert_eq!(f.actual.as_deref(), Some("U"));
        let expected = f.expected.as_deref().unwrap();
        assert!(expected.starts_with("UUUU") && expected.ends_with("… (1048576 bytes)"), "{expected}");
        assert_eq!(chars(expected), 1_000);
        // The message shows the cut value, and is cut itself.
        assert!(f.message.starts_with("The unit of the prescription's single dose (U) differs"), "{}", f.message);
        assert!(f.message.ends_with('…') && chars(&f.message) == 1_000, "{}", f.message);
    }
    // A smaller result budget cuts it, with the LIMIT finding, and the result stays within it.
    let small = Options { max_result_bytes: 100_000, ..opts };
    let r = p.validate_bytes(&input, &small).unwrap();
    let out = serde_json::to_string(&r).unwrap();
    assert!(out.len() <= 100_000 && r.truncated && !r.valid, "{} bytes", out.len());
    assert_eq!(r.findings.last().unwrap().expected.as_deref(), Some("≤ 100000"));
}

#[test]
fn row1_at_16_mb_of_input_the_result_stays_within_max_result_bytes() {
    // A 16 MB input within every limit: a 15.5 MB unit and 20 prescriptions referring to it
    // (before: 20 × 2 copies of the unit, 650 MB of findings).
    let p = Pack::embedded().unwrap();
    let input = bundle_with_unit(&"U".repeat(15 * MB + MB / 2), 20);
    let opts = Options::default();
    assert!(input.len() > 16_000_000 && input.len() <= opts.max_input_bytes, "{}", input.len());
    let r = p.validate_bytes(&input, &opts).unwrap();
    let out = serde_json::to_string(&r).unwrap();
    assert!(out.len() <= opts.max_result_bytes && out.len() < 200_000, "{} bytes", out.len());
    assert_texts_within(&r, 1_000);
    assert_eq!(r.findings.iter().filter(|f| f.path.ends_with("/single_dose/unit")).count(), 20);
}

#[test]
fn sixteen_mb_of_findings_text_is_cut_at_the_default_result_budget() {
    // 8,000 lines whose 1,900-character codes each make a finding of about 4 KB (the code in
    // its actual and its message): 32 MB of findings, cut at the default 8 MiB.
    let rules = format!(
        r#"
[[rule]]
id = "MEM-03"
applies_to = "order"
severity = "warning"
clause = {c}
message = {m}
[[rule.check]]
for_each = "/lines"
assert = "size(item.code) < 10"
path = "/code"
actual = "item.code"
"#,
        c = text("clause"),
        m = text("code {{actual}} is too long")
    );
    let p = Pack::from_files(&fixture_pack("memory", "", TYPES, &rules)).unwrap();
    let mut doc = order("O-1");
    doc["lines"] = json!(vec![json!({"code": "Ж".repeat(950)}); 8_000]);
    let input = serde_json::to_vec(&doc).unwrap();
    let opts = Options::default();
    assert!(input.len() > 14 * MB && input.len() <= opts.max_input_bytes, "{}", input.len());
    let r = p.validate_bytes(&input, &opts).unwrap();
    let out = serde_json::to_string(&r).unwrap();
    assert!(out.len() <= opts.max_result_bytes && out.len() > opts.max_result_bytes - 10_000, "{} bytes", out.len());
    assert!(r.truncated && !r.valid, "only warnings, but cut: not valid");
    assert!(r.findings.len() > 1_000 && r.findings.len() < 8_000, "{}", r.findings.len());
    let last = r.findings.last().unwrap();
    assert_eq!((last.rule_id.as_str(), last.actual.as_deref()), ("LIMIT", Some("> 8388608")));
}

/// A pack of one rule over orders whose check binds `lets` and asserts `assert`.
fn pack_with(lets: &str, assert: &str, actual: &str, message: &str) -> Pack {
    let rules = format!(
        r#"
[[rule]]
id = "MEM-01"
applies_to = "order"
severity = "error"
clause = {c}
message = {m}
[[rule.check]]
let = {{ {lets} }}
assert = "{assert}"
actual = "{actual}"
"#,
        c = text("clause"),
        m = text(message),
    );
    Pack::from_files(&fixture_pack("memory", "", TYPES, &rules)).unwrap()
}

const TYPES: &str = r#"
[types.line]
code = "string"
[documents.order]
as_of = "date"
[documents.order.fields]
id = "string"
note = "string"
date = "date"
lines = "list<line>"
"#;

fn order(id: &str) -> Value {
    json!({"document_type": "order", "id": id, "date": "2026-01-01", "lines": []})
}

/// `s0 = doc.id`, `s1 = s0 + s0`, …, `s40 = s39 + s39`.
fn doubling_lets(n: usize, step: &str) -> String {
    let mut lets = vec!["s0 = \"doc.id\"".to_string()];
    for i in 1..=n {
        lets.push(format!("s{i} = \"{}\"", step.replace("PREV", &format!("s{}", i - 1))));
    }
    lets.join(", ")
}

#[test]
fn row6_lets_that_double_a_string_40_times_stop_at_the_memory_budget() {
    // Before: 2^40 bytes asked for within ~41 steps, and an abort.
    let p = pack_with(&doubling_lets(40, "PREV + PREV"), "size(s40) > 0", "size(s40)", "m {actual}");
    let opts = Options::default();
    let err = p.validate(&order("ab"), &opts).unwrap_err();
    assert_eq!(err, InputError::MemoryExhausted(64 * MB));
    assert_eq!(err.to_string(), "validation exceeded its memory budget of 67108864 bytes");
    // The budget is an option: a smaller one stops sooner, a document that builds less passes.
    let small = Options { max_eval_bytes: MB, ..Options::default() };
    assert_eq!(p.validate(&order("ab"), &small).unwrap_err(), InputError::MemoryExhausted(MB));
    let p = pack_with(&doubling_lets(10, "PREV + PREV"), "size(s10) < 100", "size(s10)", "m {actual}");
    let r = p.validate(&order("ab"), &small).unwrap();
    assert_eq!(r.findings.len(), 1, "2 KiB built: a finding, not an error");
    assert_eq!(r.findings[0].actual.as_deref(), Some("2048"));
}

#[test]
fn row6_string_functions_and_lists_built_by_lets_are_charged_too() {
    let opts = Options::default();
    // Case mapping of a doubled string.
    let p = pack_with(&doubling_lets(40, "upper(PREV + PREV)"), "size(s40) > 0", "size(s40)", "m");
    assert_eq!(p.validate(&order("ab"), &opts).unwrap_err(), InputError::MemoryExhausted(64 * MB));
    // A list of 2^40 leaves shares its halves (small in memory), but written out it is not:
    // `string` of it is charged before it is written.
    let p = pack_with(&doubling_lets(40, "[PREV, PREV]"), "size(string(s40)) > 0", "1", "m");
    assert_eq!(p.validate(&order("ab"), &opts).unwrap_err(), InputError::MemoryExhausted(64 * MB));
    // Shown in a finding, that list is written only up to the text cap.
    let p = pack_with(&doubling_lets(40, "[PREV, PREV]"), "size(s40) == 3", "s40", "m {actual}");
    let r = p.validate(&order("ab"), &opts).unwrap();
    let actual = r.findings[0].actual.as_deref().unwrap();
    assert!(actual.starts_with("[[[[") && actual.ends_with('…') && chars(actual) == 1_000, "{actual}");
}

#[test]
fn what_a_quantifier_builds_for_one_element_is_given_back_for_the_next() {
    // 200 lines of 10 KB codes: lowering each one charges 30 KB, 6 MB in all, but only one of
    // them lives at a time, so a 1 MiB budget is enough.
    let rules = format!(
        r#"
[[rule]]
id = "MEM-02"
applies_to = "order"
severity = "error"
clause = {c}
message = {m}
[[rule.check]]
assert = "all(doc.lines, l, lower(l.code) != '')"
"#,
        c = text("clause"),
        m = text("m")
    );
    let p = Pack::from_files(&fixture_pack("memory", "", TYPES, &rules)).unwrap();
    let mut doc = order("O-1");
    doc["lines"] = json!(vec![json!({"code": "A".repeat(10_000)}); 200]);
    let opts = Options { max_eval_bytes: MB, ..Options::default() };
    let r = p.validate(&doc, &opts).unwrap();
    assert!(r.valid, "{:?}", r.findings);
}

#[test]
fn a_result_over_max_result_bytes_ends_with_a_limit_finding_in_the_requested_language() {
    let p = pack_with("x = \"doc.note\"", "false", "x", "m {actual}");
    let mut docs = Vec::new();
    for i in 0..300 {
        let mut d = order(&format!("O-{i}"));
        d["note"] = json!("ә".repeat(500));
        docs.push(d);
    }
    for (lang, word) in [(Lang::new("kk").unwrap(), "байт шегінен"), (Lang::new("ru").unwrap(), "байт"), (Lang::new("en").unwrap(), "bytes")] {
        let opts = Options { max_result_bytes: 10_000, lang: Some(lang.code().into()), ..Options::default() };
        // One order, cut: its one finding of 2 KB fits; a budget of 1,000 bytes does not hold it.
        let r = p.validate(&docs[0], &opts).unwrap();
        assert!(!r.truncated);
        let tiny = Options { max_result_bytes: 1_000, ..opts.clone() };
        let r = p.validate(&docs[0], &tiny).unwrap();
        assert!(r.truncated && !r.valid);
        assert_eq!(r.findings.len(), 1);
        let last = r.findings.last().unwrap();
        assert_eq!(last.rule_id, "LIMIT");
        assert!(last.message.contains(word) && last.message.contains("1000"), "{}", last.message);
        assert_eq!(last.actual.as_deref(), Some("> 1000"));
    }
}

#[test]
fn findings_are_cut_by_bytes_as_they_are_added() {
    // 2,000 lines each wrong (a TYPE finding each, about 100 bytes): a 20,000-byte result
    // keeps the first ones that fit, in order, then LIMIT.
    let p = pack_with("x = \"1\"", "true", "x", "m");
    let mut doc = order("O-1");
    doc["lines"] = json!(vec![json!({"code": 7}); 2_000]);
    let opts = Options { max_result_bytes: 20_000, ..Options::default() };
    let r = p.validate(&doc, &opts).unwrap();
    let out = serde_json::to_string(&r).unwrap();
    assert!(out.len() <= 20_000 && out.len() > 19_000, "{} bytes", out.len());
    assert!(r.truncated && !r.valid);
    let kept = &r.findings[..r.findings.len() - 1];
    assert!(kept.len() > 100 && kept.iter().all(|f| f.rule_id == "TYPE"));
    assert_eq!(kept.last().unwrap().path, format!("/lines/{}/code", kept.len() - 1));
    // The same document under the default budget is complete (2,000 findings).
    let r = p.validate(&doc, &Options::default()).unwrap();
    assert!(!r.truncated);
    assert_eq!(r.findings.len(), 2_000);
}

#[test]
fn a_regulator_size_text_under_the_cap_is_not_cut() {
    // A message of 900 characters (1,800 bytes in Cyrillic), and a value of exactly 1,000.
    let long = "ә".repeat(900);
    let p = pack_with("x = \"doc.note\"", "false", "x", &long);
    let mut doc = order("O-1");
    let note = "қ".repeat(1_000);
    doc["note"] = json!(note);
    let r = p.validate(&doc, &Options::default()).unwrap();
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].message, long);
    assert_eq!(r.findings[0].actual.as_deref(), Some(note.as_str()));
    // One more character and the value is cut, with its size.
    doc["note"] = json!(format!("{note}қ"));
    let r = p.validate(&doc, &Options::default()).unwrap();
    let actual = r.findings[0].actual.as_deref().unwrap();
    assert!(actual.ends_with("… (2002 bytes)") && chars(actual) == 1_000, "{actual}");
}

#[test]
fn lawful_documents_are_unaffected_by_the_memory_bounds() {
    // Every example, valid or not, gives the same result under the default bounds as with none.
    let p = Pack::embedded().unwrap();
    let unbounded = Options {
        max_text_chars: usize::MAX,
        max_result_bytes: usize::MAX,
        max_eval_bytes: usize::MAX,
        max_parse_bytes: usize::MAX,
        ..Options::default()
    };
    let mut seen = 0;
    for dir in ["valid", "invalid"] {
        let dir = format!("{}/examples/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let bounded = p.validate_bytes(&bytes, &Options::default()).unwrap();
            assert_eq!(bounded, p.validate_bytes(&bytes, &unbounded).unwrap(), "{}", path.display());
            assert!(!bounded.truncated);
            if dir.ends_with("/valid") {
                assert!(bounded.valid, "{}: {:?}", path.display(), bounded.findings);
            }
            seen += 1;
        }
    }
    assert!(seen >= 20, "{seen}");
}

/// Every `.json` file under `examples/` (at any depth), but `expected.json`.
fn all_examples() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(format!("{}/examples", env!("CARGO_MANIFEST_DIR")))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") && !path.ends_with("expected.json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_example_gives_the_same_result_with_the_parse_memory_budget_as_without() {
    let p = Pack::embedded().unwrap();
    let unbounded = Options { max_parse_bytes: usize::MAX, ..Options::default() };
    let examples = all_examples();
    assert!(examples.len() >= 80, "{}", examples.len());
    for path in examples {
        let bytes = std::fs::read(&path).unwrap();
        let bounded = p.validate_bytes(&bytes, &Options::default());
        assert_eq!(bounded, p.validate_bytes(&bytes, &unbounded), "{}", path.display());
        // Far within the budget: a few KB of text, tens of KB once parsed.
        let (_, charged) = qagida::engine::parse_input(&bytes, &Options::default()).unwrap();
        assert!(charged < 20 * bytes.len() && charged < MB, "{}: {charged} bytes charged", path.display());
    }
}

/// `[[item,item,…],…]`: inner arrays of 100 000 items (the array limit), `size` bytes at most.
fn fragmented(item: &str, size: usize) -> Vec<u8> {
    let inner = format!("[{}]", vec![item; 100_000].join(","));
    let n = size / (inner.len() + 1);
    format!("[{}]", vec![inner.as_str(); n].join(",")).into_bytes()
}

#[test]
fn sixteen_mb_of_the_smallest_values_are_refused_by_the_parse_memory_budget() {
    // Issue 12: 16 MB of `[[0,0,…],…]` took 840 MB of heap once parsed (51×), of
    // `[[{"a":0},…],…]` 910 MB (57×); within every other limit, so validate_bytes built them.
    // The parser now stops at the first value past `max_parse_bytes` (256 MiB). (`{"a":0}`
    // items no longer reach it: each object gets a buffer of exactly its members, so 16 MB of
    // them take about 12 times their size; one-element arrays, `[0]`, still take over 16.)
    let p = Pack::embedded().unwrap();
    let limit = Options::default().max_parse_bytes;
    assert_eq!(limit, 256 * MB);
    for item in ["0", "[0]"] {
        let input = fragmented(item, 16_000_000);
        assert!(input.len() > 15_000_000 && input.len() <= Options::default().max_input_bytes, "{}", input.len());
        let err = p.validate_bytes(&input, &Options::default()).unwrap_err();
        assert_eq!(err, InputError::ParsedTooLarge { limit }, "{item}");
        assert_eq!(err.to_string(), "input needs more than the limit of 268435456 bytes of memory once parsed");
        // Such text takes over 16 times its size once parsed (measured on 1 MB of it, not to
        // build 300 MB here; its numbers borrow their text from the input): 16 MB of it would be
        // over the budget.
        let sample = fragmented(item, 1_000_000);
        let (_, charged) = qagida::engine::parse_input(&sample, &Options::default()).unwrap();
        assert!(charged > 16 * sample.len(), "{item}: {charged} bytes for {}", sample.len());
    }
    // A lower budget (a browser tab) refuses a far smaller input the same way.
    let small = Options { max_parse_bytes: MB, ..Options::default() };
    let err = p.validate_bytes(&fragmented("0", 1_000_000), &small).unwrap_err();
    assert_eq!(err, InputError::ParsedTooLarge { limit: MB });
}

/// A bundle of `n` members cycling through the larger valid examples, compact (the densest text:
/// the most values per byte).
fn realistic_bundle(n: usize) -> Vec<u8> {
    let dir = format!("{}/examples/valid", env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<Value> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("bundle.json"))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .filter(|d| serde_json::to_vec(d).unwrap().len() >= 900)
        .collect();
    docs.sort_by_key(|d| d["document_type"].as_str().unwrap().to_string());
    assert!(docs.len() >= 4);
    let members: Vec<Value> = (0..n).map(|i| docs[i % docs.len()].clone()).collect();
    serde_json::to_vec(&json!({"document_type": "bundle", "id": "B-1", "documents": members})).unwrap()
}

#[test]
fn the_largest_realistic_inputs_pass_the_parse_memory_budget() {
    let p = Pack::embedded().unwrap();
    let opts = Options::default();
    let budget = opts.max_parse_bytes;
    // A bundle of 10 000 documents (the bundle limit), 12+ MB of compact JSON.
    let bundle = realistic_bundle(10_000);
    assert!(bundle.len() > 12_000_000 && bundle.len() <= opts.max_input_bytes, "{}", bundle.len());
    let (_, charged) = qagida::engine::parse_input(&bundle, &opts).unwrap();
    // Even scaled to a full 16 MiB of such documents, half the budget would be left.
    let at_16_mib = charged as f64 * opts.max_input_bytes as f64 / bundle.len() as f64;
    assert!(at_16_mib < budget as f64 / 2.0, "{charged} bytes for {} of input: {at_16_mib} at 16 MiB", bundle.len());
    // And it validates at the defaults (copies of one document repeat its IDs and patients,
    // so the bundle's own rules find things: findings, not an error).
    p.validate_bytes(&bundle, &opts).unwrap();
    // A personalised need of 10 000 lines: valid, as its two lines are.
    let mut need: Value = serde_json::from_slice(&std::fs::read(format!("{}/examples/valid/personalized_need.json", env!("CARGO_MANIFEST_DIR"))).unwrap()).unwrap();
    let lines = need["lines"].as_array().unwrap().clone();
    need["lines"] = Value::Array((0..10_000).map(|i| lines[i % lines.len()].clone()).collect());
    let need = serde_json::to_vec(&need).unwrap();
    let (_, charged) = qagida::engine::parse_input(&need, &opts).unwrap();
    assert!(charged < budget / 4, "{charged}");
    let r = p.validate_bytes(&need, &opts).unwrap();
    assert!(r.valid, "{:?}", r.findings.first());
}

#[test]
fn validate_on_a_parsed_value_does_not_charge_the_parse_budget() {
    // The value is already built: only validate_bytes charges its parse.
    let p = Pack::embedded().unwrap();
    let doc: Value = serde_json::from_slice(&std::fs::read(format!("{}/examples/valid/prescription.json", env!("CARGO_MANIFEST_DIR"))).unwrap()).unwrap();
    let tiny = Options { max_parse_bytes: 10, ..Options::default() };
    assert!(p.validate(&doc, &tiny).unwrap().valid);
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert_eq!(p.validate_bytes(&bytes, &tiny).unwrap_err(), InputError::ParsedTooLarge { limit: 10 });
}

#[test]
fn keys_repeated_inside_an_object_with_a_huge_name_cost_short_pointers() {
    // 100 repeated keys inside an object whose name is 2 MB: before, each listed pointer (and
    // each finding's path) copied the name — 200 MB.
    let p = pack_with("x = \"1\"", "true", "x", "m");
    let inner: String = (0..101).map(|_| r#""a":1"#).collect::<Vec<_>>().join(",");
    let name = "n".repeat(2 * MB);
    let input = format!(r#"{{"document_type":"order","id":"O","date":"2026-01-01","lines":[],"{name}":{{{inner}}}}}"#);
    let r = p.validate_bytes(input.as_bytes(), &Options::default()).unwrap();
    let dups: Vec<_> = r.findings.iter().filter(|f| f.rule_id == "INPUT").collect();
    assert_eq!(dups.len(), 100);
    assert!(dups.iter().all(|f| f.path.starts_with("/nnnn") && f.path.ends_with('…') && f.path.len() <= 4_100), "{}", dups[0].path);
    let out = serde_json::to_string(&r).unwrap();
    assert!(out.len() < 500_000, "{} bytes", out.len());
}
