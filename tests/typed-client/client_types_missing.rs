//! A handler type that does not implement `schemars::JsonSchema` is never declared as `any`:
//! `Registry::client_types` refuses, naming every such type, its API and where it is.

use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiError, Registry, mini_api};

#[derive(Deserialize)]
struct Undescribed {
    id: u64,
}

#[derive(Serialize)]
struct AlsoUndescribed {
    id: u64,
}

#[mini_api("takesUndescribed")]
async fn takes_undescribed(data: Undescribed) -> serde_json::Value {
    serde_json::json!({ "id": data.id })
}

#[mini_api("repliesUndescribed")]
fn replies_undescribed() -> Result<AlsoUndescribed, ApiError> {
    Ok(AlsoUndescribed { id: 1 })
}

#[mini_api("describedPing")]
fn described_ping() {}

#[test]
fn every_undescribed_type_is_named_with_its_api() {
    let registry = Registry::builder().build().expect("the registry builds");
    let error = registry
        .client_types()
        .expect_err("undescribed types are refused");
    assert_eq!(
        error.types().collect::<Vec<_>>(),
        [
            (
                "repliesUndescribed",
                "reply",
                "client_types_missing::AlsoUndescribed"
            ),
            (
                "takesUndescribed",
                "data",
                "client_types_missing::Undescribed"
            ),
        ]
    );
    let message = error.to_string();
    assert!(
        message.starts_with(
            "2 handler type(s) cannot be described to the mini program: derive `schemars::JsonSchema` for each"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "\n  - `takesUndescribed` (client_types_missing::takes_undescribed at tests/typed-client/client_types_missing.rs:"
        ),
        "{message}"
    );
    assert!(
        message.ends_with("the data type `client_types_missing::Undescribed`"),
        "{message}"
    );
}
