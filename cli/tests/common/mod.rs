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

/// Copies a directory tree (a pack, to sign or tamper with).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// A finished command's standard error, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
