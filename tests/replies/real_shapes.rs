//! What real super apps send and expect, replayed through the JSON entry and the typed entry:
//! fail objects that carry data beside `errMsg` (Android's `req.failSync(JSONObject, msg)`,
//! Luffa's `{status: -1, uuid}`, another host's `{status_code, result: "fail", message}`), and
//! numbers that mini programs send as strings (`money: "123.45"`, `nonce: "1"`). iOS's string
//! progress is in tests/progress/progress.rs; the C ABI's and the Android bridge's in tests/hosts/c_abi.rs and
//! tests/hosts/android.rs.

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use serde_with::{DisplayFromStr, PickFirst, serde_as};
use tcmpp_core::reply::{FailureKind, Rendering};
use tcmpp_core::{ApiError, MiniApiCall, Registry, Reply, mini_api};

#[path = "../support/precision.rs"]
mod precision;

/// The fail object of Android's `failSync` in Tencent's demo: data the page reads beside
/// `errMsg`.
#[derive(Serialize)]
struct SyncFailure {
    key: &'static str,
    count: u32,
}

#[mini_api("androidFailSync")]
fn android_fail_sync() -> Result<(), ApiError> {
    Err(ApiError::new("not supported")
        .with_code(-1)
        .with_body(SyncFailure {
            key: "value",
            count: 2,
        }))
}

/// Luffa's fail object: `{status: -1, uuid}`, no code.
#[mini_api("luffaSign")]
async fn luffa_sign() -> Result<(), ApiError> {
    Err(ApiError::new("user rejected").with_body(json!({ "status": -1, "uuid": "f3a9" })))
}

/// Another host's: a `message` key of its own, which the bare rendering must not confuse with
/// the reply's message.
#[mini_api("statusCodeFail")]
async fn status_code_fail() -> Result<(), ApiError> {
    Err(ApiError::new("declined").with_body(json!({
        "status_code": 402,
        "result": "fail",
        "message": "insufficient balance",
    })))
}

/// A body with the reply's own keys: they are left out, as a success's `errMsg` is.
#[mini_api("bodySpellsErrKeys")]
async fn body_spells_err_keys() -> Result<(), ApiError> {
    Err(ApiError::new("real reason")
        .with_code(3)
        .with_body(json!({ "errMsg": "x:ok", "errCode": 0, "kept": true })))
}

/// A body that is not an object: a fail reply that says so, as a success value that is not an
/// object.
#[mini_api("bodyNotAnObject")]
async fn body_not_an_object() -> Result<(), ApiError> {
    Err(ApiError::new("declined").with_body("just text"))
}

/// A body of `null`: no body.
#[mini_api("bodyNull")]
async fn body_null() -> Result<(), ApiError> {
    Err(ApiError::new("declined").with_body(()))
}

/// A cancel has no body, whatever was attached.
#[mini_api("bodyOnCancel")]
async fn body_on_cancel() -> Result<(), ApiError> {
    Err(ApiError::cancelled().with_body(json!({ "ignored": 1 })))
}

fn registry() -> Registry {
    Registry::builder().build().expect("the registry builds")
}

/// The reply to a call of `api` through the JSON entry, as a callback object and bare, and
/// through the typed entry.
fn replies(registry: &Registry, api: &str) -> (String, String, Reply) {
    let text = format!(r#"{{"api_name":"{api}","data":{{}},"webviewId":4}}"#);
    let callback = block_on(registry.call(&text).rendered(Rendering::Callback));
    let bare = block_on(registry.call(&text).rendered(Rendering::Bare));
    let typed = block_on(registry.call(MiniApiCall::new(api, json!({}))).reply());
    assert_eq!(callback.kind, typed.kind(), "{api}");
    assert_eq!(bare.kind, typed.kind(), "{api}");
    (callback.text, bare.text, typed)
}

#[test]
fn android_fail_sync_body_reaches_every_rendering() {
    let registry = registry();
    let (callback, bare, typed) = replies(&registry, "androidFailSync");
    assert_eq!(
        callback,
        r#"{"count":2,"errCode":-1,"errMsg":"androidFailSync:fail not supported","key":"value"}"#
    );
    assert_eq!(
        bare,
        r#"{"body":{"count":2,"key":"value"},"code":-1,"message":"not supported"}"#
    );
    let failure = typed.failure().expect("a fail reply");
    assert_eq!(failure.kind(), FailureKind::Handler);
    assert_eq!(failure.message(), "not supported");
    assert_eq!(failure.code(), Some(-1));
    assert_eq!(
        failure.body().map(|body| Value::Object(body.clone())),
        Some(json!({ "key": "value", "count": 2 }))
    );
    // A synchronous call (the plain `fn` answers at once) gets the same.
    let sync = registry
        .call(r#"{"api_name":"androidFailSync","sync":true}"#)
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(sync.text, callback);
}

#[test]
fn bodies_of_real_hosts_keep_every_key() {
    let registry = registry();
    let (callback, bare, typed) = replies(&registry, "luffaSign");
    assert_eq!(
        callback,
        r#"{"errMsg":"luffaSign:fail user rejected","status":-1,"uuid":"f3a9"}"#
    );
    assert_eq!(
        bare,
        r#"{"body":{"status":-1,"uuid":"f3a9"},"message":"user rejected"}"#
    );
    assert_eq!(typed.failure().unwrap().code(), None);

    let (callback, bare, _) = replies(&registry, "statusCodeFail");
    assert_eq!(
        serde_json::from_str::<Value>(&callback).unwrap(),
        json!({
            "status_code": 402,
            "result": "fail",
            "message": "insufficient balance",
            "errMsg": "statusCodeFail:fail declined",
        })
    );
    // The body's `message` and the reply's stay apart.
    assert_eq!(
        bare,
        r#"{"body":{"message":"insufficient balance","result":"fail","status_code":402},"message":"declined"}"#
    );
}

#[test]
fn a_body_never_overrides_err_msg_or_err_code() {
    let registry = registry();
    let (callback, bare, typed) = replies(&registry, "bodySpellsErrKeys");
    assert_eq!(
        callback,
        r#"{"errCode":3,"errMsg":"bodySpellsErrKeys:fail real reason","kept":true}"#
    );
    assert_eq!(
        bare,
        r#"{"body":{"kept":true},"code":3,"message":"real reason"}"#
    );
    assert_eq!(
        typed
            .failure()
            .and_then(|failure| failure.body())
            .map(|body| body.len()),
        Some(1)
    );
}

#[test]
fn a_body_that_is_not_an_object_is_an_invalid_result() {
    let registry = registry();
    let (callback, bare, typed) = replies(&registry, "bodyNotAnObject");
    let reason = "invalid result: the handler's fail body is a string, but a fail body must be a JSON object (attach a struct or a map)";
    assert_eq!(
        callback,
        format!(r#"{{"errMsg":"bodyNotAnObject:fail {reason}"}}"#)
    );
    assert_eq!(bare, format!(r#"{{"message":"{reason}"}}"#));
    assert_eq!(typed.failure().unwrap().kind(), FailureKind::InvalidResult);
}

#[test]
fn a_null_body_is_no_body_and_a_cancel_has_none() {
    let registry = registry();
    let (callback, bare, typed) = replies(&registry, "bodyNull");
    assert_eq!(callback, r#"{"errMsg":"bodyNull:fail declined"}"#);
    assert_eq!(bare, r#"{"message":"declined"}"#);
    assert_eq!(typed.failure().unwrap().body(), None);
    let (callback, bare, typed) = replies(&registry, "bodyOnCancel");
    assert_eq!(callback, r#"{"errMsg":"bodyOnCancel:cancel"}"#);
    assert_eq!(bare, "{}");
    assert_eq!(typed, Reply::Cancel);
}

// The README's recipe for numbers that mini programs send as strings.

/// A payment, as mini programs send it: some send `money` as `123.45`, some as `"123.45"`;
/// `nonce` as `1` or `"1"`.
#[serde_as]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payment {
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    money: f64,
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    nonce: u64,
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    #[serde(default)]
    tip_cents: Option<u32>,
}

#[mini_api("payAmount")]
fn pay_amount(payment: Payment) -> Value {
    json!({ "cents": (payment.money * 100.0).round() as u64 + u64::from(payment.tip_cents.unwrap_or(0)), "nonce": payment.nonce })
}

#[test]
fn numbers_sent_as_strings_are_read_as_numbers() {
    let registry = registry();
    for data in [
        r#"{"money":"123.45","nonce":"1"}"#,
        r#"{"money":123.45,"nonce":1}"#,
        r#"{"money":"123.45","nonce":1,"tipCents":null}"#,
    ] {
        let reply = block_on(
            registry.dispatch_json(&format!(r#"{{"api_name":"payAmount","data":{data}}}"#)),
        );
        if precision::arbitrary_precision() && data.contains(":123.45") {
            // `PickFirst` buffers its input, and under `arbitrary_precision` a buffered number
            // reaches it as a map: refused, as `serde_json::from_str` refuses it (the README
            // says so), and answered.
            assert!(
                reply.starts_with(r#"{"errMsg":"payAmount:fail invalid data: "#),
                "{reply}"
            );
            continue;
        }
        assert_eq!(
            reply, r#"{"cents":12345,"nonce":1,"errMsg":"payAmount:ok"}"#,
            "{data}"
        );
    }
    let reply = block_on(registry.dispatch_json(
        r#"{"api_name":"payAmount","data":{"money":"1","nonce":"2","tipCents":"50"}}"#,
    ));
    assert_eq!(reply, r#"{"cents":150,"nonce":2,"errMsg":"payAmount:ok"}"#);
    // What is neither a number nor a string of one is refused, naming the field.
    let reply = block_on(
        registry.dispatch_json(r#"{"api_name":"payAmount","data":{"money":"12,50","nonce":"1"}}"#),
    );
    assert!(
        reply.starts_with(r#"{"errMsg":"payAmount:fail invalid data: money: "#),
        "{reply}"
    );
}
