//! Packs are read as packs (issue 12, rows 7, 8 and 13): only regular files, each within a size
//! cap; `extends` names a pack id found among the pack directories beside the layer (or on an
//! explicit search path), never a file-system path; a pack id is a plain name; an error about a
//! pack names the directory it looked in.
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use qagida::pack::{MAX_PACK_FILE_BYTES, read_dir_files, read_file_capped};
use qagida::signing::{self, FileProblem, SignatureError, SigningKey};
use qagida::{Files, Pack};

mod common;

use common::{fixture_pack, text};

const TYPES: &str = "[documents.order.fields]\nid = \"string\"\nqty = \"number\"\n";

/// A small base pack with id `id`.
fn base(id: &str) -> Files {
    let rules = format!(
        "[[rule]]\nid = \"QTY-01\"\napplies_to = \"order\"\nseverity = \"error\"\nclause = {c}\nmessage = {m}\n\
         [[rule.check]]\nassert = \"doc.qty <= 5\"\npath = \"/qty\"\n",
        c = text("clause"),
        m = text("too many")
    );
    fixture_pack(id, "", TYPES, &rules)
}

/// The manifest of a layer `id` on `extends`.
fn layer_manifest(id: &str, extends: &str) -> String {
    format!("id = \"{id}\"\nversion = \"1.0.0\"\nextends = \"{}\"\neffective_from = 2021-01-01\n", extends.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write_pack(dir: &Path, files: &Files) {
    for (p, c) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// `base/` (id `base`) and `regional/` (a layer with `extends`) side by side in a fresh directory.
fn base_and_layer(extends: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    write_pack(&tmp.path().join("base"), &base("base"));
    let layer = tmp.path().join("regional");
    std::fs::create_dir_all(&layer).unwrap();
    std::fs::write(layer.join("pack.toml"), layer_manifest("regional", extends)).unwrap();
    (tmp, layer)
}

fn mkfifo(path: &Path) {
    let st = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(st.success(), "mkfifo {}", path.display());
}

/// Runs `f` on another thread; a test that would hang (the bug) fails instead of never ending.
fn returns<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(120)).expect("reading the pack hangs")
}

// Row 7: a FIFO named `*.toml` in a pack directory hung the loader (opening a FIFO waits for a
// writer). It is refused, named, without being opened.
#[cfg(unix)]
#[test]
fn a_fifo_named_toml_in_a_pack_is_refused_as_not_a_regular_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    write_pack(&dir, &base("p"));
    mkfifo(&dir.join("rules-extra.toml"));
    let d = dir.clone();
    let err = returns(move || Pack::load_dir(&d).map(|_| ())).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(&format!("{}: not a regular file", dir.join("rules-extra.toml").display())), "{msg}");
    // The same for the reader itself, for a FIFO in a subdirectory, and for the signer.
    std::fs::remove_file(dir.join("rules-extra.toml")).unwrap();
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    mkfifo(&dir.join("rules/x.json"));
    let d = dir.clone();
    let err = returns(move || read_dir_files(&d)).unwrap_err();
    assert!(err.to_string().contains("rules/x.json: not a regular file"), "{err}");
    let d = dir.clone();
    let e = returns(move || read_file_capped(&d.join("rules/x.json"), 100)).unwrap_err();
    assert!(e.starts_with("not a regular file"), "{e}");
    let d = dir.clone();
    let e = returns(move || signing::sign_dir(&d, &SigningKey::from_bytes(&[1; 32]))).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
}

// Row 7, the size cap: a file over the cap is refused by its size, before it is read (a sparse
// file of 1 GiB costs no memory: nothing of it is read).
#[test]
fn a_pack_file_over_the_size_cap_is_refused_without_being_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    write_pack(&dir, &base("p"));
    let big = std::fs::File::create(dir.join("huge.toml")).unwrap();
    big.set_len(1 << 30).unwrap();
    let err = Pack::load_dir(&dir).unwrap_err().to_string();
    assert!(err.contains("huge.toml: 1073741824 bytes, over the limit of 8388608 bytes for a file of a pack"), "{err}");
    // A file of exactly the cap is read; one byte more is not.
    let e = read_file_capped(&dir.join("huge.toml"), MAX_PACK_FILE_BYTES).unwrap_err();
    assert!(e.contains("over the limit"), "{e}");
    big.set_len(16).unwrap();
    assert_eq!(read_file_capped(&dir.join("huge.toml"), 16).unwrap().len(), 16);
    assert!(read_file_capped(&dir.join("huge.toml"), 15).is_err());
}

// Row 8: `extends` was joined to the parent directory as a path (`"/usr"` read 1,719 files). Each
// form that is not a pack id is refused at the `pack.toml` that says it, before anything is read.
#[test]
fn extends_that_is_a_path_is_refused_before_anything_is_read() {
    for bad in ["/usr", ".", "..", "/etc/qagida/base", "../base", "base/", "a/b", "a\\b", "", "base ", "кз"] {
        let (_tmp, layer) = base_and_layer(bad);
        let err = Pack::load_dir(&layer).map(|_| ()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&format!("{}: extends: ", layer.join("pack.toml").display())), "{bad:?}: {msg}");
        assert!(msg.contains("is not a pack id"), "{bad:?}: {msg}");
        assert_eq!(err.diagnostics.len(), 1, "{bad:?}: {msg}");
    }
    // A long name is not an id either.
    let (_tmp, layer) = base_and_layer(&"a".repeat(65));
    assert!(Pack::load_dir(&layer).unwrap_err().to_string().contains("is not a pack id"));
}

// Row 8: a pack id is a plain name, checked when any pack loads (from a directory, from memory,
// or in the WebAssembly compiler, which loads through `from_files` / `from_layers`).
#[test]
fn a_pack_id_that_is_a_path_is_refused_at_load() {
    for bad in ["../evil", "/usr", ".", "..", "a/b", "a b", ""] {
        let mut f = base("x");
        let m = f["pack.toml"].replacen("id = \"x\"", &format!("id = \"{bad}\""), 1);
        f.insert("pack.toml".into(), m);
        let msg = Pack::from_files(&f).map(|_| ()).unwrap_err().to_string();
        assert!(msg.starts_with("pack.toml:1:6: id: `") && msg.contains("is not a pack id"), "{bad:?}: {msg}");
    }
    for good in ["kz-orphan", "kz_orphan.v2", "A1"] {
        let mut f = base("x");
        let m = f["pack.toml"].replacen("id = \"x\"", &format!("id = \"{good}\""), 1);
        f.insert("pack.toml".into(), m);
        assert!(Pack::from_files(&f).is_ok(), "{good}");
    }
    // A layer's `extends` in memory too.
    let b = base("base");
    let mut l = Files::new();
    l.insert("pack.toml".into(), layer_manifest("regional", "../base"));
    let msg = Pack::from_layers(&[("base", &b), ("regional", &l)]).map(|_| ()).unwrap_err().to_string();
    assert!(msg.contains("regional/pack.toml:3:11: extends: `../base` is not a pack id"), "{msg}");
}

#[test]
fn extends_finds_the_pack_by_its_id_beside_the_layer_or_on_the_pack_path() {
    // By directory name.
    let (tmp, layer) = base_and_layer("base");
    let p = Pack::load_dir(&layer).unwrap();
    assert_eq!(p.layers.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["base", "regional"]);
    // By the id in a sibling's pack.toml, whatever its directory is called.
    std::fs::rename(tmp.path().join("base"), tmp.path().join("national-2026")).unwrap();
    let p = Pack::load_dir(&layer).unwrap();
    assert_eq!(p.layers.first().map(|l| l.id.as_str()), Some("base"));
    // Not beside it: an error naming where it looked; found with a search path.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::rename(tmp.path().join("national-2026"), elsewhere.path().join("base")).unwrap();
    let msg = Pack::load_dir(&layer).map(|_| ()).unwrap_err().to_string();
    assert!(msg.contains("this layer extends `base`, but no pack directory with that id is in"), "{msg}");
    assert!(msg.contains(&tmp.path().display().to_string()), "{msg}");
    let p = Pack::load_dir_in(&layer, &[elsewhere.path().to_path_buf()]).unwrap();
    assert_eq!(p.layers.len(), 2);
    // A layer that extends itself is a cycle, not an endless walk.
    std::fs::write(layer.join("pack.toml"), layer_manifest("regional", "regional")).unwrap();
    let msg = Pack::load_dir(&layer).map(|_| ()).unwrap_err().to_string();
    assert!(msg.contains("goes round in a cycle"), "{msg}");
}

// "`--rules DIR` says only `pack.toml: file not found in the pack`": the error names the file
// on disk, in the directory it looked in.
#[test]
fn an_error_about_a_pack_names_the_directory_it_looked_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("not-a-pack");
    std::fs::create_dir_all(&dir).unwrap();
    let msg = Pack::load_dir(&dir).map(|_| ()).unwrap_err().to_string();
    assert_eq!(msg, format!("{}: file not found in the pack", dir.join("pack.toml").display()));
    // A directory that is no pack (`--rules /tmp`) is refused for its missing manifest before
    // anything in it is read: not for a FIFO or a huge file lying there.
    mkfifo(&dir.join("pipe.toml"));
    std::fs::File::create(dir.join("huge.json")).unwrap().set_len(1 << 30).unwrap();
    let d = dir.clone();
    let msg = returns(move || Pack::load_dir(&d).map(|_| ())).unwrap_err().to_string();
    assert_eq!(msg, format!("{}: file not found in the pack", dir.join("pack.toml").display()));
    // A layer's error names the layer's directory, its base's the base's.
    let (_tmp, layer) = base_and_layer("base");
    std::fs::write(layer.join("pack.toml"), format!("{}rule_files = [\"rules.toml\"]\n", layer_manifest("regional", "base"))).unwrap();
    let msg = Pack::load_dir(&layer).map(|_| ()).unwrap_err().to_string();
    let at = format!("{}:5:15: rule file `rules.toml` not found in the pack", layer.join("pack.toml").display());
    assert!(msg.contains(&at), "{msg}");
}

// Row 13: `pack verify` read every file whole, a 1 GB one not in the signature included. Now
// only the files the authentic listing names are read: an unlisted one is named as added
// without being read (a sparse 100 GiB file: read, or even read up to the cap, it would be
// refused as too large, not named as added).
#[test]
fn verify_names_an_unlisted_huge_file_without_reading_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("base");
    write_pack(&dir, &base("base"));
    let key = SigningKey::from_bytes(&[3; 32]);
    signing::sign_dir(&dir, &key).unwrap();
    let big = std::fs::File::create(dir.join("big.bin")).unwrap();
    big.set_len(100 << 30).unwrap();
    let err = signing::verify_dir(&dir, &[key.verifying_key()]).unwrap_err();
    assert_eq!(err, SignatureError::Files(vec![FileProblem::Added("big.bin".into())]));
    let err = Pack::load_dir_verified(&dir, &key.verifying_key()).unwrap_err().to_string();
    assert!(err.contains("file big.bin was added"), "{err}");
    // Signing it is refused by its size, without reading it.
    let err = signing::sign_dir(&dir, &key).unwrap_err().to_string();
    assert!(err.contains("big.bin") && err.contains("over the limit of 8388608 bytes"), "{err}");
}

#[test]
fn extends_prefers_the_pack_with_the_id_over_a_directory_of_that_name_holding_another_pack() {
    let (tmp, layer) = base_and_layer("base");
    // `base/` now holds the pack `old-base`; `national/` holds the pack `base`.
    std::fs::rename(tmp.path().join("base"), tmp.path().join("national")).unwrap();
    write_pack(&tmp.path().join("base"), &base("old-base"));
    let p = Pack::load_dir(&layer).unwrap();
    assert_eq!(p.layers.first().map(|l| l.id.as_str()), Some("base"));
    // Two directories with the id: ambiguous, refused.
    write_pack(&tmp.path().join("national-copy"), &base("base"));
    let msg = Pack::load_dir(&layer).map(|_| ()).unwrap_err().to_string();
    assert!(msg.contains("two pack directories in") && msg.contains("have id `base`"), "{msg}");
}
