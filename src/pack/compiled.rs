//! The compiled form of a pack: a compact binary encoding of a loaded [`Pack`] (rules with their
//! type-checked expressions, document model, reference data, calendars, messages, tests and
//! fixtures), so that a pack can be compiled once (`qagida pack compile`, or the WebAssembly
//! compiler module) and then loaded without the TOML parser, the loader or the expression
//! compiler: the only form the small WebAssembly validator module reads (the npm package ships
//! the default pack so, `packs/default.qpack`).
//!
//! The body is the `Pack` written with postcard through the model's serde derives (expression
//! trees flat, in post-order: `expr::flat`; record types numbered: `types::record_table`).
//! The form is tied to the engine that wrote it (scope slots, the meaning of each node): the
//! header names the format, the crate version and a fingerprint of the sources behind the form,
//! and a pack compiled by another engine is refused with a message saying so. A checksum over
//! the body catches a damaged file. The decoder treats its input as untrusted: postcard checks
//! every length against the bytes left, the reader has no recursion a damaged file can deepen
//! past a bound, and decoded slots are bounded, so bad bytes give a [`CompiledPackError`], never
//! a panic.

use std::cell::Cell;

use serde::{Deserialize, Serialize, Serializer};

use super::load::MAX_LANGUAGES;
use super::{Pack, RuleTest, SysMsg, index_rules};
use crate::expr::MAX_SLOT;

/// Why compiled bytes could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a usable compiled pack: {0}")]
pub struct CompiledPackError(pub String);

/// The first bytes of every compiled pack.
pub const MAGIC: &[u8; 8] = b"QAGIDAPK";
/// The layout of the body; raised with every change to it (or to what its parts mean).
/// 2: postcard through serde derives (1 was the hand-written codec); 3: JSON values as their
/// tokens (`document::wire`, was their text), the checksum over 64-bit words (was FNV-1a a byte at
/// a time); 4: the document model's labels (`Pack::labels`), `{field}` in messages, the plain TYPE
/// messages.
pub const FORMAT: u64 = 4;
/// The engine a compiled pack must have been written by: the crate version, and a fingerprint of
/// the sources that define the compiled form (`build.rs`), so that a build from other sources
/// refuses it even under the same version number.
const ENGINE: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("QAGIDA_COMPILED_FINGERPRINT"));

/// A checksum against damage in transit, not a signature: FNV-1a's step (xor, multiply by its
/// prime) over the body's 64-bit little-endian words, rotated so that every bit reaches every
/// other, then over the last bytes one by one. FNV-1a a byte at a time took 2.0 M instructions
/// of the 21 M a read of the default pack took (callgrind); this takes a quarter of a byte's
/// steps per byte, and 233 fewer bytes of the validator module (gzipped) than `xxhash-rust`'s
/// XXH64, which the module's size target could not spare.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut words = bytes.chunks_exact(8);
    let h = words.by_ref().fold(OFFSET, |h, w| {
        let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
        (h ^ w).wrapping_mul(PRIME).rotate_left(29)
    });
    words.remainder().iter().fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// What a compiled pack may leave out. The default keeps everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileOptions {
    /// The rules' own test cases (`[[rule.test]]`), which only `qagida test` and
    /// `run_pack_tests` read. Without them a pack validates the same.
    pub tests: bool,
    /// The source text of each check's expressions, which only `qagida explain` shows.
    pub sources: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions { tests: true, sources: true }
    }
}

impl CompileOptions {
    /// Only what validation reads: no tests, no sources. What the npm package ships beside the
    /// WebAssembly validator module (`qagida pack compile --validation-only`).
    pub const VALIDATION_ONLY: CompileOptions = CompileOptions { tests: false, sources: false };
}

thread_local! {
    /// The options of the pack being written ([`fuzzing::body`]).
    static WRITING: Cell<CompileOptions> = const { Cell::new(CompileOptions { tests: true, sources: true }) };
}

/// `Rule::tests` as written: none unless the options keep them.
pub(super) fn tests_kept<S: Serializer>(tests: &[RuleTest], s: S) -> Result<S::Ok, S::Error> {
    let keep = if WRITING.get().tests { tests } else { &[] };
    keep.serialize(s)
}

/// `Check::source` as written: none unless the options keep them.
pub(super) fn sources_kept<S: Serializer>(source: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    let keep = if WRITING.get().sources { source } else { &[] };
    keep.serialize(s)
}

impl Pack {
    /// The pack in compiled form, all of it: `MAGIC`, the format number and engine version, a
    /// checksum of the body, then the body. See [`Pack::from_compiled`].
    pub fn to_compiled(&self) -> Vec<u8> {
        self.to_compiled_with(CompileOptions::default())
    }

    /// The pack in compiled form, leaving out what `options` says.
    pub fn to_compiled_with(&self, options: CompileOptions) -> Vec<u8> {
        let body = fuzzing::body(self, options);
        let mut out = MAGIC.to_vec();
        // The format as LEB128, the engine as its length and UTF-8 bytes.
        out = postcard::to_extend(&(FORMAT, ENGINE), out).unwrap_or_default();
        out.extend_from_slice(&checksum(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Loads a pack from the bytes of [`Pack::to_compiled`], written by this same version of the
    /// engine. The result validates exactly as the pack that was compiled.
    pub fn from_compiled(bytes: &[u8]) -> Result<Pack, CompiledPackError> {
        if !bytes.starts_with(MAGIC) {
            return Err(CompiledPackError("it does not start as a compiled qagida pack does".into()));
        }
        let (format, engine, rest) = match postcard::take_from_bytes::<(u64, &str)>(bytes.get(MAGIC.len()..).unwrap_or_default()) {
            Ok(((format, engine), rest)) => (format, engine, rest),
            Err(e) => return Err(CompiledPackError(format!("its header does not read: {e}"))),
        };
        if format != FORMAT || engine != ENGINE {
            return Err(CompiledPackError(format!(
                "it was compiled by qagida {engine} (format {format}); this is qagida {ENGINE} (format {FORMAT}): compile the pack again with this version"
            )));
        }
        let Some((sum, body)) = rest.split_first_chunk::<8>() else {
            return Err(CompiledPackError("it ends inside its header".into()));
        };
        if *sum != checksum(body).to_le_bytes() {
            return Err(CompiledPackError("it is damaged (its checksum does not match)".into()));
        }
        fuzzing::from_body(body)
    }
}

/// Entry points for the fuzzer (`fuzz/fuzz_targets/compiled_pack.rs`): the body of a compiled
/// pack without its header and checksum, so that mutated bytes reach the decoder.
#[doc(hidden)]
pub mod fuzzing {
    use super::*;

    /// The body [`Pack::to_compiled_with`] writes after the header.
    pub fn body(pack: &Pack, options: CompileOptions) -> Vec<u8> {
        let outer = WRITING.replace(options);
        let body = crate::types::record_table(|| postcard::to_allocvec(pack));
        WRITING.set(outer);
        // Writing to memory fails only on a sequence of unknown length, which the pack has not.
        body.unwrap_or_default()
    }

    /// Decodes a body as [`Pack::from_compiled`] does after checking the header and checksum.
    pub fn from_body(body: &[u8]) -> Result<Pack, CompiledPackError> {
        let _ = crate::wire::take_problem();
        let mut de = postcard::Deserializer::from_bytes(body);
        let read = crate::types::record_table(|| crate::expr::shared_names(|| Pack::deserialize(&mut de)));
        let problem = crate::wire::take_problem();
        let rest = de.finalize().unwrap_or_default();
        let at = body.len() - rest.len();
        let mut pack = match read {
            Ok(pack) => pack,
            Err(e) => return Err(CompiledPackError(format!("at byte {at}: {}", problem.unwrap_or_else(|| e.to_string())))),
        };
        if !rest.is_empty() {
            return Err(CompiledPackError(format!("at byte {at}: data after the end of the pack")));
        }
        check(&pack).map_err(|e| CompiledPackError(format!("at byte {at}: {e}")))?;
        pack.rules_by_doc = index_rules(&pack.rules);
        Ok(pack)
    }
}

/// What the derives cannot say of a decoded pack: every check's slots within [`MAX_SLOT`] (the
/// expressions' own are checked as they are read), a default language among at most
/// [`MAX_LANGUAGES`], one message per [`SysMsg`], calendar days that can be dates.
fn check(p: &Pack) -> Result<(), String> {
    for c in p.rules.iter().flat_map(|r| &r.checks) {
        let slots = c.item_slot.iter().chain(&c.elem_slot).chain(c.lets.iter().map(|(_, s, _)| s));
        if let Some(s) = slots.into_iter().find(|s| **s > MAX_SLOT) {
            return Err(format!("slot {s} is out of range (at most {MAX_SLOT})"));
        }
    }
    if p.languages.len() > MAX_LANGUAGES || usize::from(p.default_language.0) >= p.languages.len() {
        return Err(format!("default language {} of {} languages (at most {MAX_LANGUAGES})", p.default_language.0, p.languages.len()));
    }
    if p.messages.0.len() != SysMsg::ALL.len() {
        return Err(format!("{} engine messages, not {}", p.messages.0.len(), SysMsg::ALL.len()));
    }
    for c in &p.calendars {
        if let Some(f) = c.fixed.iter().find(|f| !(1..=12).contains(&f.month) || !(1..=31).contains(&f.day)) {
            return Err(format!("calendar {}: {}-{} is not a month and day", c.name, f.month, f.day));
        }
    }
    Ok(())
}
