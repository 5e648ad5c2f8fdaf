//! Generic format checks used as built-in functions of the check language
//! (docs/RULES.md §5): IIN/BIN check digits, ICD-10 shape and ranges, and the
//! normalisation used to compare drug names written in Kazakh, Russian or Latin.
//!
//! Every function here is total: it accepts any Unicode input and never panics
//! (no unchecked indexing, no `unwrap`), because a panic inside the WASM build
//! traps the whole module.

mod icd10;
mod iin;
mod names;
#[cfg(test)]
mod tests;

pub use icd10::{icd10_in, icd10_valid};
pub use iin::{bin_valid, iin_birth_date, iin_valid};
pub use names::norm_name;
