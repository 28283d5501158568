//! One `tracing` span per call, with the API name, appId, web view id, outcome and elapsed
//! time, and never the call's data.

use futures_executor::block_on;
use serde_json::Value;
use tcmpp_core::reply::{Rendering, ReplyKind};
use tcmpp_core::{AccessPolicy, AppInfo, Caller, Registry, mini_api};

#[mini_api("observed")]
fn observed(data: Value) -> Value {
    serde_json::json!({ "size": data.to_string().len() })
}

#[mini_api("guarded", restricted)]
fn guarded() {}

#[mini_api("exploding")]
fn exploding() {
    panic!("observability panic message");
}

#[path = "../support/logs.rs"]
mod logs;

fn logs_of(run: impl FnOnce()) -> String {
    logs::logs_of(tracing::Level::DEBUG, run)
}

#[test]
fn each_call_is_logged_with_its_identity_and_outcome_but_not_its_data() {
    let registry = Registry::builder()
        .access_policy(AccessPolicy::default())
        .build()
        .unwrap();
    // The host states the caller beside the call, as its SDK knows it.
    let caller = Caller::new()
        .with_app_info(AppInfo::with_app_id("wx_obs"))
        .with_web_view_id(4);
    let logs = logs_of(|| {
        let call = r#"{"api_name":"observed","webviewId":4,"data":{"card":"SECRET-4111"}}"#;
        let reply = block_on(
            registry
                .call(call)
                .caller(&caller)
                .rendered(Rendering::Callback),
        );
        assert_eq!(reply.kind, ReplyKind::Success);
        assert!(reply.text.contains("observed:ok"), "{}", reply.text);
        let refused = block_on(
            registry
                .call(r#"{"api_name":"guarded"}"#)
                .caller(&caller)
                .rendered(Rendering::Callback),
        );
        assert!(
            refused.text.contains("permission denied"),
            "{}",
            refused.text
        );
        let panicked = block_on(registry.dispatch_json(r#"{"api_name":"exploding"}"#));
        assert!(panicked.contains("internal error"), "{panicked}");
    });
    let lines: Vec<&str> = logs.lines().collect();
    let answered = lines
        .iter()
        .find(|line| line.contains("mini API call answered"))
        .expect(&logs);
    for field in [
        r#"api="observed""#,
        r#"app_id="wx_obs""#,
        "web_view_id=4",
        r#"outcome="ok""#,
        "elapsed_us=",
    ] {
        assert!(answered.contains(field), "{field} missing from: {answered}");
    }
    let refused = lines
        .iter()
        .find(|line| line.contains("mini API call refused"))
        .expect(&logs);
    assert!(
        refused.contains("WARN") && refused.contains(r#"api="guarded""#),
        "{refused}"
    );
    assert!(
        refused.contains(r#"outcome="permission denied""#),
        "{refused}"
    );
    let panic = lines
        .iter()
        .find(|line| line.contains("mini API handler panicked"))
        .expect(&logs);
    assert!(
        panic.contains("ERROR") && panic.contains("observability panic message"),
        "{panic}"
    );
    assert!(
        !logs.contains("SECRET-4111"),
        "data payloads are never logged:\n{logs}"
    );
}

#[test]
fn the_logged_identity_is_the_one_the_host_believes() {
    let registry = Registry::builder().build().unwrap();
    let logs = logs_of(|| {
        // The host's own SDK rendered this text: its caller is believed, and logged.
        let text =
            r#"{"api_name":"observed","webviewId":12,"appInfo":{"appId":"wx_text"},"data":1}"#;
        let reply = block_on(
            registry
                .call(text)
                .caller(&Caller::trust_call_text())
                .rendered(Rendering::Callback),
        );
        assert_eq!(reply.text, r#"{"size":1,"errMsg":"observed:ok"}"#);
        // Untrusted text that names its caller is refused before dispatch, and the forged
        // identity is never logged as the caller.
        let forged = r#"{"api_name":"observed","webviewId":13,"appInfo":{"appId":"wx_forged"}}"#;
        let refused = block_on(registry.dispatch_json(forged));
        assert!(refused.contains("is not believed"), "{refused}");
    });
    let answered = logs
        .lines()
        .find(|line| line.contains("mini API call answered"))
        .expect(&logs);
    assert!(
        answered.contains(r#"app_id="wx_text""#) && answered.contains("web_view_id=12"),
        "{answered}"
    );
    let refused = logs
        .lines()
        .find(|line| line.contains("mini API call refused before dispatch"))
        .expect(&logs);
    assert!(
        refused.contains("appInfo in untrusted call text"),
        "{refused}"
    );
    assert!(!logs.contains(r#"app_id="wx_forged""#), "{logs}");
    assert!(!logs.contains("web_view_id=13"), "{logs}");
}

/// A subscriber that panics whenever it is called into, to prove that logging can never cost a
/// call its reply or panic into the host.
struct PanickingSubscriber;

impl tracing::Subscriber for PanickingSubscriber {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        panic!("deliberate subscriber panic in new_span")
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {
        panic!("deliberate subscriber panic in event")
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn a_panicking_subscriber_never_costs_a_reply() {
    let registry = Registry::builder().build().unwrap();
    tracing::subscriber::with_default(PanickingSubscriber, || {
        let ok = block_on(registry.dispatch_json(r#"{"api_name":"observed","data":1}"#));
        assert_eq!(ok, r#"{"size":1,"errMsg":"observed:ok"}"#);
        let unknown = block_on(registry.dispatch_json(r#"{"api_name":"nope"}"#));
        assert!(unknown.contains("nope:fail unknown API"), "{unknown}");
        let refused = block_on(registry.dispatch_json("[]"));
        assert!(refused.contains("invalid call"), "{refused}");
        let panicked = block_on(registry.dispatch_json(r#"{"api_name":"exploding"}"#));
        assert!(panicked.contains("internal error"), "{panicked}");
    });
}
