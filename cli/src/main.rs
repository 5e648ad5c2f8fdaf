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
use qagida::{Finding, Lang, Options, Pack, PackError, ValidationResult, VerifiedLoadError};

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
                    if !language_ok(&pack, lang.as_ref()) {
                        return ExitCode::from(2);
                    }
                    let opts = Options { as_of, lang: lang.map(|l| l.code().to_string()), ..Options::default() };
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
            Ok(pack) if !language_ok(&pack, lang.as_ref()) => 2,
            Ok(pack) => explain(&pack, &rule_id, lang.as_ref().map(Lang::code)),
            Err(e) => pack_failed(&e),
        },
        Command::Pack(cmd) => pack_command(cmd),
    };
    ExitCode::from(code)
}
