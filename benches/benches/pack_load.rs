//! Loading and compiling the default pack (`Pack::embedded()`: TOML parse, type model, every
//! expression parsed and type-checked, data and calendars). And reading the same pack back from
//! its compiled form (`Pack::from_compiled`, docs/COMPILED.md; issue 13's target: ≤ 2 ms): the
//! whole form (`from_compiled`, with the rules' test cases and the expressions' sources, as
//! `qagida pack compile` writes it), and the validation-only form the WebAssembly package ships
//! (`packs/default.qpack`), timed with its drop (`…/load_and_drop`) and without
//! (`…/load`: criterion's `iter_with_large_drop`, the packs dropped outside the timing; a
//! pack's drop is about a fifth of its read, 3.6 M instructions against 12.2 M, callgrind).

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
    let shipped = Pack::from_files(&files).expect("pack").to_compiled_with(qagida::CompileOptions::VALIDATION_ONLY);
    g.bench_function("from_compiled_validation_only/load_and_drop", |b| {
        b.iter(|| black_box(Pack::from_compiled(black_box(&shipped)).expect("compiled pack")))
    });
    g.bench_function("from_compiled_validation_only/load", |b| {
        b.iter_with_large_drop(|| Pack::from_compiled(black_box(&shipped)).expect("compiled pack"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
