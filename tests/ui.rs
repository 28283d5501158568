//! Compile-time behaviour of `#[mini_api]`: what it accepts (`ui/pass`) and what it refuses,
//! with the exact diagnostics (`ui/fail/*.stderr`).
//!
//! One file per case: `ui/fail/<area>_<mistake>.rs` (areas: `attr`, `item`, `param`, `return`,
//! `async`, `duplicate`, `middleware`, `removed` for a method an earlier release had) with its `.stderr`, and `ui/pass/<forms>.rs`, which also
//! run, so they assert what the handlers reply. A new diagnostic needs a fail case whose first
//! error points into the case's own file, at the offending token, and says what to do; a new
//! supported form needs a pass case, so that no diagnostic forbids it.
//!
//! The snapshots depend on the compiler version. To regenerate them after a toolchain update or a
//! change of message, run `TRYBUILD=overwrite cargo test -p tcmpp-tests --test ui` and review
//! the diff of `tests/ui/fail/*.stderr` like code: no first error outside `tests/ui/`, no
//! `__private`, no new follow-on errors.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
