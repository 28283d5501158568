//! Which way this build reads numbers: Cargo unifies features, so any crate of a host may turn
//! on `serde_json`'s `arbitrary_precision`, and `.ci/run` runs the tests with it on too. A test
//! whose assertion depends on the reading asks here and asserts each build's own.

/// Whether this build reads numbers with `arbitrary_precision`: only then does a `Value` hold a
/// number no `f64` holds.
pub(crate) fn arbitrary_precision() -> bool {
    serde_json::from_str::<serde_json::Value>("1e400").is_ok()
}
