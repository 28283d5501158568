//! Registers `sameName`, which `tests/registry/duplicates.rs` registers too. Within one crate that is a
//! compile error; across crates only the registry can see it.

use tcmpp_core::mini_api;

/// The second `sameName`.
#[mini_api("sameName")]
pub async fn two() {}

/// The second handler of method `connect` of `sameWallet`, which `tests/registry/duplicates.rs` also
/// registers.
#[mini_api("sameWallet", method = "connect")]
pub fn connect_again() {}
