//! Prints the findings of the generated documents (a sanity check of the generators):
//! `cargo run --release --bin check_gen`.

use qagida::{Options, Pack};

fn main() {
    let pack = Pack::embedded().expect("embedded pack");
    let opts = Options { max_input_bytes: 256 << 20, ..Options::default() };
    for (what, bytes) in [
        ("need 100", qagida_benches::need_with_lines(100)),
        ("bundle 8", qagida_benches::bundle_of(8)),
        ("bundle 100", qagida_benches::bundle_of(100)),
        ("bundle 1000", qagida_benches::bundle_of(1000)),
    ] {
        let t = std::time::Instant::now();
        let r = pack.validate_bytes(&bytes, &opts).expect("validates");
        let mut ids: Vec<String> = r.findings.iter().map(|f| format!("{}@{}", f.rule_id, f.path)).collect();
        ids.truncate(10);
        println!("{what}: {} bytes, {:?}, {} findings {:?}", bytes.len(), t.elapsed(), r.findings.len(), ids);
    }
}
