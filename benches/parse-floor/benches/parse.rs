//! The denominator of the `validate_vs_parse` target: `serde_json::from_slice::<Value>` with
//! serde_json's default features, on the examples `validate_vs_parse` validates
//! (`examples/{valid,invalid}/prescription.json`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn example(kind: &str, name: &str) -> Vec<u8> {
    let p = format!("{}/../../examples/{kind}/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse_floor");
    for kind in ["valid", "invalid"] {
        let bytes = example(kind, "prescription");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("serde_json_value_default_features/{kind}_prescription"), |b| {
            b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("json")))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
