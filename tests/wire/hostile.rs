//! What a hostile mini program can make the host write to its logs: nothing it sent. Every
//! call below carries the marker in a value, a key or a name of its own; at TRACE, with every
//! span and event recorded, the marker never reaches a log line, and each call still gets its
//! one reply.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use tcmpp_core::reply::Rendering;
use tcmpp_core::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Reply, Wire, mini_api};

/// What the mini program writes into its values, keys and names.
const MARKER: &str = "M4RK3R";

#[derive(Deserialize)]
#[allow(dead_code)]
struct Person {
    name: String,
    age: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Strict {
    id: u64,
}

#[derive(Deserialize)]
#[serde(tag = "methodName", rename_all = "camelCase")]
#[allow(dead_code)]
enum Action {
    Sign { nonce: String, amount: u64 },
    Language,
}

#[mini_api("hostilePerson")]
fn hostile_person(person: Person) -> Value {
    serde_json::json!({ "ok": person.age })
}

#[mini_api("hostileStrict")]
fn hostile_strict(strict: Strict) -> Value {
    serde_json::json!({ "id": strict.id })
}

#[mini_api("hostileAction")]
fn hostile_action(action: Action) -> Value {
    serde_json::json!({ "sign": matches!(action, Action::Sign { .. }) })
}

#[mini_api("hostileScores")]
fn hostile_scores(scores: BTreeMap<String, u8>) -> Value {
    serde_json::json!({ "count": scores.len() })
}

#[mini_api("hostileWholeCall")]
fn hostile_whole_call(call: MiniApiCall) -> Value {
    serde_json::json!({ "keys": call.extra.len() })
}

#[mini_api("hostileSecret", restricted)]
fn hostile_secret() {}

/// Balances by account: the mini program writes the map's keys.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Ledger {
    owner: String,
    balances: std::collections::HashMap<String, u32>,
    entries: Vec<BTreeMap<String, u8>>,
}

#[mini_api("hostileLedger")]
fn hostile_ledger(ledger: Ledger) -> Value {
    serde_json::json!({ "accounts": ledger.balances.len() })
}

#[mini_api("hostileCounts")]
fn hostile_counts(counts: std::collections::HashMap<String, u32>) -> Value {
    serde_json::json!({ "count": counts.len() })
}

#[mini_api("hostileWho")]
fn hostile_who(app: AppInfo) -> Value {
    serde_json::json!({ "appId": app.app_id })
}

#[path = "../support/logs.rs"]
mod logs;
#[path = "../support/precision.rs"]
mod precision;

/// Everything logged at TRACE while `run` runs, spans' opening and closing included.
fn logs_at_trace(run: impl FnOnce()) -> String {
    logs::logs_of(tracing::Level::TRACE, run)
}

/// Calls whose text the mini program shapes, each with the marker somewhere of its own.
fn hostile_texts() -> Vec<String> {
    let m = MARKER;
    let long = format!("{m}{}", "x".repeat(5_000));
    vec![
        // Data of the wrong type, a wrong field, a wrong variant, a wrong map value.
        format!(r#"{{"api_name":"hostilePerson","data":{{"name":"{m}","age":"{m}"}}}}"#),
        format!(r#"{{"api_name":"hostilePerson","data":{{"name":1,"age":"{m}"}}}}"#),
        format!(r#"{{"api_name":"hostilePerson","data":"{m}"}}"#),
        format!(r#"{{"api_name":"hostilePerson","data":["{m}",1]}}"#),
        format!(r#"{{"api_name":"hostilePerson","data":{{"name":"a","age":1,"age":"{m}"}}}}"#),
        format!(r#"{{"api_name":"hostileStrict","data":{{"id":1,"{m}":true}}}}"#),
        format!(r#"{{"api_name":"hostileStrict","data":{{"id":"{long}"}}}}"#),
        format!(r#"{{"api_name":"hostileAction","data":{{"methodName":"{m}"}}}}"#),
        format!(
            r#"{{"api_name":"hostileAction","data":{{"methodName":"sign","nonce":1,"amount":"{m}"}}}}"#
        ),
        format!(r#"{{"api_name":"hostileScores","data":{{"a":"{m}"}}}}"#),
        // Map keys the mini program wrote, where a value does not fit: the key is in the path.
        format!(r#"{{"api_name":"hostileScores","data":{{"{m}-MAPKEY":"x"}}}}"#),
        format!(r#"{{"api_name":"hostileCounts","data":{{"{m}-MAPKEY-SECRET":-1}}}}"#),
        format!(r#"{{"api_name":"hostileCounts","data":{{"a\u0062{m}":"x"}}}}"#),
        format!(
            r#"{{"api_name":"hostileLedger","data":{{"owner":"o","balances":{{"{m}":true}},"entries":[]}}}}"#
        ),
        format!(
            r#"{{"api_name":"hostileLedger","data":{{"owner":"o","balances":{{}},"entries":[{{}},{{"{m}":300}}]}}}}"#
        ),
        // Keys crafted to look like the log message's own text.
        format!(r#"{{"api_name":"hostileCounts","data":{{"`, expected {m}":"x"}}}}"#),
        format!(r#"{{"api_name":"hostileCounts","data":{{"x`, expected u32 {m} ":"x"}}}}"#),
        format!(r#"{{"api_name":"hostileCounts","data":{{"\", expected {m}":[1]}}}}"#),
        format!(
            r#"{{"api_name":"hostileLedger","data":{{"owner":"o","balances":{{"balances.{m}":"1"}},"entries":[]}}}}"#
        ),
        format!(
            r#"{{"api_name":"hostileScores","data":{{"{m}":1, "b":"invalid data at `{m}`, expected u8"}}}}"#
        ),
        // A value crafted so, where the type's message ends in what it expected.
        format!(r#"{{"api_name":"hostilePerson","data":{{"name":"n","age":"1, expected {m}"}}}}"#),
        // The call itself: names, keys and values of its own.
        format!(r#"{{"api_name":"{m}","data":{{}}}}"#),
        format!(r#"{{"api_name":"{long}"}}"#),
        format!(r#"{{"api_name":"hostile{m}Person"}}"#),
        format!(r#"{{"api_name":"hostilePerson","{m}":1,"{m}":2}}"#),
        format!(r#"{{"api_name":"hostilePerson","k":"{m}","k":"{m}"}}"#),
        format!(r#"{{"api_name":"hostilePerson","webviewId":"{m}"}}"#),
        format!(r#"{{"api_name":"hostilePerson","stateEvent":["{m}"]}}"#),
        format!(r#"{{"api_name":"hostilePerson","api_name":"{m}"}}"#),
        format!(r#"{{"api_name":"hostileSecret","appInfo":{{"appId":"{m}","name":"{m}"}}}}"#),
        format!(r#"{{"api_name":"hostileWho","app\u0049nfo":{{"appId":"{m}"}}}}"#),
        format!(r#"{{"api_name":"hostileWholeCall","extra{m}":"{m}","big":1e999}}"#),
        format!(r#"{{"api_name":"hostileWholeCall","{m}":"\ud800"}}"#),
        format!(r#"{{"api_name":"hostilePerson","data":{{"name":"{m}"#),
        format!(r#"{{"api_name":"hostilePerson","data":{{"name":"{m}","age":1}}}} "{m}""#),
        format!(r#"["{m}"]"#),
        format!(r#""{m}""#),
        format!(
            "{{{}}}",
            (0..70)
                .map(|i| format!(r#""{m}{i}":"{m}""#))
                .collect::<Vec<_>>()
                .join(",")
        ),
    ]
}

#[test]
fn nothing_a_mini_program_sends_reaches_a_log_line() {
    let registry = Registry::builder()
        .access_policy(AccessPolicy::new().grant("wx_host_app", ["hostileSecret"]))
        .build()
        .unwrap();
    let host = Caller::new().with_app_info(AppInfo::with_app_id("wx_host_app"));
    let mut replies = 0;
    let logs = logs_at_trace(|| {
        for text in hostile_texts() {
            for rendering in [Rendering::Callback, Rendering::Bare] {
                for wire in [
                    Wire::Unified,
                    Wire::Named("hostilePerson"),
                    Wire::Legacy("hostilePerson"),
                ] {
                    for caller in [&Caller::new(), &host] {
                        let rendered = registry
                            .call(text.as_str())
                            .wire(wire)
                            .caller(caller)
                            .rendered(rendering)
                            .now_or_fail();
                        assert!(!rendered.text.is_empty());
                        replies += 1;
                    }
                }
            }
            // Bytes too, and a call the host read first.
            let _ = registry.call(text.as_bytes()).reply().now_or_fail();
            if let Ok(call) = MiniApiCall::from_json(&text, Wire::Unified) {
                let _ = registry.call(call).caller(&host).reply().now_or_fail();
            }
        }
    });
    assert!(replies > 0);
    assert!(
        logs.contains("mini API call"),
        "the subscriber saw the calls:\n{logs}"
    );
    let leaked: Vec<&str> = logs.lines().filter(|line| line.contains(MARKER)).collect();
    assert!(
        leaked.is_empty(),
        "{} log lines carry what the mini program sent:\n{}",
        leaked.len(),
        leaked.join("\n")
    );
}

#[test]
fn the_caller_the_host_states_is_logged_as_stated() {
    // The appId is identity the host believes: that one is logged, by design.
    let registry = Registry::builder().build().unwrap();
    let host = Caller::new().with_app_info(AppInfo::with_app_id("wx_stated"));
    let logs = logs_at_trace(|| {
        let reply = registry
            .call(r#"{"api_name":"hostileWho"}"#)
            .caller(&host)
            .reply()
            .now_or_fail();
        assert!(reply.is_success());
    });
    assert!(logs.contains(r#"app_id="wx_stated""#), "{logs}");
    assert!(logs.contains(r#"api="hostileWho""#), "{logs}");
}

#[test]
fn a_parser_message_about_caller_text_is_cut_short() {
    // Found by the fuzz target: serde quotes the offending value in full, and a text the host
    // believes may still carry a wrong type in its appInfo.
    let registry = Registry::builder().build().unwrap();
    let long = "x".repeat(100_000);
    let text = format!(r#"{{"api_name":"hostileWho","appInfo":{{"time":"{long}"}}}}"#);
    let rendered = registry
        .call(text.as_str())
        .caller(&Caller::trust_call_text())
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert!(
        rendered.text.starts_with(
            r#"{"errMsg":"hostileWho:fail invalid call: `appInfo`: invalid type: string \"xxx"#
        ),
        "{}",
        &rendered.text[..200]
    );
    assert!(rendered.text.len() < 400, "{} bytes", rendered.text.len());
}

/// What a data error's log line says: the field path the data type declares, with each key the
/// mini program wrote as `[key]`, and what the type expected.
#[test]
fn a_data_error_logs_declared_fields_and_hides_map_keys() {
    let registry = Registry::builder().build().unwrap();
    for (text, logged) in [
        (
            r#"{"api_name":"hostilePerson","data":{"name":"n","age":"x"}}"#,
            "invalid data at `age`, expected u32",
        ),
        (
            r#"{"api_name":"hostileCounts","data":{"M05-MAPKEY-SECRET":-1}}"#,
            "invalid data at `[key]`, expected u32",
        ),
        (
            r#"{"api_name":"hostileLedger","data":{"owner":"o","balances":{"k":true},"entries":[]}}"#,
            "invalid data at `balances.[key]`, expected u32",
        ),
        (
            r#"{"api_name":"hostileLedger","data":{"owner":"o","balances":{},"entries":[{},{"k":300}]}}"#,
            "invalid data at `entries[1].[key]`, expected u8",
        ),
        // A map key that is the name of a declared field is the program's text.
        (
            r#"{"api_name":"hostileLedger","data":{"owner":"o","balances":{"owner":"1"},"entries":[]}}"#,
            "invalid data at `balances.owner`, expected u32",
        ),
        // The call itself, through the typed entry.
        (
            r#"{"api_name":"hostileCounts","data":{"`, expected LEAK":"x"}}"#,
            "invalid data at `[key]`, expected u32",
        ),
    ] {
        let logs = logs_at_trace(|| {
            let reply = registry.call(text).reply().now_or_fail();
            assert!(!reply.is_success(), "{text}");
            let call = MiniApiCall::from_json(text, Wire::Unified).unwrap();
            let reply = registry.call(call).reply().now_or_fail();
            assert!(!reply.is_success(), "{text}");
        });
        // Under `arbitrary_precision`, a number out of the type's range (`-1`, `300`) from a
        // `Value` is refused as `invalid number`, which names no type expected: the line says
        // where, without it.
        let out_of_range = text.contains(":-1}") || text.contains(":300}");
        let logged = match logged.rsplit_once(", expected ") {
            Some((place, _)) if out_of_range && precision::arbitrary_precision() => place,
            _ => logged,
        };
        let lines: Vec<&str> = logs.lines().filter(|line| line.contains(logged)).collect();
        assert_eq!(lines.len(), 2, "{text}: `{logged}` in\n{logs}");
        assert!(!logs.contains("LEAK") && !logs.contains("SECRET"), "{logs}");
    }
}

/// A refusal tells the caller no more than its grants: the methods of a multiplexed API it may
/// call, through the typed entry as through text.
#[mini_api("hostileWallet", method = "open")]
fn hostile_wallet_open() {}

#[mini_api("hostileWallet", method = "sign", restricted)]
fn hostile_wallet_sign() {}

#[mini_api("hostileWallet", method = "sign.v2", restricted)]
fn hostile_wallet_sign_v2() {}

#[test]
fn an_unknown_method_lists_only_what_the_caller_may_call() {
    let registry = Registry::builder()
        .access_policy(
            AccessPolicy::new()
                .deny_by_default()
                .grant("wx_opener", ["hostileWallet.open"])
                .grant("wx_signer", ["hostileWallet"]),
        )
        .build()
        .unwrap();
    let unknown = |listed: &str| {
        format!(
            "invalid data: methodName: unknown method \"x\"; the methods of hostileWallet are {listed}"
        )
    };
    for (app_id, want) in [
        ("wx_opener", unknown(r#""open""#)),
        ("wx_signer", unknown(r#""open", "sign", "sign.v2""#)),
        ("wx_nobody", "permission denied".to_owned()),
    ] {
        let caller = Caller::new().with_app_info(AppInfo::with_app_id(app_id));
        let text = r#"{"api_name":"hostileWallet","data":{"methodName":"x"}}"#;
        let by_text = registry.call(text).caller(&caller).reply().now_or_fail();
        let legacy = registry
            .call(r#"{"methodName":"x"}"#)
            .wire(Wire::Legacy("hostileWallet"))
            .caller(&caller)
            .reply()
            .now_or_fail();
        let typed = registry
            .call(MiniApiCall::new(
                "hostileWallet",
                serde_json::json!({ "methodName": "x" }),
            ))
            .caller(&caller)
            .reply()
            .now_or_fail();
        for reply in [by_text, legacy, typed] {
            assert_eq!(
                reply.failure().map(|failure| failure.message()),
                Some(want.as_str()),
                "{app_id}"
            );
        }
    }
}

/// A caller refused for what the host stated (a `stateEvent` with a NUL) gets a reply named
/// after the API the call names, on every entry.
#[test]
fn a_refused_caller_is_answered_in_the_apis_name() {
    let registry = Registry::builder().build().unwrap();
    let caller = Caller::new().with_state_event("a\0b");
    let text = r#"{"data":{"api_name":"inner"},"api_name":"hostileWho"}"#;
    let want =
        r#"{"errMsg":"hostileWho:fail invalid call: `stateEvent` contains a NUL character"}"#;
    for rendered in [
        registry.call(text).caller(&caller),
        registry.call(text.as_bytes()).caller(&caller),
        registry
            .call(MiniApiCall::new("hostileWho", Value::Null))
            .caller(&caller),
    ]
    .map(|dispatch| dispatch.rendered(Rendering::Callback).now_or_fail())
    {
        assert_eq!(rendered.text, want);
    }
}

/// A handler's own `errMsg` and `errCode` are not the reply's: a `Reply::Success` leaves them
/// out, as both renderings do, so a host may hand the map to `req.ok(map)` as it is.
#[mini_api("hostileOwnKeys")]
fn hostile_own_keys() -> Value {
    serde_json::json!({ "errCode": 7, "errMsg": "hostileOwnKeys:fail boom", "kept": 1 })
}

#[test]
fn a_success_carries_no_errmsg_or_errcode_of_the_handlers() {
    let registry = Registry::builder().build().unwrap();
    let text = r#"{"api_name":"hostileOwnKeys"}"#;
    let reply = registry.call(text).reply().now_or_fail();
    assert_eq!(
        reply,
        Reply::Success(serde_json::from_str(r#"{"kept":1}"#).unwrap())
    );
    let typed = registry
        .call(MiniApiCall::new("hostileOwnKeys", Value::Null))
        .reply()
        .now_or_fail();
    assert_eq!(typed, reply);
    let json = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    let callback = registry
        .call(text)
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(
        json(&callback.text),
        json(r#"{"kept":1,"errMsg":"hostileOwnKeys:ok"}"#)
    );
    let bare = registry.call(text).rendered(Rendering::Bare).now_or_fail();
    assert_eq!(bare.text, r#"{"kept":1}"#);
    // A `Reply` a host built itself renders the same way.
    let built = Reply::Success(
        serde_json::from_str(r#"{"errCode":7,"errMsg":"x:fail boom","kept":1}"#).unwrap(),
    );
    assert_eq!(
        json(&built.to_callback_json("x")),
        json(r#"{"kept":1,"errMsg":"x:ok"}"#)
    );
    assert_eq!(built.to_bare_json(), r#"{"kept":1}"#);
}

/// The registry the recursing handlers dispatch through.
static RECURSING: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();

/// How many recursing handler bodies ran, and the refusal the deepest one got.
static RECURSED: std::sync::Mutex<(usize, Option<Reply>)> = std::sync::Mutex::new((0, None));

fn recurse_into(api: &str, depth: u64) -> Option<String> {
    RECURSED.lock().unwrap().0 += 1;
    if depth == 0 {
        return None;
    }
    Some(format!(r#"{{"api_name":"{api}","data":{}}}"#, depth - 1))
}

fn record_refusal(reply: Reply) {
    if !reply.is_success() {
        RECURSED.lock().unwrap().1.get_or_insert(reply);
    }
}

/// A handler that dispatches a call to itself, as deep as the mini program's data says.
#[mini_api("hostileRecurse")]
fn hostile_recurse(depth: u64) {
    if let Some(inner) = recurse_into("hostileRecurse", depth) {
        let registry = RECURSING.get().unwrap();
        record_refusal(registry.call(inner.as_str()).reply().now_or_fail());
    }
}

/// The same, as an `async fn` that awaits the call it dispatches: each level's poll runs the
/// next level's.
#[mini_api("hostileRecurseAsync")]
async fn hostile_recurse_async(depth: u64) {
    if let Some(inner) = recurse_into("hostileRecurseAsync", depth) {
        let registry = RECURSING.get().unwrap();
        record_refusal(registry.call(inner.as_str()).await);
    }
}

/// Re-entrant dispatch as deep as the mini program chooses: a fail reply at the limit, never a
/// stack overflow that aborts the host (before the limit, 100,000 levels overflowed any stack).
#[test]
fn reentrant_dispatch_is_bounded_by_a_fail_reply() {
    let _ = RECURSING.set(Registry::builder().build().unwrap());
    for api in ["hostileRecurse", "hostileRecurseAsync"] {
        *RECURSED.lock().unwrap() = (0, None);
        let text = format!(r#"{{"api_name":"{api}","data":100000}}"#);
        // A thread with a small stack, as a JNI thread or a tokio worker may have.
        let outer = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                RECURSING
                    .get()
                    .unwrap()
                    .call(text.as_str())
                    .reply()
                    .now_or_fail()
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert!(outer.is_success(), "{api}: {outer:?}");
        let (ran, refusal) = RECURSED.lock().unwrap().clone();
        assert_eq!(
            ran,
            tcmpp_core::limits::MAX_NESTED_DISPATCH as usize,
            "{api}"
        );
        let refusal = refusal.expect("the deepest call is refused");
        let failure = refusal.failure().unwrap();
        assert_eq!(
            failure.kind(),
            tcmpp_core::reply::FailureKind::LimitExceeded
        );
        assert_eq!(
            failure.message(),
            "invalid call: dispatched from inside 32 handlers already, the limit of nested calls"
        );
    }
    // The count unwinds: the next call at the top level is answered.
    let again = RECURSING
        .get()
        .unwrap()
        .call(r#"{"api_name":"hostileRecurse","data":3}"#)
        .reply()
        .now_or_fail();
    assert!(again.is_success());
}
