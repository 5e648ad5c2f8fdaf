//! How many allocations one validation makes: every example (valid and invalid, every type)
//! validated once with the embedded pack (or the `QAGIDA_RULES` subset, as `native_loop`),
//! counting the allocator's calls during `validate_bytes` alone and with the result serialised.
//!
//! ```sh
//! cargo run --release --bin alloc_count
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use qagida::{Options, Pack};
use qagida_benches::{EXAMPLE_TYPES, example};

static CALLS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every call is passed on to `System` unchanged; the counting only reads sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size(), Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new, Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn counted<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let (c, b) = (CALLS.load(Relaxed), BYTES.load(Relaxed));
    let out = f();
    (out, CALLS.load(Relaxed) - c, BYTES.load(Relaxed) - b)
}

fn main() {
    let pack = match std::env::var("QAGIDA_RULES") {
        Ok(ids) => qagida_benches::subset_pack(&ids.split(',').map(str::trim).collect::<Vec<_>>()),
        Err(_) => Pack::embedded().expect("embedded pack"),
    };
    let opts = Options::default();
    println!("{:<28} {:>6} {:>9} {:>8} {:>10} {:>9}", "example", "bytes", "findings", "allocs", "alloc B", "+ser allocs");
    for kind in ["valid", "invalid"] {
        for name in EXAMPLE_TYPES.iter().copied().chain((kind == "valid").then_some("bundle")) {
            let bytes = example(kind, name);
            // Once to warm the per-thread caches, then counted.
            let _ = pack.validate_bytes(&bytes, &opts);
            let (r, calls, b) = counted(|| pack.validate_bytes(&bytes, &opts).expect("validates"));
            let (_, ser, _) = counted(|| serde_json::to_string(&r).expect("serialise"));
            println!("{:<28} {:>6} {:>9} {:>8} {:>10} {:>9}", format!("{kind}/{name}"), bytes.len(), r.findings.len(), calls, b, ser);
        }
    }
}
