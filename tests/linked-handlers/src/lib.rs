//! Handlers that live in a crate of their own. A binary registers them only when it links this
//! crate, which it does only when it references it: `use tcmpp_test_handlers as _;`.

use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiError, mini_api};

/// The data of `linkedEcho`.
#[derive(Deserialize)]
pub struct Echo {
    /// Echoed back.
    pub text: String,
}

/// The result of `linkedEcho`.
#[derive(Serialize)]
pub struct Echoed {
    /// The text, upper-cased.
    pub echoed: String,
    /// Which crate answered.
    pub from: &'static str,
}

/// Answers from the second crate.
#[mini_api("linkedEcho")]
pub async fn linked_echo(echo: Echo) -> Result<Echoed, ApiError> {
    Ok(Echoed {
        echoed: echo.text.to_uppercase(),
        from: env!("CARGO_PKG_NAME"),
    })
}

/// A plain `fn` handler in the second crate.
#[mini_api("linkedPing")]
pub fn linked_ping() {}
