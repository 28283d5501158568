//! How replies are rendered: a rendered reply (callback or bare) serializes a handler's value
//! straight into its text, a `Reply` into a `serde_json` map, and they must agree on every
//! outcome, through every combination of the options of the one entry point.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tcmpp_core::dispatch::{ReplyForm, ReplyFuture};
use tcmpp_core::progress::{Delivery, ProgressEvent};
use tcmpp_core::reply::{ErrMsgPrefix, FailureKind, RenderedReply, Rendering, ReplyKind};
use tcmpp_core::{ApiError, Caller, MiniApiCall, Progress, Registry, Reply, Wire, mini_api};

#[path = "../support/precision.rs"]
mod precision;
#[path = "../support/yield_once.rs"]
mod yield_once;
use yield_once::YieldOnce;

#[derive(Serialize)]
struct Greeting {
    result: &'static str,
    method: &'static str,
}

#[mini_api("renderGreeting")]
async fn render_greeting() -> Result<Greeting, ApiError> {
    Ok(Greeting {
        result: "success",
        method: "myApiHandler",
    })
}

/// A result that tries to set its own `errMsg`.
#[derive(Serialize)]
struct Impostor {
    #[serde(rename = "errMsg")]
    err_msg: &'static str,
    value: u32,
}

#[mini_api("renderImpostor")]
fn render_impostor() -> Impostor {
    Impostor {
        err_msg: "renderImpostor:cancel",
        value: 7,
    }
}

/// The impostor behind an `Option`, and in a newtype struct: the result is the struct all
/// the same, and its `errMsg` is left out as it is.
#[mini_api("renderSomeImpostor")]
fn render_some_impostor() -> Option<Impostor> {
    Some(render_impostor())
}

#[derive(Serialize)]
struct Wrapped(Impostor);

#[mini_api("renderWrappedImpostor")]
fn render_wrapped_impostor() -> Wrapped {
    Wrapped(render_impostor())
}

#[mini_api("renderUnit")]
async fn render_unit() {}

#[mini_api("renderNone")]
fn render_none() -> Option<Greeting> {
    None
}

/// A number at run time: a plain number is refused at compile time, a newtype is not.
#[derive(Serialize)]
struct Count(u32);

#[mini_api("renderNumber")]
fn render_number() -> Count {
    Count(42)
}

#[derive(Serialize)]
enum Mode {
    Quiet,
    Loud { level: u8 },
}

#[mini_api("renderUnitVariant")]
fn render_unit_variant() -> Mode {
    Mode::Quiet
}

#[mini_api("renderStructVariant")]
fn render_struct_variant() -> Mode {
    Mode::Loud { level: 3 }
}

#[mini_api("renderMap")]
async fn render_map() -> HashMap<u32, &'static str> {
    HashMap::from([(1, "one"), (2, "two")])
}

#[mini_api("renderValue")]
async fn render_value() -> Result<Value, ApiError> {
    Ok(json!({ "nested": { "list": [1, 2.5, null] }, "errMsg": "spoofed" }))
}

#[derive(Serialize)]
struct Ratio(f64);

#[mini_api("renderNaN")]
fn render_nan() -> Ratio {
    Ratio(f64::NAN)
}

#[mini_api("renderRawSpaced")]
fn render_raw_spaced() -> Box<RawValue> {
    RawValue::from_string(r#"{ "result" : "success" , "tags" : [ 1 , 2 ] }"#.to_owned())
        .expect("raw JSON")
}

#[mini_api("renderRawEmpty")]
fn render_raw_empty() -> Box<RawValue> {
    RawValue::from_string("{ \n }".to_owned()).expect("raw JSON")
}

/// `errMsg` spelled with an escape, which only reading the text finds.
#[mini_api("renderRawImpostor")]
fn render_raw_impostor() -> Box<RawValue> {
    RawValue::from_string(r#"{"err\u004dsg":"forged:ok","result":"success"}"#.to_owned())
        .expect("raw JSON")
}

#[derive(Serialize)]
struct Mention {
    word: &'static str,
}

/// A result whose value, not key, is `errMsg`.
#[mini_api("renderMention")]
fn render_mention() -> Mention {
    Mention { word: "errMsg" }
}

#[mini_api("renderCancel")]
async fn render_cancel() -> Result<Greeting, ApiError> {
    Err(ApiError::cancelled())
}

#[derive(Serialize)]
struct Wide {
    ratio: f32,
    big: u128,
}

/// Values a `serde_json::Map` cannot hold exactly: an `f32` and an integer beyond 64 bits.
#[mini_api("renderWide")]
fn render_wide() -> Wide {
    Wide {
        ratio: 0.1,
        big: u128::from(u64::MAX) + 1,
    }
}

/// Keys a `serde_json::Map` refuses, but JSON text writes: `Some(1)` as `"1"`.
#[mini_api("renderOptionKeys")]
fn render_option_keys() -> std::collections::BTreeMap<Option<u8>, u8> {
    [(Some(1), 1)].into()
}

#[mini_api("renderFails")]
async fn render_fails() -> Result<Greeting, ApiError> {
    Err(ApiError::new("out of stock").with_code(1001))
}

/// Never done: a synchronous call fails it.
#[mini_api("renderPending")]
async fn render_pending() -> Greeting {
    std::future::pending().await
}

#[derive(Serialize)]
struct Huge {
    big: u128,
}

#[mini_api("renderHuge")]
fn render_huge() -> Huge {
    Huge { big: u128::MAX }
}

#[mini_api("renderHugeAsync")]
async fn render_huge_async() -> Huge {
    Huge { big: u128::MAX }
}

#[derive(Serialize)]
struct Ratio32 {
    ratio: f32,
}

#[mini_api("renderRatio")]
fn render_ratio() -> Ratio32 {
    Ratio32 { ratio: 0.1 }
}

/// The reason an `async fn` handler that is not done on its first poll fails a synchronous
/// call.
const NOT_SYNC: &str = "this API is asynchronous and did not answer at once, so it cannot answer a synchronous call: call it without `sync: true`";

fn registry() -> Registry {
    Registry::builder()
        .build()
        .expect("the test handlers register")
}

fn call(api_name: &str) -> String {
    format!(
        r#"{{"stateEvent":"requestCustomApi","api_name":"{api_name}","data":null,"webviewId":4}}"#
    )
}

fn rendered(registry: &Registry, api_name: &str) -> Value {
    let text = block_on(registry.dispatch_json(&call(api_name)));
    serde_json::from_str(&text).expect("the reply is JSON")
}

fn typed(registry: &Registry, api_name: &str) -> Reply {
    block_on(
        registry
            .call(MiniApiCall::new(api_name, Value::Null))
            .reply(),
    )
}

/// The reply to `api_name`'s call in the bare rendering.
fn bare(registry: &Registry, api_name: &str) -> RenderedReply {
    block_on(registry.call(&call(api_name)).rendered(Rendering::Bare))
}

/// The callback object is the `Reply`'s result map with `errMsg` added (replacing the
/// result's own), and the bare object is that map without an `errMsg` of its own: the SDK adds
/// the one that routes the reply.
fn assert_entries_agree(registry: &Registry, api_name: &str) {
    let mut expected = match typed(registry, api_name) {
        Reply::Success(map) => map,
        other => panic!("{api_name}: expected a success, got {other:?}"),
    };
    let bare = bare(registry, api_name);
    assert_eq!(bare.kind, ReplyKind::Success, "{api_name}");
    let mut without_err_msg = expected.clone();
    without_err_msg.remove("errMsg");
    assert_eq!(
        serde_json::from_str::<Value>(&bare.text).expect("the bare reply is JSON"),
        Value::Object(without_err_msg),
        "{api_name}"
    );
    expected.insert("errMsg".into(), format!("{api_name}:ok").into());
    assert_eq!(
        rendered(registry, api_name),
        Value::Object(expected),
        "{api_name}"
    );
}

#[test]
fn a_struct_renders_its_fields_then_err_msg() {
    let registry = registry();
    let text = block_on(registry.dispatch_json(&call("renderGreeting")));
    assert_eq!(
        text,
        r#"{"result":"success","method":"myApiHandler","errMsg":"renderGreeting:ok"}"#
    );
    assert_entries_agree(&registry, "renderGreeting");
}

#[test]
fn the_routing_err_msg_wins_over_a_result_key_of_that_name() {
    let registry = registry();
    for api in [
        "renderImpostor",
        "renderSomeImpostor",
        "renderWrappedImpostor",
    ] {
        let reply = rendered(&registry, api);
        assert_eq!(reply, json!({ "errMsg": format!("{api}:ok"), "value": 7 }));
        // Whichever path renders it, the routing `errMsg` comes last, where a parser that
        // keeps the last of duplicate keys would find it.
        let text = block_on(registry.dispatch_json(&call(api)));
        assert!(
            text.ends_with(&format!(r#""errMsg":"{api}:ok"}}"#)),
            "{text}"
        );
    }
    let reply = rendered(&registry, "renderValue");
    assert_eq!(reply["errMsg"], "renderValue:ok");
    assert_eq!(reply["nested"], json!({ "list": [1, 2.5, null] }));
}

#[test]
fn nothing_renders_as_err_msg_alone() {
    let registry = registry();
    for api in ["renderUnit", "renderNone", "renderNaN"] {
        let text = block_on(registry.dispatch_json(&call(api)));
        assert_eq!(text, format!(r#"{{"errMsg":"{api}:ok"}}"#));
        assert_entries_agree(&registry, api);
    }
}

#[test]
fn maps_and_variants_render_as_objects() {
    let registry = registry();
    assert_eq!(
        rendered(&registry, "renderMap"),
        json!({ "1": "one", "2": "two", "errMsg": "renderMap:ok" })
    );
    assert_eq!(
        rendered(&registry, "renderStructVariant"),
        json!({ "Loud": { "level": 3 }, "errMsg": "renderStructVariant:ok" })
    );
    for api in ["renderMap", "renderStructVariant", "renderValue"] {
        assert_entries_agree(&registry, api);
    }
}

#[test]
fn a_result_that_is_not_an_object_fails_the_same_way_in_both_entries() {
    let registry = registry();
    for (api, kind) in [
        ("renderNumber", "a number"),
        ("renderUnitVariant", "a string"),
    ] {
        let message = format!(
            "invalid result: the handler returned {kind}, but a reply must be a JSON object (return a struct or a map)"
        );
        let reply = typed(&registry, api);
        let failure = reply.failure().expect("a fail reply");
        assert_eq!(failure.kind(), FailureKind::InvalidResult);
        assert_eq!(failure.message(), message);
        assert_eq!(
            rendered(&registry, api),
            json!({ "errMsg": format!("{api}:fail {message}") })
        );
    }
}

#[test]
fn failures_keep_their_code() {
    let registry = registry();
    let text = block_on(registry.dispatch_json(&call("renderFails")));
    assert_eq!(
        text,
        r#"{"errCode":1001,"errMsg":"renderFails:fail out of stock"}"#
    );
}

#[test]
fn a_fixed_prefix_is_used_whether_borrowed_or_owned() {
    for prefix in [
        ErrMsgPrefix::fixed("invokeNativePlugin"),
        ErrMsgPrefix::fixed(String::from("ownedPrefix")),
    ] {
        let expected = match &prefix {
            ErrMsgPrefix::Fixed(text) => text.to_string(),
            ErrMsgPrefix::ApiName => unreachable!(),
        };
        let registry = Registry::builder()
            .errmsg_prefix(prefix)
            .build()
            .expect("the test handlers register");
        let future = registry.dispatch_json(&call("renderGreeting"));
        assert_eq!(future.prefix(), expected);
        assert_eq!(
            block_on(future).rsplit_once(':').map(|(_, tail)| tail),
            Some(r#"ok"}"#)
        );
        let reply = rendered(&registry, "renderGreeting");
        assert_eq!(reply["errMsg"], format!("{expected}:ok"));
        let reply = rendered(&registry, "noSuchApi");
        assert_eq!(
            reply["errMsg"],
            format!("{expected}:fail unknown API: no handler is registered for \"noSuchApi\"")
        );
    }
}

#[test]
fn an_escaped_api_name_is_found_and_named_as_reported() {
    let registry = registry();
    let escaped = r#"{"api_name":"render\u0047reeting","webviewId":4}"#;
    let reply: Value =
        serde_json::from_str(&block_on(registry.dispatch_json(escaped))).expect("JSON");
    // Named by its value once unescaped, as main renders escaped names.
    assert_eq!(reply["errMsg"], "renderGreeting:ok");
    assert_eq!(reply["result"], "success");
    let named = block_on(
        registry
            .call(escaped)
            .wire(Wire::Named("renderGreeting"))
            .rendered(Rendering::Callback),
    );
    let reply: Value = serde_json::from_str(&named.text).expect("JSON");
    assert_eq!(reply["errMsg"], "renderGreeting:ok");
}

#[test]
fn call_fields_of_the_wrong_type_are_refused() {
    let registry = registry();
    for (call, message) in [
        (
            r#"{"api_name":"renderUnit","webviewId":4.5}"#,
            "`webviewId` must be an integer, found a number",
        ),
        (
            r#"{"api_name":"renderUnit","webviewId":99999999999999999999}"#,
            "`webviewId` must be an integer, found a number",
        ),
        (
            r#"{"api_name":"renderUnit","webviewId":"4"}"#,
            "`webviewId` must be an integer, found a string",
        ),
        (
            r#"{"api_name":"renderUnit","stateEvent":7}"#,
            "`stateEvent` must be a string, found a number",
        ),
        (
            r#"{"api_name":["renderUnit"]}"#,
            "`api_name` must be a string, found an array",
        ),
    ] {
        // Checked whether or not the host believes the caller in the text.
        for caller in [Caller::new(), Caller::trust_call_text()] {
            let reply = block_on(registry.call(call).caller(&caller).reply());
            let failure = reply.failure().expect("a fail reply");
            assert_eq!(failure.kind(), FailureKind::InvalidCall, "{call}");
            assert_eq!(
                failure.message(),
                format!("invalid call: {message}"),
                "{call}"
            );
        }
    }
    let reply = block_on(
        registry
            .call(r#"{"api_name":"renderUnit","webviewId":-12,"stateEvent":"requestCustomApi"}"#)
            .reply(),
    );
    assert!(reply.is_success());
}

#[test]
fn get_finds_every_registered_api_by_name() {
    let registry = registry();
    for api in registry.apis() {
        assert_eq!(registry.get(api.name), Some(api));
    }
    assert_eq!(registry.get("noSuchApi"), None);
}

#[test]
fn a_result_with_its_own_err_msg_renders_one_err_msg() {
    let registry = registry();
    for api in [
        "renderImpostor",
        "renderSomeImpostor",
        "renderWrappedImpostor",
        "renderValue",
    ] {
        let text = block_on(registry.dispatch_json(&call(api)));
        assert_eq!(text.matches("\"errMsg\"").count(), 1, "{text}");
        assert_entries_agree(&registry, api);
    }
}

#[test]
fn raw_json_results_are_read_not_spliced() {
    let registry = registry();
    for api in [
        "renderRawSpaced",
        "renderRawEmpty",
        "renderRawImpostor",
        "renderMention",
    ] {
        let text = block_on(registry.dispatch_json(&call(api)));
        assert_eq!(text.matches("\"errMsg\":").count(), 1, "{text}");
        assert_entries_agree(&registry, api);
    }
    assert_eq!(
        rendered(&registry, "renderRawSpaced"),
        json!({ "result": "success", "tags": [1, 2], "errMsg": "renderRawSpaced:ok" })
    );
    assert_eq!(
        rendered(&registry, "renderRawImpostor"),
        json!({ "result": "success", "errMsg": "renderRawImpostor:ok" })
    );
}

#[test]
fn a_fixed_prefix_is_escaped_in_a_rendered_success() {
    let prefix = "say \"hi\" \\ tab\t";
    let registry = Registry::builder()
        .errmsg_prefix(ErrMsgPrefix::fixed(prefix))
        .build()
        .expect("the test handlers register");
    for api in ["renderGreeting", "renderUnit", "renderMap"] {
        let reply = rendered(&registry, api);
        assert_eq!(reply["errMsg"], format!("{prefix}:ok"), "{api}");
    }
}

#[test]
fn a_rendered_reply_yields_the_text_and_how_the_call_ended() {
    let registry = registry();
    for (api, kind) in [
        ("renderGreeting", ReplyKind::Success),
        ("renderUnit", ReplyKind::Success),
        ("renderImpostor", ReplyKind::Success),
        ("renderNumber", ReplyKind::Fail),
        ("renderFails", ReplyKind::Fail),
        ("renderCancel", ReplyKind::Cancel),
        ("noSuchApi", ReplyKind::Fail),
    ] {
        let got = block_on(registry.call(&call(api)).rendered(Rendering::Callback));
        assert_eq!(got.kind, kind, "{api}");
        assert_eq!(typed(&registry, api).kind(), kind, "{api}");
        assert_eq!(
            got.text,
            block_on(registry.dispatch_json(&call(api))),
            "{api}"
        );
        assert_eq!(bare(&registry, api).kind, kind, "{api}");
    }
    let got = block_on(registry.call("{not json").rendered(Rendering::Callback));
    assert_eq!(got.kind, ReplyKind::Fail);
    assert!(got.text.contains("invalid call"), "{}", got.text);
}

/// The old expectation was a fail reply for `renderGreeting`, an `async fn`: before the eager
/// first poll, `now_or_fail` never polled one. It is done on its first poll, so it now answers;
/// the fail reply is kept for a handler that waits.
#[test]
fn a_rendered_reply_answers_synchronously_when_it_can() {
    let registry = registry();
    let mut ready = registry
        .call(&call("renderImpostor"))
        .rendered(Rendering::Callback);
    assert_eq!(ready.prefix(), "renderImpostor");
    let got = ready.try_now().expect("a plain fn has answered");
    assert_eq!(got.kind, ReplyKind::Success);
    let mut running = registry
        .call(&call("renderGreeting"))
        .rendered(Rendering::Callback);
    assert!(running.try_now().is_none(), "an async fn has not run yet");
    let got = running.now_or_fail();
    assert_eq!(got.kind, ReplyKind::Success);
    assert_eq!(
        got.text,
        r#"{"result":"success","method":"myApiHandler","errMsg":"renderGreeting:ok"}"#
    );
    let mut waiting = registry
        .call(&call("renderPending"))
        .rendered(Rendering::Callback);
    assert!(waiting.try_now().is_none(), "an async fn has not run yet");
    let got = waiting.now_or_fail();
    assert_eq!(got.kind, ReplyKind::Fail);
    assert_eq!(
        got.text,
        format!(r#"{{"errMsg":"renderPending:fail {NOT_SYNC}"}}"#)
    );
    let got = registry
        .call(&call("renderPending"))
        .rendered(Rendering::Bare)
        .now_or_fail();
    assert_eq!(
        (got.kind, got.text),
        (ReplyKind::Fail, format!(r#"{{"message":"{NOT_SYNC}"}}"#))
    );
}

/// A rendered reply holds what `serde_json::to_string` writes of the handler's value, in both
/// renderings; a `Reply`'s result is a `serde_json::Map`, which holds what
/// `serde_json::to_value` makes of it.
#[test]
fn the_renderings_hold_what_a_map_cannot() {
    let registry = registry();
    assert_eq!(
        block_on(registry.dispatch_json(&call("renderWide"))),
        r#"{"ratio":0.1,"big":18446744073709551616,"errMsg":"renderWide:ok"}"#
    );
    let got = bare(&registry, "renderWide");
    assert_eq!(
        (got.kind, got.text.as_str()),
        (
            ReplyKind::Success,
            r#"{"ratio":0.1,"big":18446744073709551616}"#
        )
    );
    let reply = typed(&registry, "renderWide");
    if precision::arbitrary_precision() {
        // A map holds it then.
        let big = serde_json::from_str::<Value>("18446744073709551616").unwrap();
        assert_eq!(reply.result().expect("a success")["big"], big);
    } else {
        let failure = reply
            .failure()
            .expect("a map holds no integer beyond 64 bits");
        assert_eq!(failure.kind(), FailureKind::InvalidResult);
        assert_eq!(failure.message(), "invalid result: number out of range");
    }

    assert_eq!(
        block_on(registry.dispatch_json(&call("renderOptionKeys"))),
        r#"{"1":1,"errMsg":"renderOptionKeys:ok"}"#
    );
    let got = bare(&registry, "renderOptionKeys");
    assert_eq!(
        (got.kind, got.text.as_str()),
        (ReplyKind::Success, r#"{"1":1}"#)
    );
    let reply = typed(&registry, "renderOptionKeys");
    let failure = reply.failure().expect("a map refuses an optional key");
    assert_eq!(failure.kind(), FailureKind::InvalidResult);
    assert_eq!(failure.message(), "invalid result: key must be a string");
}

/// The bare rendering used to be made from the `Reply`, so `u128::MAX` failed there as in the
/// `Reply` and an `f32` came out widened; it is now serialized straight from the handler's
/// value, like the callback rendering.
#[test]
fn u128_max_and_f32_are_exact_in_both_renderings() {
    let registry = registry();
    const MAX: &str = "340282366920938463463374607431768211455";
    for api in ["renderHuge", "renderHugeAsync"] {
        let callback = block_on(registry.call(&call(api)).rendered(Rendering::Callback));
        assert_eq!(
            (callback.kind, callback.text),
            (
                ReplyKind::Success,
                format!(r#"{{"big":{MAX},"errMsg":"{api}:ok"}}"#)
            ),
            "{api}"
        );
        let bare = bare(&registry, api);
        assert_eq!(
            (bare.kind, bare.text),
            (ReplyKind::Success, format!(r#"{{"big":{MAX}}}"#)),
            "{api}"
        );
        // Synchronously too: both handlers are done at once.
        let bare = registry
            .call(&call(api))
            .rendered(Rendering::Bare)
            .now_or_fail();
        assert_eq!(bare.text, format!(r#"{{"big":{MAX}}}"#), "{api}");
        // A `Reply` cannot hold it, but under `arbitrary_precision`.
        let reply = typed(&registry, api);
        if precision::arbitrary_precision() {
            let max = serde_json::from_str::<Value>(MAX).unwrap();
            assert_eq!(reply.result().expect("a success")["big"], max, "{api}");
        } else {
            let failure = reply.failure().expect("a map holds no u128::MAX");
            assert_eq!(
                (failure.kind(), failure.message()),
                (
                    FailureKind::InvalidResult,
                    "invalid result: number out of range"
                ),
                "{api}"
            );
        }
        assert_eq!(
            block_on(registry.call(&call(api)).reply()),
            reply,
            "{api}: from text as from a built call"
        );
    }
    // An `f32` is written as it is, `0.1`; a `Reply` holds what `serde_json::to_value` makes of
    // it: widened to an `f64`, `0.10000000149011612` (under `arbitrary_precision`, `0.1`).
    let callback = block_on(
        registry
            .call(&call("renderRatio"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(callback.text, r#"{"ratio":0.1,"errMsg":"renderRatio:ok"}"#);
    assert_eq!(bare(&registry, "renderRatio").text, r#"{"ratio":0.1}"#);
    let reply = typed(&registry, "renderRatio");
    let held = if precision::arbitrary_precision() {
        json!(0.1_f32)
    } else {
        json!(f64::from(0.1_f32))
    };
    assert_eq!(reply.result().unwrap()["ratio"], held);
    assert_eq!(reply.to_bare_json(), format!(r#"{{"ratio":{held}}}"#));
}

/// Failures, cancels and refusals render in both forms exactly as the `Reply` does.
#[test]
fn failures_render_as_the_reply_renders_them() {
    let registry = registry();
    for api in [
        "renderNumber",
        "renderUnitVariant",
        "renderFails",
        "renderCancel",
        "noSuchApi",
    ] {
        let reply = typed(&registry, api);
        assert!(!reply.is_success(), "{api}");
        let callback = block_on(registry.call(&call(api)).rendered(Rendering::Callback));
        assert_eq!(
            (callback.kind, callback.text),
            (reply.kind(), reply.to_callback_json(api)),
            "{api}"
        );
        let bare = bare(&registry, api);
        assert_eq!(
            (bare.kind, bare.text),
            (reply.kind(), reply.to_bare_json()),
            "{api}"
        );
    }
    assert_eq!(
        bare(&registry, "renderFails").text,
        r#"{"code":1001,"message":"out of stock"}"#
    );
    assert_eq!(bare(&registry, "renderCancel").text, "{}");
    // A call too broken to name its API.
    let reply = block_on(registry.call("[1]").reply());
    let callback = block_on(registry.call("[1]").rendered(Rendering::Callback));
    assert_eq!(callback.text, reply.to_callback_json("invokeNativePlugin"));
    let got = block_on(registry.call("[1]").rendered(Rendering::Bare));
    assert_eq!(
        got.text,
        r#"{"message":"invalid call: expected a JSON object, found an array"}"#
    );
}

// ---- every combination of the options, through the one path ------------------------------

#[derive(Deserialize)]
struct Operands {
    a: i64,
    b: i64,
}

/// Fields in alphabetical order, and before `errMsg`: a `Reply`'s map sorts its keys (so
/// `Reply::to_callback_json` sorts `errMsg` among them), a rendered reply keeps the struct's
/// order and writes `errMsg` last; so these fields render the same text both ways.
#[derive(Serialize)]
struct Quotient {
    answer: i64,
    delivered: bool,
}

/// Reports progress, then divides; a zero divisor is a handler error with a code.
fn divide(operands: &Operands, progress: &Progress) -> Result<Quotient, ApiError> {
    let delivered = progress
        .send(json!({ "dividing": operands.a }))
        .is_ok_and(Delivery::is_delivered);
    if operands.b == 0 {
        return Err(ApiError::new("division by zero").with_code(7));
    }
    Ok(Quotient {
        answer: operands.a / operands.b,
        delivered,
    })
}

#[mini_api("comboSync")]
fn combo_sync(operands: Operands, progress: Progress) -> Result<Quotient, ApiError> {
    divide(&operands, &progress)
}

/// Done on its first poll.
#[mini_api("comboAsync")]
async fn combo_async(operands: Operands, progress: Progress) -> Result<Quotient, ApiError> {
    let operands = std::future::ready(operands).await;
    divide(&operands, &progress)
}

/// Waits once before its body goes on: it answers when awaited, and fails a synchronous call.
#[mini_api("comboWaits")]
async fn combo_waits(operands: Operands, progress: Progress) -> Result<Quotient, ApiError> {
    YieldOnce::new().await;
    divide(&operands, &progress)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Input {
    Call,
    Text,
    Bytes,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Unified,
    Named,
    Legacy,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Output {
    Reply,
    Callback,
    Bare,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Run {
    /// `now_or_fail`, as for a synchronous call.
    NowOrFail,
    /// `futures_executor::block_on`.
    BlockOn,
    /// On a tokio runtime; a `Reply` by `.await` on the dispatch itself.
    Tokio,
}

type Events = Arc<Mutex<Vec<String>>>;

fn event_sink(events: &Events) -> impl Fn(ProgressEvent<'_>) + Send + Sync + 'static {
    let events = events.clone();
    move |event| {
        events.lock().unwrap().push(format!(
            "{} {:?} {}",
            event.api_name,
            event.state_event,
            event.payload_json()
        ));
    }
}

/// Takes the reply from `future` as `run` says.
fn take<T: ReplyForm>(future: ReplyFuture<T>, run: Run, runtime: &tokio::runtime::Runtime) -> T {
    match run {
        Run::NowOrFail => future.now_or_fail(),
        Run::BlockOn => block_on(future),
        Run::Tokio => runtime.block_on(future),
    }
}

#[test]
fn every_combination_of_options_gives_one_consistent_reply() {
    let registry = registry();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut combinations = 0;
    for api in ["comboSync", "comboAsync", "comboWaits"] {
        for data in [
            json!({ "a": 84, "b": 2 }),
            json!({ "a": 1, "b": 0 }),
            json!({ "a": "x", "b": 1 }),
        ] {
            for with_progress in [false, true] {
                // The reference: the call as the host built it, awaited, as a `Reply`.
                let reference_events = Events::default();
                let mut reference = registry.call(MiniApiCall::new(api, data.clone()));
                if with_progress {
                    reference = reference.progress(event_sink(&reference_events));
                }
                let reference = block_on(reference.reply());
                let reference_events = reference_events.lock().unwrap().clone();
                let case = format!("{api} {data} progress={with_progress}");
                match (data["b"].as_i64(), &reference) {
                    (Some(2), Reply::Success(map)) => {
                        assert_eq!(
                            Value::Object(map.clone()),
                            json!({ "answer": 42, "delivered": with_progress }),
                            "{case}"
                        );
                    }
                    (Some(0), Reply::Fail(failure)) => assert_eq!(
                        (failure.kind(), failure.message(), failure.code()),
                        (FailureKind::Handler, "division by zero", Some(7)),
                        "{case}"
                    ),
                    (Some(1), Reply::Fail(failure)) => assert_eq!(
                        (failure.kind(), failure.message()),
                        (
                            FailureKind::InvalidData,
                            "invalid data: a: invalid type: string \"x\", expected i64"
                        ),
                        "{case}"
                    ),
                    _ => panic!("{case}: {reference:?}"),
                }
                let expected_events = if with_progress && data["a"].is_i64() {
                    vec![format!("{api} None {{\"dividing\":{}}}", data["a"])]
                } else {
                    Vec::new()
                };
                assert_eq!(reference_events, expected_events, "{case}");

                for input in [Input::Call, Input::Text, Input::Bytes] {
                    for format in [Format::Unified, Format::Named, Format::Legacy] {
                        let text = match format {
                            Format::Unified | Format::Named => {
                                json!({ "api_name": api, "data": data }).to_string()
                            }
                            Format::Legacy => data.to_string(),
                        };
                        // A built call was read already: the wire format does not apply to it.
                        let wire = match format {
                            Format::Unified => Wire::Unified,
                            Format::Named => Wire::Named(api),
                            Format::Legacy => Wire::Legacy(api),
                        };
                        for output in [Output::Reply, Output::Callback, Output::Bare] {
                            for run in [Run::NowOrFail, Run::BlockOn, Run::Tokio] {
                                let case =
                                    format!("{case} {input:?} {format:?} {output:?} {run:?}");
                                combinations += 1;
                                let events = Events::default();
                                let dispatch = match input {
                                    Input::Call => {
                                        registry.call(MiniApiCall::new(api, data.clone()))
                                    }
                                    Input::Text => registry.call(&text),
                                    Input::Bytes => registry.call(text.as_bytes()),
                                };
                                let mut dispatch = dispatch.wire(wire);
                                if with_progress {
                                    dispatch = dispatch.progress(event_sink(&events));
                                }
                                // A handler that waits is dropped by a synchronous call, its body
                                // never going on; data that does not fit fails before any poll.
                                let dropped = run == Run::NowOrFail
                                    && api == "comboWaits"
                                    && data["a"].is_i64();
                                let expected = if dropped {
                                    Reply::fail(FailureKind::NotSynchronous, NOT_SYNC)
                                } else {
                                    reference.clone()
                                };
                                match output {
                                    Output::Reply if run == Run::Tokio => {
                                        // `.await` on the dispatch itself.
                                        let got = runtime.block_on(async { dispatch.await });
                                        assert_eq!(got, expected, "{case}");
                                    }
                                    Output::Reply => {
                                        let future = dispatch.reply();
                                        assert_eq!(take(future, run, &runtime), expected, "{case}");
                                    }
                                    Output::Callback => {
                                        let future = dispatch.rendered(Rendering::Callback);
                                        assert_eq!(future.prefix(), api, "{case}");
                                        let got = take(future, run, &runtime);
                                        assert_eq!(
                                            (got.kind, got.text),
                                            (expected.kind(), expected.to_callback_json(api)),
                                            "{case}"
                                        );
                                    }
                                    Output::Bare => {
                                        let future = dispatch.rendered(Rendering::Bare);
                                        assert_eq!(future.prefix(), api, "{case}");
                                        let got = take(future, run, &runtime);
                                        assert_eq!(
                                            (got.kind, got.text),
                                            (expected.kind(), expected.to_bare_json()),
                                            "{case}"
                                        );
                                    }
                                }
                                let events = events.lock().unwrap().clone();
                                if dropped {
                                    assert!(events.is_empty(), "{case}: {events:?}");
                                } else {
                                    assert_eq!(events, reference_events, "{case}");
                                }
                            }
                        }
                        // The shortcut: callback text, no progress, the caller unknown.
                        if input == Input::Text && format == Format::Unified && !with_progress {
                            for run in [Run::NowOrFail, Run::BlockOn, Run::Tokio] {
                                let dropped = run == Run::NowOrFail
                                    && api == "comboWaits"
                                    && data["a"].is_i64();
                                let expected = if dropped {
                                    Reply::fail(FailureKind::NotSynchronous, NOT_SYNC)
                                } else {
                                    reference.clone()
                                };
                                assert_eq!(
                                    take(registry.dispatch_json(&text), run, &runtime),
                                    expected.to_callback_json(api),
                                    "{api} {data} dispatch_json {run:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(combinations, 3 * 3 * 2 * 3 * 3 * 3 * 3);
}
