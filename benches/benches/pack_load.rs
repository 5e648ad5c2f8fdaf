//! Loading and compiling the default pack (`Pack::embedded()`: TOML parse, type model, every
//! expression parsed and type-checked, data and calendars). Target: ≤ 2 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qagida::Pack;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("pack_load");
    g.bench_function("embedded", |b| b.iter(|| black_box(Pack::embedded().expect("embedded pack"))));
    let files = qagida_benches::pack_files();
    g.bench_function("from_files", |b| b.iter(|| black_box(Pack::from_files(black_box(&files)).expect("pack"))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
