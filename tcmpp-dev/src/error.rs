//! Why a dev server could not start.

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// Why [`bind`](crate::bind) or [`serve`](crate::serve) failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum DevError {
    /// The address is not loopback and [`DevOptions::allow_non_loopback`] was not set.
    ///
    /// [`DevOptions::allow_non_loopback`]: crate::DevOptions::allow_non_loopback
    NotLoopback(SocketAddr),
    /// The address could not be bound (in use, say).
    Bind(SocketAddr, io::Error),
    /// A profile's name is empty, given twice, or not text a header can carry.
    Profile(String),
    /// The token given is too short or not printable ASCII, or no random token could be made.
    Token(String),
    /// The server stopped with an I/O error.
    Serve(io::Error),
}

impl fmt::Display for DevError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DevError::NotLoopback(addr) => write!(
                f,
                "the dev server listens on loopback only, and {addr} is not: use 127.0.0.1 or [::1], or call DevOptions::allow_non_loopback(true) to expose the handlers to the network on purpose"
            ),
            DevError::Bind(addr, error) => write!(
                f,
                "cannot listen on {addr}: {error} (another dev server running? choose another port with DevOptions::port)"
            ),
            DevError::Profile(why) => write!(f, "bad dev profile: {why}"),
            DevError::Token(why) => write!(f, "bad dev token: {why}"),
            DevError::Serve(error) => write!(f, "the dev server stopped: {error}"),
        }
    }
}

impl std::error::Error for DevError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DevError::Bind(_, error) | DevError::Serve(error) => Some(error),
            _ => None,
        }
    }
}
