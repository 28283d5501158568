//! The generated `tcmpp-custom-config.json` lists exactly the registered APIs, in the SDK's
//! shape, with `sync` true exactly for plain-`fn` handlers.

use serde_json::{Value, json};
use tcmpp_core::registry::HandlerKind;
use tcmpp_core::{Registry, mini_api};
// Handlers of a second crate belong in the config too.
use tcmpp_test_handlers as _;

#[mini_api("configAsync")]
async fn config_async() {}

#[mini_api("configSync")]
fn config_sync() {}

#[test]
fn the_config_has_the_sdk_shape_and_mirrors_the_registry() {
    let registry = Registry::builder().build().expect("the registry builds");
    let text = registry.custom_config_json();
    let config: Value = serde_json::from_str(&text).expect("the config is JSON");
    assert_eq!(config, registry.custom_config());
    // The text keeps the SDK documentation's key order.
    assert!(
        text.starts_with("{\n  \"extApi\": [\n    {\n      \"name\": "),
        "{text}"
    );
    let (sync, params) = (
        text.find("\"sync\"").unwrap(),
        text.find("\"params\"").unwrap(),
    );
    assert!(sync < params, "{text}");

    let object = config.as_object().expect("the config is an object");
    assert_eq!(object.keys().collect::<Vec<_>>(), ["extApi"]);
    let entries = config["extApi"].as_array().expect("extApi is an array");
    assert_eq!(entries.len(), registry.len());
    for (entry, api) in entries.iter().zip(registry.apis()) {
        let expected = json!({
            "name": api.name,
            "sync": api.kind == HandlerKind::Plain,
            "params": { "data": "" },
        });
        assert_eq!(entry, &expected);
    }

    let find = |name: &str| entries.iter().find(|entry| entry["name"] == name).cloned();
    assert_eq!(find("configAsync").unwrap()["sync"], false);
    assert_eq!(find("configSync").unwrap()["sync"], true);
    assert_eq!(find("linkedEcho").unwrap()["sync"], false);
    assert_eq!(find("linkedPing").unwrap()["sync"], true);
}
