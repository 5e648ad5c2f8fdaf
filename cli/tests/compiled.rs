//! `qagida pack compile` and compiled packs given to `--rules`, `test`, `lint` and `explain`.
mod common;

use common::*;

fn compile_to(dir: &std::path::Path, pack: &str) -> std::path::PathBuf {
    let out = dir.join(format!("{pack}.qpack"));
    let o = qagida().args(["pack", "compile", &format!("rules/{pack}"), "-o"]).arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8(o.stdout).unwrap();
    assert!(said.contains(&format!("compiled {pack} ")) && said.contains("bytes"), "{said}");
    out
}

#[test]
fn a_compiled_pack_validates_every_example_as_its_directory_does() {
    let tmp = tempfile::tempdir().unwrap();
    for (pack, examples) in [("kz-orphan", "examples/invalid"), ("kz-karaganda", "examples/kz-karaganda/invalid")] {
        let file = compile_to(tmp.path(), pack);
        let mut docs: Vec<String> = std::fs::read_dir(root().join(examples))
            .unwrap()
            .flatten()
            .map(|e| format!("{examples}/{}", e.file_name().to_string_lossy()))
            .filter(|p| p.ends_with(".json"))
            .collect();
        docs.sort();
        for lang in ["kk", "en"] {
            let from_dir = qagida().args(["validate", "--lang", lang, "--rules", &format!("rules/{pack}")]).args(&docs).output().unwrap();
            let from_file = qagida().args(["validate", "--lang", lang, "--rules"]).arg(&file).args(&docs).output().unwrap();
            assert_eq!(from_file.status.code(), from_dir.status.code(), "{pack}");
            assert!(!from_dir.stdout.is_empty());
            assert_eq!(String::from_utf8_lossy(&from_file.stdout), String::from_utf8_lossy(&from_dir.stdout), "{pack} {lang}");
        }
        // Compiled in full, it carries the rule tests and the explain sources too.
        let t = qagida().arg("test").arg(&file).output().unwrap();
        assert_eq!(t.status.code(), Some(0), "{}", String::from_utf8_lossy(&t.stdout));
        assert!(String::from_utf8_lossy(&t.stdout).contains(" passed, 0 failed"));
        let e = qagida().args(["explain", "MDT-03", "--rules"]).arg(&file).output().unwrap();
        assert_eq!(e.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&e.stdout).contains("single_dose"));
    }
}

#[test]
fn a_damaged_or_foreign_file_is_refused_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let file = compile_to(tmp.path(), "kz-orphan");
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0x55;
    let bad = tmp.path().join("bad.qpack");
    std::fs::write(&bad, &bytes).unwrap();
    let o = qagida().args(["validate", "--rules"]).arg(&bad).arg("examples/valid/prescription.json").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.qpack") && err.contains("checksum"), "{err}");

    let other = tmp.path().join("pack.bin");
    std::fs::write(&other, "id = \"x\"\n").unwrap();
    let o = qagida().args(["validate", "--rules"]).arg(&other).arg("examples/valid/prescription.json").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not start as a compiled qagida pack"));

    // A `.toml` file is read as a stack file (`layers = [...]`), and refused as one.
    let toml = tmp.path().join("pack.toml");
    std::fs::write(&toml, "id = \"x\"\n").unwrap();
    let o = qagida().args(["validate", "--rules"]).arg(&toml).arg("examples/valid/prescription.json").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("pack.toml") && err.contains("a stack file has `layers` only"), "{err}");
}

#[test]
fn a_compiled_pack_cannot_stand_for_a_signed_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let file = compile_to(tmp.path(), "kz-orphan");
    let key = tmp.path().join("k.pub");
    std::fs::write(&key, "not used").unwrap();
    let o = qagida().args(["validate", "--rules"]).arg(&file).arg("--pubkey").arg(&key).arg("examples/valid/prescription.json").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("carries no signature"));
}

#[test]
fn a_validation_only_pack_validates_as_the_full_one_and_is_smaller() {
    // What scripts/build-wasm.mjs ships in the npm package: the default stack, validation only.
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full.qpack");
    let lean = tmp.path().join("lean.qpack");
    for (out, extra) in [(&full, None), (&lean, Some("--validation-only"))] {
        let o = qagida().args(["pack", "compile", "rules/default.toml", "-o"]).arg(out).args(extra).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (full_len, lean_len) = (std::fs::metadata(&full).unwrap().len(), std::fs::metadata(&lean).unwrap().len());
    assert!(lean_len < full_len, "validation only {lean_len} bytes, full {full_len}");
    let docs = ["examples/valid/prescription.json", "examples/invalid/mdt_conclusion.json"].map(|d| root().join(d));
    let embedded = qagida().args(["validate", "--lang", "ru"]).args(&docs).output().unwrap();
    let from_lean = qagida().args(["validate", "--lang", "ru", "--rules"]).arg(&lean).args(&docs).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&from_lean.stdout), String::from_utf8_lossy(&embedded.stdout));
    assert_eq!(from_lean.status.code(), embedded.status.code());
    // Without the rule tests, `qagida test` runs the fixture checks alone.
    let t = qagida().arg("test").arg("-v").arg(&lean).output().unwrap();
    let said = String::from_utf8_lossy(&t.stdout);
    assert_eq!(t.status.code(), Some(0), "{said}");
    assert!(said.contains("fixture:") && !said.contains("MDT-03"), "{said}");
}
