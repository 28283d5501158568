//! The registry the exported functions serve: built once, lazily, by the function
//! `export_c_abi!` names, with a build error kept as text for every call to carry.

use std::panic;

use tcmpp_core::{BuildError, Registry};

/// The lazily built registry, or why it could not be built.
pub type Built = Result<Registry, BuildFailure>;

/// Why the registry could not be built: the whole message, and each problem on its own (the
/// Android bridge throws them as a list).
#[derive(Clone, Debug)]
pub struct BuildFailure {
    /// The message, every problem included.
    pub message: String,
    /// Each problem, as one line.
    pub problems: Vec<String>,
}

impl BuildFailure {
    /// The message, every problem included.
    pub fn as_str(&self) -> &str {
        &self.message
    }
}

/// The registry `export_c_abi!()` builds by default.
pub fn default_registry() -> Result<Registry, BuildError> {
    Registry::builder().build()
}

/// Runs the user's build function; a panic is a build error, not an abort.
pub fn build(build: fn() -> Result<Registry, BuildError>) -> Built {
    match panic::catch_unwind(build) {
        Ok(Ok(registry)) => Ok(registry),
        Ok(Err(error)) => Err(BuildFailure {
            message: error.to_string(),
            problems: error.problems().iter().map(ToString::to_string).collect(),
        }),
        Err(_) => {
            let message = "cannot build the mini API registry: the build function panicked";
            Err(BuildFailure {
                message: message.to_owned(),
                problems: vec!["the build function panicked".to_owned()],
            })
        }
    }
}
