//! # qagida — compliance validation from declarative rule packs
//!
//! qagida checks JSON documents (MDT conclusions, prescriptions, dispensings, personalised
//! needs, stock reports, reconciliation acts, monitoring reports) against a **rule pack**: a
//! directory of TOML files in which regulators write every rule, deadline, cap and list. The
//! engine itself knows nothing of any particular regulation.
//!
//! A [`Pack`] is loaded and compiled once (expressions parsed and type-checked against the
//! pack's document model), then validates any number of documents; it is immutable and
//! `Send + Sync`, so one pack serves every thread of a server.
//!
//! ```
//! use qagida::{Options, Pack};
//!
//! let pack = Pack::embedded()?; // or Pack::load_dir("rules/kz-orphan")?
//! let doc = serde_json::json!({
//!     "document_type": "mdt_conclusion",
//!     "id": "MDT-1",
//!     "date": "2026-04-02",
//!     "single_dose": {"amount": "0", "unit": "U"}
//! });
//! let result = pack.validate(&doc, &Options { lang: Some("en".into()), ..Options::default() })?;
//! assert!(!result.valid);
//! for f in &result.findings {
//!     println!("{} {} at {}: {}", f.severity.as_str(), f.rule_id, f.path, f.message);
//! }
//! // Every finding names its rule, the clause of the act, a JSON Pointer and the values.
//! assert!(result.findings.iter().any(|f| f.rule_id == "MDT-03" && f.path == "/single_dose/amount"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Raw bytes (a request body, a line of NDJSON) go through [`Pack::validate_bytes`], which
//! turns non-JSON, oversized or absurdly nested input into an [`InputError`] instead of a
//! panic. A pack that does not load gives a [`PackError`] listing `file:line:col: message`
//! for every problem.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod calendar;
pub mod deploy;
mod wire;
pub mod document;
pub mod engine;
pub mod error;
pub mod explain;
pub mod schema;
pub mod expr;
pub mod formats;
pub mod pack;
pub mod signing;
pub mod testing;
pub mod types;
pub mod value;
#[cfg(test)]
mod test_rng;

pub use engine::{Finding, Mode, Options, PackRef, PackUsed, Skipped, ValidationResult};
pub use error::{Diagnostic, InputError, PackError};
pub use pack::compiled::{CompileOptions, CompiledPackError};
pub use pack::{Files, Lang, Pack, Rule, Severity};
pub use signing::{SignatureError, Verified, VerifiedLoadError};
