//! The expansion stays quiet under strict rustc lints that applications turn on (trybuild runs
//! rustc, not clippy).

#![forbid(unsafe_code)]
#![deny(
    warnings,
    missing_docs,
    unreachable_pub,
    unused,
    unused_qualifications,
    unused_results,
    nonstandard_style,
    rust_2018_idioms
)]

use serde::{Deserialize, Serialize};
use tcmpp_core::{mini_api, ApiError, AppInfo, State};

/// Data.
#[derive(Deserialize)]
pub struct Query {
    /// An id.
    pub id: u64,
}

/// Reply.
#[derive(Serialize)]
pub struct Found {
    /// The id.
    pub id: u64,
}

/// Shared state.
pub struct Db;

/// A documented public handler.
#[mini_api("strictAsync")]
pub async fn strict_async(query: Query, _app: Option<AppInfo>, _db: State<Db>) -> Result<Found, ApiError> {
    Ok(Found { id: query.id })
}

/// A documented public sync handler.
#[mini_api("strict_sync$")]
#[must_use]
pub fn strict_sync(query: Query) -> Found {
    Found { id: query.id }
}

fn main() {}
