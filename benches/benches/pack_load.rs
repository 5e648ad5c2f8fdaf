//! Loading and compiling the default pack (`Pack::embedded()`: TOML parse, type model, every
//! expression parsed and type-checked, data and calendars). Target: ≤ 2 ms. And reading the
//! same pack back from its compiled form (`Pack::from_compiled`, docs/COMPILED.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qagida::Pack;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("pack_load");
    g.bench_function("embedded", |b| b.iter(|| black_box(Pack::embedded().expect("embedded pack"))));
    let files = qagida_benches::pack_files();
    g.bench_function("from_files", |b| b.iter(|| black_box(Pack::from_files(black_box(&files)).expect("pack"))));
    let compiled = Pack::from_files(&files).expect("pack").to_compiled();
    g.bench_function("from_compiled", |b| b.iter(|| black_box(Pack::from_compiled(black_box(&compiled)).expect("compiled pack"))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
