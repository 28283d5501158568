//! Dispatching: data in, context in, replies out, and every failure a fail reply.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::reply::{ErrMsgPrefix, FailureKind, Rendering, ReplyKind};
use tcmpp_core::{
    ApiError, ApiName, AppInfo, Caller, MiniApiCall, Registry, Reply, State, WebViewId, Wire,
    mini_api,
};

#[path = "../support/precision.rs"]
mod precision;
#[path = "../support/yield_once.rs"]
mod yield_once;
use yield_once::YieldOnce;

// ---- handlers under test -------------------------------------------------------------------

#[derive(Deserialize)]
struct Person {
    name: String,
    age: u32,
}

#[derive(Serialize)]
struct Greeting {
    result: &'static str,
    method: &'static str,
}

#[mini_api("myApiName")]
async fn my_api(person: Person) -> Result<Greeting, ApiError> {
    assert!(!person.name.is_empty() && person.age > 0);
    Ok(Greeting {
        result: "success",
        method: "myApiHandler",
    })
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Profile {
    user_name: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[mini_api("echoProfile")]
fn echo_profile(profile: Profile) -> Profile {
    profile
}

#[derive(Deserialize, Serialize, Default)]
struct AllOptional {
    #[serde(default)]
    page: u32,
}

#[mini_api("allOptional")]
fn all_optional(options: AllOptional) -> AllOptional {
    options
}

#[mini_api("optionalData")]
fn optional_data(data: Option<Person>) -> Value {
    json!({ "present": data.is_some() })
}

#[mini_api("noData")]
fn no_data() -> Value {
    json!({ "ran": true })
}

#[mini_api("bareString")]
async fn bare_string(text: String) -> Value {
    json!({ "length": text.len() })
}

#[derive(Deserialize)]
#[serde(tag = "methodName", rename_all = "camelCase")]
enum Action {
    Add { a: i64, b: i64 },
    Negate { a: i64 },
}

#[mini_api("calc")]
fn calc(action: Action) -> Value {
    match action {
        Action::Add { a, b } => json!({ "value": a + b }),
        Action::Negate { a } => json!({ "value": -a }),
    }
}

#[mini_api("rawMap")]
async fn raw_map(params: Map<String, Value>) -> Map<String, Value> {
    params
}

#[mini_api("whoCalls")]
async fn who_calls(app: AppInfo, web_view: WebViewId, api: ApiName) -> Value {
    json!({ "appId": app.app_id, "webViewId": web_view.0, "api": api.0 })
}

#[mini_api("maybeWho")]
fn maybe_who(app: Option<AppInfo>, web_view: Option<WebViewId>) -> Value {
    json!({ "app": app.and_then(|a| a.app_id), "webView": web_view.map(|w| w.0) })
}

/// The call's `stateEvent`, as the host stated it: a context type of the test's own, since a
/// `MiniApiCall` holds only what the mini program sent.
struct StateEvent(Option<String>);

impl FromContext for StateEvent {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(StateEvent(cx.state_event().map(str::to_owned)))
    }
}

#[mini_api("wholeCall")]
async fn whole_call(person: Person, call: MiniApiCall, #[context] event: StateEvent) -> Value {
    json!({ "name": person.name, "callData": call.data, "event": event.0, "api": call.api_name })
}

struct Counter(AtomicUsize);

#[mini_api("count")]
async fn count(counter: State<Counter>) -> Value {
    json!({ "count": counter.0.fetch_add(1, Ordering::SeqCst) + 1 })
}

#[mini_api("unitResult")]
async fn unit_result() {}

#[mini_api("noneResult")]
fn none_result() -> Option<Greeting> {
    None
}

#[mini_api("someResult")]
fn some_result() -> Option<Greeting> {
    Some(Greeting {
        result: "some",
        method: "someResult",
    })
}

#[mini_api("mapResult")]
fn map_result() -> BTreeMap<String, u32> {
    BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)])
}

#[mini_api("failWithCode")]
async fn fail_with_code() -> Result<Greeting, ApiError> {
    Err(ApiError::new("out of stock").with_code(1001))
}

#[mini_api("failStdError")]
fn fail_std_error(text: String) -> Result<Value, std::num::ParseIntError> {
    let n: i64 = text.parse()?;
    Ok(json!({ "n": n }))
}

#[mini_api("failQuestionMark")]
fn fail_question_mark(text: String) -> Result<Value, ApiError> {
    let n: i64 = text.parse()?;
    Ok(json!({ "n": n }))
}

#[mini_api("failString")]
async fn fail_string() -> Result<(), String> {
    Err(format!("disk {} is full", 2))
}

#[mini_api("failStr")]
fn fail_str() -> Result<(), &'static str> {
    Err("not today")
}

#[mini_api("failBoxed")]
fn fail_boxed() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Err("boxed failure".into())
}

#[mini_api("cancelled")]
async fn cancelled() -> Result<(), ApiError> {
    Err(ApiError::cancelled())
}

#[mini_api("notAnObject")]
fn not_an_object() -> Value {
    json!([1, 2, 3])
}

#[mini_api("resultWithErrMsg")]
fn result_with_err_msg() -> Value {
    json!({ "errMsg": "sneaky:ok", "value": 1 })
}

#[mini_api("panicSync")]
fn panic_sync() {
    panic!("secret internals");
}

#[mini_api("panicAsync")]
async fn panic_async(person: Person) -> Greeting {
    let yielded = YieldOnce::new();
    yielded.await;
    panic!("{} broke it", person.name);
}

// ---- helpers -------------------------------------------------------------------------------

fn registry() -> Registry {
    Registry::builder()
        .state(Counter(AtomicUsize::new(0)))
        .build()
        .expect("the test handlers are consistent")
}

fn dispatch(api: &str, data: Value) -> Reply {
    block_on(registry().call(MiniApiCall::new(api, data)).reply())
}

fn json_reply(text: &str) -> Value {
    serde_json::from_str(&block_on(registry().dispatch_json(text))).expect("a reply is JSON")
}

fn success(reply: Reply) -> Value {
    match reply {
        Reply::Success(map) => Value::Object(map),
        other => panic!("expected success, got {other:?}"),
    }
}

fn failure(reply: &Reply) -> (FailureKind, String, Option<i64>) {
    match reply {
        Reply::Fail(failure) => (failure.kind(), failure.message().to_owned(), failure.code()),
        other => panic!("expected a failure, got {other:?}"),
    }
}

// ---- the seed call -------------------------------------------------------------------------

#[test]
fn seed_call_through_the_json_entry() {
    let reply = block_on(registry().dispatch_json(
        r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"#,
    ));
    assert_eq!(
        reply,
        r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#
    );
}

#[test]
fn seed_call_in_the_legacy_format() {
    let reply = block_on(
        registry()
            .call(r#"{"name":"kka","age":22}"#)
            .wire(Wire::Legacy("myApiName"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.kind, ReplyKind::Success);
    assert_eq!(
        reply.text,
        r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#
    );
}

#[test]
fn seed_call_with_the_name_reported_beside_it() {
    let reply = block_on(
        registry()
            .call(r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"#)
            .wire(Wire::Named("myApiName"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(
        reply.text,
        r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#
    );
}

#[test]
fn seed_call_as_a_call_value_and_bare() {
    let expected = json!({ "result": "success", "method": "myApiHandler" });
    assert_eq!(
        success(dispatch("myApiName", json!({ "name": "kka", "age": 22 }))),
        expected
    );
    let text = r#"{"api_name":"myApiName","data":{"name":"kka","age":22}}"#;
    let reply = block_on(registry().call(text).reply());
    assert_eq!(success(reply), expected);
    let legacy = block_on(
        registry()
            .call(r#"{"name":"kka","age":22}"#)
            .wire(Wire::Legacy("myApiName"))
            .reply(),
    );
    assert_eq!(success(legacy), expected);
    // The bare rendering, for SDKs that add `errMsg` themselves.
    let bare = block_on(registry().call(text).rendered(Rendering::Bare));
    assert_eq!(bare.kind, ReplyKind::Success);
    assert_eq!(bare.text, r#"{"result":"success","method":"myApiHandler"}"#);
}

// ---- data ----------------------------------------------------------------------------------

#[test]
fn invalid_data_names_the_field_and_the_expectation() {
    let text = r#"{"api_name":"myApiName","data":{"name":"kka","age":"x"}}"#;
    assert_eq!(
        json_reply(text),
        json!({ "errMsg": "myApiName:fail invalid data: age: invalid type: string \"x\", expected u32" })
    );
    // The same text when the data arrives as a parsed value.
    let reply = dispatch("myApiName", json!({ "name": "kka", "age": "x" }));
    assert_eq!(
        failure(&reply),
        (
            FailureKind::InvalidData,
            "invalid data: age: invalid type: string \"x\", expected u32".into(),
            None
        )
    );
}

#[test]
fn invalid_data_messages_for_common_mistakes() {
    let cases = [
        (
            json!({ "name": "kka" }),
            "invalid data: missing field `age`",
        ),
        (
            json!({ "name": "kka", "age": -1 }),
            "invalid data: age: invalid value: integer `-1`, expected u32",
        ),
        (
            json!({ "name": "kka", "age": 4_294_967_296_u64 }),
            "invalid data: age: invalid value: integer `4294967296`, expected u32",
        ),
        (
            json!({ "name": 7, "age": 1 }),
            "invalid data: name: invalid type: integer `7`, expected a string",
        ),
        (
            json!("kka"),
            "invalid data: invalid type: string \"kka\", expected struct Person",
        ),
        (
            json!(true),
            "invalid data: invalid type: boolean `true`, expected struct Person",
        ),
        // serde lets a struct be written as a sequence of its fields.
        (
            json!([1]),
            "invalid data: [0]: invalid type: integer `1`, expected a string",
        ),
    ];
    for (data, expected) in cases {
        let text = json!({ "api_name": "myApiName", "data": data }).to_string();
        let from_text = block_on(registry().call(&text).reply());
        let from_value = dispatch("myApiName", data.clone());
        assert_eq!(
            failure(&from_text),
            (FailureKind::InvalidData, expected.to_owned(), None),
            "{data}"
        );
        // Under `arbitrary_precision`, a `Value`'s number out of the field's range is refused in
        // `serde_json`'s words for one (the README says so).
        let expected = match (precision::arbitrary_precision(), data["age"].as_i64()) {
            (true, Some(-1 | 4_294_967_296)) => "invalid data: age: invalid number",
            _ => expected,
        };
        assert_eq!(
            failure(&from_value),
            (FailureKind::InvalidData, expected.to_owned(), None),
            "{data}"
        );
    }
}

#[test]
fn nested_paths_are_named() {
    let reply = json_reply(r#"{"api_name":"echoProfile","data":{"userName":"a","tags":["x",3]}}"#);
    assert_eq!(
        reply,
        json!({ "errMsg": "echoProfile:fail invalid data: tags[1]: invalid type: integer `3`, expected a string" })
    );
}

#[test]
fn serde_attributes_are_honoured() {
    let ok = success(dispatch("echoProfile", json!({ "userName": "kka" })));
    assert_eq!(ok, json!({ "userName": "kka", "tags": [] }));
    let snake = dispatch("echoProfile", json!({ "user_name": "kka" }));
    assert_eq!(
        failure(&snake).1,
        "invalid data: user_name: unknown field `user_name`, expected `userName` or `tags`"
    );
}

#[test]
fn missing_or_null_data_is_an_empty_object_or_none() {
    for text in [
        r#"{"api_name":"allOptional"}"#,
        r#"{"api_name":"allOptional","data":null}"#,
    ] {
        assert_eq!(
            json_reply(text),
            json!({ "errMsg": "allOptional:ok", "page": 0 }),
            "{text}"
        );
    }
    assert_eq!(
        success(dispatch("allOptional", Value::Null)),
        json!({ "page": 0 })
    );
    assert_eq!(
        success(dispatch("optionalData", Value::Null)),
        json!({ "present": false })
    );
    assert_eq!(
        json_reply(r#"{"api_name":"optionalData","data":null}"#)["present"],
        json!(false)
    );
    assert_eq!(
        success(dispatch("optionalData", json!({ "name": "a", "age": 1 }))),
        json!({ "present": true })
    );
    assert_eq!(success(dispatch("rawMap", Value::Null)), json!({}));
    // A struct with required fields still says which one is missing.
    assert_eq!(
        failure(&dispatch("myApiName", Value::Null)).1,
        "invalid data: missing field `name`"
    );
    // A scalar data type says there was no data.
    assert_eq!(
        failure(&dispatch("bareString", Value::Null)).1,
        "invalid data: invalid type: no data, expected a string"
    );
}

#[test]
fn a_handler_without_a_data_parameter_ignores_data() {
    for data in [Value::Null, json!({ "x": 1 }), json!("text"), json!([1, 2])] {
        assert_eq!(
            success(dispatch("noData", data.clone())),
            json!({ "ran": true }),
            "{data}"
        );
    }
}

#[test]
fn data_may_be_a_bare_string_or_a_tagged_enum() {
    assert_eq!(
        json_reply(r#"{"api_name":"bareString","data":"kka"}"#),
        json!({ "errMsg": "bareString:ok", "length": 3 })
    );
    assert_eq!(
        json_reply(r#"{"api_name":"calc","data":{"methodName":"add","a":2,"b":3}}"#),
        json!({ "errMsg": "calc:ok", "value": 5 })
    );
    assert_eq!(
        success(dispatch("calc", json!({ "methodName": "negate", "a": 2 }))),
        json!({ "value": -2 })
    );
    assert_eq!(
        failure(&dispatch("calc", json!({ "methodName": "divide" }))).1,
        "invalid data: methodName: unknown variant `divide`, expected `add` or `negate`"
    );
}

#[test]
fn escaped_strings_in_data_decode() {
    let reply = json_reply(r#"{"api_name":"bareString","data":"k\u00e4\"a"}"#);
    assert_eq!(
        reply,
        json!({ "errMsg": "bareString:ok", "length": "kä\"a".len() })
    );
}

// ---- context -------------------------------------------------------------------------------

/// The reason a call whose text carries `appInfo` is refused, unless the host said to believe
/// the text.
const APP_INFO_REFUSED: &str = "invalid call: `appInfo` in the call text is not believed: the host states the caller beside the call, or, when the text is its own SDK's rendering, says to believe it with `Caller::trust_call_text()`";

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("a reply is JSON")
}

#[test]
fn context_parameters_come_from_the_caller_the_host_states() {
    let registry = registry();
    // The host states who calls beside the call text, from what its SDK knows.
    let caller = Caller::new()
        .with_app_info(AppInfo::with_app_id("wx1"))
        .with_web_view_id(7);
    let reply = block_on(
        registry
            .call(r#"{"api_name":"whoCalls"}"#)
            .caller(&caller)
            .rendered(Rendering::Callback),
    );
    assert_eq!(
        parse(&reply.text),
        json!({ "errMsg": "whoCalls:ok", "appId": "wx1", "webViewId": 7, "api": "whoCalls" })
    );
    // The same from bytes.
    let reply = block_on(
        registry
            .call(br#"{"api_name":"whoCalls"}"#.as_slice())
            .caller(&caller)
            .reply(),
    );
    assert_eq!(
        success(reply),
        json!({ "appId": "wx1", "webViewId": 7, "api": "whoCalls" })
    );
    // A call the host built has its caller stated beside it the same way.
    let call = MiniApiCall::new("whoCalls", Value::Null);
    let built = Caller::new()
        .with_app_info(AppInfo::with_app_id("wx2"))
        .with_web_view_id(8);
    assert_eq!(
        success(block_on(registry.call(call.clone()).caller(&built).reply())),
        json!({ "appId": "wx2", "webViewId": 8, "api": "whoCalls" })
    );
    // A `with_*` value set again replaces the one set before.
    let reply = block_on(
        registry
            .call(call)
            .caller(&built.clone().with_web_view_id(9))
            .reply(),
    );
    assert_eq!(
        success(reply),
        json!({ "appId": "wx2", "webViewId": 9, "api": "whoCalls" })
    );
}

#[test]
fn the_caller_comes_from_the_text_only_when_the_host_says_so() {
    let registry = registry();
    let text = r#"{"api_name":"whoCalls","webviewId":7,"appInfo":{"appId":"wx1"}}"#;
    // The host's own SDK rendered the text: its caller is believed.
    let reply = block_on(
        registry
            .call(text)
            .caller(&Caller::trust_call_text())
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.kind, ReplyKind::Success);
    assert_eq!(
        parse(&reply.text),
        json!({ "errMsg": "whoCalls:ok", "appId": "wx1", "webViewId": 7, "api": "whoCalls" })
    );
    // What the host states takes precedence over the text's.
    let reply = block_on(
        registry
            .call(text)
            .caller(&Caller::trust_call_text().with_app_info(AppInfo::with_app_id("wx_host")))
            .reply(),
    );
    assert_eq!(
        success(reply),
        json!({ "appId": "wx_host", "webViewId": 7, "api": "whoCalls" })
    );
    // Otherwise an `appInfo` in the text is what the mini program wrote: refused.
    assert_eq!(
        json_reply(text),
        json!({ "errMsg": format!("whoCalls:fail {APP_INFO_REFUSED}") })
    );
    // Even beside a caller the host states.
    let stated = Caller::new()
        .with_app_info(AppInfo::with_app_id("wx2"))
        .with_web_view_id(8);
    let reply = block_on(registry.call(text).caller(&stated).reply());
    assert_eq!(
        failure(&reply),
        (FailureKind::InvalidCall, APP_INFO_REFUSED.into(), None)
    );
    // A `webviewId` in the text is ignored: the handler sees only what the host states.
    let reply = block_on(
        registry
            .call(r#"{"api_name":"whoCalls","webviewId":7}"#)
            .caller(&Caller::new().with_app_info(AppInfo::with_app_id("wx1")))
            .reply(),
    );
    assert_eq!(
        failure(&reply),
        (
            FailureKind::MissingContext,
            "missing context: this call carries no webviewId".into(),
            None
        )
    );
    let reply = block_on(
        registry
            .call(r#"{"api_name":"whoCalls","webviewId":7}"#)
            .caller(&stated)
            .reply(),
    );
    assert_eq!(
        success(reply),
        json!({ "appId": "wx2", "webViewId": 8, "api": "whoCalls" })
    );
}

#[test]
fn a_missing_required_context_is_a_fail_reply() {
    let no_app = dispatch("whoCalls", Value::Null);
    assert_eq!(
        failure(&no_app),
        (
            FailureKind::MissingContext,
            "missing context: this call carries no appInfo".into(),
            None
        )
    );
    let app_only = Caller::new().with_app_info(AppInfo::with_app_id("wx"));
    let call = MiniApiCall::new("whoCalls", Value::Null);
    assert_eq!(
        failure(&block_on(registry().call(call).caller(&app_only).reply())).1,
        "missing context: this call carries no webviewId"
    );
    // The same when the host states an app but no web view beside call text.
    let reply = block_on(
        registry()
            .call(r#"{"api_name":"whoCalls"}"#)
            .caller(&Caller::new().with_app_info(AppInfo::with_app_id("wx")))
            .reply(),
    );
    assert_eq!(
        failure(&reply).1,
        "missing context: this call carries no webviewId"
    );
}

#[test]
fn optional_context_is_none_when_absent() {
    assert_eq!(
        success(dispatch("maybeWho", Value::Null)),
        json!({ "app": null, "webView": null })
    );
    let expected = json!({ "errMsg": "maybeWho:ok", "app": "wx9", "webView": 3 });
    let text = r#"{"api_name":"maybeWho","webviewId":3,"appInfo":{"appId":"wx9"}}"#;
    let reply = block_on(
        registry()
            .call(text)
            .caller(&Caller::trust_call_text())
            .rendered(Rendering::Callback),
    );
    assert_eq!(parse(&reply.text), expected);
    let reply = block_on(
        registry()
            .call(r#"{"api_name":"maybeWho","webviewId":3}"#)
            .caller(
                &Caller::new()
                    .with_app_info(AppInfo::with_app_id("wx9"))
                    .with_web_view_id(3),
            )
            .rendered(Rendering::Callback),
    );
    assert_eq!(parse(&reply.text), expected);
    // Without the host's word, the text's `webviewId` is none, and a null `appInfo` is no
    // `appInfo`.
    assert_eq!(
        json_reply(r#"{"api_name":"maybeWho","webviewId":3,"appInfo":null}"#),
        json!({ "errMsg": "maybeWho:ok", "app": null, "webView": null })
    );
}

#[test]
fn the_whole_call_is_available_alongside_the_data() {
    let text = r#"{"stateEvent":"requestCustomApi","api_name":"wholeCall","data":{"name":"kka","age":22},"webviewId":4}"#;
    let expected = |event: Value| {
        json!({
            "errMsg": "wholeCall:ok",
            "name": "kka",
            "callData": { "name": "kka", "age": 22 },
            "event": event,
            "api": "wholeCall",
        })
    };
    for caller in [
        Caller::new().with_state_event("requestCustomApi"),
        Caller::trust_call_text(),
    ] {
        let reply = block_on(
            registry()
                .call(text)
                .caller(&caller)
                .rendered(Rendering::Callback),
        );
        assert_eq!(
            parse(&reply.text),
            expected(json!("requestCustomApi")),
            "{caller:?}"
        );
    }
    // The text's `stateEvent` alone is not believed.
    assert_eq!(json_reply(text), expected(Value::Null));
    // A call the host built, with the caller it states.
    let call = MiniApiCall::new("wholeCall", json!({ "name": "kka", "age": 22 }));
    let caller = Caller::new().with_state_event("requestCustomApi");
    assert_eq!(
        success(block_on(registry().call(call).caller(&caller).reply())),
        json!({
            "name": "kka",
            "callData": { "name": "kka", "age": 22 },
            "event": "requestCustomApi",
            "api": "wholeCall",
        })
    );
}

#[test]
fn state_is_shared_by_every_call() {
    let registry = registry();
    let clone = registry.clone();
    for expected in 1..=3 {
        let which = if expected % 2 == 0 { &clone } else { &registry };
        let reply = block_on(which.call(MiniApiCall::new("count", Value::Null)).reply());
        assert_eq!(success(reply), json!({ "count": expected }));
    }
}

// ---- returns -------------------------------------------------------------------------------

#[test]
fn unit_none_some_and_maps_become_result_maps() {
    assert_eq!(
        json_reply(r#"{"api_name":"unitResult"}"#),
        json!({ "errMsg": "unitResult:ok" })
    );
    assert_eq!(success(dispatch("noneResult", Value::Null)), json!({}));
    assert_eq!(
        success(dispatch("someResult", Value::Null)),
        json!({ "result": "some", "method": "someResult" })
    );
    assert_eq!(
        success(dispatch("mapResult", Value::Null)),
        json!({ "a": 1, "b": 2 })
    );
}

#[test]
fn handler_errors_become_fail_replies() {
    assert_eq!(
        json_reply(r#"{"api_name":"failWithCode"}"#),
        json!({ "errMsg": "failWithCode:fail out of stock", "errCode": 1001 })
    );
    assert_eq!(
        failure(&dispatch("failWithCode", Value::Null)),
        (FailureKind::Handler, "out of stock".into(), Some(1001))
    );
    let cases = [
        ("failStdError", json!("x"), "invalid digit found in string"),
        (
            "failQuestionMark",
            json!("x"),
            "invalid digit found in string",
        ),
        ("failString", Value::Null, "disk 2 is full"),
        ("failStr", Value::Null, "not today"),
        ("failBoxed", Value::Null, "boxed failure"),
    ];
    for (api, data, message) in cases {
        assert_eq!(
            failure(&dispatch(api, data)),
            (FailureKind::Handler, message.to_owned(), None),
            "{api}"
        );
    }
    assert_eq!(
        success(dispatch("failStdError", json!("12"))),
        json!({ "n": 12 })
    );
}

#[test]
fn a_cancel_renders_as_cancel() {
    assert_eq!(dispatch("cancelled", Value::Null), Reply::Cancel);
    assert_eq!(
        json_reply(r#"{"api_name":"cancelled"}"#),
        json!({ "errMsg": "cancelled:cancel" })
    );
}

#[test]
fn a_result_that_is_not_an_object_is_a_fail_reply() {
    assert_eq!(
        failure(&dispatch("notAnObject", Value::Null)),
        (
            FailureKind::InvalidResult,
            "invalid result: the handler returned an array, but a reply must be a JSON object (return a struct or a map)"
                .into(),
            None
        )
    );
}

#[test]
fn err_msg_always_comes_from_the_framework() {
    assert_eq!(
        json_reply(r#"{"api_name":"resultWithErrMsg"}"#),
        json!({ "errMsg": "resultWithErrMsg:ok", "value": 1 })
    );
}

// ---- failures of the call itself -----------------------------------------------------------

#[test]
fn an_unknown_api_is_a_fail_reply() {
    assert_eq!(
        json_reply(r#"{"api_name":"nope","data":{}}"#),
        json!({ "errMsg": "nope:fail unknown API: no handler is registered for \"nope\"" })
    );
    assert_eq!(
        failure(&dispatch("nope", Value::Null)).0,
        FailureKind::UnknownApi
    );
}

#[test]
fn a_broken_call_is_a_fail_reply_named_after_invoke_native_plugin() {
    assert_eq!(
        json_reply("[1,2]"),
        json!({ "errMsg": "invokeNativePlugin:fail invalid call: expected a JSON object, found an array" })
    );
    assert_eq!(
        json_reply("{}"),
        json!({ "errMsg": "invokeNativePlugin:fail invalid call: missing `api_name`" })
    );
    // With the name reported beside the call, the reply is named after it.
    let reply = block_on(
        registry()
            .call("{oops")
            .wire(Wire::Named("myApiName"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.kind, ReplyKind::Fail);
    let reply: Value = serde_json::from_str(&reply.text).unwrap();
    assert_eq!(
        reply["errMsg"],
        json!(
            "myApiName:fail invalid call: not valid JSON: key must be a string at line 1 column 2"
        )
    );
    let bare = block_on(registry().call("not json").reply());
    assert_eq!(failure(&bare).0, FailureKind::InvalidCall);
}

#[test]
fn a_named_call_must_name_its_api_itself() {
    // A unified call without `api_name` is not guessed to be legacy, even when the SDK reported
    // a name beside it.
    let reply = block_on(
        registry()
            .call(r#"{"name":"kka","age":22}"#)
            .wire(Wire::Named("myApiName"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.kind, ReplyKind::Fail);
    assert_eq!(
        reply.text,
        r#"{"errMsg":"myApiName:fail invalid call: missing `api_name`: a unified call names its API itself (a legacy-format call, whose whole object is the data, must be read as legacy)"}"#
    );
    // Read as legacy, as the host must state it, the same text is answered.
    let reply = block_on(
        registry()
            .call(r#"{"name":"kka","age":22}"#)
            .wire(Wire::Legacy("myApiName"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(
        reply.text,
        r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#
    );
    // A name that disagrees with the reported one is refused too.
    let reply = block_on(
        registry()
            .call(r#"{"api_name":"noData"}"#)
            .wire(Wire::Named("myApiName"))
            .reply(),
    );
    assert_eq!(failure(&reply).0, FailureKind::InvalidCall);
}

#[test]
fn a_fixed_errmsg_prefix_replaces_the_api_name() {
    let registry = Registry::builder()
        .state(Counter(AtomicUsize::new(0)))
        .errmsg_prefix(ErrMsgPrefix::fixed("invokeNativePlugin"))
        .build()
        .unwrap();
    let ok = block_on(registry.dispatch_json(r#"{"api_name":"unitResult"}"#));
    assert_eq!(ok, r#"{"errMsg":"invokeNativePlugin:ok"}"#);
    let fail = block_on(registry.dispatch_json(r#"{"api_name":"failStr"}"#));
    assert_eq!(fail, r#"{"errMsg":"invokeNativePlugin:fail not today"}"#);
}

// ---- panics --------------------------------------------------------------------------------

#[test]
fn panics_become_fail_replies_and_the_registry_keeps_serving() {
    let registry = registry();
    let sync_panic = block_on(
        registry
            .call(MiniApiCall::new("panicSync", Value::Null))
            .reply(),
    );
    assert_eq!(
        failure(&sync_panic),
        (
            FailureKind::Panic,
            "internal error: the handler panicked".into(),
            None
        )
    );
    let async_panic = block_on(
        registry.dispatch_json(r#"{"api_name":"panicAsync","data":{"name":"kka","age":1}}"#),
    );
    assert_eq!(
        async_panic,
        r#"{"errMsg":"panicAsync:fail internal error: the handler panicked"}"#
    );
    assert!(
        !async_panic.contains("kka broke it"),
        "the panic message is not shown to the mini program"
    );
    let after = block_on(
        registry.dispatch_json(r#"{"api_name":"myApiName","data":{"name":"kka","age":22}}"#),
    );
    assert_eq!(
        after,
        r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#
    );
}

// ---- runtimes and concurrency --------------------------------------------------------------

#[test]
fn plain_fn_replies_are_ready_without_an_executor() {
    let ready = registry()
        .call(MiniApiCall::new("noData", Value::Null))
        .reply()
        .try_now();
    assert_eq!(
        success(ready.expect("a plain fn's reply is ready")),
        json!({ "ran": true })
    );
    let mut pending = registry()
        .call(MiniApiCall::new("unitResult", Value::Null))
        .reply();
    assert!(
        pending.try_now().is_none(),
        "an async fn's reply needs polling"
    );
    // Polled, it answers.
    assert_eq!(block_on(pending), Reply::Success(Map::new()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_dispatch_on_tokio_answers_every_call_once() {
    let registry = registry();
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..2_000_u32 {
        let registry = registry.clone();
        let answered = answered.clone();
        tasks.push(tokio::spawn(async move {
            let (api, data) = match i % 4 {
                0 => (
                    "myApiName",
                    json!({ "name": format!("n{i}"), "age": i + 1 }),
                ),
                1 => ("failWithCode", Value::Null),
                2 => ("panicSync", Value::Null),
                _ => ("echoProfile", json!({ "userName": format!("u{i}") })),
            };
            let reply = registry.call(MiniApiCall::new(api, data)).await;
            answered.fetch_add(1, Ordering::SeqCst);
            (i, reply)
        }));
    }
    for task in tasks {
        let (i, reply) = task.await.expect("no task panics");
        match i % 4 {
            0 => assert!(reply.is_success()),
            1 => assert_eq!(failure(&reply).2, Some(1001)),
            2 => assert_eq!(failure(&reply).0, FailureKind::Panic),
            _ => assert_eq!(success(reply)["userName"], json!(format!("u{i}"))),
        }
    }
    assert_eq!(answered.load(Ordering::SeqCst), 2_000);
}

#[test]
fn dispatch_from_many_threads_shares_one_registry() {
    let registry = registry();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let registry = &registry;
            scope.spawn(move || {
                for i in 0..250 {
                    let text = format!(
                        r#"{{"api_name":"myApiName","data":{{"name":"t{thread}","age":{i}}}}}"#
                    );
                    let reply = block_on(registry.dispatch_json(&text));
                    if i == 0 {
                        // age 0 makes the handler's own assertion panic
                        assert!(reply.contains("internal error"), "{reply}");
                    } else {
                        assert!(reply.contains("myApiName:ok"), "{reply}");
                    }
                }
            });
        }
    });
}

#[test]
fn the_whole_call_is_refused_rather_than_lost_when_its_data_cannot_be_held() {
    let reply = json_reply(r#"{"api_name":"wholeCall","data":{"name":"kka","age":1,"n":1e400}}"#);
    if precision::arbitrary_precision() {
        // A `Value` holds the number then: the handler gets it, whole.
        let n = serde_json::from_str::<Value>("1e400").unwrap();
        assert_eq!(reply["callData"]["n"], n, "{reply}");
        assert_eq!(reply["errMsg"], "wholeCall:ok", "{reply}");
        return;
    }
    assert_eq!(
        reply,
        json!({ "errMsg": "wholeCall:fail invalid data: number out of range" })
    );
}
