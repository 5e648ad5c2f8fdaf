//! A deployment's pack as an operator names it: a path (a pack directory, a stack file, a
//! compiled pack) or the embedded default; keys and least versions as written on a command line
//! (`[ID,…=]FILE`, `[ID=]VERSION`); a signed pack loaded under them; an overrides file. The
//! shells share it: `qagida validate` and `qagida serve` load a pack the same way (the service
//! again on every reload).

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, PackError};
use crate::pack::{self, Pack};
use crate::signing::{self, Trust, TrustedKey, VerifiedLoadError};

/// What names a deployment's pack (the `--rules`, `--overrides`, `--pubkey`, `--min-version` and
/// `--pack-path` options of the CLI).
#[derive(Clone, Debug, Default)]
pub struct PackSpec {
    /// A pack directory, a stack file, a compiled pack; `None`: the embedded default pack.
    pub rules: Option<PathBuf>,
    /// A deployment's overrides file.
    pub overrides: Option<PathBuf>,
    /// Trusted public keys, `[ID,…=]FILE` (see [`read_pubkeys`]); none: the pack is not verified.
    pub pubkeys: Vec<String>,
    /// Least versions, `[ID=]VERSION` (see [`read_trust`]).
    pub min_versions: Vec<String>,
    /// Directories searched for the packs `extends` names.
    pub pack_path: Vec<PathBuf>,
}

/// A pack loaded by [`load_spec`].
#[derive(Debug)]
pub struct Deployed {
    pub pack: Pack,
    /// The id of the key that signed the pack (when it was verified).
    pub key_id: Option<String>,
}

/// Why [`load_spec`] gave no pack.
#[derive(Debug, Clone)]
pub enum DeployError {
    /// The options do not name a usable pack or key (the message says which).
    Usage(String),
    /// The pack's files do not load.
    Pack(PackError),
    /// The pack is not exactly what a key trusted for it signed (or is below a least version).
    Refused(String),
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeployError::Usage(m) => f.write_str(m),
            DeployError::Pack(e) => write!(f, "{e}"),
            DeployError::Refused(m) => write!(f, "{m}: the rule pack was refused: it is not exactly what a key trusted for it signed"),
        }
    }
}

/// Loads the pack `spec` names: verified under its keys when it has some (a signed pack
/// directory only: a stack or a compiled pack carries no signature), then its overrides.
pub fn load_spec(spec: &PackSpec) -> Result<Deployed, DeployError> {
    let (pack, key_id) = match (spec.rules.as_deref(), spec.pubkeys.is_empty()) {
        (Some(file), false) if is_stack(file) => {
            return Err(DeployError::Usage(format!(
                "{} is a stack of layers: with --pubkey give the signed pack directory of the layer to load (its `extends` chain is verified with it)",
                file.display()
            )));
        }
        (Some(file), false) if file.is_file() => {
            return Err(DeployError::Usage(format!("{} is a compiled pack, which carries no signature: give the signed pack directory with --pubkey", file.display())));
        }
        (Some(dir), false) => {
            let trust = read_trust(&spec.pubkeys, &spec.min_versions).map_err(DeployError::Usage)?;
            match signing::load_dir_trusted(dir, &trust, &spec.pack_path) {
                Ok((p, layers)) => (p, layers.first().map(|l| l.key_id.clone())),
                Err(VerifiedLoadError::Pack(e)) => return Err(DeployError::Pack(e)),
                Err(e) => return Err(DeployError::Refused(e.to_string())),
            }
        }
        (Some(dir), true) if !spec.pack_path.is_empty() && dir.is_dir() => (Pack::load_dir_in(dir, &spec.pack_path).map_err(DeployError::Pack)?, None),
        (dir, _) => (load(dir).map_err(DeployError::Pack)?, None),
    };
    let pack = with_overrides(pack, spec.overrides.as_deref()).map_err(DeployError::Pack)?;
    Ok(Deployed { pack, key_id })
}

/// A pack directory, a stack file listing layers (`rules/default.toml`), a compiled pack file
/// (`qagida pack compile`), or the embedded default pack (the national pack and every regional
/// layer).
pub fn load(dir: Option<&Path>) -> Result<Pack, PackError> {
    match dir {
        Some(f) if is_stack(f) => Pack::load_stack(f),
        Some(f) if f.is_file() => load_compiled(f),
        Some(d) => Pack::load_dir(d),
        #[cfg(feature = "embedded-pack")]
        None => Pack::embedded(),
        #[cfg(not(feature = "embedded-pack"))]
        None => Err(PackError {
            diagnostics: vec![Diagnostic { file: String::new(), line: 0, col: 0, message: "no pack given, and this build has no embedded pack".into() }],
        }),
    }
}

/// A stack file: a `.toml` file listing layer directories beside it.
pub fn is_stack(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|e| e == "toml")
}

/// A compiled pack file, read within [`pack::MAX_PACK_BYTES`].
pub fn load_compiled(file: &Path) -> Result<Pack, PackError> {
    let fail = |message: String| PackError { diagnostics: vec![Diagnostic { file: file.display().to_string(), line: 0, col: 0, message }] };
    let bytes = read_capped(file, pack::MAX_PACK_BYTES).map_err(fail)?;
    Pack::from_compiled(&bytes).map_err(|e| fail(e.to_string()))
}

/// The keys and least versions of `--pubkey` and `--min-version`; the error names the option.
pub fn read_trust(pubkeys: &[String], min_versions: &[String]) -> Result<Trust, String> {
    let mut trust = Trust { keys: read_pubkeys(pubkeys)?, ..Trust::default() };
    for spec in min_versions {
        let (id, text) = match spec.split_once('=') {
            Some((id, v)) => (Some(id), v),
            None => (None, spec.as_str()),
        };
        if let Some(problem) = id.and_then(pack::pack_id_problem) {
            return Err(format!("--min-version {spec}: {problem}"));
        }
        let v = Trust::parse_version(text).map_err(|e| format!("--min-version {spec}: {e}"))?;
        match id {
            Some(id) => trust.min_versions.insert(id.to_string(), v),
            None => trust.min_version.replace(v),
        };
    }
    Ok(trust)
}

/// `--pubkey FILE` (trusted for any pack id) or `--pubkey ID,…=FILE` (only for those ids). An
/// existing file whose name holds `=` is read as a file.
pub fn read_pubkeys(specs: &[String]) -> Result<Vec<TrustedKey>, String> {
    specs
        .iter()
        .map(|spec| {
            let (ids, file) = match spec.split_once('=') {
                Some((ids, file)) if !Path::new(spec).exists() => {
                    let ids: Vec<String> = ids.split(',').map(|s| s.trim().to_string()).collect();
                    if let Some(problem) = ids.iter().find_map(|id| pack::pack_id_problem(id)) {
                        return Err(format!("--pubkey {spec}: {problem}"));
                    }
                    (Some(ids), file)
                }
                _ => (None, spec.as_str()),
            };
            // A key file is a few lines: read as a regular file of at most 64 KiB (a FIFO or
            // a huge file given by mistake is refused, not waited on or read whole).
            let key = read_capped(Path::new(file), KEY_FILE_BYTES)
                .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_string()))
                .and_then(|t| signing::parse_verifying_key(&t).map_err(|e| e.to_string()))
                .map_err(|e| format!("public key {file}: {e}"))?;
            Ok(TrustedKey { key, ids })
        })
        .collect()
}

/// The pack with a deployment's overrides file applied (none: the pack as it is).
pub fn with_overrides(pack: Pack, file: Option<&Path>) -> Result<Pack, PackError> {
    let Some(file) = file else { return Ok(pack) };
    let name = file.display().to_string();
    match read_capped(file, pack::MAX_PACK_FILE_BYTES).and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_owned())) {
        Ok(text) => pack.with_overrides(&name, &text),
        Err(message) => Err(PackError { diagnostics: vec![Diagnostic { file: name, line: 0, col: 0, message }] }),
    }
}

/// The most a key file (`NAME.key`, `NAME.pub`) may hold: a few lines of text.
pub const KEY_FILE_BYTES: u64 = 64 << 10;

/// A file an operator names (an overrides file, a key, a compiled pack), read as the pack
/// loader reads a pack's files: a regular file (a symbolic link is followed first), at most
/// `cap` bytes — never a FIFO that blocks, never a huge file read whole.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let real = std::fs::canonicalize(path).map_err(|e| format!("cannot read: {e}"))?;
    pack::read_file_capped(&real, cap)
}
