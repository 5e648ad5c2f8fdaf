//! qagida — a compliance validator driven by declarative rule packs.
#![forbid(unsafe_code)]

pub mod expr;
pub mod formats;
pub mod types;
pub mod value;
