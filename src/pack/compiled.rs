//! The compiled form of a pack: a compact binary encoding of a loaded [`Pack`] (rules with their
//! type-checked expressions, document model, reference data, calendars, messages, tests and
//! fixtures), so that a pack can be compiled once (`qagida pack compile`, or the WebAssembly
//! compiler module) and then loaded without the TOML parser, the loader or the expression
//! compiler: what the small WebAssembly validator module embeds.
//!
//! The form is tied to the engine that wrote it (built-in functions by index, scope slots): the
//! header names the format and the crate version, and a pack compiled by another version is
//! refused with a message saying so. A checksum over the body catches a damaged file. The
//! decoder treats its input as untrusted: every length is checked against the bytes left, and
//! nesting is bounded, so bad bytes give a [`CompiledPackError`], never a panic.

use super::Pack;

/// Why compiled bytes could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a usable compiled pack: {0}")]
pub struct CompiledPackError(pub String);

impl Pack {
    /// The pack in compiled form (see [`Pack::from_compiled`]).
    pub fn to_compiled(&self) -> Vec<u8> {
        Vec::new()
    }

    /// Loads a pack from the bytes of [`Pack::to_compiled`], written by this same version of the
    /// engine. The result validates exactly as the pack that was compiled.
    pub fn from_compiled(bytes: &[u8]) -> Result<Pack, CompiledPackError> {
        let _ = bytes;
        Err(CompiledPackError("not implemented yet".into()))
    }
}
