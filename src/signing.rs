//! Signed rule packs: a regulator signs a pack directory with Ed25519, vendors verify it before
//! loading. See docs/SIGNING.md.
//!
//! A signed pack carries `pack.sig` (TOML) at its root:
//!
//! ```toml
//! format = "qagida-pack-v1"
//! algorithm = "ed25519"
//! key_id = "3f1c0d9a6b2e4c17"        # first 16 hex digits of SHA-256 of the public key
//! signature = "…base64…"             # Ed25519 over the canonical listing below
//!
//! [files]                            # every file of the pack but pack.sig: path → SHA-256 hex
//! "pack.toml" = "9b…"
//! "rules/mdt.toml" = "41…"
//! ```
//!
//! The signed bytes are `qagida-pack-v1\n` followed by one line `path \0 sha256hex \n` per file,
//! sorted by path. **Every regular file** under the directory counts, not only the `.toml` and
//! `.json` files the loader reads: adding, removing or changing any file breaks the signature.
//!
//! Verification checks, in order: the format and algorithm; that the pack was signed by a
//! trusted key (`key_id`); the signature over the listing; and then each file against the
//! listing. Each failure is a [`SignatureError`] that says exactly what is wrong.
//!
//! Nothing here needs randomness (Ed25519 signing is deterministic): key generation belongs to
//! the caller (the CLI uses the OS generator), so this module compiles for
//! `wasm32-unknown-unknown` as it is. In a browser, call [`verify_files`] with the pack's files
//! (every path listed in `pack.sig`'s `[files]`) and the text of `pack.sig`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::PackError;
use crate::pack::{
    Files, MAX_PACK_BYTES, MAX_PACK_ENTRIES, MAX_PACK_FILE_BYTES, Pack, in_dirs, layer_chain, layer_names, manifest_str, read_file_capped,
    rel_path,
};
pub use semver::Version;

/// Name of the signature file at the root of a signed pack.
pub const SIG_FILE: &str = "pack.sig";
/// The `format` of `pack.sig`; also the domain-separation tag of the signed bytes.
pub const FORMAT: &str = "qagida-pack-v1";
/// The only supported algorithm.
pub const ALGORITHM: &str = "ed25519";

/// Why a pack's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the pack has no {SIG_FILE}: it is not signed")]
    Unsigned,
    #[error("{SIG_FILE} is malformed: {0}")]
    Malformed(String),
    #[error("{SIG_FILE} uses algorithm `{0}`; only `ed25519` is supported")]
    UnsupportedAlgorithm(String),
    #[error("the pack is signed by another key (key_id {found}), not by the trusted key {}", expected.join(" or "))]
    OtherKey { found: String, expected: Vec<String> },
    #[error("signature does not match key {key_id}: {SIG_FILE} was altered or forged")]
    BadSignature { key_id: String },
    /// The listing is authentic but the files differ from it.
    #[error("{}", FileProblems(.0))]
    Files(Vec<FileProblem>),
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("cannot sign {path:?}: a path must not be empty or contain NUL or a line break")]
    BadPath { path: String },
    #[error("bad key: {0}")]
    BadKey(String),
    /// The key that signed is trusted, but not for the pack id the signed `pack.toml` gives.
    #[error("the pack `{id}` is signed by key {key_id}, which is trusted only for {}: a key signs only the packs it is bound to", allowed.join(", "))]
    KeyNotForId { id: String, key_id: String, allowed: Vec<String> },
    /// The signed version is below the least version accepted: an older signed edition.
    #[error("the pack `{id}` is version {version}, below the least version accepted, {min}: an older signed edition was refused (rollback)")]
    TooOld { id: String, version: String, min: String },
    /// A least version is required, and the signed version cannot be compared as a version.
    #[error("the pack `{id}` has version `{version}`, which is not a version MAJOR.MINOR.PATCH: it cannot be checked against the least version {min}")]
    BadVersion { id: String, version: String, min: String },
}

/// One file that differs from the signed listing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileProblem {
    Changed(String),
    Added(String),
    Removed(String),
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::Changed(p) => write!(f, "file {p} was changed"),
            FileProblem::Added(p) => write!(f, "file {p} was added"),
            FileProblem::Removed(p) => write!(f, "file {p} was removed"),
        }
    }
}

struct FileProblems<'a>(&'a [FileProblem]);

impl fmt::Display for FileProblems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the pack differs from what was signed: ")?;
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// A successful verification: who signed, and how many files the signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub key_id: String,
    pub files: usize,
}

/// The contents of `pack.sig`.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SigFile {
    format: String,
    algorithm: String,
    key_id: String,
    signature: String,
    files: BTreeMap<String, String>,
}

impl SigFile {
    /// Reads `pack.sig` (the messages of a malformed file are serde's and `toml`'s).
    fn read(text: &str) -> Result<SigFile, String> {
        toml::from_str(text).map_err(|e| e.message().trim().to_string())
    }

    /// The TOML text, written by the `toml` crate's serializer: the four strings, then the
    /// `[files]` table. Strings and a table of strings always serialise: an error would be a bug,
    /// reported as an unwritable `pack.sig` rather than a panic.
    fn to_toml(&self) -> Result<String, SignatureError> {
        toml::to_string(self).map_err(|e| SignatureError::Malformed(format!("cannot be written: {e}")))
    }
}

/// Reads `pack.sig` as the verifier does, with the error's byte offset (src/pack/raw_tests.rs).
#[cfg(test)]
pub(crate) fn read_sig_for_tests(text: &str) -> Result<(), (String, Option<usize>)> {
    toml::from_str::<SigFile>(text).map(|_| ()).map_err(|e| (e.message().trim().to_string(), e.span().map(|s| s.start)))
}

/// The key ID of a public key: the first 16 hex digits of SHA-256 of its 32 bytes.
pub fn key_id(key: &VerifyingKey) -> String {
    let mut h = hex(&Sha256::digest(key.as_bytes()));
    h.truncate(16);
    h
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn path_ok(p: &str) -> bool {
    !p.is_empty() && !p.contains(['\0', '\n'])
}

/// The signed bytes: the domain tag, then `path\0sha256hex\n` per file, sorted by path.
fn canonical(listing: &BTreeMap<String, String>) -> Vec<u8> {
    let mut m = Vec::with_capacity(16 + listing.len() * 96);
    m.extend_from_slice(FORMAT.as_bytes());
    m.push(b'\n');
    for (p, h) in listing {
        m.extend_from_slice(p.as_bytes());
        m.push(0);
        m.extend_from_slice(h.as_bytes());
        m.push(b'\n');
    }
    m
}

/// Signs a pack's files (path inside the pack → contents; `pack.sig` itself, if present, is
/// skipped) and returns the text of `pack.sig`. Works with [`Files`] and with raw bytes.
pub fn sign_files<C: AsRef<[u8]>>(files: &BTreeMap<String, C>, key: &SigningKey) -> Result<String, SignatureError> {
    let mut listing = BTreeMap::new();
    for (p, c) in files {
        if p == SIG_FILE {
            continue;
        }
        if !path_ok(p) {
            return Err(SignatureError::BadPath { path: p.clone() });
        }
        listing.insert(p.clone(), sha256_hex(c.as_ref()));
    }
    let sig = key.sign(&canonical(&listing));
    let file = SigFile {
        format: FORMAT.into(),
        algorithm: ALGORITHM.into(),
        key_id: key_id(&key.verifying_key()),
        signature: B64.encode(sig.to_bytes()),
        files: listing,
    };
    let body = file.to_toml()?;
    Ok(format!(
        "# Signature of this rule pack (qagida pack sign). Do not edit: any change to any file of\n\
         # the pack, or to this file, makes `qagida pack verify` refuse the pack.\n{body}"
    ))
}

/// Verifies a pack's files against the text of its `pack.sig` and the trusted public key.
/// `files` must hold every file of the pack (`pack.sig` itself, if present, is skipped).
pub fn verify_files<C: AsRef<[u8]>>(
    files: &BTreeMap<String, C>,
    sig_text: &str,
    key: &VerifyingKey,
) -> Result<Verified, SignatureError> {
    verify_files_any(files, sig_text, std::slice::from_ref(key))
}

/// Like [`verify_files`], trusting any of several keys (e.g. a national and a regional
/// regulator's).
pub fn verify_files_any<C: AsRef<[u8]>>(
    files: &BTreeMap<String, C>,
    sig_text: &str,
    trusted: &[VerifyingKey],
) -> Result<Verified, SignatureError> {
    let sig = authentic_listing(sig_text, trusted.iter())?;
    compare_files(&sig, files.iter().filter(|(p, _)| *p != SIG_FILE).map(|(p, c)| (p.as_str(), Some(c.as_ref()))))?;
    Ok(Verified { key_id: sig.key_id, files: sig.files.len() })
}

/// Like [`verify_files_any`], under a [`Trust`] (in memory: a page or a server holding a
/// pack's files): the signing key must be trusted for the pack's own id (`pack.toml`'s `id`),
/// and its signed `version` must be at least the least version — so a replayed older edition
/// or a pack signed by a key bound to other ids is refused, as [`load_dir_trusted`] refuses it.
pub fn verify_files_trusted<C: AsRef<[u8]>>(
    files: &BTreeMap<String, C>,
    sig_text: &str,
    trust: &Trust,
) -> Result<Verified, SignatureError> {
    let keys: Vec<VerifyingKey> = trust.keys.iter().map(|k| k.key).collect();
    let verified = verify_files_any(files, sig_text, &keys)?;
    let manifest = files.get("pack.toml").map(|b| String::from_utf8_lossy(b.as_ref()).into_owned());
    let id = manifest.as_deref().and_then(|m| manifest_str(m, "id"));
    let version = manifest.as_deref().and_then(|m| manifest_str(m, "version"));
    trust.check_layer(&verified.key_id, id.as_deref(), version.as_deref(), true)?;
    Ok(verified)
}

/// Reads `pack.sig` and checks, in order, its format and algorithm, that its key is one of
/// `trusted`, its entries, and the signature over its listing: the listing it returns is what
/// a trusted key signed.
fn authentic_listing<'k>(sig_text: &str, trusted: impl Iterator<Item = &'k VerifyingKey> + Clone) -> Result<SigFile, SignatureError> {
    let sig = SigFile::read(sig_text).map_err(SignatureError::Malformed)?;
    if sig.format != FORMAT {
        return Err(SignatureError::Malformed(format!("unknown format `{}` (expected `{FORMAT}`)", sig.format)));
    }
    if sig.algorithm != ALGORITHM {
        return Err(SignatureError::UnsupportedAlgorithm(sig.algorithm));
    }
    let Some(key) = trusted.clone().find(|k| key_id(k) == sig.key_id) else {
        let mut expected: Vec<String> = trusted.map(key_id).collect();
        expected.dedup();
        return Err(SignatureError::OtherKey { found: sig.key_id, expected });
    };
    for (p, h) in &sig.files {
        if !path_ok(p) || h.len() != 64 || !h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(SignatureError::Malformed(format!("bad entry {p:?} in [files]")));
        }
    }
    let bad = || SignatureError::BadSignature { key_id: sig.key_id.clone() };
    let mut raw = [0u8; 64];
    match B64.decode_slice(sig.signature.trim(), &mut raw) {
        Ok(64) => {}
        _ => return Err(bad()),
    }
    key.verify_strict(&canonical(&sig.files), &Signature::from_bytes(&raw)).map_err(|_| bad())?;
    Ok(sig)
}

/// The files of a pack (path, and the contents of those the listing names: an unlisted file
/// is `None`, never read) against an authentic listing.
fn compare_files<'a>(sig: &SigFile, files: impl Iterator<Item = (&'a str, Option<&'a [u8]>)>) -> Result<(), SignatureError> {
    let mut problems = Vec::new();
    let mut present = std::collections::BTreeSet::new();
    for (p, c) in files {
        present.insert(p);
        match (sig.files.get(p), c) {
            (None, _) => problems.push(FileProblem::Added(p.to_string())),
            (Some(h), Some(c)) if *h == sha256_hex(c) => {}
            (Some(_), _) => problems.push(FileProblem::Changed(p.to_string())),
        }
    }
    for p in sig.files.keys().filter(|p| !present.contains(p.as_str())) {
        problems.push(FileProblem::Removed(p.clone()));
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort_by(|a, b| path_of(a).cmp(path_of(b)));
    Err(SignatureError::Files(problems))
}

fn path_of(p: &FileProblem) -> &str {
    match p {
        FileProblem::Changed(p) | FileProblem::Added(p) | FileProblem::Removed(p) => p,
    }
}

/// The files under `dir` (path with `/` separators, and where it is), every one a regular file:
/// a symbolic link, a FIFO, a device or a socket is refused (a signed pack is plain files and
/// directories), as is a name that is not UTF-8; at most [`MAX_PACK_ENTRIES`] entries.
fn pack_tree_paths(dir: &Path) -> Result<Vec<(String, PathBuf)>, SignatureError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io(&d, &e))? {
            let entry = entry.map_err(|e| io(&d, &e))?;
            seen += 1;
            if seen > MAX_PACK_ENTRIES {
                return Err(io(dir, &format!("more than {MAX_PACK_ENTRIES} files and directories: not a pack directory")));
            }
            let p = entry.path();
            let ft = entry.file_type().map_err(|e| io(&p, &e))?;
            if ft.is_dir() {
                stack.push(p);
                continue;
            }
            if !ft.is_file() {
                return Err(io(&p, &"not a regular file (a signed pack holds plain files and directories only)"));
            }
            let rel = p.strip_prefix(dir).unwrap_or(&p);
            if rel.components().any(|c| c.as_os_str().to_str().is_none()) {
                return Err(io(&p, &"the file name is not UTF-8"));
            }
            out.push((rel_path(dir, &p), p));
        }
    }
    Ok(out)
}

fn io(p: &Path, e: &dyn fmt::Display) -> SignatureError {
    SignatureError::Io { path: p.display().to_string(), message: e.to_string() }
}

/// Reads one file of a pack within [`MAX_PACK_FILE_BYTES`] and what is left of
/// [`MAX_PACK_BYTES`] (`total`: the bytes read so far from the directory).
fn read_capped(p: &Path, total: &mut u64) -> Result<Vec<u8>, SignatureError> {
    let cap = MAX_PACK_FILE_BYTES.min(MAX_PACK_BYTES - *total);
    let bytes = read_file_capped(p, cap).map_err(|m| {
        if cap < MAX_PACK_FILE_BYTES && m.contains("over the limit") {
            io(p, &format!("the pack's files are over the limit of {MAX_PACK_BYTES} bytes in all"))
        } else {
            io(p, &m)
        }
    })?;
    *total += bytes.len() as u64;
    Ok(bytes)
}

/// Every regular file under `dir` (path with `/` separators → bytes), `pack.sig` included.
/// Symbolic links, FIFOs, devices, sockets and file names that are not UTF-8 are refused: a
/// signed pack is plain files. Each file is read within [`MAX_PACK_FILE_BYTES`], all of them
/// within [`MAX_PACK_BYTES`].
pub fn read_pack_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, SignatureError> {
    let mut out = BTreeMap::new();
    let mut total = 0u64;
    for (rel, p) in pack_tree_paths(dir)? {
        let bytes = read_capped(&p, &mut total)?;
        out.insert(rel, bytes);
    }
    Ok(out)
}

/// Signs the pack directory `dir` with `key` and writes `dir/pack.sig`. Returns the number of
/// files signed.
pub fn sign_dir(dir: &Path, key: &SigningKey) -> Result<usize, SignatureError> {
    let tree = read_pack_tree(dir)?;
    let text = sign_files(&tree, key)?;
    let path = dir.join(SIG_FILE);
    std::fs::write(&path, text).map_err(|e| io(&path, &e))?;
    Ok(tree.keys().filter(|p| *p != SIG_FILE).count())
}

/// Verifies the pack directory `dir` (its own files only, not the packs it extends).
pub fn verify_dir(dir: &Path, trusted: &[VerifyingKey]) -> Result<Verified, SignatureError> {
    let (sig, _) = read_verified_tree(dir, trusted.iter())?;
    Ok(Verified { key_id: sig.key_id, files: sig.files.len() })
}

/// Reads and verifies a pack directory: `pack.sig` first, its listing authenticated, then
/// only the files it lists (each within the caps). A file it does not list is named as added
/// without being read, so a huge stray file costs nothing. Returns the listing and the files.
fn read_verified_tree<'k>(
    dir: &Path,
    trusted: impl Iterator<Item = &'k VerifyingKey> + Clone,
) -> Result<(SigFile, BTreeMap<String, Vec<u8>>), SignatureError> {
    let paths = pack_tree_paths(dir)?;
    let Some((_, sig_path)) = paths.iter().find(|(rel, _)| rel == SIG_FILE) else {
        return Err(SignatureError::Unsigned);
    };
    let mut total = 0u64;
    let sig_bytes = read_capped(sig_path, &mut total)?;
    let sig_text = std::str::from_utf8(&sig_bytes).map_err(|_| SignatureError::Malformed("not UTF-8".into()))?;
    let sig = authentic_listing(sig_text, trusted)?;
    let mut tree = BTreeMap::new();
    let mut unlisted = Vec::new();
    for (rel, p) in paths.iter().filter(|(rel, _)| rel != SIG_FILE) {
        if sig.files.contains_key(rel) {
            tree.insert(rel.clone(), read_capped(p, &mut total)?);
        } else {
            unlisted.push(rel.as_str());
        }
    }
    let listed = tree.iter().map(|(p, c)| (p.as_str(), Some(c.as_slice())));
    compare_files(&sig, listed.chain(unlisted.into_iter().map(|p| (p, None))))?;
    Ok((sig, tree))
}

/// A public key trusted to sign packs, and the pack ids it may sign (`None`: any pack, as a
/// key given without ids always was).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    pub key: VerifyingKey,
    pub ids: Option<Vec<String>>,
}

/// What a verified load accepts: the trusted keys (each bound to the pack ids it may sign, or
/// to any), and the least versions accepted — of the pack loaded (`min_version`) and of any
/// layer by its id (`min_versions`). Versions compare as versions (semver: 2026.3.10 is above
/// 2026.3.9).
#[derive(Clone, Debug, Default)]
pub struct Trust {
    pub keys: Vec<TrustedKey>,
    pub min_version: Option<Version>,
    pub min_versions: BTreeMap<String, Version>,
}

impl Trust {
    /// Trusts each key for any pack id, with no least version: what [`load_dir_verified`] does.
    pub fn any_of(keys: &[VerifyingKey]) -> Trust {
        Trust { keys: keys.iter().map(|k| TrustedKey { key: *k, ids: None }).collect(), ..Trust::default() }
    }

    /// Reads a least version (`2026.3.10`).
    pub fn parse_version(text: &str) -> Result<Version, String> {
        Version::parse(text.trim()).map_err(|e| format!("`{text}` is not a version MAJOR.MINOR.PATCH (such as 2026.3.10): {e}"))
    }

    /// Whether the layer `id` (`None`: its manifest gives none), signed by the key `key_id` at
    /// `version`, is accepted; `top`: it is the pack loaded, not one it extends.
    fn check_layer(&self, key_id: &str, id: Option<&str>, version: Option<&str>, top: bool) -> Result<(), SignatureError> {
        let entries: Vec<&TrustedKey> = self.keys.iter().filter(|k| self::key_id(&k.key) == key_id).collect();
        if !entries.iter().any(|k| k.ids.is_none()) {
            let mut allowed: Vec<String> = entries.iter().flat_map(|k| k.ids.iter().flatten().cloned()).collect();
            allowed.sort();
            allowed.dedup();
            if !id.is_some_and(|id| allowed.iter().any(|a| a == id)) {
                let id = id.unwrap_or("(no id)").to_string();
                return Err(SignatureError::KeyNotForId { id, key_id: key_id.to_string(), allowed });
            }
        }
        let by_id = id.and_then(|id| self.min_versions.get(id));
        for min in self.min_version.iter().filter(|_| top).chain(by_id) {
            let name = id.unwrap_or("(no id)").to_string();
            let version = version.unwrap_or("");
            let bad = || SignatureError::BadVersion { id: name.clone(), version: version.to_string(), min: min.to_string() };
            let v = Version::parse(version.trim()).map_err(|_| bad())?;
            if v < *min {
                return Err(SignatureError::TooOld { id: name, version: version.to_string(), min: min.to_string() });
            }
        }
        Ok(())
    }
}

/// One verified directory of a pack: where, which pack (id and version, as signed), by which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLayer {
    pub dir: PathBuf,
    pub id: String,
    pub version: String,
    pub key_id: String,
    /// The files the signature covers.
    pub files: usize,
}

/// Why a verified load failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VerifiedLoadError {
    /// A directory of the pack (the pack itself or one it extends) failed verification.
    #[error("{dir}: {error}")]
    Signature { dir: String, error: SignatureError },
    /// The pack verified but does not load.
    #[error("{0}")]
    Pack(#[from] PackError),
}

impl Pack {
    /// Loads a pack directory like [`Pack::load_dir`], but only after verifying its signature
    /// (and that of every pack it `extends`) against `key`. The files loaded are exactly the
    /// bytes verified.
    pub fn load_dir_verified(dir: impl AsRef<Path>, key: &VerifyingKey) -> Result<Pack, VerifiedLoadError> {
        load_dir_verified(dir.as_ref(), std::slice::from_ref(key))
    }
}

/// [`Pack::load_dir_verified`] trusting any of several keys, each for any pack id: each layer
/// must be signed by one. See [`load_dir_trusted`] to bind keys to ids and refuse old versions.
pub fn load_dir_verified(dir: &Path, trusted: &[VerifyingKey]) -> Result<Pack, VerifiedLoadError> {
    load_dir_trusted(dir, &Trust::any_of(trusted), &[]).map(|(p, _)| p)
}

/// Loads a signed pack directory and every pack it `extends` (found beside it, then in the
/// directories of `pack_path`), each verified before it is loaded: signed by a key trusted for
/// the id its signed `pack.toml` gives, at a version not below the least accepted. Returns the
/// pack and its layers as verified, the pack itself first. The files loaded are exactly the
/// bytes verified; a file a signature does not list is refused without being read.
pub fn load_dir_trusted(dir: &Path, trust: &Trust, pack_path: &[PathBuf]) -> Result<(Pack, Vec<VerifiedLayer>), VerifiedLoadError> {
    let mut verified: Vec<VerifiedLayer> = Vec::new();
    let chain = layer_chain(dir, pack_path, |cur: &Path| {
        let refuse = |error| VerifiedLoadError::Signature { dir: cur.display().to_string(), error };
        let (sig, tree) = read_verified_tree(cur, trust.keys.iter().map(|k| &k.key)).map_err(refuse)?;
        let manifest = tree.get("pack.toml").map(|b| String::from_utf8_lossy(b).into_owned());
        let id = manifest.as_deref().and_then(|m| manifest_str(m, "id"));
        let version = manifest.as_deref().and_then(|m| manifest_str(m, "version"));
        trust.check_layer(&sig.key_id, id.as_deref(), version.as_deref(), verified.is_empty()).map_err(refuse)?;
        verified.push(VerifiedLayer {
            dir: cur.to_path_buf(),
            id: id.unwrap_or_default(),
            version: version.unwrap_or_default(),
            key_id: sig.key_id.clone(),
            files: sig.files.len(),
        });
        let mut files = Files::new();
        for (p, bytes) in tree {
            if !(p.ends_with(".toml") || p.ends_with(".json")) {
                continue;
            }
            match String::from_utf8(bytes) {
                Ok(text) => {
                    files.insert(p, text);
                }
                Err(_) => return Err(refuse(SignatureError::Io { path: p, message: "not UTF-8 text".into() })),
            }
        }
        Ok(files)
    })?;
    let mut chain = chain;
    chain.reverse();
    let dirs: Vec<&Path> = chain.iter().map(|(d, _)| d.as_path()).collect();
    let names = layer_names(&dirs);
    let layers: Vec<(&str, &Files)> = names.iter().zip(&chain).map(|(n, (_, f))| (n.as_str(), f)).collect();
    let located: Vec<(&str, &Path)> = names.iter().zip(&dirs).map(|(n, d)| (n.as_str(), *d)).collect();
    let pack = Pack::from_layers(&layers).map_err(|e| in_dirs(e, &located))?;
    Ok((pack, verified))
}

/// The text of a secret key file (keep it private: mode 0600).
pub fn format_signing_key(key: &SigningKey) -> String {
    format!(
        "# qagida pack signing key (Ed25519 secret) — KEEP PRIVATE. key_id {}\ned25519-secret:{}\n",
        key_id(&key.verifying_key()),
        B64.encode(key.to_bytes())
    )
}

/// The text of a public key file: what vendors configure to verify packs.
pub fn format_verifying_key(key: &VerifyingKey) -> String {
    format!("# qagida pack public key (Ed25519). key_id {}\ned25519-public:{}\n", key_id(key), B64.encode(key.as_bytes()))
}

/// The key line of a key file: the first line that is neither blank nor a `#` comment.
fn key_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'))
}

/// 32 bytes from base64 or hex.
fn key_bytes(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        return Some(out);
    }
    match B64.decode_slice(s, &mut out) {
        Ok(32) => Some(out),
        _ => None,
    }
}

/// Reads a public key: the text of a `.pub` file, or the bare key in base64 or hex (as a
/// vendor would put it in a configuration).
pub fn parse_verifying_key(text: &str) -> Result<VerifyingKey, SignatureError> {
    let line = key_line(text).ok_or_else(|| SignatureError::BadKey("no key in the text".into()))?;
    if line.starts_with("ed25519-secret:") {
        return Err(SignatureError::BadKey("this is a secret key; give the public key (.pub)".into()));
    }
    let b = key_bytes(line.strip_prefix("ed25519-public:").unwrap_or(line))
        .ok_or_else(|| SignatureError::BadKey("expected 32 bytes in base64 or hex".into()))?;
    VerifyingKey::from_bytes(&b).map_err(|_| SignatureError::BadKey("not a valid Ed25519 public key".into()))
}

/// Reads a secret key file.
pub fn parse_signing_key(text: &str) -> Result<SigningKey, SignatureError> {
    let line = key_line(text).ok_or_else(|| SignatureError::BadKey("no key in the text".into()))?;
    if line.starts_with("ed25519-public:") {
        return Err(SignatureError::BadKey("this is a public key; signing needs the secret key (.key)".into()));
    }
    let b = key_bytes(line.strip_prefix("ed25519-secret:").unwrap_or(line))
        .ok_or_else(|| SignatureError::BadKey("expected 32 bytes in base64 or hex".into()))?;
    Ok(SigningKey::from_bytes(&b))
}

#[cfg(test)]
mod sig_text_tests {
    use super::*;

    fn sign(files: &BTreeMap<String, String>) -> String {
        sign_files(files, &SigningKey::from_bytes(&[7; 32])).unwrap()
    }

    /// A `pack.sig` as qagida wrote it before its text came from the `toml` crate's serializer
    /// (pinned byte for byte): it still reads and verifies, and signing the same files with the
    /// same key writes the same text.
    #[test]
    fn pack_sig_keeps_its_text_and_an_earlier_one_verifies() {
        let files: BTreeMap<String, String> =
            [("pack.toml", "id = \"x\"\n"), ("rules/a b.toml", "")].map(|(p, c)| (p.to_string(), c.to_string())).into();
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        assert_eq!(verify_files(&files, EARLIER, &key), Ok(Verified { key_id: key_id(&key), files: 2 }));
        assert_eq!(sign(&files), EARLIER);
    }

    const EARLIER: &str = r#"# Signature of this rule pack (qagida pack sign). Do not edit: any change to any file of
# the pack, or to this file, makes `qagida pack verify` refuse the pack.
format = "qagida-pack-v1"
algorithm = "ed25519"
key_id = "fe812c12f3ab4ce6"
signature = "jT1p4zt5jrigVOP23jPN/OPT8F/+ytrI48eWlet+VtSgBVx1sO68cu2FnKdMctC7hVduTWZqFK5s2rV4TcRwAQ=="

[files]
"pack.toml" = "1638c7994a1884687d07b0697a6618c8b30f1a10db28a1249041b67d57e50a4d"
"rules/a b.toml" = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
"#;

    /// Paths that need quoting or escapes in TOML (quotes, backslashes, control characters,
    /// non-ASCII) are written so that they read back as they were, and the pack verifies.
    #[test]
    fn pack_sig_reads_back_every_path_it_writes() {
        let names = [
            "pack.toml", "rules/mdt.toml", "fixtures/a b.json", "plain_name-1", "a'b", "a\"b", "a\"b'c", "a\\b", "a\\b'c",
            "tab\there", "ctl\u{1}x", "del\u{7f}", "ж/қағида.toml", "a\"\"\"b'''c", "q\"\"\"\"x", "cr\rx", "x:y", "'", "\"",
        ];
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        for (i, name) in names.iter().enumerate() {
            let mut files = BTreeMap::new();
            files.insert((*name).to_string(), format!("{i:064x}"));
            files.insert("z.json".to_string(), (*name).to_string());
            let text = sign(&files);
            let back = SigFile::read(&text).unwrap();
            assert_eq!(back.files.keys().collect::<Vec<_>>(), files.keys().collect::<Vec<_>>(), "{name:?}");
            assert_eq!(verify_files(&files, &text, &key).map(|v| v.files), Ok(2), "{name:?}");
        }
        // Every string field, not only the paths, reads back.
        for name in names {
            let files = BTreeMap::from([("z.json".to_string(), name.to_string())]);
            let sig = SigFile {
                format: name.into(),
                algorithm: name.into(),
                key_id: name.into(),
                signature: format!("sig+/={name}"),
                files: files.clone(),
            };
            let back = SigFile::read(&sig.to_toml().unwrap()).unwrap();
            assert_eq!((back.format, back.algorithm, back.key_id, back.signature, back.files), (sig.format, sig.algorithm, sig.key_id, sig.signature, files));
        }
    }
}
