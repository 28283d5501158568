//! The Rust files of `tcmpp-core/src`, for the tests that read its layout.

use std::path::{Path, PathBuf};

/// The source tree of `tcmpp-core`.
pub(crate) fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .join("tcmpp-core/src")
}

/// Every `.rs` file below `dir`, into `found`.
pub(crate) fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("tcmpp-core/src can be read") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}
