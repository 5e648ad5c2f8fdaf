//! The memory `max_parse_bytes` charges while parsing is never below the heap the parsed tree
//! holds, counted by this test binary's allocator (per thread, so tests running side by side do
//! not disturb each other); and, ignored, the peak heap of the largest inputs (docs/LIMITS.md,
//! "Worst-case memory": `cargo test --release --test parse_memory -- --ignored --nocapture`).
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use qagida::engine::parse_input;
use qagida::{Options, Pack};
use serde_json::{Value, json};

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
}
/// All threads: what is held, and the most held since [`peak_of`] reset it.
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn add(n: isize) {
    let _ = HELD.try_with(|h| h.set(h.get() + n));
    if n >= 0 {
        let now = CURRENT.fetch_add(n.unsigned_abs(), Relaxed) + n.unsigned_abs();
        PEAK.fetch_max(now, Relaxed);
    } else {
        CURRENT.fetch_sub(n.unsigned_abs(), Relaxed);
    }
}

/// Bytes the current thread holds (allocated and not freed).
fn held() -> isize {
    HELD.try_with(Cell::get).unwrap_or(0)
}

#[path = "common/counting.rs"]
mod counting;

#[global_allocator]
static COUNTING: counting::Counting = counting::Counting(add);

/// The heap `text`'s tree holds once parsed, and what was charged for it.
fn held_and_charged(text: &[u8]) -> (usize, usize) {
    let before = held();
    let (v, charged) = parse_input(text, &Options { max_parse_bytes: usize::MAX, ..Options::default() }).unwrap();
    let n = usize::try_from(held() - before).unwrap();
    drop(v);
    (n, charged)
}

fn manifest(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn json_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(manifest(dir)).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    files.sort();
    files
}

#[test]
fn the_memory_charged_for_each_shape_of_value_is_never_below_the_heap_its_tree_holds() {
    let mut cases: Vec<String> = [
        "0", "-1.5e10", "1E5", "123456789012345678901234567890", "null", "true", r#""""#, r#""abc""#,
        r#""a\nb\u00e9\ud83d\ude00""#, r#""\\\\\\\\""#, "[]", "{}", "[[]]", "[{}]", r#"{"a":{}}"#,
        r#"{"a":0,"a":1}"#, r#"{"a":0,"b":1,"c":2,"a":3}"#, r#"{"a":0,"b":1,"c":2,"c":3,"d":4}"#,
        r#"[{"$serde_json::private::Number":"12e3"}]"#, r#"{"долгий ключ":"значение"}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in [1, 2, 3, 4, 5, 7, 8, 9, 14, 15, 16, 17, 28, 29, 56, 57, 100, 1000, 10_000] {
        cases.push(format!("[{}]", vec!["0"; n].join(",")));
        cases.push(format!("[{}]", vec![r#""x""#; n].join(",")));
        cases.push(format!("[{}]", vec![r#"{"a":0}"#; n].join(",")));
        cases.push(format!("[{}]", vec!["[0]"; n].join(",")));
        cases.push(format!("{{{}}}", (0..n).map(|i| format!(r#""k{i}":[{i}]"#)).collect::<Vec<_>>().join(",")));
        // A repeated name where the map grows.
        cases.push(format!("{{{},\"k0\":1,\"k0\":2}}", (0..n).map(|i| format!(r#""k{i}":{i}"#)).collect::<Vec<_>>().join(",")));
    }
    let mut worst = 0.0f64;
    for text in &cases {
        let (held, charged) = held_and_charged(text.as_bytes());
        assert!(charged >= held, "{held} bytes held, {charged} charged: {}", &text[..text.len().min(200)]);
        // A repeated name met when the map is full grows its table, and the charge counts the
        // entries that would follow: up to twice the heap for that map. Otherwise, close.
        if held > 1000 && !text.contains(r#""k0":1,"k0":2"#) {
            worst = worst.max(charged as f64 / held as f64);
        }
    }
    assert!(worst < 1.05, "charged {worst:.3}× the heap held");
}

#[test]
fn the_memory_charged_for_the_examples_is_the_heap_their_tree_holds_within_a_tenth() {
    for dir in ["examples/valid", "examples/invalid", "examples/contract", "rules/kz-orphan/fixtures"] {
        for path in json_files(dir) {
            let text = std::fs::read(&path).unwrap();
            let (held, charged) = held_and_charged(&text);
            assert!(charged >= held && charged <= held + held / 10, "{}: {held} held, {charged} charged", path.display());
        }
    }
}

/// A bundle of `n` members, cycling through the valid examples (all but the bundle) of at least
/// `min` bytes of compact JSON, compact.
fn realistic_bundle(n: usize, min: usize) -> Vec<u8> {
    let docs: Vec<Value> = json_files("examples/valid")
        .iter()
        .filter(|p| !p.ends_with("bundle.json"))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .filter(|d| serde_json::to_vec(d).unwrap().len() >= min)
        .collect();
    let members: Vec<_> = (0..n).map(|i| docs[i % docs.len()].clone()).collect();
    serde_json::to_vec(&json!({"document_type": "bundle", "id": "B-1", "documents": members})).unwrap()
}

/// `[[0,0,…],…]` or `[[{"a":0},…],…]` (inner arrays of 100 000), about `size` bytes.
fn fragmented(item: &str, size: usize) -> Vec<u8> {
    let inner = format!("[{}]", vec![item; 100_000].join(","));
    let n = size / (inner.len() + 1);
    format!("[{}]", vec![inner.as_str(); n].join(",")).into_bytes()
}

/// The most heap held by all threads while `f` runs, above what was held before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let r = f();
    (r, PEAK.load(Relaxed).saturating_sub(before))
}

#[test]
#[ignore = "a measurement for docs/LIMITS.md: run alone, in release"]
fn peak_heap_of_the_largest_inputs() {
    let p = Pack::embedded().unwrap();
    let need = {
        let mut need: Value = serde_json::from_slice(&std::fs::read(manifest("examples/valid/personalized_need.json")).unwrap()).unwrap();
        let lines = need["lines"].as_array().unwrap().clone();
        need["lines"] = Value::Array((0..10_000).map(|i| lines[i % lines.len()].clone()).collect());
        serde_json::to_vec(&need).unwrap()
    };
    let inputs = [
        ("bundle of 10 000 valid examples", realistic_bundle(10_000, 0)),
        ("bundle of 10 000 of the larger valid examples", realistic_bundle(10_000, 900)),
        ("need of 10 000 lines", need),
        ("[[0,0,…],…]", fragmented("0", 16_000_000)),
        (r#"[[{"a":0},…],…]"#, fragmented(r#"{"a":0}"#, 16_000_000)),
    ];
    for (name, input) in &inputs {
        let (r, parse_peak) = peak_of(|| parse_input(input, &Options { max_parse_bytes: usize::MAX, ..Options::default() }).map(|(_, c)| c));
        let charged = r.unwrap();
        let (r, peak) = peak_of(|| p.validate_bytes(input, &Options::default()).map(|r| r.findings.len()));
        println!(
            "{name}: {} bytes; unbounded parse: peak {parse_peak} ({:.1}×), charged {charged} ({:.1}×); validate_bytes at the defaults: peak {peak} ({:.1}×) → {:?}",
            input.len(),
            parse_peak as f64 / input.len() as f64,
            charged as f64 / input.len() as f64,
            peak as f64 / input.len() as f64,
            r.map_err(|e| e.to_string())
        );
    }
}
