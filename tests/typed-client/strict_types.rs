//! Under tcmpp-core's `typed-client-strict` feature, a handler type that cannot be described to
//! the mini program is a compile error at the handler, on the type.
//!
//! A trybuild case cannot show it: trybuild builds its cases with the features its package's
//! manifest gives, and no member of the workspace can turn the feature on (features unify across members, so every
//! handler of every test would have to derive `JsonSchema`). The case is a crate of its own,
//! outside the workspace (`strict-types/`), checked with `cargo check` into
//! `target/strict-types`; its errors must be `strict-types/expected.stderr`, as trybuild
//! compares them. Regenerate that file with `TRYBUILD=overwrite` after a toolchain update or a
//! change of message, and review its diff.

use std::path::Path;
use std::process::Command;

#[test]
fn an_undescribed_type_is_a_compile_error_at_the_handler() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("strict-types");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory has a parent")
        .join("strict-types");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .arg("check")
        .arg("--manifest-path")
        .arg(fixture.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .args(["--locked", "--quiet", "--color", "never"])
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTC_WRAPPER")
        .output()
        .expect("cargo runs");
    assert!(
        !output.status.success(),
        "the fixture compiled under typed-client-strict"
    );
    let actual = normalize(&String::from_utf8_lossy(&output.stderr));
    let expected_path = fixture.join("expected.stderr");
    if std::env::var_os("TRYBUILD").is_some_and(|mode| mode == "overwrite") {
        std::fs::write(&expected_path, &actual).expect("expected.stderr is written");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        actual == expected,
        "the errors differ from {}:\n--- expected\n{expected}\n--- actual\n{actual}",
        expected_path.display()
    );
}

/// The compiler's errors without what depends on the machine: the file it writes long type
/// names into, and cargo's own lines.
fn normalize(stderr: &str) -> String {
    let mut text = String::new();
    for line in stderr.lines() {
        if line.contains(".long-type-")
            || line.contains("consider using `--verbose`")
            || line.starts_with("error: could not compile")
        {
            continue;
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
