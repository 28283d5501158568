//! A custom API named like a built-in `wx` API is registered, with a warning when the registry
//! is built, unless its handler says it overrides the built-in on purpose.

#[path = "../support/logs.rs"]
mod logs;

use tcmpp_core::{Registry, mini_api};

/// Named like `wx.requestPayment`, without saying so.
#[mini_api("requestPayment")]
async fn request_payment() {}

/// Android's `@JsEvent("getAppBaseInfo")` overrides the built-in on purpose.
#[mini_api("getAppBaseInfo", overrides_builtin)]
fn get_app_base_info() -> serde_json::Value {
    serde_json::json!({ "host": "rust" })
}

/// An ordinary custom API.
#[mini_api("scanTicket")]
fn scan_ticket() {}

#[test]
fn builtin_names_warn_unless_the_handler_overrides_on_purpose() {
    let mut registry = None;
    let logs = logs::logs_of(tracing::Level::WARN, || {
        registry = Some(Registry::builder().build().expect("the registry builds"));
    });
    let warnings: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains(" WARN "))
        .collect();
    assert_eq!(warnings.len(), 1, "{logs}");
    assert!(
        warnings[0].contains("named like a built-in `wx` API")
            && warnings[0].contains("api=\"requestPayment\"")
            && warnings[0].contains("tests/registry/builtin_names.rs:")
            && warnings[0].contains("overrides_builtin"),
        "{logs}"
    );
    // Both are registered and answer.
    let registry = registry.unwrap();
    let names: Vec<&str> = registry.apis().map(|api| api.name).collect();
    assert_eq!(names, ["getAppBaseInfo", "requestPayment", "scanTicket"]);
    let reply =
        futures_executor::block_on(registry.dispatch_json(r#"{"api_name":"getAppBaseInfo"}"#));
    assert_eq!(reply, r#"{"host":"rust","errMsg":"getAppBaseInfo:ok"}"#);
}
