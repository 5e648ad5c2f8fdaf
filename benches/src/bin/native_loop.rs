//! Native timing loop, the counterpart of `benches/wasm-vs-native.mjs`: validates each example
//! document (valid and invalid, every type) `ITER` times with the embedded pack, JSON text in
//! and JSON text out (`validate_bytes` + serialising the result, the work of the WASM module's
//! `validateJson`), and prints the mean time per call as JSON lines. Also the binary to profile:
//!
//! ```sh
//! cargo run --release --bin native_loop -- [ITER] [FILTER] [KIND] # e.g. 2000 prescription valid
//! cargo run --release --bin native_loop -- load [ITER]           # Pack::embedded() only
//! cargo run --release --bin native_loop -- compiled [ITER]       # Pack::from_compiled() only
//! cargo run --release --bin native_loop -- need N | bundle N     # one generated document
//! ```
//!
//! With `QAGIDA_RULES=MDT-01,RX-02,…` set, the documents are validated with a pack of those
//! rules only (`subset_pack`), e.g. the 13 rules of the peers benchmark.

use std::time::Instant;

use qagida::{Options, Pack};
use qagida_benches::{EXAMPLE_TYPES, example};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("load") {
        let iter: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
        let t = Instant::now();
        for _ in 0..iter {
            std::hint::black_box(Pack::embedded().expect("embedded pack"));
        }
        println!("{{\"what\":\"pack_load\",\"us\":{:.1}}}", t.elapsed().as_secs_f64() * 1e6 / iter as f64);
        return;
    }
    if args.first().map(String::as_str) == Some("compiled") {
        // The validation-only form, as the WebAssembly module loads it (`packs/default.qpack`).
        let iter: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
        let bytes = Pack::embedded().expect("embedded pack").to_compiled_with(qagida::CompileOptions::VALIDATION_ONLY);
        // Each read timed on its own (`load_us`, the pack dropped after its timing) and with its
        // drop (`us`).
        let mut load = std::time::Duration::ZERO;
        let t = Instant::now();
        for _ in 0..iter {
            let t_read = Instant::now();
            let pack = std::hint::black_box(Pack::from_compiled(std::hint::black_box(&bytes)).expect("compiled pack"));
            load += t_read.elapsed();
            drop(pack);
        }
        let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / iter.max(1) as f64;
        println!("{{\"what\":\"from_compiled\",\"bytes\":{},\"us\":{:.1},\"load_us\":{:.1}}}", bytes.len(), per(t.elapsed()), per(load));
        return;
    }
    if let (Some(what @ ("need" | "bundle")), Some(n)) = (args.first().map(String::as_str), args.get(1).and_then(|a| a.parse::<usize>().ok())) {
        let pack = Pack::embedded().expect("embedded pack");
        let bytes = if what == "need" { qagida_benches::need_with_lines(n) } else { qagida_benches::bundle_of(n) };
        let opts = Options { max_input_bytes: 256 << 20, ..Options::default() };
        let t = Instant::now();
        let r = pack.validate_bytes(&bytes, &opts).expect("validates");
        let us = t.elapsed().as_secs_f64() * 1e6;
        println!("{{\"what\":\"{what}/{n}\",\"bytes\":{},\"findings\":{},\"us\":{us:.0}}}", bytes.len(), r.findings.len());
        return;
    }
    let iter: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let filter = args.get(1).cloned().unwrap_or_default();
    // `valid` or `invalid`: only those examples (to count one document's instructions).
    let only = args.get(2).cloned();
    let pack = match std::env::var("QAGIDA_RULES") {
        Ok(ids) => qagida_benches::subset_pack(&ids.split(',').map(str::trim).collect::<Vec<_>>()),
        Err(_) => Pack::embedded().expect("embedded pack"),
    };
    let opts = Options::default();
    for kind in ["valid", "invalid"] {
        if only.as_deref().is_some_and(|k| k != kind) {
            continue;
        }
        for name in EXAMPLE_TYPES {
            if !name.contains(&filter) {
                continue;
            }
            let bytes = example(kind, name);
            let run = || {
                let r = pack.validate_bytes(std::hint::black_box(&bytes), &opts).expect("validates");
                std::hint::black_box(serde_json::to_string(&r).expect("serialise"));
            };
            // Warm up, then time.
            for _ in 0..iter / 2 + 1 {
                run();
            }
            let t = Instant::now();
            for _ in 0..iter {
                run();
            }
            let us = t.elapsed().as_secs_f64() * 1e6 / iter as f64;
            println!("{{\"what\":\"{kind}/{name}\",\"bytes\":{},\"us\":{us:.2}}}", bytes.len());
        }
    }
}
