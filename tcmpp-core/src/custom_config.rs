//! The SDK's `tcmpp-custom-config.json`, generated from the registry.
//!
//! Besides `wx.invokeNativePlugin({ api_name, … })`, the SDK lets mini programs call a custom
//! API as `wx.<name>(…)` when the API is listed in `tcmpp-custom-config.json`:
//! `{"extApi":[{"name":"test","sync":false,"params":{"data":""}}]}`. Generating the file from
//! the registry means it lists exactly the handlers the binary links, and marks exactly the
//! plain-`fn` handlers `sync`.

use serde::Serialize;
use serde_json::Value;

use crate::handler::HandlerKind;
use crate::registry::Registry;

/// The file's shape; a struct rather than a `Value` so that keys keep the SDK documentation's
/// order (`name`, `sync`, `params`) in the text.
#[derive(Serialize)]
struct CustomConfig {
    #[serde(rename = "extApi")]
    ext_api: Vec<ExtApi>,
}

#[derive(Serialize)]
struct ExtApi {
    name: &'static str,
    sync: bool,
    params: Params,
}

/// The parameters the SDK forwards from `wx.<name>(…)`: every handler reads `data`.
#[derive(Serialize)]
struct Params {
    data: &'static str,
}

impl Registry {
    /// The SDK configuration that exposes every registered API as `wx.<name>(…)`: one `extApi`
    /// entry per API, sorted by name, `sync` for plain-`fn` handlers, taking a `data` parameter.
    ///
    /// A multiplexed API is listed once, under its name. It is `sync` only when every one of
    /// its methods is a plain `fn`: when some are `async fn`, `wx.<name>(…)` is asynchronous
    /// for all of them, and plain-`fn` methods answer asynchronous calls as well. A synchronous
    /// call (`sync: true` through `wx.invokeNativePlugin`) still gets each method's own answer:
    /// a plain-`fn` method answers it; an `async fn` method answers it only when its future is
    /// done on the first poll, and otherwise fails saying to call it without `sync: true`.
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
        // Serializing these plain structs cannot fail.
        serde_json::to_value(self.custom_config_file()).unwrap_or_default()
    }

    /// [`custom_config`](Self::custom_config) as pretty-printed JSON text, ready to save as
    /// `tcmpp-custom-config.json`.
    pub fn custom_config_json(&self) -> String {
        pretty(&self.custom_config_file())
    }

    fn custom_config_file(&self) -> CustomConfig {
        let mut ext_api: Vec<ExtApi> = Vec::with_capacity(self.len());
        // `apis()` lists a multiplexed API once per method, next to each other: the SDK gets
        // the name once, `sync` only when every method can answer at once.
        for api in self.apis() {
            let sync = api.kind == HandlerKind::Plain;
            match ext_api.last_mut() {
                Some(listed) if listed.name == api.name => listed.sync &= sync,
                _ => ext_api.push(ExtApi {
                    name: api.name,
                    sync,
                    params: Params { data: "" },
                }),
            }
        }
        CustomConfig { ext_api }
    }
}

/// The file as `serde_json::to_string_pretty` writes it (a test holds them equal), written out:
/// the pretty formatter would be a second copy of serde_json's serializer in every library,
/// for this one text.
fn pretty(config: &CustomConfig) -> String {
    if config.ext_api.is_empty() {
        return "{\n  \"extApi\": []\n}".to_owned();
    }
    let mut text = String::with_capacity(24 + 96 * config.ext_api.len());
    text.push_str("{\n  \"extApi\": [");
    for (index, api) in config.ext_api.iter().enumerate() {
        text.push_str(if index == 0 { "\n" } else { ",\n" });
        text.push_str("    {\n      \"name\": \"");
        crate::reply::text::push_escaped(&mut text, api.name);
        text.push_str("\",\n      \"sync\": ");
        text.push_str(if api.sync { "true" } else { "false" });
        text.push_str(",\n      \"params\": {\n        \"data\": \"");
        crate::reply::text::push_escaped(&mut text, api.params.data);
        text.push_str("\"\n      }\n    }");
    }
    text.push_str("\n  ]\n}");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_what_serde_json_writes_pretty() {
        let names = [
            "a",
            "scanCode",
            "with \"quotes\" and \\",
            "tab\tnew\nline\u{1}é😀",
        ];
        for count in 0..=names.len() {
            let config = CustomConfig {
                ext_api: names[..count]
                    .iter()
                    .enumerate()
                    .map(|(index, name)| ExtApi {
                        name,
                        sync: index % 2 == 1,
                        params: Params { data: "" },
                    })
                    .collect(),
            };
            assert_eq!(
                pretty(&config),
                serde_json::to_string_pretty(&config).unwrap()
            );
        }
    }
}
