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
/// say anything. Shadows the standard macro in this crate (defined before the modules below).
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
use qagida::pack::{Expect, LangId};
use qagida::testing::run_pack_tests;
use qagida::signing;
use qagida::{Finding, Lang, Options, Pack, PackError, ValidationResult};

mod args;
mod load;
mod pack_cmd;
mod output;
mod validate;
mod ndjson;
mod pack_tests;
mod lint;
mod explain;

use args::*;
use load::*;
use pack_cmd::*;
use output::*;
use validate::*;
use ndjson::*;
use pack_tests::*;
use lint::*;
use explain::*;


/// Whether the pack has a language serving `--lang` (RFC 4647 lookup among its languages);
/// if not, says so on stderr (the command then exits 2).
fn language_ok(pack: &Pack, lang: Option<&Lang>) -> bool {
    match lang.filter(|l| l.lookup(&pack.languages).is_none()) {
        Some(l) => {
            let have: Vec<&str> = pack.languages.iter().map(Lang::code).collect();
            eprintln!("error: the pack has no language `{l}` (it has {})", have.join(", "));
            false
        }
        None => true,
    }
}

/// `qagida serve`: loads the pack (as `validate` does; a refusal exits 2), then serves until
/// SIGTERM/SIGINT (exit 0 once drained).
fn serve(spec: qagida::deploy::PackSpec, config: impl FnOnce(qagida_server::Config) -> qagida_server::Config) -> u8 {
    let deployed = match load_spec(&spec) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let config = config(qagida_server::Config { spec, ..qagida_server::Config::default() });
    match qagida_server::run(config, deployed) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate { pack, as_of, lang, mode, format, ndjson, jobs, files } => {
            let spec = pack.spec();
            match load_spec(&spec).map(|d| d.pack) {
                Ok(pack) => {
                    if !language_ok(&pack, lang.as_ref()) {
                        return ExitCode::from(2);
                    }
                    let opts = Options { as_of, lang: lang.map(|l| l.code().to_string()), mode: mode.into(), ..Options::default() };
                    if ndjson {
                        validate_ndjson(&pack, &opts, format, &files, jobs)
                    } else {
                        validate_files(&pack, &opts, format, &files)
                    }
                }
                Err(code) => code,
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
            Ok(pack) if !language_ok(&pack, lang.as_ref()) => 2,
            Ok(pack) => explain(&pack, &rule_id, lang.as_ref().map(Lang::code)),
            Err(e) => pack_failed(&e),
        },
        Command::Serve { addr, pack, admin_token_file, decision_log, max_body_bytes, inline_max_bytes, request_timeout, workers, max_in_flight, grace, log_json, log_level, header_timeout, max_connections } => {
            let spec = pack.spec();
            serve(spec, |c| qagida_server::Config {
                addr,
                admin_token_file,
                decision_log,
                max_body_bytes,
                inline_max_bytes,
                request_timeout: std::time::Duration::from_secs(request_timeout),
                workers: if workers == 0 { c.workers } else { workers },
                max_in_flight,
                grace: std::time::Duration::from_secs(grace),
                log_json,
                // One of the five names clap admits: each parses.
                log_level: log_level.parse().unwrap_or(c.log_level),
                header_timeout: std::time::Duration::from_secs(header_timeout),
                max_connections,
                ..c
            })
        }
        Command::Pack(cmd) => pack_command(cmd),
    };
    ExitCode::from(code)
}
