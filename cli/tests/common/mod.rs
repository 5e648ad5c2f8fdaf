//! What the CLI's test files share: the repository root and the binary under test.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (examples/, rules/).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The `qagida` binary, run from `dir`.
pub fn qagida_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("qagida").unwrap();
    c.current_dir(dir);
    c
}

/// The `qagida` binary, run from the repository root.
pub fn qagida() -> Command {
    qagida_in(&root())
}
