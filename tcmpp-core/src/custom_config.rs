//! The SDK's `tcmpp-custom-config.json`, generated from the registry.
//!
//! Besides `wx.invokeNativePlugin({ api_name, … })`, the SDK lets mini programs call a custom
//! API as `wx.<name>(…)` when the API is listed in `tcmpp-custom-config.json`:
//! `{"extApi":[{"name":"test","sync":false,"params":{"data":""}}]}`. Generating the file from
//! the registry means it lists exactly the handlers the binary links, and marks exactly the
//! plain-`fn` handlers `sync`.

use serde_json::{Map, Value, json};

use crate::registry::{HandlerKind, Registry};

impl Registry {
    /// The SDK configuration that exposes every registered API as `wx.<name>(…)`: one `extApi`
    /// entry per API, sorted by name, `sync` for plain-`fn` handlers, taking a `data` parameter.
    ///
    /// ```
    /// use tcmpp_core::{mini_api, Registry};
    ///
    /// #[mini_api("configPing")]
    /// fn config_ping() {}
    ///
    /// let registry = Registry::builder().build()?;
    /// let config = registry.custom_config();
    /// let entry = config["extApi"]
    ///     .as_array()
    ///     .unwrap()
    ///     .iter()
    ///     .find(|entry| entry["name"] == "configPing")
    ///     .unwrap();
    /// assert_eq!(entry, &serde_json::json!({ "name": "configPing", "sync": true, "params": { "data": "" } }));
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    pub fn custom_config(&self) -> Value {
        let ext_api: Vec<Value> = self
            .apis()
            .map(|api| {
                json!({
                    "name": api.name,
                    "sync": api.kind == HandlerKind::Sync,
                    // The SDK forwards the listed parameters; every handler reads `data`.
                    "params": { "data": "" },
                })
            })
            .collect();
        let mut config = Map::new();
        config.insert("extApi".to_owned(), Value::Array(ext_api));
        Value::Object(config)
    }

    /// [`custom_config`](Self::custom_config) as pretty-printed JSON text, ready to save as
    /// `tcmpp-custom-config.json`.
    pub fn custom_config_json(&self) -> String {
        // Serializing a `Value` cannot fail.
        serde_json::to_string_pretty(&self.custom_config()).unwrap_or_default()
    }
}
