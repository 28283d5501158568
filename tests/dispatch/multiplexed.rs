//! Multiplexed APIs: one `api_name`, a handler per method chosen by a key of `data`, in Luffa's
//! real shapes (`tests/support/luffa.rs`), through the JSON entry and the typed entry; their
//! listing, access grants, SDK config and synchronous calls; and what the tagged-enum data
//! parameter, the way to multiplex before, still says when data does not fit.

#[path = "../support/luffa.rs"]
mod luffa;

use futures_executor::block_on;
use serde::Deserialize;
use serde_json::{Value, json};
use tcmpp_core::registry::{DEFAULT_METHOD_KEY, HandlerKind};
use tcmpp_core::reply::{Rendering, ReplyKind};
use tcmpp_core::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Reply, mini_api};

/// The mini program Luffa's signing is granted to.
const WALLET: &str = "wx_wallet";

fn registry() -> Registry {
    Registry::builder()
        .access_policy(AccessPolicy::new().grant(WALLET, ["luffaWebRequest.signMessageV2"]))
        .build()
        .expect("the registry builds")
}

fn wallet() -> Caller {
    Caller::new().with_app_info(AppInfo::with_app_id(WALLET))
}

/// The reply to `call` from `caller`, in the callback rendering.
fn rendered(registry: &Registry, call: &str, caller: &Caller) -> (ReplyKind, Value) {
    let rendered = block_on(
        registry
            .call(call)
            .caller(caller)
            .rendered(Rendering::Callback),
    );
    let text: Value = serde_json::from_str(&rendered.text).expect("the reply is JSON");
    (rendered.kind, text)
}

const CONNECT: &str = r#"{"api_name":"luffaWebRequest","data":{"uuid":"qwerasdfzxcv1234","methodName":"connect","initData":{"network":"eds"},"metadata":{"superBox":true,"url":"https://dapp.example","icon":"https://dapp.example/icon.png"},"from":"","data":{}}}"#;

const SIGN: &str = r#"{"api_name":"luffaWebRequest","data":{"uuid":"u2","methodName":"signMessageV2","initData":{"network":"eds"},"metadata":{"url":"","icon":""},"from":"","data":{"message":"hello","nonce":"1"}}}"#;

const PACKAGE: &str = r#"{"api_name":"luffaWebRequest","data":{"uuid":"u3","methodName":"packageTransaction","data":{"module":"0x1","moduleName":"endless_account","functionName":"transfer","data":"[\"0xb60e\",\"1000\"]"}}}"#;

const LANGUAGE: &str =
    r#"{"api_name":"luffaWebRequest","data":{"uuid":"u4","methodName":"language"}}"#;

#[test]
fn each_method_is_answered_by_its_own_handler_through_the_json_entry() {
    let registry = registry();
    let nobody = Caller::new();
    let (kind, connect) = rendered(&registry, CONNECT, &nobody);
    assert_eq!(kind, ReplyKind::Success);
    assert_eq!(
        connect,
        json!({
            "uuid": "qwerasdfzxcv1234",
            "status": 0,
            "data": {
                "address": "0xb60e8dd61c5d32be8058bb8eb970870f07233155",
                "network": "eds",
                "superBox": true,
                "url": "https://dapp.example",
                "icon": "https://dapp.example/icon.png",
            },
            "errMsg": "luffaWebRequest:ok",
        })
    );

    let (kind, signed) = rendered(&registry, SIGN, &wallet());
    assert_eq!(kind, ReplyKind::Success);
    assert_eq!(signed["data"]["signature"], "sig(hello#1)");
    assert_eq!(signed["data"]["signedFor"], WALLET);
    assert_eq!(signed["errMsg"], "luffaWebRequest:ok");

    let (kind, packaged) = rendered(&registry, PACKAGE, &nobody);
    assert_eq!(kind, ReplyKind::Success);
    assert_eq!(
        packaged["data"],
        json!({ "function": "0x1::endless_account::transfer", "arguments": 2 })
    );

    let (kind, language) = rendered(&registry, LANGUAGE, &nobody);
    assert_eq!(
        (kind, language),
        (
            ReplyKind::Success,
            json!({ "status": 0, "data": { "language": "en" }, "errMsg": "luffaWebRequest:ok" })
        )
    );

    // `data.data` that is not the JSON text of an array: the handler's own error.
    let bad_package = PACKAGE.replace(r#""[\"0xb60e\",\"1000\"]""#, r#""not json""#);
    assert_eq!(
        rendered(&registry, &bad_package, &nobody).1,
        json!({ "errMsg": "luffaWebRequest:fail data.data must be a JSON array of the arguments, as text" })
    );
}

#[test]
fn each_method_is_answered_through_the_typed_entry() {
    let registry = registry();
    let data = |call: &str| -> Value {
        let call: Value = serde_json::from_str(call).unwrap();
        call["data"].clone()
    };
    let reply = block_on(
        registry
            .call(MiniApiCall::new("luffaWebRequest", data(CONNECT)))
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["data"]["network"], "eds");
    let reply = block_on(
        registry
            .call(MiniApiCall::new("luffaWebRequest", data(SIGN)))
            .caller(&wallet())
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["data"]["signature"], "sig(hello#1)");
    let reply = block_on(
        registry
            .call(MiniApiCall::new("luffaWebRequest", data(PACKAGE)))
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["data"]["arguments"], 2);
    let reply = block_on(
        registry
            .call(MiniApiCall::new("luffaWebRequest", data(LANGUAGE)))
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["data"]["language"], "en");

    // The typed entry refuses what the JSON entry refuses, with the same words: to a caller
    // nobody granted, the restricted `signMessageV2` is not listed.
    let Reply::Fail(failure) = block_on(
        registry
            .call(MiniApiCall::new(
                "luffaWebRequest",
                json!({ "methodName": "share" }),
            ))
            .reply(),
    ) else {
        panic!("an unknown method succeeded")
    };
    assert_eq!(
        failure.message(),
        r#"invalid data: methodName: unknown method "share"; the methods of luffaWebRequest are "connect", "language", "packageTransaction""#
    );
    let Reply::Fail(failure) = block_on(
        registry
            .call(MiniApiCall::new(
                "luffaWebRequest",
                json!({ "methodName": 7 }),
            ))
            .reply(),
    ) else {
        panic!("a numeric method succeeded")
    };
    assert_eq!(
        failure.message(),
        r#"invalid data: methodName: invalid type: a number, expected a string, one of "connect", "language", "packageTransaction""#
    );
}

#[test]
fn data_errors_name_the_field_path() {
    let registry = registry();
    // Luffa's nonce sent as a number: the tagged enum said only "invalid type: integer `1`,
    // expected a string"; the method's own type names the field.
    let numeric_nonce = SIGN.replace(r#""nonce":"1""#, r#""nonce":1"#);
    assert_eq!(
        rendered(&registry, &numeric_nonce, &wallet()).1,
        json!({ "errMsg": "luffaWebRequest:fail invalid data: data.nonce: invalid type: integer `1`, expected a string" })
    );
    let no_network = CONNECT.replace(r#""initData":{"network":"eds"},"#, r#""initData":{},"#);
    assert_eq!(
        rendered(&registry, &no_network, &Caller::new()).1,
        json!({ "errMsg": "luffaWebRequest:fail invalid data: initData: missing field `network`" })
    );
}

#[test]
fn each_method_has_its_own_access_rule() {
    let registry = registry();
    // signMessageV2 is restricted and granted to the wallet alone; connect is open to all.
    let stranger = Caller::new().with_app_info(AppInfo::with_app_id("wx_stranger"));
    assert_eq!(
        rendered(&registry, SIGN, &stranger),
        (
            ReplyKind::Fail,
            json!({ "errMsg": "luffaWebRequest:fail permission denied" })
        )
    );
    assert_eq!(
        rendered(&registry, CONNECT, &stranger).0,
        ReplyKind::Success
    );

    // A grant of the whole API grants every method; one of another method grants only it.
    let whole = Registry::builder()
        .access_policy(AccessPolicy::new().grant(WALLET, ["luffaWebRequest"]))
        .build()
        .unwrap();
    assert_eq!(rendered(&whole, SIGN, &wallet()).0, ReplyKind::Success);
    let other_method = Registry::builder()
        .access_policy(AccessPolicy::new().grant(WALLET, ["luffaWebRequest.connect"]))
        .build()
        .unwrap();
    assert_eq!(rendered(&other_method, SIGN, &wallet()).0, ReplyKind::Fail);

    // Under default deny, a caller granted one method calls it, and no other.
    let deny = Registry::builder()
        .access_policy(
            AccessPolicy::new()
                .deny_by_default()
                .grant(WALLET, ["luffaWebRequest.language"]),
        )
        .build()
        .unwrap();
    assert_eq!(rendered(&deny, LANGUAGE, &wallet()).0, ReplyKind::Success);
    assert_eq!(
        rendered(&deny, CONNECT, &wallet()).1,
        json!({ "errMsg": "luffaWebRequest:fail permission denied" })
    );
    // It is told of the methods it may call, and only those; a caller granted none of them is
    // told nothing.
    let unknown = r#"{"api_name":"luffaWebRequest","data":{"methodName":"share"}}"#;
    assert_eq!(
        rendered(&deny, unknown, &wallet()).1["errMsg"],
        r#"luffaWebRequest:fail invalid data: methodName: unknown method "share"; the methods of luffaWebRequest are "language""#
    );
    assert_eq!(
        rendered(&deny, unknown, &stranger).1,
        json!({ "errMsg": "luffaWebRequest:fail permission denied" })
    );

    // A grant of a method that does not exist is reported when the registry is built.
    let error = Registry::builder()
        .access_policy(AccessPolicy::new().grant(WALLET, ["luffaWebRequest.share", "language"]))
        .build()
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(r#"grants "wx_wallet" the API "luffaWebRequest.share""#),
        "{text}"
    );
    assert!(
        text.contains(r#"grants "wx_wallet" the API "language""#),
        "{text}"
    );
    assert_eq!(error.problems().len(), 2, "{text}");
}

#[test]
fn the_registry_lists_each_method() {
    let registry = registry();
    let listed: Vec<_> = registry
        .apis()
        .filter(|api| api.name == "luffaWebRequest")
        .map(|api| (api.method, api.method_key, api.kind, api.restricted))
        .collect();
    let key = Some(DEFAULT_METHOD_KEY);
    assert_eq!(
        listed,
        [
            (Some("connect"), key, HandlerKind::Plain, false),
            (Some("language"), key, HandlerKind::Plain, false),
            (Some("packageTransaction"), key, HandlerKind::Async, false),
            (Some("signMessageV2"), key, HandlerKind::Async, true),
        ]
    );
    let package = registry
        .get_method("luffaWebRequest", "packageTransaction")
        .unwrap();
    assert_eq!(package.timeout, Some(std::time::Duration::from_secs(5)));
    assert_eq!(
        package.rust_path,
        "multiplexed::luffa::luffa_package_transaction"
    );
    assert_eq!(
        registry.get("luffaWebRequest").unwrap().method,
        Some("connect")
    );
    assert!(registry.get_method("luffaWebRequest", "share").is_none());
    assert!(registry.get_method("tagged", "connect").is_none());
    assert_eq!(registry.get("tagged").unwrap().method, None);
}

#[test]
fn the_sdk_config_lists_a_multiplexed_api_once_and_each_method_answers_sync_calls_as_its_kind() {
    let registry = registry();
    let config = registry.custom_config();
    let listed: Vec<&Value> = config["extApi"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["name"] == "luffaWebRequest")
        .collect();
    // Methods of both kinds: `wx.luffaWebRequest(…)` is asynchronous for all of them.
    assert_eq!(
        listed,
        [&json!({ "name": "luffaWebRequest", "sync": false, "params": { "data": "" } })]
    );
    // Only plain `fn` methods: listed `sync`.
    assert_eq!(
        config["extApi"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["name"] == "plainOnly")
            .unwrap(),
        &json!({ "name": "plainOnly", "sync": true, "params": { "data": "" } })
    );

    // A synchronous call gets each method's own answer: plain `fn`s answer; an `async fn`
    // answers when done on its first poll, and fails otherwise.
    let sync = |call: &str| {
        registry
            .call(call)
            .caller(&wallet())
            .rendered(Rendering::Callback)
            .now_or_fail()
    };
    assert_eq!(sync(CONNECT).kind, ReplyKind::Success);
    assert_eq!(sync(LANGUAGE).kind, ReplyKind::Success);
    assert_eq!(sync(SIGN).kind, ReplyKind::Success);
    let package = sync(PACKAGE);
    assert_eq!(package.kind, ReplyKind::Fail);
    assert!(
        package.text.contains("cannot answer a synchronous call"),
        "{}",
        package.text
    );
}

/// A multiplexed API whose methods are all plain `fn`s, with a key of its own.
#[mini_api("plainOnly", method = "a", method_key = "action")]
fn plain_a() -> Value {
    json!({ "method": "a" })
}

#[mini_api("plainOnly", method = "b", method_key = "action")]
fn plain_b(data: Value) -> Value {
    json!({ "method": "b", "sawKey": data["action"] })
}

/// The key stays in the data a handler sees: a type that refuses unknown fields declares it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Strict {
    #[serde(rename = "methodName")]
    _method: String,
    n: u8,
}

#[mini_api("strictData", method = "read")]
fn strict_read(strict: Strict) -> Value {
    json!({ "n": strict.n })
}

#[test]
fn the_method_key_stays_in_the_data_and_may_be_another_key() {
    let registry = registry();
    let nobody = Caller::new();
    let call = r#"{"api_name":"plainOnly","data":{"action":"b"}}"#;
    assert_eq!(
        rendered(&registry, call, &nobody).1,
        json!({ "method": "b", "sawKey": "b", "errMsg": "plainOnly:ok" })
    );
    let by_default_key = r#"{"api_name":"plainOnly","data":{"methodName":"b"}}"#;
    assert_eq!(
        rendered(&registry, by_default_key, &nobody).1["errMsg"],
        r#"plainOnly:fail invalid data: missing method: data has no "action"; the methods of plainOnly are "a", "b""#
    );
    let strict = r#"{"api_name":"strictData","data":{"methodName":"read","n":3}}"#;
    assert_eq!(
        rendered(&registry, strict, &nobody).1,
        json!({ "n": 3, "errMsg": "strictData:ok" })
    );
    // An escaped key and method are the key and method serde reads.
    let escaped = r#"{"api_name":"strictData","data":{"method\u004eame":"re\u0061d","n":4}}"#;
    assert_eq!(rendered(&registry, escaped, &nobody).1["n"], 4);
}

/// The way to multiplex before: one handler, a `methodName`-tagged enum.
#[derive(Deserialize)]
#[serde(tag = "methodName")]
enum Tagged {
    #[serde(rename = "signMessageV2")]
    Sign { data: SignData },
    #[serde(rename = "language")]
    Language,
}

#[derive(Deserialize)]
struct SignData {
    nonce: String,
}

#[mini_api("tagged")]
fn tagged(action: Tagged) -> Value {
    match action {
        Tagged::Sign { data } => json!({ "nonce": data.nonce }),
        Tagged::Language => json!({ "language": "en" }),
    }
}

#[test]
fn a_tagged_enum_data_parameter_still_says_what_it_can() {
    let registry = registry();
    let nobody = Caller::new();
    let call = |data: &str| format!(r#"{{"api_name":"tagged","data":{data}}}"#);
    // serde buffers an internally tagged enum, so the field's path is lost: the message keeps
    // the type and the value, not where they are.
    assert_eq!(
        rendered(
            &registry,
            &call(r#"{"methodName":"signMessageV2","data":{"nonce":1}}"#),
            &nobody
        )
        .1["errMsg"],
        "tagged:fail invalid data: invalid type: integer `1`, expected a string"
    );
    assert_eq!(
        rendered(&registry, &call(r#"{"methodName":"share"}"#), &nobody).1["errMsg"],
        "tagged:fail invalid data: methodName: unknown variant `share`, expected `signMessageV2` or `language`"
    );
    assert_eq!(
        rendered(&registry, &call(r#"{"data":{}}"#), &nobody).1["errMsg"],
        "tagged:fail invalid data: missing field `methodName`"
    );
    assert_eq!(
        rendered(
            &registry,
            &call(r#"{"methodName":"signMessageV2","data":{"nonce":"1"}}"#),
            &nobody
        )
        .1,
        json!({ "nonce": "1", "errMsg": "tagged:ok" })
    );
}
