//! The command line: commands, their arguments and the values they accept (clap).

use super::*;

#[derive(Parser)]
#[command(name = "qagida", version, about = "Validate documents against declarative rule packs")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// `--as-of`: a date read by chrono's `NaiveDate::from_str` (clap's parser for `NaiveDate`), as
/// the WebAssembly module reads `asOf`, with a message that says the form expected.
pub(crate) fn as_of_date(s: &str) -> Result<NaiveDate, String> {
    s.parse::<NaiveDate>().map_err(|_| "not a valid YYYY-MM-DD date".to_string())
}

/// The pack a command validates with, as a deployment names it: `validate` reads it once,
/// `serve` at start and again on every reload.
#[derive(clap::Args)]
pub(crate) struct PackArgs {
    /// Rule pack directory, a stack file listing layers (`rules/default.toml`), or a
    /// compiled pack file (`qagida pack compile`). Default: the pack embedded at build time
    /// (the national pack and every regional layer). A layer (`extends = "…"`) loads the
    /// pack it extends from beside it.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// A deployment's overrides file: severities changed, rules silenced by ID.
    #[arg(long, value_name = "FILE")]
    overrides: Option<PathBuf>,
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
}

impl PackArgs {
    pub(crate) fn spec(self) -> qagida::deploy::PackSpec {
        qagida::deploy::PackSpec { rules: self.rules, overrides: self.overrides, pubkeys: self.pubkey, min_versions: self.min_version, pack_path: self.pack_path }
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Validate documents (JSON files, `-` for stdin, or NDJSON with --ndjson).
    Validate {
        #[command(flatten)]
        pack: PackArgs,
        /// Validate as of this date (default: each document's own date).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = as_of_date)]
        as_of: Option<NaiveDate>,
        /// Message language: a BCP 47 tag the pack has a language for (`kk`, `ru`, `en` for the
        /// national pack; `kk-KZ` finds `kk`). Default: the pack's own, `ru` for the national pack.
        #[arg(long, value_name = "TAG", value_parser = lang_tag)]
        lang: Option<Lang>,
        /// `submit`: the whole verdict. `draft`, for a document still being filled: absent
        /// fields are not reported and checks that read absent data wait (listed in the result's
        /// `skipped`); what is present and wrong is reported as in `submit`.
        #[arg(long, value_enum, default_value_t = ModeArg::Submit)]
        mode: ModeArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Inputs are NDJSON: one document per line, one result per line.
        #[arg(long)]
        ndjson: bool,
        /// Worker threads for --ndjson (default: one per CPU core; at most 4 per core and 256).
        #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
        jobs: usize,
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
        /// Language of the title and clause, a BCP 47 tag (default: the pack's own); the
        /// messages are shown in every language of the pack.
        #[arg(long, value_name = "TAG", value_parser = lang_tag)]
        lang: Option<Lang>,
    },
    /// Serve validation over HTTP (`POST /v1/validate`, `/v1/batch`, metrics, health, reload):
    /// see the README's "Service" section. Stops on SIGTERM/SIGINT after draining.
    Serve {
        /// Address to listen on (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        #[command(flatten)]
        pack: PackArgs,
        /// File whose first line is the bearer token of `POST /v1/admin/reload` (at least 16
        /// characters); without it that endpoint is disabled (SIGHUP still reloads).
        #[arg(long, value_name = "FILE")]
        admin_token_file: Option<PathBuf>,
        /// Write one NDJSON record per decision to FILE (appended) or `-` (standard output).
        /// Records hold no patient data (no IIN, no name; see the README).
        #[arg(long, value_name = "FILE|-")]
        decision_log: Option<PathBuf>,
        /// Largest body of /v1/validate and line of /v1/batch, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
        max_body_bytes: usize,
        /// A document of /v1/validate of at most BYTES is validated on the async executor's
        /// thread (tens of microseconds) instead of a blocking thread: less CPU per request
        /// and more requests/s, see BENCHMARKS.md. 0: every document on a blocking thread.
        #[arg(long, value_name = "BYTES", default_value_t = 4 << 10)]
        inline_max_bytes: usize,
        /// Seconds to produce a response's head; past it 408.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        request_timeout: u64,
        /// Documents validated at once (default: one per core).
        #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
        workers: usize,
        /// Requests validating or waiting for a worker; past it 503.
        #[arg(long, value_name = "N", default_value_t = 256)]
        max_in_flight: usize,
        /// Seconds given to requests in flight on SIGTERM/SIGINT before exiting.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        grace: u64,
        /// Log lines as JSON objects.
        #[arg(long)]
        log_json: bool,
        /// The least severe log lines written: error, warn, info, debug or trace.
        #[arg(long, value_name = "LEVEL", default_value = "info", value_parser = ["error", "warn", "info", "debug", "trace"])]
        log_level: String,
        /// Seconds a client has to send a request's head (from its first byte, or the end of
        /// the previous response on a kept-alive connection); past it the connection is closed.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        header_timeout: u64,
        /// Connections open at once; past it no more are accepted until one closes.
        #[arg(long, value_name = "N", default_value_t = 1024)]
        max_connections: usize,
    },
    /// Sign, verify and compile rule packs (signing: Ed25519, see docs/SIGNING.md).
    #[command(subcommand)]
    Pack(PackCommand),
}

#[derive(Subcommand)]
pub(crate) enum PackCommand {
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
        /// Only what validation reads: without the rules' test cases (`qagida test` then runs
        /// only the fixture checks) and the expressions' source text (read by `explain`). The
        /// npm package ships the default pack in this form.
        #[arg(long)]
        validation_only: bool,
    },
    /// Print the JSON Schema (draft 2020-12) of the pack's documents: every document type and
    /// record type, each field's JSON form, the model's labels in every language and its
    /// enumerations. The npm package ships it and generates the documents' TypeScript types from it.
    Schema {
        /// Pack directory, stack file or compiled pack (default: the embedded pack).
        dir: Option<PathBuf>,
        /// Language of the `description`s, a BCP 47 tag (default: the pack's own); the labels
        /// are given in every language of the pack besides.
        #[arg(long, value_name = "TAG", value_parser = lang_tag)]
        lang: Option<Lang>,
        /// Where to write it (default: standard output).
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

/// `--mode`: [`qagida::Mode`].
#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
pub(crate) enum ModeArg {
    Submit,
    Draft,
}

impl From<ModeArg> for qagida::Mode {
    fn from(m: ModeArg) -> qagida::Mode {
        match m {
            ModeArg::Submit => qagida::Mode::Submit,
            ModeArg::Draft => qagida::Mode::Draft,
        }
    }
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    /// One JSON result (pretty) for one file; one JSON line per file or NDJSON line otherwise.
    Json,
    /// Lines for a person to read; control characters in it are escaped (`\u001b`).
    Text,
}

/// `--lang`: a BCP 47 language tag; which of the pack's languages serves it is the pack's
/// choice ([`qagida::Pack::language`]).
pub(crate) fn lang_tag(s: &str) -> Result<Lang, String> {
    Lang::new(s).map_err(|e| e.to_string())
}
