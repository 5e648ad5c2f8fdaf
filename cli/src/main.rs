//! `qagida` — the command-line shell over the qagida library.
//!
//! Exit codes: 0 valid, 1 findings of severity error (or failing tests / lint errors),
//! 2 unusable input or command.

use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use qagida::testing::run_pack_tests;
use qagida::signing;
use qagida::{Finding, Lang, Options, Pack, PackError, ValidationResult, VerifiedLoadError};

#[derive(Parser)]
#[command(name = "qagida", version, about = "Validate documents against declarative rule packs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate documents (JSON files, `-` for stdin, or NDJSON with --ndjson).
    Validate {
        /// Rule pack directory (default: the pack embedded at build time). A layer
        /// (`extends = "…"`) loads the pack it extends from beside it.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// A deployment's overrides file: severities changed, rules silenced by ID.
        #[arg(long, value_name = "FILE")]
        overrides: Option<PathBuf>,
        /// Validate as of this date (default: each document's own date).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Message language.
        #[arg(long)]
        lang: Option<Lang>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Inputs are NDJSON: one document per line, one result per line.
        #[arg(long)]
        ndjson: bool,
        /// Trusted public key (a `.pub` file from `qagida pack keygen`): the pack given with
        /// --rules, and every pack it extends, must be signed by it (or by another --pubkey),
        /// else nothing is validated (exit 2).
        #[arg(long, value_name = "FILE", requires = "rules")]
        pubkey: Vec<PathBuf>,
        /// Files to validate; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Run the tests a pack carries (each rule's pass/fail cases, and its fixtures).
    Test {
        /// Pack directory (default: the embedded pack).
        dir: Option<PathBuf>,
        /// Print every case, not only failures.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Check a pack's files: syntax, types, references, and test coverage.
    Lint {
        /// Pack directory (default: the embedded pack).
        dir: Option<PathBuf>,
    },
    /// Show a rule: clause, params, checks and messages.
    Explain {
        rule_id: String,
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long)]
        lang: Option<Lang>,
    },
    /// Sign and verify rule packs (Ed25519; see docs/SIGNING.md).
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
        dir: PathBuf,
        /// The secret key file (NAME.key).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Verify a pack directory's signature (and those of the packs it extends): exit 0 when
    /// the pack is exactly what a trusted key signed, 1 when it is not.
    Verify {
        dir: PathBuf,
        /// Trusted public key file (NAME.pub); repeat to trust several.
        #[arg(long, value_name = "FILE", required = true)]
        pubkey: Vec<PathBuf>,
    },
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
enum Format {
    Json,
    Text,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate { rules, overrides, as_of, lang, format, ndjson, pubkey, files } => {
            let loaded = match (rules.as_deref(), pubkey.is_empty()) {
                (Some(dir), false) => match load_verified(dir, &pubkey) {
                    Ok(p) => Ok(p),
                    Err(code) => return ExitCode::from(code),
                },
                (dir, _) => load(dir),
            };
            match loaded.and_then(|p| with_overrides(p, overrides.as_deref())) {
                Ok(pack) => {
                    let opts = Options { as_of, lang, ..Options::default() };
                    if ndjson {
                        validate_ndjson(&pack, &opts, format, &files)
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
            Err(e) => {
                pack_failed(&e);
                1
            }
        },
        Command::Explain { rule_id, rules, lang } => match load(rules.as_deref()) {
            Ok(pack) => explain(&pack, &rule_id, lang),
            Err(e) => pack_failed(&e),
        },
        Command::Pack(cmd) => pack_command(cmd),
    };
    ExitCode::from(code)
}

fn load(dir: Option<&Path>) -> Result<Pack, PackError> {
    match dir {
        Some(d) => Pack::load_dir(d),
        None => Pack::embedded(),
    }
}

/// Loads a pack only if it (and every pack it extends) is signed by a trusted key; on refusal
/// prints why and gives the exit code (2).
fn load_verified(dir: &Path, pubkeys: &[PathBuf]) -> Result<Pack, u8> {
    let keys = read_pubkeys(pubkeys)?;
    match signing::load_dir_verified(dir, &keys) {
        Ok(p) => Ok(p),
        Err(VerifiedLoadError::Pack(e)) => Err(pack_failed(&e)),
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("error: the rule pack was refused: it is not exactly what a trusted key signed");
            Err(2)
        }
    }
}

fn read_pubkeys(files: &[PathBuf]) -> Result<Vec<signing::VerifyingKey>, u8> {
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .map_err(|e| e.to_string())
                .and_then(|t| signing::parse_verifying_key(&t).map_err(|e| e.to_string()))
                .map_err(|e| {
                    eprintln!("error: public key {}: {e}", f.display());
                    2
                })
        })
        .collect()
}

fn pack_command(cmd: PackCommand) -> u8 {
    match cmd {
        PackCommand::Keygen { out, force } => keygen(&out, force),
        PackCommand::Sign { dir, key } => {
            let key = match std::fs::read_to_string(&key)
                .map_err(|e| e.to_string())
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
                    println!("signed {n} file(s) of {} with key {id} → {}", dir.display(), dir.join(signing::SIG_FILE).display());
                    0
                }
                Err(e) => {
                    eprintln!("error: {}: {e}", dir.display());
                    2
                }
            }
        }
        PackCommand::Verify { dir, pubkey } => {
            let keys = match read_pubkeys(&pubkey) {
                Ok(k) => k,
                Err(code) => return code,
            };
            let own = match signing::verify_dir(&dir, &keys) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: {}: {e}", dir.display());
                    eprintln!("REFUSED: {} is not exactly what a trusted key signed", dir.display());
                    return 1;
                }
            };
            // The packs it extends must be signed too, and the whole must load.
            match signing::load_dir_verified(&dir, &keys) {
                Ok(p) => {
                    println!(
                        "OK: {} ({} {}): {} file(s) signed by key {}",
                        dir.display(),
                        p.id,
                        p.version,
                        own.files,
                        own.key_id
                    );
                    0
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!("REFUSED: {}", dir.display());
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
    println!(
        "key {}: secret {} (keep it private), public {} (give it to vendors)",
        signing::key_id(&key.verifying_key()),
        secret.display(),
        public.display()
    );
    0
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
    match std::fs::read_to_string(file) {
        Ok(text) => pack.with_overrides(&name, &text),
        Err(e) => Err(PackError {
            diagnostics: vec![qagida::Diagnostic { file: name, line: 0, col: 0, message: format!("cannot read: {e}") }],
        }),
    }
}

fn pack_failed(e: &PackError) -> u8 {
    eprintln!("{e}");
    eprintln!("error: the rule pack was refused ({} problem(s))", e.diagnostics.len());
    2
}

fn read_input(name: &str) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if name == "-" {
        io::stdin().lock().read_to_end(&mut buf)?;
    } else {
        std::fs::File::open(name)?.read_to_end(&mut buf)?;
    }
    Ok(buf)
}

fn validate_files(pack: &Pack, opts: &Options, format: Format, files: &[String]) -> u8 {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut code = 0u8;
    let several = files.len() > 1;
    for name in files {
        let res = read_input(name)
            .map_err(|e| format!("cannot read {name}: {e}"))
            .and_then(|bytes| pack.validate_bytes(&bytes, opts).map_err(|e| format!("{name}: {e}")));
        match res {
            Ok(r) => {
                if !r.valid {
                    code = code.max(1);
                }
                let written = match format {
                    Format::Json if several => serde_json::to_writer(&mut out, &r).map_err(io::Error::other).and_then(|_| writeln!(out)),
                    Format::Json => serde_json::to_writer_pretty(&mut out, &r).map_err(io::Error::other).and_then(|_| writeln!(out)),
                    Format::Text => write_text(&mut out, name, &r),
                };
                if written.is_err() {
                    return 2;
                }
            }
            Err(e) => {
                let _ = out.flush();
                eprintln!("error: {e}");
                code = 2;
            }
        }
    }
    let _ = out.flush();
    code
}

fn write_text(out: &mut impl Write, name: &str, r: &ValidationResult) -> io::Result<()> {
    let count = |s: qagida::Severity| r.findings.iter().filter(|f| f.severity == s).count();
    writeln!(
        out,
        "{name}: {} ({} error(s), {} warning(s), {} info) — {} {}, as of {}",
        if r.valid { "VALID" } else { "INVALID" },
        count(qagida::Severity::Error),
        count(qagida::Severity::Warning),
        count(qagida::Severity::Info),
        r.rule_pack.id,
        r.rule_pack.version,
        r.as_of
    )?;
    for f in &r.findings {
        write_finding(out, f)?;
    }
    Ok(())
}

fn write_finding(out: &mut impl Write, f: &Finding) -> io::Result<()> {
    let path = if f.path.is_empty() { "/" } else { &f.path };
    write!(out, "  {:<7} {:<8} {path}: {}", f.severity.as_str(), f.rule_id, f.message)?;
    if !f.clause.is_empty() {
        write!(out, " [{}]", f.clause)?;
    }
    match (&f.actual, &f.expected) {
        (Some(a), Some(e)) => write!(out, " (actual: {a}; expected: {e})")?,
        (Some(a), None) => write!(out, " (actual: {a})")?,
        (None, Some(e)) => write!(out, " (expected: {e})")?,
        (None, None) => {}
    }
    writeln!(out)
}

/// One result line per input line, in flat memory; a bad line gets an error line with its
/// number, and the batch goes on.
fn validate_ndjson(pack: &Pack, opts: &Options, format: Format, files: &[String]) -> u8 {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut code = 0u8;
    let bar = if io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} lines, {per_sec} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        Some(b)
    } else {
        None
    };
    for name in files {
        let reader: Box<dyn Read> = if name == "-" {
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
        let mut reader = BufReader::with_capacity(1 << 20, reader);
        let mut line = Vec::new();
        let mut n = 0u64;
        // Error lines name the file too when there are several.
        let file = (files.len() > 1).then_some(name.as_str());
        let bad_line = |n: u64, error: String| match file {
            Some(f) => serde_json::json!({"file": f, "line": n, "error": error}),
            None => serde_json::json!({"line": n, "error": error}),
        };
        loop {
            // A line longer than the input limit is skipped as it is read, never held whole.
            let read = match read_line_bounded(&mut reader, &mut line, opts.max_input_bytes.saturating_add(2)) {
                Ok(None) => break,
                Ok(Some(read)) => read,
                Err(e) => {
                    // The rest of the file is lost: say so on stdout too, at the line it hit.
                    eprintln!("error: {name}: read failed after line {n}: {e}");
                    let _ = writeln!(out, "{}", bad_line(n + 1, format!("read failed: {e}; the rest of the input was not read")));
                    code = 2;
                    break;
                }
            };
            n += 1;
            if read.len > line.len() {
                let size = read.len - usize::from(read.terminated);
                let e = qagida::InputError::TooLarge { size, limit: opts.max_input_bytes };
                code = 2;
                if writeln!(out, "{}", bad_line(n, e.to_string())).is_err() {
                    return 2;
                }
                continue;
            }
            let mut text = trim_line(&line);
            if n == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text); // a UTF-8 byte order mark
            }
            if text.is_empty() {
                // An empty line is still a line: report it so N lines in give N results out.
                let _ = writeln!(out, "{}", bad_line(n, "empty line".into()));
                code = 2;
                continue;
            }
            // Defence in depth: a bug that panics costs one line, not the rest of the batch.
            let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pack.validate_bytes(text, opts)))
                .unwrap_or_else(|_| Err(qagida::InputError::NotJson("internal error while validating this line (please report it)".into())));
            let written = match res {
                Ok(r) => {
                    if !r.valid {
                        code = code.max(1);
                    }
                    match format {
                        Format::Json => serde_json::to_writer(&mut out, &r).map_err(io::Error::other).and_then(|_| writeln!(out)),
                        Format::Text => write_text(&mut out, &format!("{name}:{n}"), &r),
                    }
                }
                Err(e) => {
                    code = 2;
                    writeln!(out, "{}", bad_line(n, e.to_string()))
                }
            };
            if written.is_err() {
                return 2;
            }
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let _ = out.flush();
    code
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
        let (chunk, done) = match avail.iter().position(|&b| b == b'\n') {
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
    for (id, n, fails) in &by_rule {
        if fails.is_empty() {
            println!("ok    {id:<28} {n} case(s)");
        } else {
            println!("FAIL  {id:<28} {} of {n} case(s) failed", fails.len());
            for f in fails {
                println!("        - {}: {}", f.name, f.detail);
            }
        }
        if verbose {
            for o in outcomes.iter().filter(|o| &o.rule_id == id) {
                println!("        {} {}", if o.passed { "✓" } else { "✗" }, o.name);
            }
        }
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    println!("{passed} passed, {failed} failed");
    u8::from(failed > 0)
}

fn lint(pack: &Pack) -> u8 {
    let mut warnings = Vec::new();
    for r in &pack.rules {
        let pass = r.tests.iter().filter(|t| !t.expect_fail).count();
        let fail = r.tests.iter().filter(|t| t.expect_fail).count();
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
    for w in &warnings {
        println!("warning: {w}");
    }
    let checks: usize = pack.rules.iter().map(|r| r.checks.len()).sum();
    let tests: usize = pack.rules.iter().map(|r| r.tests.len()).sum();
    println!(
        "{} {}: {} rules, {} checks, {} tests, {} document types — {} warning(s)",
        pack.id,
        pack.version,
        pack.rules.len(),
        checks,
        tests,
        pack.doc_types.len(),
        warnings.len()
    );
    0
}

fn explain(pack: &Pack, id: &str, lang: Option<Lang>) -> u8 {
    let Some(r) = pack.rule(id) else {
        eprintln!("error: no rule `{id}` in {} {}", pack.id, pack.version);
        return 2;
    };
    let lang = lang.unwrap_or(pack.default_language);
    println!("{} — {}", r.id, r.title.get(lang));
    println!("  clause:     {}", r.clause.get(lang));
    println!("  applies to: {}", r.applies_to.join(", "));
    println!("  severity:   {}", r.severity.as_str());
    match r.effective_to {
        Some(to) => println!("  in force:   {} … {} (exclusive)", r.effective_from, to),
        None => println!("  in force:   from {}", r.effective_from),
    }
    println!("  defined in: {}:{}", r.file, r.line);
    if let Some(w) = &r.when_source {
        println!("  when:       {w}");
    }
    if let Some(p) = r.params.as_object().filter(|p| !p.is_empty()) {
        println!("  params:");
        for (k, v) in p {
            println!("    {k} = {v}");
        }
    }
    for (i, c) in r.checks.iter().enumerate() {
        println!("  check {}:", i + 1);
        for (k, v) in &c.source {
            println!("    {k:<9} {v}");
        }
        if !c.path.is_empty() {
            println!("    path      {}{}", c.for_each.as_deref().map(|f| format!("{f}/N")).unwrap_or_default(), c.path);
        }
    }
    println!("  message:");
    for l in &pack.languages {
        if let Some(t) = r.message.0.get(l) {
            let shown = t.render(&|s| match s {
                qagida::pack::Seg::Lit(x) => x.clone(),
                qagida::pack::Seg::Actual => "{actual}".into(),
                qagida::pack::Seg::Expected => "{expected}".into(),
                qagida::pack::Seg::Path => "{path}".into(),
                qagida::pack::Seg::Let(n) => format!("{{{n}}}"),
            });
            println!("    {}: {shown}", l.code());
        }
    }
    let pass = r.tests.iter().filter(|t| !t.expect_fail).count();
    println!("  tests:      {pass} pass, {} fail", r.tests.len() - pass);
    0
}
