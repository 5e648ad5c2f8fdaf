//! Arbitrary text as one file of a pack: the first byte picks the file, the rest is its new
//! content. Byte 0..=191: file `b % n` (sorted by path) of `fuzz/packs/small`, a small pack that
//! uses every pack feature; 192..=254: file `(b - 192) % n` of the default pack
//! `rules/kz-orphan`; 255: a deployment overrides file applied to the small pack. The loader must
//! refuse bad files with diagnostics, never panic; a pack that loads must validate its fixtures
//! and run its own tests without panicking.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qagida::{Files, Options, Pack};

struct Packs {
    small: Files,
    real: Files,
}

fn packs() -> &'static Packs {
    static P: OnceLock<Packs> = OnceLock::new();
    P.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |d: &str| qagida::pack::read_dir_files(&root.join(d)).expect("a seed pack reads");
        Packs { small: read("packs/small"), real: read("../rules/kz-orphan") }
    })
}

fn exercise(pack: &Pack, heavy: bool) {
    let opts = Options { max_steps: 200_000, ..Options::default() };
    for doc in pack.fixtures.values() {
        let _ = pack.validate(doc, &opts);
    }
    if !heavy {
        let _ = qagida::testing::run_pack_tests(pack);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest).into_owned();
    let p = packs();
    match sel {
        // Deployment overrides on the small pack.
        255 => {
            if let Ok(pack) = Pack::from_files(&p.small) {
                if let Ok(pack) = pack.with_overrides("overrides.toml", &text) {
                    exercise(&pack, false);
                }
            }
        }
        // A file of the small pack (fast: most of the budget goes here).
        0..=191 => {
            let mut files = p.small.clone();
            let key = files.keys().nth(usize::from(sel) % files.len()).cloned().unwrap_or_default();
            files.insert(key, text);
            if let Ok(pack) = Pack::from_files(&files) {
                exercise(&pack, false);
            }
        }
        // A file of the default pack.
        _ => {
            let mut files = p.real.clone();
            let key = files.keys().nth(usize::from(sel - 192) % files.len()).cloned().unwrap_or_default();
            files.insert(key, text);
            if let Ok(pack) = Pack::from_files(&files) {
                exercise(&pack, true);
            }
        }
    }
});
