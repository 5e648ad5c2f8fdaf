//! Signed packs: a copy of the default pack is signed, then verified; every kind of tampering
//! (one byte changed, a file added or removed, the wrong key, a forged signature) is refused
//! with an error that names what is wrong.
use std::path::{Path, PathBuf};

use qagida::signing::{
    self, FileProblem, SIG_FILE, SignatureError, SigningKey, VerifyingKey, key_id, parse_signing_key, parse_verifying_key,
};
use qagida::{Options, Pack, VerifiedLoadError};

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// A signed copy of rules/kz-orphan in a fresh temporary directory.
fn signed_pack() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kz-orphan");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/kz-orphan"), &dir);
    let n = signing::sign_dir(&dir, &key(1)).unwrap();
    assert!(n >= 10, "every file of the pack is signed ({n})");
    (tmp, dir)
}

fn verify(dir: &Path, k: &VerifyingKey) -> Result<signing::Verified, SignatureError> {
    signing::verify_dir(dir, std::slice::from_ref(k))
}

fn file_problems(r: Result<signing::Verified, SignatureError>) -> Vec<FileProblem> {
    match r {
        Err(SignatureError::Files(p)) => p,
        other => panic!("expected file problems, got {other:?}"),
    }
}

#[test]
fn signed_pack_verifies_and_loads() {
    let (_tmp, dir) = signed_pack();
    let v = verify(&dir, &key(1).verifying_key()).unwrap();
    assert_eq!(v.key_id, key_id(&key(1).verifying_key()));
    let sig = std::fs::read_to_string(dir.join(SIG_FILE)).unwrap();
    assert!(sig.contains("algorithm = \"ed25519\""), "{sig}");
    assert!(sig.contains("\"rules/mdt.toml\" = "), "{sig}");
    assert!(sig.contains("\"data/README.md\" = "), "non-pack files are signed too: {sig}");
    // The verified pack is the same pack.
    let pack = Pack::load_dir_verified(&dir, &key(1).verifying_key()).unwrap();
    let plain = Pack::load_dir(&dir).unwrap();
    assert_eq!((pack.id.as_str(), pack.rules.len()), (plain.id.as_str(), plain.rules.len()));
    let doc = serde_json::json!({"document_type": "mdt_conclusion"});
    assert!(!pack.validate(&doc, &Options::default()).unwrap().valid);
}

#[test]
fn signing_is_deterministic_and_ignores_an_old_signature() {
    let (_tmp, dir) = signed_pack();
    let first = std::fs::read_to_string(dir.join(SIG_FILE)).unwrap();
    signing::sign_dir(&dir, &key(1)).unwrap();
    assert_eq!(first, std::fs::read_to_string(dir.join(SIG_FILE)).unwrap());
}

#[test]
fn one_byte_changed_is_refused_naming_the_file() {
    let (_tmp, dir) = signed_pack();
    let p = dir.join("rules/mdt.toml");
    let mut bytes = std::fs::read(&p).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    std::fs::write(&p, bytes).unwrap();
    let err = verify(&dir, &key(1).verifying_key()).unwrap_err();
    assert!(err.to_string().contains("file rules/mdt.toml was changed"), "{err}");
    assert_eq!(file_problems(Err(err)), vec![FileProblem::Changed("rules/mdt.toml".into())]);
    // And the loader refuses it.
    let e = Pack::load_dir_verified(&dir, &key(1).verifying_key()).unwrap_err();
    assert!(matches!(e, VerifiedLoadError::Signature { .. }), "{e}");
    assert!(e.to_string().contains("rules/mdt.toml was changed"), "{e}");
}

#[test]
fn a_file_added_is_refused() {
    let (_tmp, dir) = signed_pack();
    std::fs::write(dir.join("rules/extra.toml"), "[[rule]]\n").unwrap();
    let err = verify(&dir, &key(1).verifying_key()).unwrap_err();
    assert!(err.to_string().contains("file rules/extra.toml was added"), "{err}");
    // Any file counts, not only those the loader reads.
    std::fs::remove_file(dir.join("rules/extra.toml")).unwrap();
    std::fs::write(dir.join("NOTES.txt"), "hello").unwrap();
    assert_eq!(file_problems(verify(&dir, &key(1).verifying_key())), vec![FileProblem::Added("NOTES.txt".into())]);
}

#[test]
fn a_file_removed_is_refused() {
    let (_tmp, dir) = signed_pack();
    std::fs::remove_file(dir.join("rules/stock.toml")).unwrap();
    let err = verify(&dir, &key(1).verifying_key()).unwrap_err();
    assert!(err.to_string().contains("file rules/stock.toml was removed"), "{err}");
}

#[test]
fn several_changes_are_all_named() {
    let (_tmp, dir) = signed_pack();
    std::fs::remove_file(dir.join("rules/stock.toml")).unwrap();
    std::fs::write(dir.join("types.toml"), "").unwrap();
    std::fs::write(dir.join("rules/new.toml"), "").unwrap();
    let p = file_problems(verify(&dir, &key(1).verifying_key()));
    assert_eq!(
        p,
        vec![
            FileProblem::Added("rules/new.toml".into()),
            FileProblem::Removed("rules/stock.toml".into()),
            FileProblem::Changed("types.toml".into()),
        ]
    );
}

#[test]
fn wrong_key_is_refused() {
    let (_tmp, dir) = signed_pack();
    let other = key(2).verifying_key();
    let err = verify(&dir, &other).unwrap_err();
    let signer = key_id(&key(1).verifying_key());
    assert_eq!(err, SignatureError::OtherKey { found: signer.clone(), expected: vec![key_id(&other)] });
    assert!(err.to_string().contains(&format!("signed by another key (key_id {signer})")), "{err}");
    assert!(Pack::load_dir_verified(&dir, &other).is_err());
}

#[test]
fn key_id_claimed_by_a_forger_is_refused() {
    // Signed with key 2 but claiming to be key 1: the key ID matches, the signature does not.
    let (_tmp, dir) = signed_pack();
    signing::sign_dir(&dir, &key(2)).unwrap();
    let sig = std::fs::read_to_string(dir.join(SIG_FILE)).unwrap();
    let forged = sig.replace(&key_id(&key(2).verifying_key()), &key_id(&key(1).verifying_key()));
    std::fs::write(dir.join(SIG_FILE), forged).unwrap();
    let err = verify(&dir, &key(1).verifying_key()).unwrap_err();
    assert!(matches!(err, SignatureError::BadSignature { .. }), "{err}");
    assert!(err.to_string().contains("signature does not match key"), "{err}");
}

#[test]
fn tampered_signature_is_refused() {
    let (_tmp, dir) = signed_pack();
    let sig = std::fs::read_to_string(dir.join(SIG_FILE)).unwrap();
    let line = sig.lines().find(|l| l.starts_with("signature = ")).unwrap();
    let b64 = line.trim_start_matches("signature = \"").trim_end_matches('"');
    // Flip one character of the base64 (keeping it valid base64).
    let mut chars: Vec<char> = b64.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    std::fs::write(dir.join(SIG_FILE), sig.replace(b64, &tampered)).unwrap();
    let err = verify(&dir, &key(1).verifying_key()).unwrap_err();
    assert_eq!(err, SignatureError::BadSignature { key_id: key_id(&key(1).verifying_key()) });
}

#[test]
fn tampered_listing_is_refused() {
    // Changing a file and updating its hash in pack.sig: the listing is signed.
    let (_tmp, dir) = signed_pack();
    let p = dir.join("rules/mdt.toml");
    let old = std::fs::read(&p).unwrap();
    let mut new = old.clone();
    new.extend_from_slice(b"\n# extra\n");
    std::fs::write(&p, &new).unwrap();
    let hex = |b: &[u8]| {
        use sha2::Digest;
        sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect::<String>()
    };
    let sig = std::fs::read_to_string(dir.join(SIG_FILE)).unwrap();
    assert!(sig.contains(&hex(&old)));
    std::fs::write(dir.join(SIG_FILE), sig.replace(&hex(&old), &hex(&new))).unwrap();
    let err = verify(&dir, &key(1).verifying_key()).unwrap_err();
    assert!(matches!(err, SignatureError::BadSignature { .. }), "{err}");
}

#[test]
fn unsigned_and_malformed_signatures_are_refused() {
    let (_tmp, dir) = signed_pack();
    let sig = std::fs::read_to_string(dir.join(SIG_FILE)).unwrap();
    std::fs::remove_file(dir.join(SIG_FILE)).unwrap();
    assert_eq!(verify(&dir, &key(1).verifying_key()).unwrap_err(), SignatureError::Unsigned);
    for bad in [
        "not toml".to_string(),
        sig.replace("algorithm = \"ed25519\"", "algorithm = \"rsa\""),
        sig.replace("format = \"qagida-pack-v1\"", "format = \"v0\""),
        format!("{sig}\nextra = 1\n"),
        sig.replace("[files]", "[files]\n\"x\" = \"not-a-hash\""),
    ] {
        std::fs::write(dir.join(SIG_FILE), &bad).unwrap();
        let err = verify(&dir, &key(1).verifying_key()).unwrap_err();
        assert!(
            matches!(err, SignatureError::Malformed(_) | SignatureError::UnsupportedAlgorithm(_)),
            "{bad}: {err:?}"
        );
    }
}

#[test]
fn in_memory_files_verify_as_a_browser_would() {
    // What the WASM bindings do: files fetched by path (every path pack.sig lists) + pack.sig text.
    let (_tmp, dir) = signed_pack();
    let tree = signing::read_pack_tree(&dir).unwrap();
    let files: qagida::Files =
        tree.iter().map(|(p, b)| (p.clone(), String::from_utf8(b.clone()).unwrap())).collect();
    let sig = files[SIG_FILE].clone();
    let vk = parse_verifying_key(&signing::format_verifying_key(&key(1).verifying_key())).unwrap();
    assert!(signing::verify_files(&files, &sig, &vk).is_ok());
    let mut changed = files.clone();
    changed.get_mut("pack.toml").unwrap().push(' ');
    assert!(signing::verify_files(&changed, &sig, &vk).unwrap_err().to_string().contains("file pack.toml was changed"));
    // sign_files on in-memory files gives the same pack.sig as signing the directory.
    assert_eq!(signing::sign_files(&files, &key(1)).unwrap(), sig);
}

#[test]
fn key_files_round_trip_and_are_not_confused() {
    let k = key(7);
    let secret = signing::format_signing_key(&k);
    let public = signing::format_verifying_key(&k.verifying_key());
    assert_eq!(parse_signing_key(&secret).unwrap().to_bytes(), k.to_bytes());
    assert_eq!(parse_verifying_key(&public).unwrap(), k.verifying_key());
    assert!(parse_verifying_key(&secret).is_err(), "a secret key is not accepted as a public key");
    assert!(parse_signing_key(&public).is_err());
    // A bare key in hex or base64, as a vendor would configure it.
    let hex: String = k.verifying_key().as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(parse_verifying_key(&hex).unwrap(), k.verifying_key());
    assert!(parse_verifying_key("abc").is_err());
}

#[test]
fn a_layer_and_its_base_must_both_be_signed() {
    let (tmp, base) = signed_pack();
    let layer = tmp.path().join("regional");
    std::fs::create_dir_all(&layer).unwrap();
    std::fs::write(
        layer.join("pack.toml"),
        "id = \"kz-orphan-almaty\"\nversion = \"1.0.0\"\nextends = \"kz-orphan\"\neffective_from = 2026-03-23\n",
    )
    .unwrap();
    let k = key(1).verifying_key();
    let e = Pack::load_dir_verified(&layer, &k).unwrap_err();
    assert!(e.to_string().contains("not signed"), "{e}");
    signing::sign_dir(&layer, &key(1)).unwrap();
    // Whether the layer itself loads is the loader's business; the signatures pass.
    match Pack::load_dir_verified(&layer, &k) {
        Ok(_) | Err(VerifiedLoadError::Pack(_)) => {}
        Err(e) => panic!("{e}"),
    }
    // Tampering with the base is caught through the layer.
    std::fs::write(base.join("types.toml"), "").unwrap();
    let e = Pack::load_dir_verified(&layer, &k).unwrap_err();
    assert!(e.to_string().contains("file types.toml was changed"), "{e}");
}

/// `kz-orphan` signed by the national key (1) and `kz-karaganda` by the regional key (2), side
/// by side in a fresh directory; the base's version set to `version`.
fn national_and_regional(version: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let (base, layer) = (tmp.path().join("kz-orphan"), tmp.path().join("kz-karaganda"));
    copy_dir(&root.join("kz-orphan"), &base);
    copy_dir(&root.join("kz-karaganda"), &layer);
    set_version(&base, version);
    signing::sign_dir(&base, &key(1)).unwrap();
    signing::sign_dir(&layer, &key(2)).unwrap();
    (tmp, base, layer)
}

fn set_version(dir: &Path, version: &str) {
    let m = std::fs::read_to_string(dir.join("pack.toml")).unwrap();
    let old = m.lines().find(|l| l.starts_with("version = ")).unwrap().to_string();
    std::fs::write(dir.join("pack.toml"), m.replacen(&old, &format!("version = \"{version}\""), 1)).unwrap();
}

fn bound(seed: u8, ids: &[&str]) -> signing::TrustedKey {
    signing::TrustedKey { key: key(seed).verifying_key(), ids: Some(ids.iter().map(|s| s.to_string()).collect()) }
}

fn refusal(r: Result<(Pack, Vec<signing::VerifiedLayer>), VerifiedLoadError>) -> SignatureError {
    match r {
        Err(VerifiedLoadError::Signature { error, .. }) => error,
        Err(e) => panic!("expected a signature refusal, got {e}"),
        Ok(_) => panic!("expected a signature refusal, the pack was accepted"),
    }
}

// Issue 12, row 10: with two trusted keys, the regional key signed a forged national base and it
// was accepted. A key bound to the ids it may sign cannot sign another pack's layer.
#[test]
fn a_regional_key_cannot_sign_a_forged_national_base_when_keys_are_bound_to_ids() {
    let (_tmp, base, layer) = national_and_regional("2026.3.2");
    let national = key_id(&key(1).verifying_key());
    let regional = key_id(&key(2).verifying_key());
    let bound_trust = signing::Trust { keys: vec![bound(1, &["kz-orphan"]), bound(2, &["kz-karaganda"])], ..Default::default() };
    let (pack, layers) = signing::load_dir_trusted(&layer, &bound_trust, &[]).unwrap();
    assert_eq!(pack.layers.len(), 2);
    let who: Vec<(&str, &str)> = layers.iter().map(|l| (l.id.as_str(), l.key_id.as_str())).collect();
    assert_eq!(who, [("kz-karaganda", regional.as_str()), ("kz-orphan", national.as_str())]);

    let example: serde_json::Value =
        serde_json::from_slice(&std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/invalid/prescription.json")).unwrap()).unwrap();
    assert!(!pack.validate(&example, &Options::default()).unwrap().valid);

    // The forgery: the national base's prescription errors turned into notes, signed by the regional key.
    let p = base.join("rules/prescription.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, t.replace("severity = \"error\"", "severity = \"info\"")).unwrap();
    signing::sign_dir(&base, &key(2)).unwrap();
    // Keys trusted for any id (a bare `--pubkey FILE`, kept for compatibility) still accept it,
    // and the invalid example prescription validates VALID…
    let any = signing::Trust::any_of(&[key(1).verifying_key(), key(2).verifying_key()]);
    let (forged, _) = signing::load_dir_trusted(&layer, &any, &[]).unwrap();
    assert!(forged.validate(&example, &Options::default()).unwrap().valid);
    // …keys bound to ids refuse it, naming the pack, the key and what the key may sign.
    let e = refusal(signing::load_dir_trusted(&layer, &bound_trust, &[]));
    assert_eq!(e, SignatureError::KeyNotForId { id: "kz-orphan".into(), key_id: regional.clone(), allowed: vec!["kz-karaganda".into()] });
    assert!(e.to_string().contains(&format!("the pack `kz-orphan` is signed by key {regional}, which is trusted only for kz-karaganda")), "{e}");
    // A key trusted both bound and unbound is trusted for any id; one bound to several ids, for each.
    let both = signing::Trust { keys: vec![bound(1, &["kz-orphan"]), bound(2, &["kz-karaganda", "kz-orphan"])], ..Default::default() };
    assert!(signing::load_dir_trusted(&layer, &both, &[]).is_ok());
}

// Issue 12, row 9: a signed v2 published, the older signed v1 replayed, was accepted. A least
// version refuses it; versions compare as versions (2026.3.10 is above 2026.3.9).
#[test]
fn an_older_signed_edition_is_refused_below_the_least_version() {
    let (_tmp, base, layer) = national_and_regional("2026.3.9");
    let keys = [key(1).verifying_key(), key(2).verifying_key()];
    let v = |s: &str| signing::Trust::parse_version(s).unwrap();
    let trust = |min: &str| signing::Trust { min_version: Some(v(min)), ..signing::Trust::any_of(&keys) };
    // v1 (2026.3.9) replayed where 2026.3.10 is the least accepted: refused.
    let e = refusal(signing::load_dir_trusted(&base, &trust("2026.3.10"), &[]));
    assert_eq!(e, SignatureError::TooOld { id: "kz-orphan".into(), version: "2026.3.9".into(), min: "2026.3.10".into() });
    assert!(e.to_string().contains("below the least version accepted, 2026.3.10"), "{e}");
    assert!(signing::load_dir_trusted(&base, &trust("2026.3.9"), &[]).is_ok());
    // v2 (2026.3.10) is above 2026.3.9 as a version, though below it as text.
    set_version(&base, "2026.3.10");
    signing::sign_dir(&base, &key(1)).unwrap();
    assert!(signing::load_dir_trusted(&base, &trust("2026.3.9"), &[]).is_ok());
    assert!(signing::load_dir_trusted(&base, &trust("2026.3.10"), &[]).is_ok());
    // The least version of a base under a layer is given by its id.
    set_version(&base, "2026.3.9");
    signing::sign_dir(&base, &key(1)).unwrap();
    let mut by_id = signing::Trust::any_of(&keys);
    by_id.min_versions.insert("kz-orphan".into(), v("2026.3.10"));
    let e = refusal(signing::load_dir_trusted(&layer, &by_id, &[]));
    assert!(matches!(&e, SignatureError::TooOld { id, .. } if id == "kz-orphan"), "{e}");
    // The unbound least version is the pack loaded (the layer, 2025.9.1), not its base.
    assert!(signing::load_dir_trusted(&layer, &trust("2025.9.1"), &[]).is_ok());
    // A version that is not MAJOR.MINOR.PATCH cannot pass a least version.
    set_version(&base, "march-2026");
    signing::sign_dir(&base, &key(1)).unwrap();
    let e = refusal(signing::load_dir_trusted(&base, &trust("2026.3.9"), &[]));
    assert!(matches!(e, SignatureError::BadVersion { .. }), "{e}");
}
