//! Any bytes into the JSON entries: dispatch must never panic, and must answer with one JSON
//! object whose `errMsg` routes it.

#![no_main]

use futures_executor::block_on;
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_json::Value;
use std::sync::OnceLock;
use tcmpp_core::{Registry, mini_api};

#[derive(Deserialize)]
#[allow(dead_code)]
struct Person {
    name: String,
    age: u32,
    tags: Option<Vec<String>>,
}

#[mini_api("typed")]
async fn typed(person: Person) -> Value {
    serde_json::json!({ "name": person.name })
}

#[mini_api("echo")]
fn echo(data: Value) -> Value {
    serde_json::json!({ "echo": data })
}

#[mini_api("whoCalls")]
fn who_calls(app: tcmpp_core::AppInfo, web_view: tcmpp_core::WebViewId) -> Value {
    serde_json::json!({ "app": app.app_id, "webView": web_view.0 })
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::builder().build().expect("the fuzz handlers are consistent"))
}

fn check(reply: &str) {
    let value: Value = serde_json::from_str(reply).expect("a reply is JSON");
    let err_msg = value["errMsg"].as_str().expect("a reply has errMsg");
    let (_, outcome) = err_msg.split_once(':').expect("errMsg is prefix:outcome");
    assert!(outcome == "ok" || outcome == "cancel" || outcome.starts_with("fail "), "{err_msg}");
}

fuzz_target!(|bytes: &[u8]| {
    check(&block_on(registry().dispatch_json_bytes(bytes)));
    if let Ok(text) = std::str::from_utf8(bytes) {
        check(&block_on(registry().dispatch_json_with_name("typed", text)));
        check(&block_on(registry().dispatch_json_legacy("typed", text)));
        let _bare = block_on(registry().dispatch_json_bare(text));
    }
});
