//! The compiled form: a pack read back from its bytes is the same pack (its full `Debug` text,
//! its bytes written again, its verdicts on every example and its own tests), and bad bytes are
//! refused with a message, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use super::compiled::{CompiledPackError, MAGIC, checksum};
use crate::engine::Options;
use crate::pack::Pack;
use crate::test_rng::Rng;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> Pack {
    Pack::load_dir(root().join("rules").join(name)).unwrap()
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// The part of the checksum-protected header: magic, format (1 byte), engine version string.
fn header_len(bytes: &[u8]) -> usize {
    let version_len = bytes[MAGIC.len() + 1] as usize;
    MAGIC.len() + 2 + version_len
}

/// Rewrites the checksum after the body was changed, so that the decoder reads the body.
fn reseal(bytes: &mut [u8]) {
    let h = header_len(bytes);
    let sum = checksum(&bytes[h + 8..]);
    bytes[h..h + 8].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn each_pack_reads_back_as_the_same_pack_and_the_same_bytes() {
    for name in ["kz-orphan", "kz-karaganda"] {
        let pack = load(name);
        let bytes = pack.to_compiled();
        let back = Pack::from_compiled(&bytes).unwrap();
        assert_eq!(format!("{back:?}"), format!("{pack:?}"), "{name}");
        assert_eq!(back.to_compiled(), bytes, "{name}");
    }
}

#[test]
fn a_compiled_pack_gives_the_same_verdicts_on_every_example_and_passes_its_own_tests() {
    // Every example through both packs (the regional pack extends the national one).
    let mut files = Vec::new();
    json_files(&root().join("examples"), &mut files);
    assert!(files.len() > 30, "{} examples", files.len());
    for name in ["kz-orphan", "kz-karaganda"] {
        let pack = load(name);
        let back = Pack::from_compiled(&pack.to_compiled()).unwrap();
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            for lang in pack.languages.clone() {
                for as_of in [None, chrono::NaiveDate::from_ymd_opt(2027, 1, 15)] {
                    let opts = Options { lang: Some(lang.code().into()), as_of, ..Options::default() };
                    let a = serde_json::to_string(&pack.validate_bytes(&bytes, &opts).unwrap()).unwrap();
                    let b = serde_json::to_string(&back.validate_bytes(&bytes, &opts).unwrap()).unwrap();
                    assert_eq!(a, b, "{name}: {}", f.display());
                }
            }
        }
        let cases = crate::testing::run_pack_tests(&back);
        assert!(cases.len() > 100, "{name}: {} cases", cases.len());
        let failed: Vec<_> = cases.iter().filter(|c| !c.passed).map(|c| format!("{} {}: {}", c.rule_id, c.name, c.detail)).collect();
        assert!(failed.is_empty(), "{name}: {failed:#?}");
    }
}

fn refused(bytes: &[u8]) -> String {
    match Pack::from_compiled(bytes) {
        Err(CompiledPackError(m)) => m,
        Ok(_) => panic!("accepted {} bytes", bytes.len()),
    }
}

#[test]
fn bytes_that_are_not_a_compiled_pack_are_refused_with_a_message() {
    assert!(refused(b"").contains("does not start as a compiled qagida pack"));
    assert!(refused(b"{\"pack\": 1}").contains("does not start"));
    assert!(refused(b"id = \"kz-orphan\"\n").contains("does not start"));
}

#[test]
fn a_pack_compiled_by_another_engine_version_is_refused_naming_both_versions() {
    let mut bytes = load("kz-orphan").to_compiled();
    let at = MAGIC.len() + 2;
    bytes[at] = b'9';
    let m = refused(&bytes);
    assert!(m.contains("compiled by qagida 9") && m.contains(env!("CARGO_PKG_VERSION")) && m.contains("compile the pack again"), "{m}");
    let mut bytes = load("kz-orphan").to_compiled();
    bytes[MAGIC.len()] = 7;
    assert!(refused(&bytes).contains("(format 7)"));
    // The same version number from other sources: the fingerprint after `+` differs.
    let mut bytes = load("kz-orphan").to_compiled();
    let plus = bytes.iter().position(|&b| b == b'+').unwrap();
    bytes[plus + 1] = if bytes[plus + 1] == b'0' { b'1' } else { b'0' };
    let m = refused(&bytes);
    assert!(m.contains(&format!("compiled by qagida {}+", env!("CARGO_PKG_VERSION"))) && m.contains("compile the pack again"), "{m}");
}

#[test]
fn a_damaged_body_fails_its_checksum() {
    let mut bytes = load("kz-orphan").to_compiled();
    let n = bytes.len();
    bytes[n / 2] ^= 0x20;
    assert!(refused(&bytes).contains("checksum"));
}

#[test]
fn every_truncation_is_refused() {
    let bytes = load("kz-orphan").to_compiled();
    let mut rng = Rng(7);
    // Every short prefix, then prefixes at random lengths (each with its checksum fixed, so that
    // the body decoder meets the truncation).
    for len in (0..200).chain((0..300).map(|_| rng.index(bytes.len()))) {
        let mut cut = bytes[..len].to_vec();
        if len > header_len(&bytes) + 8 {
            reseal(&mut cut);
        }
        refused(&cut);
    }
    let mut longer = bytes.clone();
    longer.push(0);
    reseal(&mut longer);
    assert!(refused(&longer).contains("data after the end"));
}

#[test]
fn random_damage_behind_a_valid_checksum_never_panics() {
    let pack = load("kz-orphan");
    let bytes = pack.to_compiled();
    let body = header_len(&bytes) + 8;
    let docs: Vec<Vec<u8>> = pack.fixtures.values().map(|v| v.to_string().into_bytes()).collect();
    let mut rng = Rng(42);
    let (mut accepted, mut refused_n) = (0, 0);
    for round in 0..400 {
        let mut b = bytes.clone();
        for _ in 0..=rng.below(4) {
            let i = body + rng.index(b.len() - body);
            b[i] = match round % 3 {
                0 => rng.next() as u8,
                1 => b[i] ^ (1 << rng.below(8)),
                _ => [0, 1, 0x7f, 0x80, 0xff][rng.index(5)],
            };
        }
        reseal(&mut b);
        match Pack::from_compiled(&b) {
            Ok(p) => {
                accepted += 1;
                for d in &docs {
                    let _ = p.validate_bytes(d, &Options::default());
                }
                if accepted % 8 == 1 {
                    let _ = crate::testing::run_pack_tests(&p);
                }
            }
            Err(e) => {
                refused_n += 1;
                assert!(e.0.starts_with("at byte "), "{e}");
            }
        }
    }
    assert!(accepted > 0 && refused_n > 0, "{accepted} accepted, {refused_n} refused");
}

#[test]
fn a_pack_compiled_for_validation_only_validates_the_same_without_tests_or_sources() {
    use super::compiled::CompileOptions;
    let pack = load("kz-orphan");
    let full = pack.to_compiled();
    let slim = pack.to_compiled_with(CompileOptions::VALIDATION_ONLY);
    assert!(slim.len() < full.len() * 3 / 4, "{} of {}", slim.len(), full.len());
    let back = Pack::from_compiled(&slim).unwrap();
    assert!(back.rules.iter().all(|r| r.tests.is_empty() && r.checks.iter().all(|c| c.source.is_empty())));
    assert_eq!(back.rules.len(), pack.rules.len());
    let mut files = Vec::new();
    json_files(&root().join("examples"), &mut files);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let opts = Options { lang: Some("kk".into()), ..Options::default() };
        let a = serde_json::to_string(&pack.validate_bytes(&bytes, &opts).unwrap()).unwrap();
        let b = serde_json::to_string(&back.validate_bytes(&bytes, &opts).unwrap()).unwrap();
        assert_eq!(a, b, "{}", f.display());
    }
    // Only the fixture checks are left to run.
    assert!(crate::testing::run_pack_tests(&back).iter().all(|c| c.rule_id.starts_with("fixture:") && c.passed));
}

/// Every whole-body seed of the `compiled_pack` fuzz target decodes (or is refused) without
/// panicking. `nested-windows-shape` is a body the fuzzer found: windowed lookups nested in each
/// other's per-element expressions, whose written-out shapes (what lets calls share an index)
/// doubled at every level — 27 s and 1.2 GB before shapes were capped (`window::SHAPE_MAX`).
#[test]
fn the_fuzz_seeds_of_compiled_bodies_decode_or_are_refused_without_panicking() {
    let dir = root().join("fuzz/corpus/compiled_pack");
    let mut seen = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        if let Some((&mode, body)) = bytes.split_first()
            && mode < 128
        {
            let _ = crate::pack::compiled::fuzzing::from_body(body);
            seen += 1;
        }
    }
    assert!(seen >= 2, "the whole-body seeds are there ({seen})");
}
