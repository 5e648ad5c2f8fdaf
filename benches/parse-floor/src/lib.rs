//! Empty: the crate exists for its bench (`benches/parse.rs`), which needs serde_json with its
//! default features, out of qagida's dependency graph.
