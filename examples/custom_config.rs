//! Generates the SDK's `tcmpp-custom-config.json` from the registered handlers:
//! `cargo run --example custom_config > tcmpp-custom-config.json`.
//!
//! Listed APIs can be called from a mini program as `wx.<name>({ data, success, … })` as well
//! as through `wx.invokeNativePlugin`. The file is generated from the registry, so it lists
//! exactly the handlers the binary links, and `sync` is true exactly for plain-`fn` handlers,
//! which are the ones that can answer a synchronous call.

use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiError, Progress, Registry, mini_api};

/// What `getGreeting` expects as `data`.
#[derive(Deserialize)]
struct Person {
    name: String,
}

/// What `getGreeting` answers.
#[derive(Serialize)]
struct Greeting {
    greeting: String,
}

/// An asynchronous API: `"sync": false`.
#[mini_api("getGreeting")]
async fn get_greeting(person: Person) -> Result<Greeting, ApiError> {
    Ok(Greeting {
        greeting: format!("Hello, {}!", person.name),
    })
}

/// A plain `fn` answers at once, so it can serve `sync: true` calls: `"sync": true`.
#[mini_api("getHostVersion")]
fn get_host_version() -> serde_json::Value {
    serde_json::json!({ "version": env!("CARGO_PKG_VERSION") })
}

/// An asynchronous API that reports its progress before answering.
#[mini_api("downloadReport")]
async fn download_report(progress: Progress) -> serde_json::Value {
    for percent in [25, 50, 75, 100] {
        // Progress is best effort: the host may not listen.
        let _ = progress.send(serde_json::json!({ "percent": percent }));
    }
    serde_json::json!({ "path": "reports/latest.pdf" })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::builder().build()?;
    println!("{}", registry.custom_config_json());
    Ok(())
}
