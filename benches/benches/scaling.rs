//! Cost against document size: a personalised need with 10 … 10,000 lines, a bundle of
//! 10 … 10,000 documents of many patients, and one of 10 … 10,000 documents whose dispensings
//! are all of one patient (DSP-07's worst case). Throughput is set in elements (lines,
//! documents), so criterion reports time per element: it should stay flat as the size grows
//! (linear cost). The evaluation budget is raised so that a slow rule shows as time, not as an
//! error.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use qagida::{Options, Pack};
use qagida_benches::{bundle_of, bundle_one_patient, need_with_lines};

fn bench(c: &mut Criterion) {
    let pack = Pack::embedded().expect("embedded pack");
    let opts = Options { max_input_bytes: 256 << 20, max_steps: 1 << 40, ..Options::default() };

    let mut g = c.benchmark_group("scaling/need_lines");
    g.sample_size(20);
    for n in [10usize, 100, 1_000, 10_000] {
        let bytes = need_with_lines(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &bytes, |b, bytes| {
            b.iter(|| black_box(pack.validate_bytes(black_box(bytes), &opts).expect("validates")))
        });
    }
    g.finish();

    if !pack.doc_types.contains_key("bundle") {
        eprintln!("note: the pack has no `bundle` document type: bundle scaling skipped");
        return;
    }
    for (group, make) in [("scaling/bundle_documents", bundle_of as fn(usize) -> Vec<u8>), ("scaling/bundle_one_patient", bundle_one_patient)] {
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        for n in [10usize, 100, 1_000, 10_000] {
            let bytes = make(n);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), &bytes, |b, bytes| {
                b.iter(|| black_box(pack.validate_bytes(black_box(bytes), &opts).expect("validates")))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
