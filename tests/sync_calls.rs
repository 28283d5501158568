//! Synchronous calls (`sync: true`): plain-`fn` handlers answer at once, without an executor;
//! `async fn` handlers are refused with a fail reply, their body never run.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use serde_json::json;
use tcmpp_core::{FailureKind, MiniApiCall, Registry, mini_api};

#[derive(Deserialize)]
struct Sum {
    a: i64,
    b: i64,
}

#[mini_api("syncSum")]
fn sync_sum(sum: Sum) -> serde_json::Value {
    json!({ "sum": sum.a + sum.b })
}

static ASYNC_BODY_RAN: AtomicBool = AtomicBool::new(false);

#[mini_api("asyncOnly")]
async fn async_only() {
    ASYNC_BODY_RAN.store(true, Ordering::SeqCst);
}

fn registry() -> Registry {
    Registry::builder().build().expect("the registry builds")
}

#[test]
fn a_plain_fn_handler_answers_a_sync_call_at_once() {
    let registry = registry();
    let reply = registry.dispatch_sync(MiniApiCall::new("syncSum", json!({ "a": 2, "b": 40 })));
    assert_eq!(reply.result().unwrap()["sum"], 42);
    assert_eq!(
        registry.dispatch_json_sync(r#"{"api_name":"syncSum","data":{"a":1,"b":1}}"#),
        r#"{"sum":2,"errMsg":"syncSum:ok"}"#
    );
    let bare = registry.dispatch_json_bare_sync(r#"{"api_name":"syncSum","data":{"a":1}}"#);
    assert_eq!(bare.failure().unwrap().kind(), FailureKind::InvalidData);
}

#[test]
fn an_async_handler_called_synchronously_gets_a_fail_reply_and_does_not_run() {
    let registry = registry();
    let rendered = registry.dispatch_json_sync(r#"{"api_name":"asyncOnly"}"#);
    assert_eq!(
        rendered,
        r#"{"errMsg":"asyncOnly:fail this API is asynchronous and cannot answer a synchronous call: call it without `sync: true`"}"#
    );
    let reply = registry.dispatch_sync(MiniApiCall::new("asyncOnly", serde_json::Value::Null));
    assert_eq!(reply.failure().unwrap().kind(), FailureKind::InvalidCall);
    assert!(!ASYNC_BODY_RAN.load(Ordering::SeqCst));
}

#[test]
fn sync_calls_that_cannot_reach_a_handler_fail_as_usual() {
    let registry = registry();
    assert_eq!(
        registry.dispatch_json_sync(r#"{"api_name":"noSuchApi"}"#),
        r#"{"errMsg":"noSuchApi:fail unknown API: no handler is registered for \"noSuchApi\""}"#
    );
    let broken = registry.dispatch_json_bare_sync("{not json");
    assert_eq!(broken.failure().unwrap().kind(), FailureKind::InvalidCall);
}
