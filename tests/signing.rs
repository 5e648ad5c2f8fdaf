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
