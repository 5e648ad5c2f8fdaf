//! `qagida pack keygen | sign | compile | verify`.

use super::*;

pub(crate) fn compile(dir: &Path, out: Option<&Path>, validation_only: bool) -> u8 {
    if dir.is_file() && !is_stack(dir) {
        eprintln!("error: {} is a file: give the pack's directory or a stack file (.toml)", dir.display());
        return 2;
    }
    let pack = match load(Some(dir)) {
        Ok(p) => p,
        Err(e) => return pack_failed(&e),
    };
    let bytes = if validation_only { pack.to_compiled_with(qagida::CompileOptions::VALIDATION_ONLY) } else { pack.to_compiled() };
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("{}-{}.qpack", pack.id, pack.version)));
    match std::fs::write(&out, &bytes) {
        Ok(()) => {
            report(0, |o| writeln!(o, "compiled {} {} ({} rules) → {} ({} bytes)", pack.id, pack.version, pack.rules.len(), out.display(), bytes.len()))
        }
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            2
        }
    }
}

pub(crate) fn pack_command(cmd: PackCommand) -> u8 {
    match cmd {
        PackCommand::Keygen { out, force } => keygen(&out, force),
        PackCommand::Sign { dir, key } => {
            let key = match read_capped(&key, KEY_FILE_BYTES)
                .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_owned()))
                .and_then(|t| signing::parse_signing_key(&t).map_err(|e| e.to_string()))
            {
                Ok(k) => k,
                Err(e) => {
                    eprintln!("error: secret key {}: {e}", key.display());
                    return 2;
                }
            };
            match signing::sign_dir(&dir, &key) {
                Ok(n) => {
                    let id = signing::key_id(&key.verifying_key());
                    report(0, |o| writeln!(o, "signed {n} file(s) of {} with key {id} → {}", dir.display(), dir.join(signing::SIG_FILE).display()))
                }
                Err(e) => {
                    eprintln!("error: {}: {e}", dir.display());
                    2
                }
            }
        }
        PackCommand::Compile { dir, out, validation_only } => compile(&dir, out.as_deref(), validation_only),
        PackCommand::Schema { dir, lang, out } => schema(dir.as_deref(), lang.as_ref(), out.as_deref()),
        PackCommand::Verify { dir, pubkey, min_version, pack_path } => {
            let trust = match read_trust(&pubkey, &min_version) {
                Ok(t) => t,
                Err(code) => return code,
            };
            // The pack, every pack it extends, each signed by a key trusted for its id, and the
            // whole must load.
            match signing::load_dir_trusted(&dir, &trust, &pack_path) {
                Ok((p, layers)) => report(0, |o| {
                    let own = layers.first();
                    writeln!(
                        o,
                        "OK: {} ({} {}): {} file(s) signed by key {}",
                        clean(&dir.display().to_string()),
                        clean(&p.id),
                        clean(&p.version),
                        own.map_or(0, |l| l.files),
                        own.map_or("", |l| l.key_id.as_str())
                    )?;
                    for l in layers.iter().skip(1) {
                        writeln!(o, "OK: extends {} ({} {}): {} file(s) signed by key {}", clean(&l.dir.display().to_string()), clean(&l.id), clean(&l.version), l.files, l.key_id)?;
                    }
                    Ok(())
                }),
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!("REFUSED: {} is not exactly what a key trusted for it signed", dir.display());
                    1
                }
            }
        }
    }
}

/// `pack schema`: the JSON Schema of the pack's documents, to standard output or a file.
pub(crate) fn schema(dir: Option<&Path>, lang: Option<&Lang>, out: Option<&Path>) -> u8 {
    let pack = match load(dir) {
        Ok(p) => p,
        Err(e) => return pack_failed(&e),
    };
    if !language_ok(&pack, lang) {
        return 2;
    }
    let doc = qagida::schema::document_schema(&pack, lang.map(Lang::code));
    let text = match serde_json::to_string_pretty(&doc) {
        Ok(t) => t + "\n",
        Err(e) => {
            eprintln!("error: the schema could not be written: {e}");
            return 2;
        }
    };
    match out {
        None => report(0, |o| o.write_all(text.as_bytes())),
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                2
            }
        },
    }
}

pub(crate) fn keygen(out: &Path, force: bool) -> u8 {
    let mut seed = [0u8; 32];
    if let Err(e) = getrandom::fill(&mut seed) {
        eprintln!("error: no random numbers from the operating system: {e}");
        return 2;
    }
    let key = signing::SigningKey::from_bytes(&seed);
    seed.fill(0);
    let with_ext = |ext: &str| {
        let mut p = out.as_os_str().to_owned();
        p.push(ext);
        PathBuf::from(p)
    };
    let (secret, public) = (with_ext(".key"), with_ext(".pub"));
    if let Err(e) = write_file(&secret, signing::format_signing_key(&key).as_bytes(), 0o600, force)
        .and_then(|_| write_file(&public, signing::format_verifying_key(&key.verifying_key()).as_bytes(), 0o644, force))
    {
        eprintln!("error: {e}");
        return 2;
    }
    report(0, |o| {
        writeln!(
            o,
            "key {}: secret {} (keep it private), public {} (give it to vendors)",
            signing::key_id(&key.verifying_key()),
            secret.display(),
            public.display()
        )
    })
}

pub(crate) fn write_file(path: &Path, bytes: &[u8], mode: u32, force: bool) -> io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true);
    if force {
        o.create(true).truncate(true);
    } else {
        o.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = o.open(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        // An existing file overwritten with --force keeps its old mode unless set again.
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    f.write_all(bytes)?;
    f.sync_all()
}
