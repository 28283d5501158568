//! A multiplexed API: one handler per method, each with its own data, context, timeout and
//! access flag; the key of `data` that names the method may be set; names and methods with
//! characters a Rust identifier cannot hold are told apart.

use futures_executor::block_on;
use serde::Deserialize;
use tcmpp_core::{AppInfo, Registry, mini_api};

#[derive(Deserialize)]
struct Sign {
    nonce: String,
}

#[mini_api("wallet", method = "connect")]
fn connect() -> serde_json::Value {
    serde_json::json!({ "connected": true })
}

#[mini_api("wallet", method = "sign", restricted, timeout_ms = 500)]
async fn sign(data: Sign, app: Option<AppInfo>) -> serde_json::Value {
    serde_json::json!({ "nonce": data.nonce, "app": app.and_then(|app| app.app_id) })
}

#[mini_api("keyed", method = "a-b", method_key = "action")]
fn a_b() {}

// Not the same (name, method) as `keyed`/`a-b` once made identifiers.
#[mini_api("keyed", method = "a_b", method_key = "action")]
fn a_underscore_b() {}

#[mini_api("k$", method = "e")]
fn dollar() {}

fn main() {
    let registry = Registry::builder().build().unwrap();
    let reply = block_on(registry.dispatch_json(
        r#"{"api_name":"wallet","data":{"methodName":"connect"}}"#,
    ));
    assert_eq!(reply, r#"{"connected":true,"errMsg":"wallet:ok"}"#);
    let sign = registry.get_method("wallet", "sign").unwrap();
    assert!(sign.restricted);
    assert_eq!(sign.timeout, Some(std::time::Duration::from_millis(500)));
    assert_eq!(registry.get_method("keyed", "a-b").unwrap().method_key, Some("action"));
    assert!(registry.get_method("keyed", "a_b").is_some());
    assert!(registry.get_method("k$", "e").is_some());
}
