//! Compile-time behaviour of `#[mini_api]`: what it accepts (`ui/pass`) and what it refuses,
//! with the exact diagnostics (`ui/fail/*.stderr`).
//!
//! The snapshots depend on the compiler version. To regenerate them after a toolchain update,
//! run `TRYBUILD=overwrite cargo test -p tcmpp-tests --test ui` and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
