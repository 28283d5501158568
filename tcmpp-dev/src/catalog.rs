//! `GET /api/apis`: what the registry serves, for the page to build its forms from: every API
//! and method, the profiles, and, with `typed-client`, the JSON Schema and the TypeScript
//! declarations the registry generates.

use serde_json::{Value, json};
use tcmpp_core::Registry;
use tcmpp_core::registry::HandlerKind;

use crate::profile::Profile;

/// The catalog as JSON text, made once when the server binds.
pub(crate) fn catalog(registry: &Registry, profiles: &[Profile]) -> String {
    let mut apis: Vec<Value> = registry
        .apis()
        .map(|api| {
            json!({
                "name": api.name,
                "method": api.method,
                "methodKey": api.method_key,
                // A plain `fn` answers `sync: true` calls; anything else is awaited.
                "kind": if api.kind == HandlerKind::Plain { "sync" } else { "async" },
                "restricted": api.restricted,
                "timeoutMs": api.timeout.map(|t| u64::try_from(t.as_millis()).unwrap_or(u64::MAX)),
                "location": api.location.to_string(),
                "rustPath": api.rust_path,
            })
        })
        .collect();
    // The registry lists in no particular order; the page lists by name, then method.
    apis.sort_by(|a, b| {
        (a["name"].as_str(), a["method"].as_str()).cmp(&(b["name"].as_str(), b["method"].as_str()))
    });
    let (schema, declarations, schema_error) = described(registry);
    json!({
        "apis": apis,
        "profiles": profiles,
        "schema": schema,
        "declarations": declarations,
        "schemaError": schema_error,
    })
    .to_string()
}

#[cfg(feature = "typed-client")]
fn described(registry: &Registry) -> (Value, Value, Value) {
    match registry.client_types() {
        Ok(types) => (
            serde_json::from_str(types.json_schema()).unwrap_or(Value::Null),
            Value::String(types.declarations().to_owned()),
            Value::Null,
        ),
        // The page falls back to raw JSON, and says why.
        Err(error) => (Value::Null, Value::Null, Value::String(error.to_string())),
    }
}

#[cfg(not(feature = "typed-client"))]
fn described(_: &Registry) -> (Value, Value, Value) {
    let why = "tcmpp-dev was built without its `typed-client` feature: no schemas, raw JSON only";
    (Value::Null, Value::Null, Value::String(why.to_owned()))
}
