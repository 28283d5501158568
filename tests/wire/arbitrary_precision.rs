//! Numbers as tcmpp reads them with and without `serde_json`'s `arbitrary_precision`, which any
//! crate of a host's build may turn on (Cargo unifies features). `cargo test --workspace` runs
//! this file without the feature; `.ci/run` runs it again with
//! `--features serde_json/arbitrary_precision`. Each test asserts what the README's "Numbers
//! under `serde_json`'s `arbitrary_precision`" says of the build it runs in, and in both that
//! every call gets one reply.

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use serde_with::{DisplayFromStr, PickFirst, serde_as};
use tcmpp_core::reply::{FailureKind, Rendering, ReplyKind};
use tcmpp_core::{MiniApiCall, Registry, Reply, mini_api};

#[path = "../support/precision.rs"]
mod precision;
use precision::arbitrary_precision;

#[derive(Serialize)]
struct Echoed {
    echoed: Value,
}

#[mini_api("precisionEcho")]
fn precision_echo(data: Value) -> Echoed {
    Echoed { echoed: data }
}

/// The whole call, its other top-level keys included.
#[mini_api("precisionWhole")]
fn precision_whole(call: MiniApiCall) -> Echoed {
    Echoed {
        echoed: Value::Object(call.extra),
    }
}

#[derive(Deserialize)]
struct Float {
    x: f64,
}

#[derive(Serialize)]
struct Written {
    written: String,
}

#[mini_api("precisionFloat")]
fn precision_float(float: Float) -> Written {
    Written {
        written: float.x.to_string(),
    }
}

#[derive(Deserialize)]
struct Count {
    n: u32,
}

#[mini_api("precisionCount")]
fn precision_count(count: Count) -> Written {
    Written {
        written: count.n.to_string(),
    }
}

#[derive(Serialize)]
struct Huge {
    big: u128,
}

#[mini_api("precisionHuge")]
fn precision_huge() -> Huge {
    Huge { big: u128::MAX }
}

#[serde_as]
#[derive(Deserialize)]
struct Payment {
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    money: f64,
}

#[mini_api("precisionPay")]
fn precision_pay(payment: Payment) -> Written {
    Written {
        written: payment.money.to_string(),
    }
}

fn registry() -> Registry {
    Registry::builder().build().expect("the registry builds")
}

/// A call given as text, its reply as a [`Reply`].
fn text(registry: &Registry, call: &str) -> Reply {
    block_on(registry.call(call).reply())
}

/// A call the host read itself, its reply as a [`Reply`].
fn value(registry: &Registry, api: &str, data: Value) -> Reply {
    block_on(registry.call(MiniApiCall::new(api, data)).reply())
}

fn failure(reply: &Reply) -> (FailureKind, &str) {
    let failure = reply.failure().expect("the call fails");
    (failure.kind(), failure.message())
}

fn success(reply: &Reply) -> &serde_json::Map<String, Value> {
    match reply {
        Reply::Success(map) => map,
        other => panic!("the call succeeds: {other:?}"),
    }
}

#[test]
fn a_number_no_f64_holds_is_kept_only_with_the_feature() {
    let registry = registry();
    let reply = text(
        &registry,
        r#"{"api_name":"precisionEcho","data":{"k":1e400}}"#,
    );
    if arbitrary_precision() {
        let echoed = &success(&reply)["echoed"]["k"];
        assert!(echoed.is_number(), "{echoed}");
        assert!(echoed.as_f64().is_none_or(f64::is_infinite), "{echoed}");
    } else {
        assert_eq!(
            failure(&reply),
            (
                FailureKind::InvalidData,
                "invalid data: k: number out of range"
            )
        );
    }
    // A top-level key the call adds, for a handler that reads them: kept, or the call refused.
    let reply = text(&registry, r#"{"api_name":"precisionWhole","k":1e400}"#);
    if arbitrary_precision() {
        assert!(success(&reply)["echoed"]["k"].is_number());
    } else {
        assert_eq!(
            failure(&reply),
            (
                // The handler's `MiniApiCall` parameter could not be taken from the call: the
                // call is at fault, not a context the host left out.
                FailureKind::InvalidCall,
                "invalid call: a top-level key holds a value that no JSON value can hold"
            )
        );
    }
    // The same number in the data of a handler that takes the whole call.
    let reply = text(
        &registry,
        r#"{"api_name":"precisionWhole","data":{"k":1e400}}"#,
    );
    if arbitrary_precision() {
        assert!(reply.is_success(), "{reply:?}");
    } else {
        let (kind, message) = failure(&reply);
        assert_eq!(kind, FailureKind::InvalidData, "{message}");
        assert!(message.starts_with("invalid data: "), "{message}");
    }
}

#[test]
fn an_f64_field_refuses_it_in_text_and_reads_a_value_as_serde_json_does() {
    let registry = registry();
    let reply = text(
        &registry,
        r#"{"api_name":"precisionFloat","data":{"x":1e400}}"#,
    );
    let message = if arbitrary_precision() {
        // The text reader refuses it; the second pass, over a `Value` that holds it, reads it as
        // infinity and so cannot say where.
        "invalid data: number out of range"
    } else {
        "invalid data: x: number out of range"
    };
    assert_eq!(failure(&reply), (FailureKind::InvalidData, message));
    if arbitrary_precision() {
        let data = serde_json::from_str(r#"{"x":1e400}"#).expect("the feature holds it");
        let reply = value(&registry, "precisionFloat", data);
        assert_eq!(success(&reply)["written"], "inf");
        let data: Value = serde_json::from_str("1e400").expect("the feature holds it");
        assert_eq!(
            serde_json::from_value::<f64>(data).ok(),
            Some(f64::INFINITY)
        );
    }
}

#[test]
fn an_integer_past_64_bits_fits_a_map_only_with_the_feature() {
    let registry = registry();
    let call = r#"{"api_name":"precisionHuge"}"#;
    // The renderings write it from the handler's value in either build.
    let rendered = block_on(registry.call(call).rendered(Rendering::Bare));
    assert_eq!(
        (rendered.kind, rendered.text.as_str()),
        (
            ReplyKind::Success,
            r#"{"big":340282366920938463463374607431768211455}"#
        )
    );
    let reply = text(&registry, call);
    if arbitrary_precision() {
        assert_eq!(success(&reply)["big"].to_string(), u128::MAX.to_string());
    } else {
        assert_eq!(
            failure(&reply),
            (
                FailureKind::InvalidResult,
                "invalid result: number out of range"
            )
        );
    }
}

#[test]
fn a_refusal_of_a_value_takes_serde_jsons_wording() {
    let registry = registry();
    let reply = value(&registry, "precisionCount", json!({"n": -1}));
    let message = if arbitrary_precision() {
        "invalid data: n: invalid number"
    } else {
        "invalid data: n: invalid value: integer `-1`, expected u32"
    };
    assert_eq!(failure(&reply), (FailureKind::InvalidData, message));
    // As serde_json's own reader of a `Value` words it.
    let theirs = serde_json::from_value::<Count>(json!({"n": -1}))
        .err()
        .expect("-1 is no u32")
        .to_string();
    assert!(message.ends_with(&theirs), "{theirs}");
}

#[test]
fn pick_first_reads_a_number_only_without_the_feature() {
    let registry = registry();
    let reply = text(
        &registry,
        r#"{"api_name":"precisionPay","data":{"money":"123.45"}}"#,
    );
    assert_eq!(success(&reply)["written"], "123.45");
    let call = r#"{"api_name":"precisionPay","data":{"money":123.45}}"#;
    let reply = text(&registry, call);
    let theirs = serde_json::from_str::<Payment>(r#"{"money":123.45}"#);
    if arbitrary_precision() {
        let (kind, message) = failure(&reply);
        assert_eq!(kind, FailureKind::InvalidData);
        assert!(
            message.contains("PickFirst could not deserialize any variant"),
            "{message}"
        );
        assert!(theirs.is_err(), "serde_json refuses it too");
    } else {
        assert_eq!(success(&reply)["written"], "123.45");
        assert!(theirs.is_ok());
    }
}
