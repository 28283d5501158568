//! How replies are rendered: the JSON entries serialize a handler's value straight into the
//! callback text, the typed entry into a `serde_json` map, and both must agree on every outcome.

use std::collections::HashMap;

use futures_executor::block_on;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tcmpp_core::{
    ApiError, ErrMsgPrefix, FailureKind, MiniApiCall, Registry, Reply, ReplyKind, mini_api,
};

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
    block_on(registry.dispatch(MiniApiCall::new(api_name, Value::Null)))
}

/// The JSON entry's object is the typed entry's result map with `errMsg` added.
fn assert_entries_agree(registry: &Registry, api_name: &str) {
    let mut expected = match typed(registry, api_name) {
        Reply::Success(map) => map,
        other => panic!("{api_name}: expected a success, got {other:?}"),
    };
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
    let reply = rendered(&registry, "renderImpostor");
    assert_eq!(reply, json!({ "errMsg": "renderImpostor:ok", "value": 7 }));
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
    let reply: Value = serde_json::from_str(&block_on(
        registry.dispatch_json_with_name("renderGreeting", escaped),
    ))
    .expect("JSON");
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
        let reply = block_on(registry.dispatch_json_bare(call));
        let failure = reply.failure().expect("a fail reply");
        assert_eq!(failure.kind(), FailureKind::InvalidCall, "{call}");
        assert_eq!(
            failure.message(),
            format!("invalid call: {message}"),
            "{call}"
        );
    }
    let reply = block_on(registry.dispatch_json_bare(
        r#"{"api_name":"renderUnit","webviewId":-12,"stateEvent":"requestCustomApi"}"#,
    ));
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
    for api in ["renderImpostor", "renderValue"] {
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
fn with_kind_yields_the_text_and_how_the_call_ended() {
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
        let (got, text) = block_on(registry.dispatch_json(&call(api)).with_kind());
        assert_eq!(got, kind, "{api}");
        assert_eq!(typed(&registry, api).kind(), kind, "{api}");
        assert_eq!(text, block_on(registry.dispatch_json(&call(api))), "{api}");
    }
    let (kind, text) = block_on(registry.dispatch_json("{not json").with_kind());
    assert_eq!(kind, ReplyKind::Fail);
    assert!(text.contains("invalid call"), "{text}");
}

#[test]
fn with_kind_answers_synchronously_when_it_can() {
    let registry = registry();
    let ready = registry.dispatch_json(&call("renderImpostor")).with_kind();
    assert_eq!(ready.prefix(), "renderImpostor");
    let (kind, _) = ready.try_now().expect("a plain fn has answered");
    assert_eq!(kind, ReplyKind::Success);
    let running = registry
        .dispatch_json(&call("renderGreeting"))
        .with_kind()
        .try_now()
        .expect_err("an async fn has not run yet");
    let (kind, text) = running.now_or_fail();
    assert_eq!(kind, ReplyKind::Fail);
    assert!(text.contains("cannot answer a synchronous call"), "{text}");
}

/// The JSON entries render what `serde_json::to_string` renders; the typed entry's result is a
/// `serde_json::Map`, which holds what `serde_json::to_value` makes of the value.
#[test]
fn the_text_entry_renders_what_a_map_cannot_hold() {
    let registry = registry();
    assert_eq!(
        block_on(registry.dispatch_json(&call("renderWide"))),
        r#"{"ratio":0.1,"big":18446744073709551616,"errMsg":"renderWide:ok"}"#
    );
    let reply = typed(&registry, "renderWide");
    let failure = reply
        .failure()
        .expect("a map holds no integer beyond 64 bits");
    assert_eq!(failure.kind(), FailureKind::InvalidResult);
    assert_eq!(failure.message(), "invalid result: number out of range");

    assert_eq!(
        block_on(registry.dispatch_json(&call("renderOptionKeys"))),
        r#"{"1":1,"errMsg":"renderOptionKeys:ok"}"#
    );
    let reply = typed(&registry, "renderOptionKeys");
    let failure = reply.failure().expect("a map refuses an optional key");
    assert_eq!(failure.kind(), FailureKind::InvalidResult);
    assert_eq!(failure.message(), "invalid result: key must be a string");
}
