//! The registry the exported functions serve: built once, lazily, by the function
//! `export_c_abi!` names, with a build error kept as text for every call to carry.

use std::panic;

use tcmpp_core::{BuildError, Registry};

/// The lazily built registry, or why it could not be built.
pub type Built = Result<Registry, String>;

/// The registry `export_c_abi!()` builds by default.
pub fn default_registry() -> Result<Registry, BuildError> {
    Registry::builder().build()
}

/// Runs the user's build function; a panic is a build error, not an abort.
pub fn build(build: fn() -> Result<Registry, BuildError>) -> Built {
    match panic::catch_unwind(build) {
        Ok(Ok(registry)) => Ok(registry),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("cannot build the mini API registry: the build function panicked".into()),
    }
}
