//! Any bytes into every entry of `Registry::call`: dispatch must never panic, must answer with
//! one JSON object whose `errMsg` routes it, and must never believe a caller that untrusted call
//! text names.

#![no_main]

use futures_executor::block_on;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::OnceLock;
use tcmpp_core::{Caller, Registry, Rendering, Wire, mini_api};

// The handlers and the reply check of the property tests, so both hold the same APIs to the
// same rule.
#[path = "../../tests/support/arbitrary_calls.rs"]
mod arbitrary_calls;

use arbitrary_calls::assert_one_routable_reply as check;

/// Answers only a caller that comes with an `AppInfo` and a web view: never one whose text the
/// host does not believe, since that text cannot state either.
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

/// A reply to untrusted text: routable, and never `whoCalls` answered.
fn check_untrusted(reply: &str) {
    check(reply);
    assert!(
        !reply.contains(r#""errMsg":"whoCalls:ok""#),
        "untrusted text was believed: {reply}"
    );
}

fn callback(dispatch: tcmpp_core::Dispatch<'_>) -> String {
    block_on(dispatch.rendered(Rendering::Callback)).text
}

fuzz_target!(|bytes: &[u8]| {
    let registry = registry();
    check_untrusted(&callback(registry.call(bytes)));
    if let Ok(text) = std::str::from_utf8(bytes) {
        check_untrusted(&block_on(registry.dispatch_json(text)));
        check_untrusted(&callback(registry.call(text).wire(Wire::Named("typed"))));
        check_untrusted(&callback(registry.call(text).wire(Wire::Named("whoCalls"))));
        check_untrusted(&callback(registry.call(text).wire(Wire::Legacy("typed"))));
        check_untrusted(&callback(
            registry.call(text).wire(Wire::Legacy("whoCalls")),
        ));
        // Text the host says is its SDK's own: the caller is read from it.
        check(&callback(
            registry.call(text).caller(&Caller::from_call_text()),
        ));
        let _bare = block_on(registry.call(text).rendered(Rendering::Bare));
        let _reply = block_on(registry.call(text).reply());
    }
});
