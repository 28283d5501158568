//! Any bytes into the JSON entries: dispatch must never panic, and must answer with one JSON
//! object whose `errMsg` routes it.

#![no_main]

use futures_executor::block_on;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::OnceLock;
use tcmpp_core::{Registry, mini_api};

// The handlers and the reply check of the property tests, so both hold the same APIs to the
// same rule.
#[path = "../../tests/support/arbitrary_calls.rs"]
mod arbitrary_calls;

use arbitrary_calls::assert_one_routable_reply as check;

#[mini_api("whoCalls")]
fn who_calls(app: tcmpp_core::AppInfo, web_view: tcmpp_core::WebViewId) -> Value {
    serde_json::json!({ "app": app.app_id, "webView": web_view.0 })
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::builder()
            .build()
            .expect("the fuzz handlers are consistent")
    })
}

fuzz_target!(|bytes: &[u8]| {
    check(&block_on(registry().dispatch_json_bytes(bytes)));
    if let Ok(text) = std::str::from_utf8(bytes) {
        check(&block_on(registry().dispatch_json_with_name("typed", text)));
        check(&block_on(registry().dispatch_json_legacy("typed", text)));
        let _bare = block_on(registry().dispatch_json_bare(text));
    }
});
