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
    /// The build's error; `None` when the build function panicked. Kept rather than its
    /// problems' lines, which only the Android bridge reads: a C library does not format them.
    error: Option<BuildError>,
}

impl BuildFailure {
    /// The message, every problem included.
    pub fn as_str(&self) -> &str {
        &self.message
    }

    /// Each problem, as one line.
    pub fn problems(&self) -> Vec<String> {
        match &self.error {
            Some(error) => error.problems().iter().map(ToString::to_string).collect(),
            None => vec!["the build function panicked".to_owned()],
        }
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
            // `format!`, not `ToString`: `BuildError`'s `to_string` is code of its own (272 bytes
            // more of a phone's library), `format!` the library's one formatting into a `String`.
            message: format!("{error}"),
            error: Some(error),
        }),
        Err(_) => {
            let message = "cannot build the mini API registry: the build function panicked";
            Err(BuildFailure {
                message: message.to_owned(),
                error: None,
            })
        }
    }
}
