//! The handlers and the reply check that the property tests (`tests/wire/properties.rs`) and the
//! fuzz target (`fuzz/fuzz_targets/dispatch_json.rs`) share: both throw arbitrary input at
//! the same APIs and hold every reply to the same rule.

use serde_json::Value;
use tcmpp_core::mini_api;

/// Typed data with a required string, a bounded number and an optional list.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub(crate) struct Person {
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

/// A rendered reply: a JSON object whose `errMsg` is `<prefix>:ok|cancel|fail …`.
pub(crate) fn assert_one_routable_reply(reply: &str) {
    let parsed: Value = serde_json::from_str(reply).expect("a reply is JSON");
    let err_msg = parsed["errMsg"].as_str().expect("a reply has errMsg");
    let (_, outcome) = err_msg.split_once(':').expect("errMsg is prefix:outcome");
    assert!(
        outcome == "ok" || outcome == "cancel" || outcome.starts_with("fail "),
        "{err_msg}"
    );
}
