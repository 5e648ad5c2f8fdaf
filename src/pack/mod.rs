//! Loading and compiling a rule pack: manifest, document model, reference data, rules.
//!
//! A loaded [`Pack`] is immutable and `Send + Sync`: compile once, validate many.
//!
//! `model` is what a pack holds; `load` reads a pack's files into it (`load/sources` where the
//! files come from, `doc_types`, `data`, `rules` the parts); `compiled` writes and reads the
//! binary form; `dir` reads directories within caps; `raw` (serde derive with spans) and `convert` read the TOML;
//! `template` the messages; `labels` the document model's labels; `pointer` the JSON Pointers.

pub mod compiled;
#[cfg(test)]
mod compiled_tests;
mod convert;
mod dir;
mod labels;
mod load;
mod model;
mod plan;
mod pointer;
mod raw;
#[cfg(test)]
mod raw_tests;
mod template;

pub use convert::{toml_date, toml_to_json};
pub use dir::{
    MAX_LAYERS, MAX_PACK_BYTES, MAX_PACK_ENTRIES, MAX_PACK_FILE_BYTES, MAX_PACK_ID_LEN, is_pack_id, pack_id_problem, read_dir_files,
    read_file_capped,
};
pub(crate) use dir::{in_dirs, layer_chain, layer_names, manifest_str, rel_path};
pub use raw::{Error as TomlError, Table as TomlTable, Value as TomlValue, calendar_from_toml};
pub use template::{Seg, Template};

pub use labels::{Enumeration, Labels};
pub use load::{parse_offset, stack_layers};
pub use model::*;
pub(crate) use plan::{CheckPlan, Group};
pub use pointer::{Pointer, array_index, pointer_tokens, resolve_pointer, unescape_token};
