//! Reading calls: both wire formats, from JSON text and from parsed maps.

use serde_json::{Map, Value, json};
use tcmpp_core::{AppInfo, MiniApiCall, WireFormat};

const SEED_CALL: &str = r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"#;

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn unified_call_from_text_keeps_every_field() {
    let call = MiniApiCall::from_json(SEED_CALL).unwrap();
    assert_eq!(call.api_name, "myApiName");
    assert_eq!(call.data, Some(json!({ "name": "kka", "age": 22 })));
    assert_eq!(call.web_view_id, Some(4));
    assert_eq!(call.state_event.as_deref(), Some("requestCustomApi"));
    assert_eq!(call.app_info, None);
    assert!(call.extra.is_empty());
    assert_eq!(call.format, WireFormat::Unified);
}

#[test]
fn unified_call_from_map_equals_the_one_from_text() {
    let from_map = MiniApiCall::from_map(object(serde_json::from_str(SEED_CALL).unwrap())).unwrap();
    assert_eq!(from_map, MiniApiCall::from_json(SEED_CALL).unwrap());
}

#[test]
fn legacy_call_parses_to_the_same_api_and_data() {
    let unified = MiniApiCall::from_json(SEED_CALL).unwrap();
    let legacy_text =
        MiniApiCall::from_legacy_json("myApiName", r#"{"name":"kka","age":22}"#).unwrap();
    let legacy_map =
        MiniApiCall::from_legacy_map("myApiName", object(json!({ "name": "kka", "age": 22 })))
            .unwrap();
    for legacy in [&legacy_text, &legacy_map] {
        assert_eq!(legacy.api_name, unified.api_name);
        assert_eq!(legacy.data, unified.data);
        assert_eq!(legacy.format, WireFormat::Legacy);
        assert_eq!(legacy.web_view_id, None);
    }
    assert_eq!(legacy_text, legacy_map);
}

#[test]
fn a_reported_name_with_a_unified_call_reads_it_as_unified() {
    let call = MiniApiCall::from_json_with_name("myApiName", SEED_CALL).unwrap();
    assert_eq!(call, MiniApiCall::from_json(SEED_CALL).unwrap());
    let mismatch = MiniApiCall::from_json_with_name("other", SEED_CALL).unwrap_err();
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
    let call = MiniApiCall::from_json(text).unwrap();
    let info = call.app_info.clone().unwrap();
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
    assert_eq!(call.extra.get("traceId"), Some(&json!("abc")));

    // Nothing is lost on the way back out either.
    let round_trip = MiniApiCall::from_map(call.to_map()).unwrap();
    assert_eq!(round_trip, call);
    assert_eq!(
        serde_json::to_value(&info).unwrap()["newSdkField"],
        json!({ "x": 1 })
    );
}

#[test]
fn missing_and_null_data_are_none() {
    for text in [r#"{"api_name":"a"}"#, r#"{"api_name":"a","data":null}"#] {
        assert_eq!(MiniApiCall::from_json(text).unwrap().data, None, "{text}");
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
        assert_eq!(MiniApiCall::from_json(&text).unwrap().data, Some(data));
    }
}

#[test]
fn builder_methods_set_context() {
    let call = MiniApiCall::new("a", json!({}))
        .with_app_info(AppInfo::with_app_id("wx1"))
        .with_web_view_id(9);
    assert_eq!(call.app_info.unwrap().app_id.as_deref(), Some("wx1"));
    assert_eq!(call.web_view_id, Some(9));
}

#[test]
fn broken_calls_say_what_is_wrong() {
    let cases = [
        (
            "",
            "invalid call: not valid JSON: EOF while parsing a value at line 1 column 0",
        ),
        (
            "{",
            "invalid call: not valid JSON: EOF while parsing an object at line 1 column 1",
        ),
        (
            "nope",
            "invalid call: not valid JSON: expected ident at line 1 column 2",
        ),
        (
            "[1]",
            "invalid call: expected a JSON object, found an array",
        ),
        (
            "\"x\"",
            "invalid call: expected a JSON object, found a string",
        ),
        ("42", "invalid call: expected a JSON object, found a number"),
        ("null", "invalid call: expected a JSON object, found null"),
        ("{}", "invalid call: missing `api_name`"),
        (r#"{"api_name":""}"#, "invalid call: `api_name` is empty"),
        (
            r#"{"api_name":7}"#,
            "invalid call: `api_name` must be a string, found a number",
        ),
        (
            r#"{"api_name":"a","webviewId":"4"}"#,
            "invalid call: `webviewId` must be an integer, found a string",
        ),
        (
            r#"{"api_name":"a","webviewId":4.5}"#,
            "invalid call: `webviewId` must be an integer, found a number",
        ),
        (
            r#"{"api_name":"a","stateEvent":1}"#,
            "invalid call: `stateEvent` must be a string, found a number",
        ),
        (
            r#"{"api_name":"a","appInfo":[]}"#,
            "invalid call: `appInfo` must be an object, found an array",
        ),
        (
            r#"{"api_name":"a","appInfo":{"appId":1}}"#,
            "invalid call: `appInfo`: invalid type: integer `1`, expected a string",
        ),
        (
            r#"{"api_name":"a","api_name":"b"}"#,
            "invalid call: duplicate key `api_name`",
        ),
        (
            r#"{"api_name":"a","x":1,"x":2}"#,
            "invalid call: duplicate key `x`",
        ),
    ];
    for (text, expected) in cases {
        let error = MiniApiCall::from_json(text).unwrap_err();
        assert_eq!(error.to_string(), expected, "{text:?}");
    }
}

#[test]
fn broken_maps_say_what_is_wrong() {
    let cases = [
        (json!({}), "invalid call: missing `api_name`"),
        (
            json!({ "api_name": 1 }),
            "invalid call: `api_name` must be a string, found a number",
        ),
        (
            json!({ "api_name": "a", "webviewId": "4" }),
            "invalid call: `webviewId` must be an integer, found a string",
        ),
        (
            json!({ "api_name": "a", "appInfo": 3 }),
            "invalid call: `appInfo` must be an object, found a number",
        ),
    ];
    for (map, expected) in cases {
        assert_eq!(
            MiniApiCall::from_map(object(map.clone()))
                .unwrap_err()
                .to_string(),
            expected,
            "{map}"
        );
    }
    let empty_name = MiniApiCall::from_legacy_map("", object(json!({ "x": 1 }))).unwrap_err();
    assert_eq!(empty_name.to_string(), "invalid call: `api_name` is empty");
}

#[test]
fn a_reported_name_never_turns_a_call_into_legacy_data() {
    // Unified without `api_name`: the SDK's name is used, and the keys are still the call's.
    let call = MiniApiCall::from_json_with_name("myApiName", r#"{"data":{"age":1},"webviewId":3}"#)
        .unwrap();
    assert_eq!(
        (call.format, call.data, call.web_view_id),
        (WireFormat::Unified, Some(json!({ "age": 1 })), Some(3))
    );
    // Legacy: every key is data, so a mini program cannot pass itself off as another.
    let legacy = r#"{"api_name":"myApiName","appInfo":{"appId":"wx_forged"},"webviewId":1}"#;
    let call = MiniApiCall::from_legacy_json("myApiName", legacy).unwrap();
    assert_eq!(call.app_info, None);
    assert_eq!(call.web_view_id, None);
    assert_eq!(
        call.data,
        Some(serde_json::from_str::<Value>(legacy).unwrap())
    );
    let from_map =
        MiniApiCall::from_legacy_map("myApiName", object(serde_json::from_str(legacy).unwrap()))
            .unwrap();
    assert_eq!(from_map, call);
}

#[test]
fn data_that_no_value_can_hold_is_an_error_not_a_loss() {
    let error = MiniApiCall::from_json(r#"{"api_name":"a","data":{"n":1e400}}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid call: `data`: number out of range"
    );
    let error = MiniApiCall::from_json(r#"{"api_name":"a","extra":-1e999}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid call: `extra`: number out of range"
    );
}
