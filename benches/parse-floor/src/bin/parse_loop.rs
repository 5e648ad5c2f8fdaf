//! Parses `examples/{KIND}/prescription.json` into a `serde_json::Value` (default features)
//! `ITER` times: the binary to count the parse floor's instructions with callgrind
//! (`valgrind --tool=callgrind target/release/parse_loop 500 valid`).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let iter: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(500);
    let kind = args.get(1).cloned().unwrap_or_else(|| "valid".into());
    let p = format!("{}/../../examples/{kind}/prescription.json", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    for _ in 0..iter {
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&bytes)).expect("json"));
    }
}
