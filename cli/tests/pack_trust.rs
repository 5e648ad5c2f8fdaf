//! Signed packs that resist rollback and key confusion, and packs found by id, as a vendor runs
//! `qagida pack verify` and `qagida validate` (issue 12, rows 8, 9 and 10).
use std::path::Path;

mod common;

use common::*;

fn set_version(dir: &Path, version: &str) {
    let m = std::fs::read_to_string(dir.join("pack.toml")).unwrap();
    let old = m.lines().find(|l| l.starts_with("version = ")).unwrap().to_string();
    std::fs::write(dir.join("pack.toml"), m.replacen(&old, &format!("version = \"{version}\""), 1)).unwrap();
}

/// `kz-orphan` (at `version`) signed by national.key, `kz-karaganda` by regional.key, in `t`.
fn signed_packs(t: &Path, version: &str) {
    copy_dir(&root().join("rules/kz-orphan"), &t.join("kz-orphan"));
    copy_dir(&root().join("rules/kz-karaganda"), &t.join("kz-karaganda"));
    set_version(&t.join("kz-orphan"), version);
    for (name, dir) in [("national", "kz-orphan"), ("regional", "kz-karaganda")] {
        qagida_in(t).args(["pack", "keygen", "--out", name]).assert().code(0);
        qagida_in(t).args(["pack", "sign", dir, "--key", &format!("{name}.key")]).assert().code(0);
    }
}

fn run(t: &Path, args: &[&str]) -> std::process::Output {
    qagida_in(t).args(args).output().unwrap()
}

#[test]
fn a_forged_base_signed_by_the_regional_key_is_refused_when_keys_are_bound_to_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    signed_packs(t, "2026.3.2");
    let invalid = root().join("examples/invalid/prescription.json");
    let invalid = invalid.to_str().unwrap();
    let bound = ["--pubkey", "kz-orphan=national.pub", "--pubkey", "kz-karaganda=regional.pub"];
    let o = run(t, &[&["pack", "verify", "kz-karaganda"][..], &bound].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("OK: kz-karaganda (kz-karaganda 2025.9.1)") && out.contains("(kz-orphan 2026.3.2)"), "{out}");

    // The regional regulator forges the national base: its prescription errors become notes.
    let p = t.join("kz-orphan/rules/prescription.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("severity = \"error\"", "severity = \"info\"")).unwrap();
    qagida_in(t).args(["pack", "sign", "kz-orphan", "--key", "regional.key"]).assert().code(0);

    // Keys given bare are trusted for any id (as before): the forgery passes, the invalid
    // prescription validates VALID.
    let bare = ["--pubkey", "national.pub", "--pubkey", "regional.pub"];
    assert_eq!(run(t, &[&["pack", "verify", "kz-karaganda"][..], &bare].concat()).status.code(), Some(0));
    let o = run(t, &[&["validate", "--rules", "kz-karaganda"][..], &bare, &[invalid]].concat());
    let result: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(result["valid"], true, "{result}");

    // Bound keys: refused, by verify (exit 1) and by validate (exit 2, nothing validated).
    let o = run(t, &[&["pack", "verify", "kz-karaganda"][..], &bound].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the pack `kz-orphan` is signed by key") && stderr(&o).contains("trusted only for kz-karaganda"), "{}", stderr(&o));
    assert!(stderr(&o).contains("REFUSED: kz-karaganda"), "{}", stderr(&o));
    let o = run(t, &[&["validate", "--rules", "kz-karaganda"][..], &bound, &[invalid]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("trusted only for kz-karaganda"), "{}", stderr(&o));
}

#[test]
fn a_replayed_older_signed_edition_is_refused_with_min_version() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    signed_packs(t, "2026.3.9");
    let example = root().join("examples/valid/prescription.json");
    let example = example.to_str().unwrap();
    let verify = |extra: &[&str]| run(t, &[&["pack", "verify", "kz-orphan", "--pubkey", "national.pub"][..], extra].concat());
    assert_eq!(verify(&[]).status.code(), Some(0));
    let o = verify(&["--min-version", "2026.3.10"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the pack `kz-orphan` is version 2026.3.9, below the least version accepted, 2026.3.10"), "{}", stderr(&o));
    assert_eq!(verify(&["--min-version", "2026.3.9"]).status.code(), Some(0));
    let o = run(t, &["validate", "--rules", "kz-orphan", "--pubkey", "national.pub", "--min-version", "2026.3.10", example]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    // The base under a layer, by its id.
    let o = run(
        t,
        &["pack", "verify", "kz-karaganda", "--pubkey", "national.pub", "--pubkey", "regional.pub", "--min-version", "kz-orphan=2026.3.10"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Version 2026.3.10 is above 2026.3.9 (as a version, not as text).
    set_version(&t.join("kz-orphan"), "2026.3.10");
    qagida_in(t).args(["pack", "sign", "kz-orphan", "--key", "national.key"]).assert().code(0);
    assert_eq!(verify(&["--min-version", "2026.3.9"]).status.code(), Some(0));
    assert_eq!(verify(&["--min-version", "2026.3.10"]).status.code(), Some(0));
    // A least version that is not a version, a binding that is not a pack id: usage errors.
    let o = verify(&["--min-version", "2026.3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a version MAJOR.MINOR.PATCH"), "{}", stderr(&o));
    let o = run(t, &["pack", "verify", "kz-orphan", "--pubkey", "../x=national.pub"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a pack id"), "{}", stderr(&o));
}

#[test]
fn rules_dir_errors_name_the_directory_and_extends_finds_packs_on_the_pack_path() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    std::fs::create_dir_all(t.join("empty")).unwrap();
    let example = root().join("examples/valid/prescription.json");
    let example = example.to_str().unwrap();
    let o = run(t, &["validate", "--rules", "empty", example]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}: file not found in the pack", Path::new("empty").join("pack.toml").display())), "{}", stderr(&o));
    // A regional layer alone: its base is not beside it; --pack-path says where packs are.
    copy_dir(&root().join("rules/kz-karaganda"), &t.join("layers/kz-karaganda"));
    let o = run(t, &["validate", "--rules", "layers/kz-karaganda", example]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("this layer extends `kz-orphan`, but no pack directory with that id is in layers"), "{}", stderr(&o));
    let rules = root().join("rules");
    let o = run(t, &["validate", "--rules", "layers/kz-karaganda", "--pack-path", rules.to_str().unwrap(), example]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
