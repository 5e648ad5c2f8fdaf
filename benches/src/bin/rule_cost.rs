//! What each rule costs: every rule of the default pack alone (`subset_pack([id])`) run over
//! every example, the time above the same example's cheapest one-rule pack (the cost of
//! parsing, the shape check and the result, which every pack pays) printed per rule and
//! example, the dearest first, and per example the sum over the rules. To find the rules to
//! make cheaper; the times are wall clock (noisy by ±0.3 µs a cell on a busy machine), so
//! measure a change with callgrind (`native_loop`) once found.
//!
//! ```sh
//! cargo run --release --bin rule_cost -- [ITER] [TOP]     # defaults: 300 iterations, top 40
//! ```

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use qagida::{Options, Pack};
use qagida_benches::{EXAMPLE_TYPES, example, subset_pack};

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let iter = args.first().copied().unwrap_or(300).max(1);
    let top = args.get(1).copied().unwrap_or(40);
    let full = Pack::embedded().expect("embedded pack");
    let opts = Options::default();
    // Every type's valid and invalid example, and the valid bundle (a batch's dearest line).
    let examples: Vec<(String, Vec<u8>)> = ["valid", "invalid"]
        .iter()
        .flat_map(|kind| EXAMPLE_TYPES.iter().map(move |name| (format!("{kind}/{name}"), example(kind, name))))
        .chain(std::iter::once(("valid/bundle".to_string(), example("valid", "bundle"))))
        .collect();
    // (µs per validation, rule, example)
    let mut cells: Vec<(f64, String, String)> = Vec::new();
    for rule in &full.rules {
        let pack = subset_pack(&[rule.id.as_str()]);
        for (name, bytes) in &examples {
            for _ in 0..iter / 5 + 1 {
                black_box(pack.validate_bytes(black_box(bytes), &opts).expect("validates"));
            }
            let t = Instant::now();
            for _ in 0..iter {
                black_box(pack.validate_bytes(black_box(bytes), &opts).expect("validates"));
            }
            cells.push((t.elapsed().as_secs_f64() * 1e6 / iter as f64, rule.id.clone(), name.clone()));
        }
    }
    let mut floor: BTreeMap<&str, f64> = BTreeMap::new();
    for (us, _, name) in &cells {
        let f = floor.entry(name.as_str()).or_insert(f64::MAX);
        *f = f.min(*us);
    }
    let mut above: Vec<(f64, &str, &str)> = cells.iter().map(|(us, id, name)| (us - floor[name.as_str()], id.as_str(), name.as_str())).collect();
    let mut sums: BTreeMap<&str, f64> = BTreeMap::new();
    for (us, _, name) in &above {
        *sums.entry(name).or_default() += us;
    }
    println!("{:<32} {:>10} {:>12}", "example", "floor µs", "rules Σ µs");
    for (name, f) in &floor {
        println!("{name:<32} {f:>10.2} {:>12.2}", sums[name]);
    }
    above.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("\n{:>8}  {:<10} example", "µs", "rule");
    for (us, id, name) in above.iter().take(top) {
        println!("{us:>8.2}  {id:<10} {name}");
    }
}
