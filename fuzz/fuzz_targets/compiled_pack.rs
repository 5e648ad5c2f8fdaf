//! Damaged compiled packs (`Pack::from_compiled`), past the header and checksum: the decoder must
//! refuse them with an error or give a pack that validates and runs its tests, never panic or
//! hang. The first byte picks the mode: 0..=127, the input is a whole body; 128..=255, the
//! input is a list of patches to the body of `fuzz/packs/small` compiled (each 3 bytes: a
//! 16-bit offset into the body, scaled to its length, and the new byte).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qagida::pack::compiled::{CompileOptions, fuzzing};
use qagida::{Options, Pack};

fn small_body() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packs/small");
        let pack = Pack::load_dir(dir).expect("the seed pack loads");
        fuzzing::body(&pack, CompileOptions::default())
    })
}

fn exercise(pack: &Pack) {
    let opts = Options { max_steps: 200_000, ..Options::default() };
    for doc in pack.fixtures.values() {
        let _ = pack.validate(&doc.to_serde(), &opts);
    }
    let _ = qagida::testing::run_pack_tests(pack);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let body: Vec<u8> = if mode < 128 {
        rest.to_vec()
    } else {
        let mut b = small_body().to_vec();
        for p in rest.chunks_exact(3) {
            let at = usize::from(u16::from_le_bytes([p[0], p[1]])) * b.len() / 65536;
            if let Some(x) = b.get_mut(at) {
                *x = p[2];
            }
        }
        b
    };
    if let Ok(pack) = fuzzing::from_body(&body) {
        exercise(&pack);
    }
});
