//! Handlers whose types cannot be described, under `typed-client-strict`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiError, Progress, mini_api};

/// Deserializable, but not described.
#[derive(Deserialize)]
pub struct Query {
    pub id: u64,
}

/// Serializable, but not described.
#[derive(Serialize)]
pub struct Thing {
    pub id: u64,
}

/// Described: fine.
#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Described {
    pub id: u64,
}

#[mini_api("undescribedData")]
pub async fn undescribed_data(query: Query) -> Described {
    Described { id: query.id }
}

#[mini_api("undescribedReply")]
pub fn undescribed_reply(query: Described) -> Result<Thing, ApiError> {
    Ok(Thing { id: query.id })
}

#[mini_api("described")]
pub fn described(query: Described) -> Option<Described> {
    Some(query)
}

#[mini_api("undescribedProgress")]
pub async fn undescribed_progress(progress: Progress<Thing>) {
    let _ = progress.send(Thing { id: 1 });
}

#[mini_api("undescribedFailBody", fail_body = Thing)]
pub async fn undescribed_fail_body() -> Result<(), ApiError> {
    Err(ApiError::new("declined").with_body(Thing { id: 1 }))
}
