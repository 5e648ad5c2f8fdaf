//! `qagida pack keygen | sign | verify` and `validate --pubkey`, as a regulator and a vendor run them.

mod common;

use common::*;

#[test]
fn keygen_sign_verify_and_validate_with_a_trusted_key() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    copy_dir(&root().join("rules/kz-orphan"), &t.join("pack"));
    let example = root().join("examples/valid").read_dir().unwrap().flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "json")).unwrap();

    qagida_in(t).args(["pack", "keygen", "--out", "regulator"]).assert().code(0);
    qagida_in(t).args(["pack", "keygen", "--out", "other"]).assert().code(0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(t.join("regulator.key")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the secret key is private");
    }
    // No silent overwrite of a key.
    qagida_in(t).args(["pack", "keygen", "--out", "regulator"]).assert().code(2);

    // Unsigned: refused.
    let o = qagida_in(t).args(["pack", "verify", "pack", "--pubkey", "regulator.pub"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not signed"), "{}", stderr(&o));

    let o = qagida_in(t).args(["pack", "sign", "pack", "--key", "regulator.key"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(t.join("pack/pack.sig").exists());
    let o = qagida_in(t).args(["pack", "verify", "pack", "--pubkey", "regulator.pub"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("OK: "));

    // Wrong key.
    let o = qagida_in(t).args(["pack", "verify", "pack", "--pubkey", "other.pub"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("signed by another key"), "{}", stderr(&o));
    // Either of two trusted keys will do.
    qagida_in(t).args(["pack", "verify", "pack", "--pubkey", "other.pub", "--pubkey", "regulator.pub"]).assert().code(0);

    // validate --pubkey: verified, then validated as usual.
    qagida_in(t).args(["validate", "--rules", "pack", "--pubkey", "regulator.pub"]).arg(&example).assert().code(0);
    qagida_in(t).args(["validate", "--rules", "pack", "--pubkey", "other.pub"]).arg(&example).assert().code(2);

    // One byte changed: verify exits 1 naming the file; validate refuses to run (exit 2).
    let mdt = t.join("pack/rules/mdt.toml");
    let mut bytes = std::fs::read(&mdt).unwrap();
    let last = bytes.len() - 1;
    assert_eq!(bytes[last], b'\n');
    bytes[last] = b' '; // still a valid pack, but not the one signed
    std::fs::write(&mdt, bytes).unwrap();
    let o = qagida_in(t).args(["pack", "verify", "pack", "--pubkey", "regulator.pub"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("file rules/mdt.toml was changed"), "{}", stderr(&o));
    let o = qagida_in(t).args(["validate", "--rules", "pack", "--pubkey", "regulator.pub"]).arg(&example).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "nothing is validated with a refused pack");
    assert!(stderr(&o).contains("file rules/mdt.toml was changed"), "{}", stderr(&o));
    // Without --pubkey the pack is used unchecked, as before.
    qagida_in(t).args(["validate", "--rules", "pack"]).arg(&example).assert().code(0);
}

#[test]
fn bad_key_files_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    copy_dir(&root().join("rules/kz-orphan"), &t.join("pack"));
    qagida_in(t).args(["pack", "keygen", "--out", "k"]).assert().code(0);
    // Swapped key files are named as such.
    let o = qagida_in(t).args(["pack", "sign", "pack", "--key", "k.pub"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("public key"), "{}", stderr(&o));
    let o = qagida_in(t).args(["pack", "verify", "pack", "--pubkey", "k.key"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("secret key"), "{}", stderr(&o));
    qagida_in(t).args(["pack", "verify", "pack", "--pubkey", "missing.pub"]).assert().code(2);
    // --pubkey needs --rules (the embedded pack is part of the binary).
    qagida_in(t).args(["validate", "--pubkey", "k.pub", "x.json"]).assert().code(2);
}
