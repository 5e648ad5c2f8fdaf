//! One realistic prescription against the full default pack, next to serde_json parsing the
//! same bytes into a `Value` (the floor for any JSON validator). Target: validate ≤ 2× parse.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qagida::{Options, Pack};
use qagida_benches::example;
use serde_json::Value;

fn bench(c: &mut Criterion) {
    let pack = Pack::embedded().expect("embedded pack");
    let opts = Options::default();
    let mut g = c.benchmark_group("validate_vs_parse");
    for kind in ["valid", "invalid"] {
        let bytes = example(kind, "prescription");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("serde_json_parse/{kind}_prescription"), |b| {
            b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(&bytes)).expect("json")))
        });
        g.bench_function(format!("qagida_validate/{kind}_prescription"), |b| {
            b.iter(|| black_box(pack.validate_bytes(black_box(&bytes), &opts).expect("validates")))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
