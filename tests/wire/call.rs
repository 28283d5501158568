//! Reading calls: both wire formats, from JSON text and from parsed maps (serialized), and what a
//! handler sees of a call whose caller the host believes from its text.

use serde_json::{Map, Value, json};
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::{ApiError, AppInfo, Caller, MiniApiCall, Registry, Wire, mini_api};

#[path = "../support/precision.rs"]
mod precision;

const SEED_CALL: &str = r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"#;

/// The refusal of `appInfo` in call text read without [`Caller::trust_call_text`].
const APP_INFO_IN_TEXT: &str = "invalid call: `appInfo` in the call text is not believed: the host states the caller beside the call, or, when the text is its own SDK's rendering, says to believe it with `Caller::trust_call_text()`";

/// Who calls, as the call's context holds it.
struct Seen {
    web_view_id: Option<i64>,
    state_event: Option<String>,
    app_info: Option<AppInfo>,
}

impl FromContext for Seen {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(Seen {
            web_view_id: cx.web_view_id(),
            state_event: cx.state_event().map(str::to_owned),
            app_info: cx.app_info().cloned(),
        })
    }
}

/// The whole call as a handler sees it, in the unified format: what the mini program sent (the
/// `MiniApiCall` extractor) and who calls (the context).
fn as_seen(call: MiniApiCall, seen: Seen) -> Map<String, Value> {
    let mut map = call.to_map();
    for key in ["webviewId", "stateEvent", "appInfo"] {
        assert!(!map.contains_key(key), "the call holds no caller: {map:?}");
    }
    if let Some(id) = seen.web_view_id {
        map.insert("webviewId".into(), id.into());
    }
    if let Some(event) = seen.state_event {
        map.insert("stateEvent".into(), event.into());
    }
    if let Some(app_info) = seen.app_info {
        map.insert("appInfo".into(), serde_json::to_value(app_info).unwrap());
    }
    map
}

/// Hands back the whole call as the handler sees it.
#[mini_api("myApiName")]
fn my_api_name(call: MiniApiCall, #[context] seen: Seen) -> Map<String, Value> {
    as_seen(call, seen)
}

/// The same, under the short name the map and error tests use.
#[mini_api("a")]
fn a(call: MiniApiCall, #[context] seen: Seen) -> Map<String, Value> {
    as_seen(call, seen)
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn registry() -> Registry {
    Registry::builder()
        .build()
        .expect("the test handlers register")
}

/// The call as a handler sees it, when the host says the text is its SDK's own rendering: what
/// `MiniApiCall::from_json` returned before the caller rules.
fn read_trusting_the_text(text: &str, wire: Wire<'_>) -> Result<Map<String, Value>, String> {
    let reply = registry()
        .call(text)
        .wire(wire)
        .caller(&Caller::trust_call_text())
        .reply()
        .now_or_fail();
    match reply.failure() {
        Some(failure) => Err(failure.message().to_owned()),
        None => Ok(reply.result().expect("a success").clone()),
    }
}

#[test]
fn unified_call_from_text_keeps_every_field() {
    let call = MiniApiCall::from_json(SEED_CALL, Wire::Unified).unwrap();
    assert_eq!(call.api_name, "myApiName");
    assert_eq!(call.data, Some(json!({ "name": "kka", "age": 22 })));
    assert!(call.extra.is_empty());
    // The caller's keys are checked, then dropped: the call is what the mini program sent, and
    // who calls is the host's to state.
    assert_eq!(
        Value::Object(call.to_map()),
        json!({ "api_name": "myApiName", "data": { "name": "kka", "age": 22 } })
    );

    // Read as the host's own SDK rendering, every field reaches the handler.
    let seen = read_trusting_the_text(SEED_CALL, Wire::Unified).unwrap();
    assert_eq!(
        Value::Object(seen),
        serde_json::from_str::<Value>(SEED_CALL).unwrap()
    );
}

#[test]
fn unified_call_from_map_equals_the_one_from_text() {
    let map = object(serde_json::from_str(SEED_CALL).unwrap());
    let from_map = MiniApiCall::from_json(&Value::Object(map).to_string(), Wire::Unified).unwrap();
    assert_eq!(
        from_map,
        MiniApiCall::from_json(SEED_CALL, Wire::Unified).unwrap()
    );
}

#[test]
fn legacy_call_parses_to_the_same_api_and_data() {
    let unified = MiniApiCall::from_json(SEED_CALL, Wire::Unified).unwrap();
    let legacy_text =
        MiniApiCall::from_json(r#"{"name":"kka","age":22}"#, Wire::Legacy("myApiName")).unwrap();
    let legacy_map = MiniApiCall::from_json(
        &json!({ "name": "kka", "age": 22 }).to_string(),
        Wire::Legacy("myApiName"),
    )
    .unwrap();
    for legacy in [&legacy_text, &legacy_map] {
        assert_eq!(legacy.api_name, unified.api_name);
        assert_eq!(legacy.data, unified.data);
        // Every key of a legacy call is data: nothing is left for the call's other keys.
        assert!(legacy.extra.is_empty());
        assert_eq!(*legacy, unified);
    }
    assert_eq!(legacy_text, legacy_map);
}

#[test]
fn a_reported_name_with_a_unified_call_reads_it_as_unified() {
    let call = MiniApiCall::from_json(SEED_CALL, Wire::Named("myApiName")).unwrap();
    assert_eq!(
        call,
        MiniApiCall::from_json(SEED_CALL, Wire::Unified).unwrap()
    );
    assert_eq!(
        read_trusting_the_text(SEED_CALL, Wire::Named("myApiName")),
        read_trusting_the_text(SEED_CALL, Wire::Unified)
    );
    let mismatch = MiniApiCall::from_json(SEED_CALL, Wire::Named("other")).unwrap_err();
    assert_eq!(
        mismatch.to_string(),
        r#"invalid call: `api_name` is "myApiName" but the SDK reported "other""#
    );
}

#[test]
fn app_info_is_read_and_unknown_fields_are_kept() {
    let text = r#"{"api_name":"a","appInfo":{"appId":"wx1","appVerType":1,"version":"1.2.0","time":1700000000,
        "name":"Demo","iconUrl":"https://x/i.png","appIntro":"intro","appDeveloper":"dev","appCategory":"tools",
        "newSdkField":{"x":1}},"traceId":"abc"}"#;
    // Call text is the mini program's: its `appInfo` is refused, not believed.
    let error = MiniApiCall::from_json(text, Wire::Unified).unwrap_err();
    assert_eq!(error.to_string(), APP_INFO_IN_TEXT);

    // Read as the host's own SDK rendering, `appInfo` is read whole.
    let seen = read_trusting_the_text(text, Wire::Unified).unwrap();
    let info: AppInfo = serde_json::from_value(seen["appInfo"].clone()).unwrap();
    assert_eq!(info.app_id.as_deref(), Some("wx1"));
    assert_eq!(info.app_ver_type, Some(1));
    assert_eq!(info.version.as_deref(), Some("1.2.0"));
    assert_eq!(info.time, Some(1_700_000_000));
    assert_eq!(info.name.as_deref(), Some("Demo"));
    assert_eq!(info.icon_url.as_deref(), Some("https://x/i.png"));
    assert_eq!(info.app_intro.as_deref(), Some("intro"));
    assert_eq!(info.app_developer.as_deref(), Some("dev"));
    assert_eq!(info.app_category.as_deref(), Some("tools"));
    assert_eq!(info.extra.get("newSdkField"), Some(&json!({ "x": 1 })));
    assert_eq!(seen.get("traceId"), Some(&json!("abc")));

    // Nothing is lost on the way back out either.
    let expected = json!({
        "api_name": "a",
        "appInfo": serde_json::to_value(&info).unwrap(),
        "traceId": "abc",
    });
    assert_eq!(Value::Object(seen.clone()), expected);
    let round_trip = read_trusting_the_text(&expected.to_string(), Wire::Unified);
    assert_eq!(round_trip.unwrap(), seen);
    // Without `appInfo`, the map reads back as the same call through `from_json`.
    let mut call = MiniApiCall::new("a", Value::Null);
    call.extra.insert("traceId".into(), json!("abc"));
    let mut anonymous = seen;
    anonymous.remove("appInfo");
    assert_eq!(anonymous, call.to_map());
    assert_eq!(
        MiniApiCall::from_json(&Value::Object(anonymous).to_string(), Wire::Unified).unwrap(),
        call
    );
    assert_eq!(
        serde_json::to_value(&info).unwrap()["newSdkField"],
        json!({ "x": 1 })
    );
}

#[test]
fn missing_and_null_data_are_none() {
    for text in [r#"{"api_name":"a"}"#, r#"{"api_name":"a","data":null}"#] {
        assert_eq!(
            MiniApiCall::from_json(text, Wire::Unified).unwrap().data,
            None,
            "{text}"
        );
    }
    assert_eq!(MiniApiCall::new("a", Value::Null).data, None);
}

#[test]
fn data_may_be_any_json_value() {
    for data in [
        json!("kka"),
        json!(7),
        json!([1, 2]),
        json!(true),
        json!({ "methodName": "get" }),
    ] {
        let text = json!({ "api_name": "a", "data": data }).to_string();
        assert_eq!(
            MiniApiCall::from_json(&text, Wire::Unified).unwrap().data,
            Some(data)
        );
    }
}

#[test]
fn builder_methods_set_context() {
    let call = MiniApiCall::new("a", json!({}));
    assert_eq!(
        (call.api_name.as_str(), call.data, call.extra.is_empty()),
        ("a", Some(json!({})), true)
    );

    let caller = Caller::new()
        .with_app_info(AppInfo::with_app_id("wx1"))
        .with_web_view_id(9)
        .with_state_event("onProgress");
    assert_eq!(
        caller.app_info().and_then(|app| app.app_id.as_deref()),
        Some("wx1")
    );
    assert_eq!(caller.web_view_id(), Some(9));
    assert_eq!(caller.state_event(), Some("onProgress"));
    assert!(!caller.trusts_call_text());
    assert!(Caller::trust_call_text().trusts_call_text());
    assert_eq!(Caller::new(), Caller::default());

    // The host's caller is what a handler sees of a call the host built.
    let reply = registry()
        .call(MiniApiCall::new("a", json!({})))
        .caller(&caller)
        .reply()
        .now_or_fail();
    assert_eq!(
        Value::Object(reply.result().unwrap().clone()),
        json!({
            "api_name": "a",
            "data": {},
            "appInfo": { "appId": "wx1" },
            "webviewId": 9,
            "stateEvent": "onProgress",
        })
    );
}

#[test]
fn broken_calls_say_what_is_wrong() {
    // Each call with what `from_json` says of it, and what a host that believes the text's
    // caller says of it, when that differs.
    let cases = [
        (
            "",
            "invalid call: not valid JSON: EOF while parsing a value at line 1 column 0",
            None,
        ),
        (
            "{",
            "invalid call: not valid JSON: EOF while parsing an object at line 1 column 1",
            None,
        ),
        (
            "nope",
            "invalid call: not valid JSON: expected ident at line 1 column 2",
            None,
        ),
        (
            "[1]",
            "invalid call: expected a JSON object, found an array",
            None,
        ),
        (
            "\"x\"",
            "invalid call: expected a JSON object, found a string",
            None,
        ),
        (
            "42",
            "invalid call: expected a JSON object, found a number",
            None,
        ),
        (
            "null",
            "invalid call: expected a JSON object, found null",
            None,
        ),
        ("{}", "invalid call: missing `api_name`", None),
        (
            r#"{"api_name":""}"#,
            "invalid call: `api_name` is empty",
            None,
        ),
        (
            r#"{"api_name":7}"#,
            "invalid call: `api_name` must be a string, found a number",
            None,
        ),
        (
            r#"{"api_name":"a","webviewId":"4"}"#,
            "invalid call: `webviewId` must be an integer, found a string",
            None,
        ),
        (
            r#"{"api_name":"a","webviewId":4.5}"#,
            "invalid call: `webviewId` must be an integer, found a number",
            None,
        ),
        (
            r#"{"api_name":"a","stateEvent":1}"#,
            "invalid call: `stateEvent` must be a string, found a number",
            None,
        ),
        (
            r#"{"api_name":"a","appInfo":[]}"#,
            APP_INFO_IN_TEXT,
            Some("invalid call: `appInfo` must be an object, found an array"),
        ),
        (
            r#"{"api_name":"a","appInfo":{"appId":1}}"#,
            APP_INFO_IN_TEXT,
            Some("invalid call: `appInfo`: invalid type: integer `1`, expected a string"),
        ),
        (
            r#"{"api_name":"a","api_name":"b"}"#,
            "invalid call: duplicate key `api_name`",
            None,
        ),
        (
            r#"{"api_name":"a","x":1,"x":2}"#,
            "invalid call: duplicate key `x`",
            None,
        ),
    ];
    for (text, expected, trusted) in cases {
        let error = MiniApiCall::from_json(text, Wire::Unified).unwrap_err();
        assert_eq!(error.to_string(), expected, "{text:?}");
        assert_eq!(
            read_trusting_the_text(text, Wire::Unified).unwrap_err(),
            trusted.unwrap_or(expected),
            "{text:?}"
        );
    }
}

#[test]
fn broken_maps_say_what_is_wrong() {
    let cases = [
        (json!({}), "invalid call: missing `api_name`", None),
        (
            json!({ "api_name": 1 }),
            "invalid call: `api_name` must be a string, found a number",
            None,
        ),
        (
            json!({ "api_name": "a", "webviewId": "4" }),
            "invalid call: `webviewId` must be an integer, found a string",
            None,
        ),
        (
            json!({ "api_name": "a", "appInfo": 3 }),
            APP_INFO_IN_TEXT,
            Some("invalid call: `appInfo` must be an object, found a number"),
        ),
    ];
    for (map, expected, trusted) in cases {
        let text = Value::Object(object(map.clone())).to_string();
        assert_eq!(
            MiniApiCall::from_json(&text, Wire::Unified)
                .unwrap_err()
                .to_string(),
            expected,
            "{map}"
        );
        assert_eq!(
            read_trusting_the_text(&text, Wire::Unified).unwrap_err(),
            trusted.unwrap_or(expected),
            "{map}"
        );
    }
    let empty_name =
        MiniApiCall::from_json(&json!({ "x": 1 }).to_string(), Wire::Legacy("")).unwrap_err();
    assert_eq!(empty_name.to_string(), "invalid call: `api_name` is empty");
}

#[test]
fn a_reported_name_never_turns_a_call_into_legacy_data() {
    // Unified without `api_name`: refused, rather than read with the SDK's name (it might be a
    // legacy call whose data happens to hold `data` and `webviewId` keys).
    let without_name = r#"{"data":{"age":1},"webviewId":3}"#;
    let error = MiniApiCall::from_json(without_name, Wire::Named("myApiName")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid call: missing `api_name`: a unified call names its API itself (a legacy-format call, whose whole object is the data, must be read as legacy)"
    );
    assert_eq!(
        read_trusting_the_text(without_name, Wire::Named("myApiName")).unwrap_err(),
        error.to_string()
    );
    // With its own `api_name`, the keys are still the call's: `data` is the data, and
    // `webviewId` the web view, when the host believes the text.
    let named = r#"{"api_name":"myApiName","data":{"age":1},"webviewId":3}"#;
    let call = MiniApiCall::from_json(named, Wire::Named("myApiName")).unwrap();
    assert_eq!(
        Value::Object(call.to_map()),
        json!({ "api_name": "myApiName", "data": { "age": 1 } })
    );
    let seen = read_trusting_the_text(named, Wire::Named("myApiName")).unwrap();
    assert_eq!(
        Value::Object(seen),
        serde_json::from_str::<Value>(named).unwrap()
    );

    // Legacy: every key is data, so a mini program cannot pass itself off as another.
    let legacy = r#"{"api_name":"myApiName","appInfo":{"appId":"wx_forged"},"webviewId":1}"#;
    let call = MiniApiCall::from_json(legacy, Wire::Legacy("myApiName")).unwrap();
    assert!(call.extra.is_empty());
    assert_eq!(
        call.data,
        Some(serde_json::from_str::<Value>(legacy).unwrap())
    );
    let from_map = MiniApiCall::from_json(
        &Value::Object(object(serde_json::from_str(legacy).unwrap())).to_string(),
        Wire::Legacy("myApiName"),
    )
    .unwrap();
    assert_eq!(from_map, call);
    // Not even when the host believes the text's caller: a legacy call has no caller keys.
    let seen = read_trusting_the_text(legacy, Wire::Legacy("myApiName")).unwrap();
    assert_eq!(seen, call.to_map());
}

#[test]
fn data_that_no_value_can_hold_is_an_error_not_a_loss() {
    let data = MiniApiCall::from_json(r#"{"api_name":"a","data":{"n":1e400}}"#, Wire::Unified);
    let extra = MiniApiCall::from_json(r#"{"api_name":"a","extra":-1e999}"#, Wire::Unified);
    if precision::arbitrary_precision() {
        // A `Value` holds them then: kept, not lost.
        let number = |text| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(data.unwrap().data.unwrap()["n"], number("1e400"));
        assert_eq!(extra.unwrap().extra["extra"], number("-1e999"));
        return;
    }
    assert_eq!(
        data.unwrap_err().to_string(),
        "invalid call: `data`: number out of range"
    );
    assert_eq!(
        extra.unwrap_err().to_string(),
        "invalid call: `extra`: number out of range"
    );
}

/// Each float's bits, as the handler read them.
#[mini_api("floatBits")]
fn float_bits(floats: Vec<f64>) -> Value {
    json!({ "bits": floats.iter().map(|float| float.to_bits()).collect::<Vec<_>>() })
}

/// Doubles that `serde_json` reads one unit in the last place off without `float_roundtrip`
/// (checked against it): full-precision ones, as `Math.random()` and computed coordinates give,
/// and the edges of the range.
const HARD_FLOATS: [&str; 6] = [
    "0.9856906946328695",
    "0.21291890726713458",
    "-122.41941550000001",
    "1.0715660391465826e-75",
    "2.2250738585072011e-308",
    "2.4703282292062328e-324",
];

#[test]
fn floats_read_as_the_doubles_they_were_written_from() {
    // tcmpp-core's default `exact-floats`, on in this build. `str::parse` is exact.
    let want: Vec<u64> = HARD_FLOATS
        .iter()
        .map(|text| text.parse::<f64>().unwrap().to_bits())
        .collect();
    let text = format!(
        r#"{{"api_name":"floatBits","data":[{}]}}"#,
        HARD_FLOATS.join(",")
    );
    // Typed data, read from the text.
    let reply = registry().call(text.as_str()).reply().now_or_fail();
    assert_eq!(reply.result().expect("a success")["bits"], json!(want));
    // A `MiniApiCall`'s `Value`, read from the same text.
    let data = MiniApiCall::from_json(&text, Wire::Unified).unwrap().data;
    let read: Vec<u64> = data
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|float| float.as_f64().unwrap().to_bits())
        .collect();
    assert_eq!(read, want);
}
