//! `qagida` — the command-line shell over the qagida library.
//!
//! Exit codes, the same in every command:
//! - 0: valid (or: the pack's tests pass, the lint ran, the rule was shown, the pack verified);
//! - 1: findings of severity error (or failing pack tests, a pack that does not verify);
//! - 2: unusable input, rule pack, key or command line (a file that cannot be read, input over
//!   a limit, a pack that does not load, an unknown rule, a bad option), or output that cannot
//!   be written. A reader that closes standard output early (`qagida explain RX-01 | head -1`)
//!   is not a failure: the command stops quietly with the code it would have had.

use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};

/// `eprintln!` without its panic: a message to standard error that cannot be written (stderr
/// piped to a reader that has gone, `2>&1 | head -1`) is dropped, as there is nowhere left to
/// say anything. Shadows the standard macro in this file.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        let _ = writeln!(io::stderr(), $($arg)*);
    }};
}

// Validation allocates and frees many small strings and maps per document (the parsed JSON);
// mimalloc does that markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use qagida::pack::Expect;
use qagida::testing::run_pack_tests;
use qagida::signing;
use qagida::{Finding, Lang, Options, Pack, PackError, ValidationResult, VerifiedLoadError};

#[derive(Parser)]
#[command(name = "qagida", version, about = "Validate documents against declarative rule packs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--as-of`: the dates chrono's `NaiveDate::from_str` (clap's parser for `NaiveDate`) took, read
/// by the library's hand parser, as the WebAssembly module reads `asOf`.
fn as_of_date(s: &str) -> Result<NaiveDate, String> {
    qagida::dates::parse_date_relaxed(s).ok_or_else(|| "not a valid YYYY-MM-DD date".to_string())
}

#[derive(Subcommand)]
enum Command {
    /// Validate documents (JSON files, `-` for stdin, or NDJSON with --ndjson).
    Validate {
        /// Rule pack directory, a stack file listing layers (`rules/default.toml`), or a
        /// compiled pack file (`qagida pack compile`). Default: the pack embedded at build time
        /// (the national pack and every regional layer). A layer (`extends = "…"`) loads the
        /// pack it extends from beside it.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// A deployment's overrides file: severities changed, rules silenced by ID.
        #[arg(long, value_name = "FILE")]
        overrides: Option<PathBuf>,
        /// Validate as of this date (default: each document's own date).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = as_of_date)]
        as_of: Option<NaiveDate>,
        /// Message language (default: the pack's own, `ru` for the national pack).
        #[arg(long, value_enum, ignore_case = true)]
        lang: Option<LangArg>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Inputs are NDJSON: one document per line, one result per line.
        #[arg(long)]
        ndjson: bool,
        /// Worker threads for --ndjson (default: one per CPU core; at most 4 per core and 256).
        #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
        jobs: usize,
        /// Trusted public key (a `.pub` file from `qagida pack keygen`): the pack given with
        /// --rules, and every pack it extends, must be signed by a trusted key, else nothing is
        /// validated (exit 2). `ID,…=FILE` binds the key to the pack ids it may sign
        /// (`kz-orphan=national.pub`); a bare FILE is trusted for any pack id. Repeatable.
        #[arg(long, value_name = "[ID,…=]FILE", requires = "rules")]
        pubkey: Vec<String>,
        /// With --pubkey: refuse a pack whose signed version is below VERSION (rollback to an
        /// older signed edition); `ID=VERSION` sets it for the layer ID (e.g. the base a regional
        /// pack extends). Versions compare as versions: 2026.3.10 > 2026.3.9. Repeatable.
        #[arg(long, value_name = "[ID=]VERSION", requires = "pubkey")]
        min_version: Vec<String>,
        /// A directory holding pack directories, searched (after the directories beside the
        /// pack) for the pack ids that `extends` names. Repeatable.
        #[arg(long, value_name = "DIR", requires = "rules")]
        pack_path: Vec<PathBuf>,
        /// Files to validate; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Run the tests a pack carries (each rule's pass/fail cases, and its fixtures).
    Test {
        /// Pack directory, stack file or compiled pack (default: the embedded pack).
        dir: Option<PathBuf>,
        /// Print every case, not only failures.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Check a pack's files: syntax, types, references, and test coverage.
    Lint {
        /// Pack directory, stack file or compiled pack (default: the embedded pack).
        dir: Option<PathBuf>,
    },
    /// Show a rule: clause, params, checks and messages.
    Explain {
        /// The rule's ID, as findings name it (e.g. `RX-01`).
        rule_id: String,
        /// Pack directory, stack file or compiled pack the rule is in (default: the embedded
        /// pack).
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Language of the title and clause (default: the pack's own); the messages are shown
        /// in every language of the pack.
        #[arg(long, value_enum, ignore_case = true)]
        lang: Option<LangArg>,
    },
    /// Sign, verify and compile rule packs (signing: Ed25519, see docs/SIGNING.md).
    #[command(subcommand)]
    Pack(PackCommand),
}

#[derive(Subcommand)]
enum PackCommand {
    /// Make a key pair: NAME.key (secret, mode 0600) and NAME.pub (public, for vendors).
    Keygen {
        /// Path and name of the key files, without extension.
        #[arg(long, value_name = "NAME")]
        out: PathBuf,
        /// Overwrite existing key files.
        #[arg(long)]
        force: bool,
    },
    /// Sign a pack directory: writes DIR/pack.sig covering every file under DIR.
    Sign {
        /// The pack directory to sign.
        dir: PathBuf,
        /// The secret key file (NAME.key).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Compile a pack directory (and the packs it extends) or a stack file to its binary form:
    /// what `--rules FILE` and the WebAssembly module's `Validator.fromCompiled` load without
    /// the TOML parser and the expression compiler. Valid only for this version of qagida.
    Compile {
        /// Pack directory or stack file.
        dir: PathBuf,
        /// Where to write it (default: ID-VERSION.qpack in the current directory).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verify a pack directory's signature (and those of the packs it extends): exit 0 when
    /// the pack is exactly what a trusted key signed, 1 when it is not.
    Verify {
        /// The signed pack directory.
        dir: PathBuf,
        /// Trusted public key file (NAME.pub); repeat to trust several. `ID,…=FILE` binds the
        /// key to the pack ids it may sign (`kz-karaganda=regional.pub`): every layer must be
        /// signed by a key trusted for its own id. A bare FILE is trusted for any pack id.
        #[arg(long, value_name = "[ID,…=]FILE", required = true)]
        pubkey: Vec<String>,
        /// Refuse a pack whose signed version is below VERSION (a replayed older edition);
        /// `ID=VERSION` sets it for the layer ID. Versions compare as versions. Repeatable.
        #[arg(long, value_name = "[ID=]VERSION")]
        min_version: Vec<String>,
        /// A directory holding pack directories, searched (after the directories beside DIR)
        /// for the pack ids that `extends` names. Repeatable.
        #[arg(long, value_name = "DIR")]
        pack_path: Vec<PathBuf>,
    },
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
enum Format {
    /// One JSON result (pretty) for one file; one JSON line per file or NDJSON line otherwise.
    Json,
    /// Lines for a person to read; control characters in it are escaped (`\u001b`).
    Text,
}

/// `--lang`: the languages a pack words its messages in.
#[derive(Copy, Clone, ValueEnum)]
enum LangArg {
    /// Kazakh.
    #[value(alias = "kz")]
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Kk => Lang::Kk,
            LangArg::Ru => Lang::Ru,
            LangArg::En => Lang::En,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate { rules, overrides, as_of, lang, format, ndjson, jobs, pubkey, min_version, pack_path, files } => {
            let loaded = match (rules.as_deref(), pubkey.is_empty()) {
                (Some(file), false) if is_stack(file) => {
                    eprintln!("error: {} is a stack of layers: with --pubkey give the signed pack directory of the layer to load (its `extends` chain is verified with it)", file.display());
                    return ExitCode::from(2);
                }
                (Some(file), false) if file.is_file() => {
                    eprintln!("error: {} is a compiled pack, which carries no signature: give the signed pack directory with --pubkey", file.display());
                    return ExitCode::from(2);
                }
                (Some(dir), false) => match load_verified(dir, &pubkey, &min_version, &pack_path) {
                    Ok(p) => Ok(p),
                    Err(code) => return ExitCode::from(code),
                },
                (Some(dir), true) if !pack_path.is_empty() && dir.is_dir() => Pack::load_dir_in(dir, &pack_path),
                (dir, _) => load(dir),
            };
            match loaded.and_then(|p| with_overrides(p, overrides.as_deref())) {
                Ok(pack) => {
                    let opts = Options { as_of, lang: lang.map(Lang::from), ..Options::default() };
                    if ndjson {
                        validate_ndjson(&pack, &opts, format, &files, jobs)
                    } else {
                        validate_files(&pack, &opts, format, &files)
                    }
                }
                Err(e) => pack_failed(&e),
            }
        }
        Command::Test { dir, verbose } => match load(dir.as_deref()) {
            Ok(pack) => test(&pack, verbose),
            Err(e) => pack_failed(&e),
        },
        Command::Lint { dir } => match load(dir.as_deref()) {
            Ok(pack) => lint(&pack),
            Err(e) => pack_failed(&e),
        },
        Command::Explain { rule_id, rules, lang } => match load(rules.as_deref()) {
            Ok(pack) => explain(&pack, &rule_id, lang.map(Lang::from)),
            Err(e) => pack_failed(&e),
        },
        Command::Pack(cmd) => pack_command(cmd),
    };
    ExitCode::from(code)
}

/// A pack directory, a stack file listing layers (`rules/default.toml`), a compiled pack file
/// (`qagida pack compile`), or the embedded default pack (the national pack and every regional
/// layer).
fn load(dir: Option<&Path>) -> Result<Pack, PackError> {
    match dir {
        Some(f) if is_stack(f) => Pack::load_stack(f),
        Some(f) if f.is_file() => load_compiled(f),
        Some(d) => Pack::load_dir(d),
        None => Pack::embedded(),
    }
}

/// A stack file: a `.toml` file listing layer directories beside it.
fn is_stack(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|e| e == "toml")
}

fn load_compiled(file: &Path) -> Result<Pack, PackError> {
    let fail = |message: String| PackError {
        diagnostics: vec![qagida::Diagnostic { file: file.display().to_string(), line: 0, col: 0, message }],
    };
    let bytes = read_capped(file, qagida::pack::MAX_PACK_BYTES).map_err(fail)?;
    Pack::from_compiled(&bytes).map_err(|e| fail(e.to_string()))
}

fn compile(dir: &Path, out: Option<&Path>) -> u8 {
    if dir.is_file() && !is_stack(dir) {
        eprintln!("error: {} is a file: give the pack's directory or a stack file (.toml)", dir.display());
        return 2;
    }
    let pack = match load(Some(dir)) {
        Ok(p) => p,
        Err(e) => return pack_failed(&e),
    };
    let bytes = pack.to_compiled();
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

/// Loads a pack only if it (and every pack it extends) is signed by a key trusted for its id,
/// at a version not below the least given; on refusal prints why and gives the exit code (2).
fn load_verified(dir: &Path, pubkeys: &[String], min_versions: &[String], pack_path: &[PathBuf]) -> Result<Pack, u8> {
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
fn read_trust(pubkeys: &[String], min_versions: &[String]) -> Result<signing::Trust, u8> {
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
fn read_pubkeys(specs: &[String]) -> Result<Vec<signing::TrustedKey>, u8> {
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

fn pack_command(cmd: PackCommand) -> u8 {
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
        PackCommand::Compile { dir, out } => compile(&dir, out.as_deref()),
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

fn keygen(out: &Path, force: bool) -> u8 {
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

fn write_file(path: &Path, bytes: &[u8], mode: u32, force: bool) -> io::Result<()> {
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

fn with_overrides(pack: Pack, file: Option<&Path>) -> Result<Pack, PackError> {
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
const KEY_FILE_BYTES: u64 = 64 << 10;

/// A file named on the command line (an overrides file, a key, a compiled pack), read as the
/// pack loader reads a pack's files: a regular file (a symbolic link is followed first), at most
/// `cap` bytes — never a FIFO that blocks, never a huge file read whole.
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let real = std::fs::canonicalize(path).map_err(|e| format!("cannot read: {e}"))?;
    qagida::pack::read_file_capped(&real, cap)
}

fn pack_failed(e: &PackError) -> u8 {
    eprintln!("{e}");
    eprintln!("error: the rule pack was refused ({} problem(s))", e.diagnostics.len());
    2
}

/// Writes a command's report to standard output (buffered) and gives the command's exit code:
/// `code` when it was all written — or when the reader closed the pipe early (`| head -1`):
/// nobody is left to read the rest, so the command ends quietly with the code it has — else 2
/// (a full disk), with the reason on standard error.
fn report(code: u8, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> u8 {
    let mut out = BufWriter::new(io::stdout().lock());
    let written = write(&mut out).and_then(|()| out.flush());
    finish(written, code)
}

/// The exit code of a command that wrote its output with `written`, see [`report`].
fn finish(written: io::Result<()>, code: u8) -> u8 {
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            2
        }
    }
}

/// Text safe for a terminal: control characters (C0, DEL, C1 — `ESC[2J` clears a screen, a
/// newline starts a line that looks like the tool's own) and the bidirectional overrides and
/// isolates (which reorder what is shown) written as `\u001b`. Everything a document or a pack
/// says goes through it before text output shows it.
fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A whole input (a file, or standard input for `-`), read through a bounded reader: at most
/// `limit` bytes are ever held, so `/dev/zero`, a 2 GB file or an endless pipe end in the
/// usual "over the limit" error with no more than `limit + 1` bytes in memory.
fn read_input(name: &str, limit: usize) -> Result<Vec<u8>, String> {
    let cannot = |e: io::Error| format!("cannot read {name}: {e}");
    let over = |size: Option<u64>| match size.and_then(|n| usize::try_from(n).ok()) {
        Some(size) => format!("{name}: {}", qagida::InputError::TooLarge { size, limit }),
        None => format!("{name}: input is more than {limit} bytes, over the limit of {limit} bytes"),
    };
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    if name == "-" {
        io::stdin().lock().take(cap).read_to_end(&mut buf).map_err(cannot)?;
    } else {
        let file = std::fs::File::open(name).map_err(cannot)?;
        // A regular file says its size: refuse one over the limit without reading it.
        let known = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
        if let Some(size) = known.filter(|&n| n >= cap) {
            return Err(over(Some(size)));
        }
        buf.reserve(known.and_then(|n| usize::try_from(n).ok()).unwrap_or(0));
        file.take(cap).read_to_end(&mut buf).map_err(cannot)?;
    }
    if buf.len() > limit {
        return Err(over(None));
    }
    Ok(buf)
}

/// One output line of a multi-document run, tied to its input (DOCUMENTS.md): the file (when
/// there are several), the NDJSON line number, then the result or why there is none.
#[derive(serde::Serialize)]
struct Tied<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(flatten)]
    result: Option<&'a ValidationResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// Validates each file. One file: its result (pretty JSON or text). Several: one NDJSON line per
/// file, in order, each naming its `file`; a file that cannot be read or is not a document
/// (not JSON, over a limit) gets its line too, with the `error` (DOCUMENTS.md: every result of a
/// multi-document call is tied to its input).
fn validate_files(pack: &Pack, opts: &Options, format: Format, files: &[String]) -> u8 {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut code = 0u8;
    let several = files.len() > 1;
    for name in files {
        let res = read_input(name, opts.max_input_bytes).and_then(|bytes| pack.validate_bytes(&bytes, opts).map_err(|e| format!("{name}: {e}")));
        let written = match &res {
            Ok(r) => {
                if !r.valid {
                    code = code.max(1);
                }
                match format {
                    Format::Json if several => write_line(&mut out, &Tied { file: Some(name), line: None, result: Some(r), error: None }),
                    Format::Json => serde_json::to_writer_pretty(&mut out, r).map_err(io::Error::other).and_then(|_| writeln!(out)),
                    Format::Text => write_text(&mut out, name, r),
                }
            }
            Err(e) => {
                code = 2;
                match format {
                    Format::Json if several => write_line(&mut out, &Tied { file: Some(name), line: None, result: None, error: Some(e) }),
                    Format::Text if several => writeln!(out, "{}: UNUSABLE — {}", clean(name), clean(e)),
                    _ => {
                        let _ = out.flush();
                        eprintln!("error: {e}");
                        Ok(())
                    }
                }
            }
        };
        if let Err(e) = written {
            return finish(Err(e), code);
        }
    }
    finish(out.flush(), code)
}

fn write_line(out: &mut impl Write, line: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(io::Error::other)?;
    writeln!(out)
}

fn write_text(out: &mut impl Write, name: &str, r: &ValidationResult) -> io::Result<()> {
    let count = |s: qagida::Severity| r.findings.iter().filter(|f| f.severity == s).count();
    writeln!(
        out,
        "{}: {} ({} error(s), {} warning(s), {} info) — {} {}, as of {}",
        clean(name),
        if r.valid { "VALID" } else { "INVALID" },
        count(qagida::Severity::Error),
        count(qagida::Severity::Warning),
        count(qagida::Severity::Info),
        clean(&r.rule_pack.id),
        clean(&r.rule_pack.version),
        r.as_of
    )?;
    if r.rule_pack.layers.len() > 1 {
        let layers: Vec<String> = r.rule_pack.layers.iter().map(|l| format!("{} {}", clean(&l.id), clean(&l.version))).collect();
        writeln!(out, "  layers: {}", layers.join(" + "))?;
    }
    for f in &r.findings {
        write_finding(out, f)?;
    }
    Ok(())
}

fn write_finding(out: &mut impl Write, f: &Finding) -> io::Result<()> {
    let path = if f.path.is_empty() { "/" } else { &f.path };
    write!(out, "  {:<7} {:<8} {}: {}", f.severity.as_str(), clean(&f.rule_id), clean(path), clean(&f.message))?;
    if !f.clause.is_empty() {
        write!(out, " [{}]", clean(&f.clause))?;
    }
    match (f.actual.as_deref().map(clean), f.expected.as_deref().map(clean)) {
        (Some(a), Some(e)) => write!(out, " (actual: {a}; expected: {e})")?,
        (Some(a), None) => write!(out, " (actual: {a})")?,
        (None, Some(e)) => write!(out, " (expected: {e})")?,
        (None, None) => {}
    }
    writeln!(out)
}

/// Lines per chunk handed to a worker (a chunk also ends after [`CHUNK_BYTES`]).
const CHUNK_LINES: usize = 512;
/// Bytes per chunk (a longer line still makes a chunk of its own).
const CHUNK_BYTES: usize = 1 << 20;
/// Input read but not yet written, per worker, in tokens of [`CHUNK_BYTES`]: a chunk takes one
/// token per started MiB it holds (a chunk of one 16 MiB line takes 16) and the writer gives
/// them back once its results are written. So the input in flight is at most
/// `4 MiB × jobs` plus the chunk being read (≤ 1 MiB + one line within the input limit, 17 MiB),
/// whatever the input: 25 MiB for 2 workers, 1 GiB + 17 MiB at the 256-worker maximum.
const CHUNKS_IN_FLIGHT_PER_WORKER: usize = 4;

/// One input line of a chunk.
enum Entry {
    /// The line is `bytes[start..end]` of its chunk.
    Line { start: usize, end: usize },
    /// Longer than the input limit: skipped as it was read (its full size).
    TooLarge(usize),
    /// Reading failed here: the rest of the input is lost.
    ReadFailed(String),
}

/// Consecutive lines of one input, numbered from `first` (1-based within the file).
struct Chunk {
    seq: u64,
    /// Tokens it holds (see [`CHUNKS_IN_FLIGHT_PER_WORKER`]).
    weight: usize,
    first: u64,
    bytes: Vec<u8>,
    entries: Vec<Entry>,
}

/// The output of one chunk: its result lines in input order, its exit code and its counts.
struct Done {
    seq: u64,
    /// The tokens to give back once written.
    weight: usize,
    out: Vec<u8>,
    code: u8,
    tally: Tally,
}

/// Lines of a batch by outcome, for the progress line and the closing summary.
#[derive(Default, Clone, Copy)]
struct Tally {
    lines: u64,
    valid: u64,
    invalid: u64,
    /// Lines that gave no result (not JSON, empty, over a limit): an `error` line each.
    errors: u64,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.lines += o.lines;
        self.valid += o.valid;
        self.invalid += o.invalid;
        self.errors += o.errors;
    }
}

/// At most this many worker threads, whatever `--jobs` asks: more than four per core only
/// adds threads that wait (and input in flight, 4 MiB per worker, that holds memory).
const MAX_JOBS_PER_CORE: usize = 4;
const MAX_JOBS: usize = 256;

/// The worker threads to run: `--jobs` (0: one per core), clamped to [`MAX_JOBS_PER_CORE`]
/// per core and [`MAX_JOBS`], with a note on standard error when it was cut.
fn worker_count(asked: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = cores.saturating_mul(MAX_JOBS_PER_CORE).clamp(1, MAX_JOBS);
    match asked {
        0 => cores.min(max),
        n if n > max => {
            eprintln!("note: --jobs {n} is more than this machine can use: running {max} worker threads ({MAX_JOBS_PER_CORE} per core for {cores} core(s), at most {MAX_JOBS})");
            max
        }
        n => n,
    }
}

/// The progress line of an NDJSON batch (on a terminal): whole numbers, grouped by thousands.
const PROGRESS_TEMPLATE: &str = "{spinner} {human_pos} lines, {per_sec:0} [{elapsed_precise}] {msg}";

/// One result line per input line, in flat memory; a bad line gets an error line with its
/// number, and the batch goes on. Lines are validated in chunks on `jobs` worker threads
/// (default: one per core) and the results written in input order; at most a fixed number of
/// chunks are in flight, so memory stays flat whatever the input size. Ends with a one-line
/// summary on standard error.
fn validate_ndjson(pack: &Pack, opts: &Options, format: Format, files: &[String], jobs: usize) -> u8 {
    let started = std::time::Instant::now();
    let mut code = 0u8;
    let bar = if io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE).unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()));
        Some(b)
    } else {
        None
    };
    let jobs = worker_count(jobs);
    let mut tally = Tally::default();
    for name in files {
        let reader: Box<dyn Read + Send> = if name == "-" {
            Box::new(io::stdin())
        } else {
            match std::fs::File::open(name) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("error: cannot read {name}: {e}");
                    code = 2;
                    continue;
                }
            }
        };
        // Lines name the file too when there are several.
        let file = (files.len() > 1).then_some(name.as_str());
        let batch = Batch { pack, opts, format, name, file };
        let (result, done) = batch.run(reader, jobs, bar.as_ref());
        tally.add(done);
        match result {
            Ok(c) => code = code.max(c),
            // The reader of the results has gone (`| head`): nothing more to write for anyone.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                code = code.max(done.code());
                break;
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = 2;
                break;
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    eprintln!("{}", summary(&tally, started.elapsed()));
    code
}

/// The closing line of a batch: `12,000 lines: 11,000 valid, 900 invalid, 100 errors in 3.2 s`.
fn summary(t: &Tally, took: std::time::Duration) -> String {
    use indicatif::HumanCount;
    format!(
        "{} lines: {} valid, {} invalid, {} errors in {:.1} s",
        HumanCount(t.lines),
        HumanCount(t.valid),
        HumanCount(t.invalid),
        HumanCount(t.errors),
        took.as_secs_f64()
    )
}

impl Tally {
    /// The exit code of the lines counted: 2 with an unusable line, 1 with an invalid one.
    fn code(&self) -> u8 {
        if self.errors > 0 {
            2
        } else {
            u8::from(self.invalid > 0)
        }
    }
}

/// One NDJSON input being validated.
struct Batch<'a> {
    pack: &'a Pack,
    opts: &'a Options,
    format: Format,
    name: &'a str,
    /// The file name for its lines (when there are several files).
    file: Option<&'a str>,
}

impl Batch<'_> {
    fn bad_line(&self, out: &mut Vec<u8>, n: u64, error: &str) -> io::Result<()> {
        write_line(out, &Tied { file: self.file, line: Some(n), result: None, error: Some(error) })
    }

    /// Reads chunks (on this thread), validates them on `jobs` workers, writes the results in
    /// order (on a writer thread). The exit code, or why the batch stopped: the output could
    /// not be written, or a thread could not be started (an error, never an abort); and the
    /// lines written either way.
    fn run(&self, reader: Box<dyn Read + Send>, jobs: usize, bar: Option<&indicatif::ProgressBar>) -> (io::Result<u8>, Tally) {
        use std::sync::mpsc::{Receiver, channel, sync_channel};
        use std::sync::{Arc, Mutex};

        let in_flight = jobs * CHUNKS_IN_FLIGHT_PER_WORKER;
        let (work_tx, work_rx) = sync_channel::<Chunk>(in_flight);
        let work_rx: Arc<Mutex<Receiver<Chunk>>> = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = channel::<Done>();
        // One token per MiB of input in flight: the reader takes a chunk's tokens, the writer
        // gives them back once the chunk is written.
        let (token_tx, token_rx) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = token_tx.send(());
        }
        let cannot_start = |e: io::Error| io::Error::new(e.kind(), format!("cannot start a thread for --ndjson ({e}): try a smaller --jobs"));
        std::thread::scope(|s| {
            for i in 0..jobs {
                let work_rx = Arc::clone(&work_rx);
                let done_tx = done_tx.clone();
                let worker = move || {
                    loop {
                        let next = match work_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => break,
                        };
                        let Ok(chunk) = next else { break };
                        if done_tx.send(self.validate_chunk(&chunk)).is_err() {
                            break;
                        }
                    }
                };
                // Those started end when `work_tx` is dropped on return.
                if let Err(e) = std::thread::Builder::new().name(format!("qagida-worker-{i}")).spawn_scoped(s, worker) {
                    return (Err(cannot_start(e)), Tally::default());
                }
            }
            drop(done_tx);
            let writer = move || -> (io::Result<u8>, Tally) {
                let stdout = io::stdout();
                let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
                let mut pending = std::collections::BTreeMap::new();
                let (mut next, mut code, mut tally) = (0u64, 0u8, Tally::default());
                for done in done_rx {
                    pending.insert(done.seq, done);
                    while let Some(d) = pending.remove(&next) {
                        if let Err(e) = out.write_all(&d.out) {
                            return (Err(e), tally);
                        }
                        code = code.max(d.code);
                        tally.add(d.tally);
                        if let Some(b) = bar {
                            b.inc(d.tally.lines);
                        }
                        next += 1;
                        for _ in 0..d.weight {
                            let _ = token_tx.send(());
                        }
                    }
                }
                (out.flush().map(|()| code), tally)
            };
            let writer = match std::thread::Builder::new().name("qagida-writer".into()).spawn_scoped(s, writer) {
                Ok(w) => w,
                Err(e) => return (Err(cannot_start(e)), Tally::default()),
            };
            self.read_chunks(reader, &token_rx, in_flight, &work_tx);
            drop(work_tx);
            writer.join().unwrap_or_else(|_| (Err(io::Error::other("the writer thread failed (please report it)")), Tally::default()))
        })
    }

    /// Reads the input into chunks and hands them to the workers, one token per chunk.
    fn read_chunks(&self, reader: Box<dyn Read + Send>, tokens: &std::sync::mpsc::Receiver<()>, all_tokens: usize, work: &std::sync::mpsc::SyncSender<Chunk>) {
        let mut reader = BufReader::with_capacity(1 << 20, reader);
        let mut line = Vec::new();
        let (mut seq, mut n) = (0u64, 0u64);
        let mut eof = false;
        while !eof {
            // Wait for room; fails when the writer has stopped.
            if tokens.recv().is_err() {
                return;
            }
            let mut chunk = Chunk { seq, weight: 1, first: n + 1, bytes: Vec::new(), entries: Vec::new() };
            while chunk.entries.len() < CHUNK_LINES && chunk.bytes.len() < CHUNK_BYTES {
                // A line longer than the input limit is skipped as it is read, never held whole.
                let read = match read_line_bounded(&mut reader, &mut line, self.opts.max_input_bytes.saturating_add(2)) {
                    Ok(None) => {
                        eof = true;
                        break;
                    }
                    Ok(Some(read)) => read,
                    Err(e) => {
                        eprintln!("error: {}: read failed after line {n}: {e}", self.name);
                        chunk.entries.push(Entry::ReadFailed(e.to_string()));
                        eof = true;
                        break;
                    }
                };
                n += 1;
                if read.len > line.len() {
                    chunk.entries.push(Entry::TooLarge(read.len - usize::from(read.terminated)));
                } else {
                    let start = chunk.bytes.len();
                    chunk.bytes.extend_from_slice(&line);
                    chunk.entries.push(Entry::Line { start, end: chunk.bytes.len() });
                }
            }
            if chunk.entries.is_empty() {
                return;
            }
            // One token per started MiB (never more than there are): wait for the rest.
            chunk.weight = chunk.bytes.len().div_ceil(CHUNK_BYTES).clamp(1, all_tokens.max(1));
            for _ in 1..chunk.weight {
                if tokens.recv().is_err() {
                    return;
                }
            }
            seq += 1;
            if work.send(chunk).is_err() {
                return;
            }
        }
    }

    /// Validates the lines of one chunk: their result lines, in order. (Writing into a `Vec`
    /// cannot fail.)
    fn validate_chunk(&self, chunk: &Chunk) -> Done {
        let mut out = Vec::with_capacity(chunk.bytes.len() / 4 + 64);
        let mut code = 0u8;
        let mut tally = Tally::default();
        for (i, entry) in chunk.entries.iter().enumerate() {
            let n = chunk.first + i as u64;
            let (start, end) = match entry {
                Entry::Line { start, end } => (*start, *end),
                Entry::TooLarge(size) => {
                    let e = qagida::InputError::TooLarge { size: *size, limit: self.opts.max_input_bytes };
                    let _ = self.bad_line(&mut out, n, &e.to_string());
                    code = 2;
                    tally.lines += 1;
                    tally.errors += 1;
                    continue;
                }
                Entry::ReadFailed(e) => {
                    // The rest of the file is lost: say so on stdout too, at the line it hit.
                    let _ = self.bad_line(&mut out, n, &format!("read failed: {e}; the rest of the input was not read"));
                    code = 2;
                    continue;
                }
            };
            tally.lines += 1;
            let mut text = trim_line(chunk.bytes.get(start..end).unwrap_or_default());
            if n == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text); // a UTF-8 byte order mark
            }
            if text.is_empty() {
                // An empty line is still a line: report it so N lines in give N results out.
                let _ = self.bad_line(&mut out, n, "empty line");
                code = 2;
                tally.errors += 1;
                continue;
            }
            // Defence in depth: a bug that panics costs one line, not the rest of the batch.
            let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.pack.validate_bytes(text, self.opts)))
                .unwrap_or_else(|_| Err(qagida::InputError::NotJson("internal error while validating this line (please report it)".into())));
            let _ = match res {
                Ok(r) => {
                    if r.valid {
                        tally.valid += 1;
                    } else {
                        tally.invalid += 1;
                        code = code.max(1);
                    }
                    match self.format {
                        Format::Json => write_line(&mut out, &Tied { file: self.file, line: Some(n), result: Some(&r), error: None }),
                        Format::Text => write_text(&mut out, &format!("{}:{n}", self.name), &r),
                    }
                }
                Err(e) => {
                    code = 2;
                    tally.errors += 1;
                    self.bad_line(&mut out, n, &e.to_string())
                }
            };
        }
        Done { seq: chunk.seq, weight: chunk.weight, out, code, tally }
    }
}

/// A line read by [`read_line_bounded`].
struct LineRead {
    /// Full length, `\n` included; over the buffer's length when the line was cut.
    len: usize,
    /// Ended with `\n` (the last line of a file may not).
    terminated: bool,
}

/// Reads one line (up to and including `\n`, or to the end of input) into `buf`, keeping at
/// most `keep` bytes of it; `None` at the end of input.
fn read_line_bounded(r: &mut impl BufRead, buf: &mut Vec<u8>, keep: usize) -> io::Result<Option<LineRead>> {
    buf.clear();
    let mut total = 0usize;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((total > 0).then_some(LineRead { len: total, terminated: false }));
        }
        let (chunk, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (avail.get(..=i).unwrap_or(avail), true),
            None => (avail, false),
        };
        let n = chunk.len();
        let room = keep.saturating_sub(buf.len());
        buf.extend_from_slice(chunk.get(..n.min(room)).unwrap_or_default());
        total = total.saturating_add(n);
        r.consume(n);
        if done {
            return Ok(Some(LineRead { len: total, terminated: true }));
        }
    }
}

fn trim_line(line: &[u8]) -> &[u8] {
    let mut s = line;
    while let [rest @ .., b'\n' | b'\r' | b' ' | b'\t'] = s {
        s = rest;
    }
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

fn test(pack: &Pack, verbose: bool) -> u8 {
    let outcomes = run_pack_tests(pack);
    let mut by_rule: Vec<(String, usize, Vec<&qagida::testing::CaseOutcome>)> = Vec::new();
    for o in &outcomes {
        match by_rule.last_mut() {
            Some((id, n, fails)) if *id == o.rule_id => {
                *n += 1;
                if !o.passed {
                    fails.push(o);
                }
            }
            _ => by_rule.push((o.rule_id.clone(), 1, if o.passed { vec![] } else { vec![o] })),
        }
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    report(u8::from(failed > 0), |out| {
    for (id, n, fails) in &by_rule {
        if fails.is_empty() {
            writeln!(out, "ok    {:<28} {n} case(s)", clean(id))?;
        } else {
            writeln!(out, "FAIL  {:<28} {} of {n} case(s) failed", clean(id), fails.len())?;
            for f in fails {
                writeln!(out, "        - {}: {}", clean(&f.name), clean(&f.detail))?;
            }
        }
        if verbose {
            for o in outcomes.iter().filter(|o| &o.rule_id == id) {
                writeln!(out, "        {} {}", if o.passed { "✓" } else { "✗" }, clean(&o.name))?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")
    })
}

fn lint(pack: &Pack) -> u8 {
    let mut warnings = Vec::new();
    for r in &pack.rules {
        let pass = r.tests.iter().filter(|t| t.expect == Expect::Pass).count();
        let fail = r.tests.iter().filter(|t| t.expect == Expect::Fail).count();
        if pass == 0 {
            warnings.push(format!("{}:{}: rule {} has no passing test case", r.file, r.line, r.id));
        }
        if fail == 0 {
            warnings.push(format!("{}:{}: rule {} has no failing test case", r.file, r.line, r.id));
        }
    }
    for name in pack.doc_types.keys() {
        let has_rules = pack.rules.iter().any(|r| r.applies_to.contains(name));
        if has_rules && !pack.fixtures.contains_key(name) {
            warnings.push(format!("fixtures/{name}.json: no fixture for document type `{name}`"));
        }
    }
    let checks: usize = pack.rules.iter().map(|r| r.checks.len()).sum();
    let tests: usize = pack.rules.iter().map(|r| r.tests.len()).sum();
    report(0, |out| {
        for w in &warnings {
            writeln!(out, "warning: {}", clean(w))?;
        }
        writeln!(
            out,
            "{} {}: {} rules, {} checks, {} tests, {} document types — {} warning(s)",
            clean(&pack.id),
            clean(&pack.version),
            pack.rules.len(),
            checks,
            tests,
            pack.doc_types.len(),
            warnings.len()
        )
    })
}

/// A message template as written: its placeholders as `{name}`.
fn template_text(t: &qagida::pack::Template) -> String {
    t.render(&|s, out| match s {
        qagida::pack::Seg::Lit(x) => out.push_str(x),
        qagida::pack::Seg::Actual => out.push_str("{actual}"),
        qagida::pack::Seg::Expected => out.push_str("{expected}"),
        qagida::pack::Seg::Path => out.push_str("{path}"),
        qagida::pack::Seg::Let(n) => {
            out.push('{');
            out.push_str(n);
            out.push('}');
        }
    })
}

fn explain(pack: &Pack, id: &str, lang: Option<Lang>) -> u8 {
    let Some(r) = pack.rule(id) else {
        eprintln!("error: no rule `{}` in {} {}", clean(id), clean(&pack.id), clean(&pack.version));
        return 2;
    };
    let lang = lang.unwrap_or(pack.default_language);
    report(0, |out| explain_rule(out, pack, r, lang))
}

/// What `explain` shows of rule `r`; every text of the pack escaped for the terminal.
fn explain_rule(out: &mut dyn Write, pack: &Pack, r: &qagida::pack::Rule, lang: Lang) -> io::Result<()> {
    writeln!(out, "{} — {}", clean(&r.id), clean(r.title.get(lang)))?;
    writeln!(out, "  clause:     {}", clean(r.clause.get(lang)))?;
    writeln!(out, "  applies to: {}", clean(&r.applies_to.join(", ")))?;
    writeln!(out, "  severity:   {}", r.severity.as_str())?;
    match r.effective_to {
        Some(to) => writeln!(out, "  in force:   {} … {} (exclusive)", r.effective_from, to)?,
        None => writeln!(out, "  in force:   from {}", r.effective_from)?,
    }
    writeln!(out, "  defined in: {}:{}", clean(&r.file), r.line)?;
    if let Some(w) = &r.when_source {
        writeln!(out, "  when:       {}", clean(w))?;
    }
    if let Some(p) = r.params.as_object().filter(|p| !p.is_empty()) {
        writeln!(out, "  params:")?;
        for (k, v) in p {
            writeln!(out, "    {} = {}", clean(k), clean(&v.to_string()))?;
        }
    }
    for (i, c) in r.checks.iter().enumerate() {
        writeln!(out, "  check {}:", i + 1)?;
        if let Some(sev) = c.severity {
            writeln!(out, "    severity  {}", sev.as_str())?;
        }
        for (k, v) in &c.source {
            writeln!(out, "    {:<9} {}", clean(k), clean(v))?;
        }
        if let Some(t) = c.not_checked.as_ref().and_then(|t| t.get(lang)) {
            writeln!(out, "    not checked: {}", clean(&template_text(t)))?;
        }
        // Where a finding points (a check on the document itself points at its `path`, or at
        // nothing more); the item's and the element's indices stand as N and M.
        let each = |p: Option<&qagida::pack::Pointer>, n: &str| p.map(|f| format!("{}/{n}", f.text)).unwrap_or_default();
        let base = format!("{}{}", each(c.for_each.as_ref(), "N"), each(c.then_each.as_ref(), "M"));
        match &c.kind {
            qagida::pack::CheckKind::Require(ptrs) => {
                for p in ptrs {
                    writeln!(out, "    path      {}", clean(&format!("{base}{}", p.text)))?;
                }
            }
            qagida::pack::CheckKind::Assert(_) if !base.is_empty() || !c.path.is_empty() => {
                writeln!(out, "    path      {}", clean(&format!("{base}{}", c.path)))?;
            }
            qagida::pack::CheckKind::Assert(_) => {}
        }
    }
    writeln!(out, "  message:")?;
    for l in &pack.languages {
        if let Some(t) = r.message.0.get(*l) {
            writeln!(out, "    {}: {}", l.code(), clean(&template_text(t)))?;
        }
    }
    if let Some(nc) = &r.not_checked {
        writeln!(out, "  not checked:")?;
        for l in &pack.languages {
            if let Some(t) = nc.0.get(*l) {
                writeln!(out, "    {}: {}", l.code(), clean(&template_text(t)))?;
            }
        }
    }
    let count = |e: Expect| r.tests.iter().filter(|t| t.expect == e).count();
    writeln!(out, "  tests:      {} pass, {} fail, {} info", count(Expect::Pass), count(Expect::Fail), count(Expect::Info))
}
