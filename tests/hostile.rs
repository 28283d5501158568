//! What a hostile mini program can make the host write to its logs: nothing it sent. Every
//! call below carries the marker in a value, a key or a name of its own; at TRACE, with every
//! span and event recorded, the marker never reaches a log line, and each call still gets its
//! one reply.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use tcmpp_core::reply::Rendering;
use tcmpp_core::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Wire, mini_api};

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

#[mini_api("hostileWho")]
fn hostile_who(app: AppInfo) -> Value {
    serde_json::json!({ "appId": app.app_id })
}

#[path = "support/logs.rs"]
mod logs;

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
