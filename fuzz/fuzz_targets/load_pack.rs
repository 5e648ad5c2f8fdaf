//! Arbitrary text as one file of a pack: the first byte picks the file, the rest is its new
//! content. Byte 0..=191: file `b % n` (sorted by path) of `fuzz/packs/small`, a small pack that
//! uses every pack feature; 192..=254: file `(b - 192) % n` of the default pack
//! `rules/kz-orphan`; 255: a deployment overrides file applied to the small pack. The loader must
//! refuse bad files with diagnostics, never panic; a pack that loads must validate its fixtures
//! and run its own tests without panicking.
//!
//! Speed: the default pack is half a megabyte of TOML, and loading all of it for every input
//! held the target to ~24 executions a second. A file of the default pack is therefore loaded
//! in its *context* only: the pack's own files (`pack.toml`, `types.toml`, `data/`, fixtures)
//! and, of the rule files, just the one fuzzed (or the smallest one, when the fuzzed file is not
//! a rule file). Each context is checked once, at start-up, to load unchanged; a context that
//! does not falls back to the whole pack, so no file is ever fuzzed against a pack that is
//! broken before the fuzzer touches it.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qagida::{Files, Options, Pack};

struct Packs {
    small: Files,
    /// For each file of the default pack (sorted by path): the files it is loaded with.
    real: Vec<(String, Files)>,
}

fn is_rule_file(path: &str) -> bool {
    path.starts_with("rules/")
}

/// The files a file of the default pack is loaded with: every file that is not a rule file,
/// and one rule file (`path` itself, or the smallest), which `pack.toml` then lists alone.
fn context(all: &Files, path: &str) -> Files {
    let smallest_rules = all
        .iter()
        .filter(|(p, _)| is_rule_file(p))
        .min_by_key(|(_, text)| text.len())
        .map(|(p, _)| p.clone());
    let keep_rules = if is_rule_file(path) { Some(path.to_owned()) } else { smallest_rules };
    let mut files: Files = all
        .iter()
        .filter(|(p, _)| !is_rule_file(p) || Some(p.as_str()) == keep_rules.as_deref())
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    // pack.toml lists its rule files: list only the one kept.
    if let (Some(manifest), Some(kept)) = (files.get_mut("pack.toml"), keep_rules) {
        if let Some(start) = manifest.find("rule_files = [") {
            if let Some(len) = manifest[start..].find(']') {
                manifest.replace_range(start..=start + len, &format!("rule_files = [\"{kept}\"]"));
            }
        }
    }
    files
}

fn packs() -> &'static Packs {
    static P: OnceLock<Packs> = OnceLock::new();
    P.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |d: &str| qagida::pack::read_dir_files(&root.join(d)).expect("a seed pack reads");
        let small = read("packs/small");
        let all = read("../rules/kz-orphan");
        let real = all
            .keys()
            .map(|path| {
                let ctx = context(&all, path);
                let files = if Pack::from_files(&ctx).is_ok() { ctx } else { all.clone() };
                (path.clone(), files)
            })
            .collect();
        Packs { small, real }
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
    let Some((&sel, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest).into_owned();
    let p = packs();
    match sel {
        // Deployment overrides on the small pack.
        255 => {
            if let Ok(pack) = Pack::from_files(&p.small) {
                if let Ok(pack) = pack.with_overrides("overrides.toml", &text) {
                    exercise(&pack);
                }
            }
        }
        // A file of the small pack (most of the budget goes here).
        0..=191 => {
            let mut files = p.small.clone();
            let key = files.keys().nth(usize::from(sel) % files.len()).cloned().unwrap_or_default();
            files.insert(key, text);
            if let Ok(pack) = Pack::from_files(&files) {
                exercise(&pack);
            }
        }
        // A file of the default pack, in its context.
        _ => {
            let (key, files) = &p.real[usize::from(sel - 192) % p.real.len()];
            let mut files = files.clone();
            files.insert(key.clone(), text);
            if let Ok(pack) = Pack::from_files(&files) {
                exercise(&pack);
            }
        }
    }
});
