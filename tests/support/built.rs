//! What the tests that drive a host in another language share: where cargo put the libraries
//! they load, and what a missing tool does (fails under CI, skips elsewhere, saying why).

#![allow(dead_code)]

use std::path::PathBuf;

/// `target/<profile>/deps/`, where cargo puts the test executables and the host libraries
/// built as dev-dependencies.
pub(crate) fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its executable");
    exe.parent()
        .expect("the executable is in a directory")
        .to_path_buf()
}

/// A host library cargo built as a dev-dependency of tcmpp-tests, which must be there.
pub(crate) fn built_library(file_name: &str) -> PathBuf {
    let path = deps_dir().join(file_name);
    assert!(
        path.exists(),
        "{} is missing: cargo builds it as a dev-dependency of tcmpp-tests",
        path.display()
    );
    path
}

/// Whether a missing tool fails the run (`CI=true` or `CI=1`) rather than skipping it.
pub(crate) fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true" || ci == "1")
}

/// `check` cannot run for want of `what`: a failure under CI; elsewhere, said and skipped.
pub(crate) fn tool_missing(check: &str, what: &str) {
    assert!(!under_ci(), "{check} needs {what} (CI=true: not skipped)");
    println!("skipping {check}: {what}");
}
