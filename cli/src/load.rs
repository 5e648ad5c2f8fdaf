//! Loading rule packs: a directory, a stack file, a compiled pack, the embedded default, or a
//! signed pack under the keys and least versions given; an overrides file; files named on the
//! command line read within a cap.

use super::*;

/// A pack directory, a stack file listing layers (`rules/default.toml`), a compiled pack file
/// (`qagida pack compile`), or the embedded default pack (the national pack and every regional
/// layer).
pub(crate) fn load(dir: Option<&Path>) -> Result<Pack, PackError> {
    match dir {
        Some(f) if is_stack(f) => Pack::load_stack(f),
        Some(f) if f.is_file() => load_compiled(f),
        Some(d) => Pack::load_dir(d),
        None => Pack::embedded(),
    }
}

/// A stack file: a `.toml` file listing layer directories beside it.
pub(crate) fn is_stack(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|e| e == "toml")
}

pub(crate) fn load_compiled(file: &Path) -> Result<Pack, PackError> {
    let fail = |message: String| PackError {
        diagnostics: vec![qagida::Diagnostic { file: file.display().to_string(), line: 0, col: 0, message }],
    };
    let bytes = read_capped(file, qagida::pack::MAX_PACK_BYTES).map_err(fail)?;
    Pack::from_compiled(&bytes).map_err(|e| fail(e.to_string()))
}

/// Loads a pack only if it (and every pack it extends) is signed by a key trusted for its id,
/// at a version not below the least given; on refusal prints why and gives the exit code (2).
pub(crate) fn load_verified(dir: &Path, pubkeys: &[String], min_versions: &[String], pack_path: &[PathBuf]) -> Result<Pack, u8> {
    let trust = read_trust(pubkeys, min_versions)?;
    match signing::load_dir_trusted(dir, &trust, pack_path) {
        Ok((p, _)) => Ok(p),
        Err(VerifiedLoadError::Pack(e)) => Err(pack_failed(&e)),
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("error: the rule pack was refused: it is not exactly what a key trusted for it signed");
            Err(2)
        }
    }
}

/// The keys and least versions of `--pubkey` and `--min-version`.
pub(crate) fn read_trust(pubkeys: &[String], min_versions: &[String]) -> Result<signing::Trust, u8> {
    let mut trust = signing::Trust { keys: read_pubkeys(pubkeys)?, ..signing::Trust::default() };
    for spec in min_versions {
        let (id, text) = match spec.split_once('=') {
            Some((id, v)) => (Some(id), v),
            None => (None, spec.as_str()),
        };
        if let Some(problem) = id.and_then(qagida::pack::pack_id_problem) {
            eprintln!("error: --min-version {spec}: {problem}");
            return Err(2);
        }
        let v = signing::Trust::parse_version(text).map_err(|e| {
            eprintln!("error: --min-version {spec}: {e}");
            2
        })?;
        match id {
            Some(id) => trust.min_versions.insert(id.to_string(), v),
            None => trust.min_version.replace(v),
        };
    }
    Ok(trust)
}

/// `--pubkey FILE` (trusted for any pack id) or `--pubkey ID,…=FILE` (only for those ids). An
/// existing file whose name holds `=` is read as a file.
pub(crate) fn read_pubkeys(specs: &[String]) -> Result<Vec<signing::TrustedKey>, u8> {
    specs
        .iter()
        .map(|spec| {
            let (ids, file) = match spec.split_once('=') {
                Some((ids, file)) if !Path::new(spec).exists() => {
                    let ids: Vec<String> = ids.split(',').map(|s| s.trim().to_string()).collect();
                    if let Some(problem) = ids.iter().find_map(|id| qagida::pack::pack_id_problem(id)) {
                        eprintln!("error: --pubkey {spec}: {problem}");
                        return Err(2);
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
                .map_err(|e| {
                    eprintln!("error: public key {file}: {e}");
                    2
                })?;
            Ok(signing::TrustedKey { key, ids })
        })
        .collect()
}

pub(crate) fn with_overrides(pack: Pack, file: Option<&Path>) -> Result<Pack, PackError> {
    let Some(file) = file else { return Ok(pack) };
    let name = file.display().to_string();
    match read_capped(file, qagida::pack::MAX_PACK_FILE_BYTES)
        .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_owned()))
    {
        Ok(text) => pack.with_overrides(&name, &text),
        Err(message) => Err(PackError { diagnostics: vec![qagida::Diagnostic { file: name, line: 0, col: 0, message }] }),
    }
}

/// The most a key file (`NAME.key`, `NAME.pub`) may hold: a few lines of text.
pub(crate) const KEY_FILE_BYTES: u64 = 64 << 10;

/// A file named on the command line (an overrides file, a key, a compiled pack), read as the
/// pack loader reads a pack's files: a regular file (a symbolic link is followed first), at most
/// `cap` bytes — never a FIFO that blocks, never a huge file read whole.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let real = std::fs::canonicalize(path).map_err(|e| format!("cannot read: {e}"))?;
    qagida::pack::read_file_capped(&real, cap)
}

pub(crate) fn pack_failed(e: &PackError) -> u8 {
    eprintln!("{e}");
    eprintln!("error: the rule pack was refused ({} problem(s))", e.diagnostics.len());
    2
}
