//! Reading calls from JSON text: the one-pass reader of the common call shape must answer
//! exactly as the full parser does, valid call or not, whether the host believes the caller's
//! keys in the text or not. A trailing `"appInfo":null` sends a call through the full parser
//! without changing its meaning or the position of an error before it.

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::reply::{FailureKind, Rendering};
use tcmpp_core::{
    AccessPolicy, ApiError, AppInfo, Caller, MiniApiCall, Registry, Reply, WebViewId, mini_api,
};

#[derive(Deserialize)]
struct Person {
    name: String,
    age: u32,
}

#[derive(Serialize)]
struct Greeting {
    greeting: String,
}

#[mini_api("readPerson")]
async fn read_person(person: Person) -> Greeting {
    Greeting {
        greeting: format!("{} is {}", person.name, person.age),
    }
}

#[mini_api("readNothing")]
fn read_nothing() {}

#[mini_api("readNeedsApp")]
fn read_needs_app(person: Person, app: AppInfo) -> Greeting {
    Greeting {
        greeting: format!("{} from {:?}", person.name, app.app_id),
    }
}

/// The caller as the call's context holds it.
struct Seen {
    web_view_id: Option<i64>,
    state_event: Option<String>,
}

impl FromContext for Seen {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(Seen {
            web_view_id: cx.web_view_id(),
            state_event: cx.state_event().map(str::to_owned),
        })
    }
}

/// What the handler sees of the caller's keys, by the extractor and by the context; the call
/// itself is only what the mini program sent.
#[mini_api("readCaller")]
fn read_caller(web_view: Option<WebViewId>, #[context] seen: Seen, call: MiniApiCall) -> Value {
    let call = call.to_map();
    assert!(
        ["webviewId", "stateEvent", "appInfo"]
            .iter()
            .all(|key| !call.contains_key(*key)),
        "{call:?}"
    );
    serde_json::json!({
        "webviewId": web_view.map(|id| id.0),
        "contextWebviewId": seen.web_view_id,
        "stateEvent": seen.state_event,
    })
}

fn registry() -> Registry {
    Registry::builder()
        .build()
        .expect("the test handlers register")
}

/// The reply to `{body}`, rendered as a callback object and bare, and the same through the
/// full parser, with the caller the host states.
fn both_readers(registry: &Registry, body: &str, caller: &Caller) -> [(Reply, Value, String); 2] {
    [
        format!("{{{body}}}"),
        format!("{{{body},\"appInfo\":null}}"),
    ]
    .map(|call| {
        let reply = block_on(registry.call(&call).caller(caller).reply());
        let rendered = block_on(
            registry
                .call(&call)
                .caller(caller)
                .rendered(Rendering::Callback),
        );
        let bare = block_on(
            registry
                .call(&call)
                .caller(caller)
                .rendered(Rendering::Bare),
        );
        if *caller == Caller::new() {
            // The shortcut is the call with no caller stated.
            assert_eq!(block_on(registry.dispatch_json(&call)), rendered.text);
        }
        assert_eq!(rendered.kind, reply.kind(), "{call}");
        assert_eq!(bare.kind, reply.kind(), "{call}");
        (
            reply,
            serde_json::from_str(&rendered.text).expect("a reply is JSON"),
            bare.text,
        )
    })
}

/// The callers every case is read with: none stated (untrusted text), the text's own, and one
/// the host states.
fn callers() -> [Caller; 3] {
    [
        Caller::new(),
        Caller::trust_call_text(),
        Caller::new().with_web_view_id(9),
    ]
}

#[test]
fn both_readers_agree() {
    let registry = registry();
    let cases: &[(&str, Option<FailureKind>)] = &[
        (
            r#""api_name":"readPerson","data":{"name":"kka","age":22},"webviewId":4"#,
            None,
        ),
        (
            r#""stateEvent":"requestCustomApi","api_name":"readPerson","data":{"name":"k\"a","age":22}"#,
            None,
        ),
        (
            r#""api_name":"readPerson","data":{"name":"\u00e9\\","age":1},"webviewId":-0"#,
            None,
        ),
        (
            r#" "api_name" : "readPerson" ,
            "data" : { "name" : "kka" , "age" : 22 } , "stateEvent" : null "#,
            None,
        ),
        (r#""api_name":"readNothing","data":[1,2,{"a":"]"}]"#, None),
        (
            r#""api_name":"readNothing","data":null,"webviewId":null"#,
            None,
        ),
        (
            r#""api_name":"readPerson","data":{"name":"kka","age":"x"}"#,
            Some(FailureKind::InvalidData),
        ),
        (
            r#""api_name":"readPerson","data":"just a string""#,
            Some(FailureKind::InvalidData),
        ),
        (
            r#""api_name":"readPerson","data":12.5e3"#,
            Some(FailureKind::InvalidData),
        ),
        (
            r#""api_name":"readPerson","data":{"name":"kka","age":22,}"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"readPerson","data":{"name":"kka","age":"x",]"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"readPerson","data":nul"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"readPerson","data":{"name":"k\qa","age":22}"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"readNothing","data":{"a":[1,2}"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"noSuchApi","data":{"a":tru}"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"noSuchApi","data":{"a":true}"#,
            Some(FailureKind::UnknownApi),
        ),
        (
            r#""api_name":"readNeedsApp","data":{"name":"kka","age":22}"#,
            Some(FailureKind::MissingContext),
        ),
        (
            r#""api_name":"readNeedsApp","data":{"name":"kka","age":}"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"readPerson","webviewId":4.5,"data":{"name":"kka","age":22}"#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""api_name":"readPerson","webviewId":007,"data":{"name":"kka","age":22}"#,
            Some(FailureKind::InvalidCall),
        ),
        (r#""api_name":"","data":{}"#, Some(FailureKind::InvalidCall)),
        // `sync` is read by both only as a boolean (or `null`).
        (r#""api_name":"readNothing","sync":true"#, None),
        (r#""api_name":"readNothing","sync":null,"data":{}"#, None),
        (
            r#""api_name":"readNothing","sync":"true""#,
            Some(FailureKind::InvalidCall),
        ),
        (
            r#""sync":1,"api_name":"readPerson","data":{"name":"kka","age":22}"#,
            Some(FailureKind::InvalidCall),
        ),
        // Raw control characters in strings the fast reader returns are not JSON.
        (
            "\"api_name\":\"read\u{1}Person\",\"data\":{\"name\":\"kka\",\"age\":22}",
            Some(FailureKind::InvalidCall),
        ),
        (
            "\"stateEvent\":\"request\tCustomApi\",\"api_name\":\"readNothing\"",
            Some(FailureKind::InvalidCall),
        ),
        // Keys that only look like the known ones, or spell them with escapes.
        (
            r#""d\u0061ta":{"name":"kka","age":22},"api_name":"readPerson""#,
            None,
        ),
        (
            r#""api_name":"readNothing","data2":{"a":1},"api_name_x":"readPerson""#,
            None,
        ),
    ];
    for caller in callers() {
        for (body, expected) in cases {
            let [common, full] = both_readers(&registry, body, &caller);
            assert_eq!(common, full, "{body} {caller:?}");
            assert_eq!(
                common.0.failure().map(|failure| failure.kind()),
                *expected,
                "{body} {caller:?}: {:?}",
                common.0
            );
        }
    }
}

#[test]
fn both_readers_agree_on_the_callers_keys() {
    let registry = registry();
    let bodies = [
        r#""api_name":"readCaller","webviewId":4,"stateEvent":"onProgress""#,
        r#""stateEvent":"onProgress","webviewId":4,"api_name":"readCaller","data":{}"#,
        r#""api_name":"readCaller","webviewId":null,"stateEvent":null"#,
        r#""api_name":"readCaller""#,
    ];
    for body in bodies {
        let carries = body.contains("onProgress");
        for (caller, expected) in [
            // Untrusted text: the keys are checked, then ignored.
            (
                Caller::new(),
                serde_json::json!({ "webviewId": null, "contextWebviewId": null, "stateEvent": null }),
            ),
            // The host's own rendering: the keys are the caller.
            (
                Caller::trust_call_text(),
                if carries {
                    serde_json::json!({ "webviewId": 4, "contextWebviewId": 4, "stateEvent": "onProgress" })
                } else {
                    serde_json::json!({ "webviewId": null, "contextWebviewId": null, "stateEvent": null })
                },
            ),
            // What the host states wins over the text's.
            (
                Caller::trust_call_text()
                    .with_web_view_id(9)
                    .with_state_event("hostEvent"),
                serde_json::json!({ "webviewId": 9, "contextWebviewId": 9, "stateEvent": "hostEvent" }),
            ),
            (
                Caller::new().with_web_view_id(9),
                serde_json::json!({ "webviewId": 9, "contextWebviewId": 9, "stateEvent": null }),
            ),
        ] {
            let [common, full] = both_readers(&registry, body, &caller);
            assert_eq!(common, full, "{body} {caller:?}");
            assert_eq!(common.2, expected.to_string(), "{body} {caller:?}");
        }
    }
}

#[test]
fn both_readers_give_the_handler_the_stated_app_info() {
    let registry = registry();
    let stated = Caller::new().with_app_info(AppInfo::with_app_id("wx1"));
    let body = r#""api_name":"readNeedsApp","data":{"name":"kka","age":22}"#;
    let [common, full] = both_readers(&registry, body, &stated);
    assert_eq!(common, full);
    assert_eq!(common.2, r#"{"greeting":"kka from Some(\"wx1\")"}"#);
}

#[test]
fn data_nested_beyond_the_parsers_limit_gets_the_same_answer_from_both() {
    let registry = registry();
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for api in ["readPerson", "readNothing"] {
        let body = format!(r#""api_name":"{api}","data":{deep}"#);
        for caller in callers() {
            let [common, full] = both_readers(&registry, &body, &caller);
            assert_eq!(common, full, "{api}");
        }
    }
}

#[test]
fn truncated_calls_are_refused_by_both() {
    let registry = registry();
    let call = r#"{"stateEvent":"requestCustomApi","api_name":"readPerson","data":{"name":"k\"a","age":22},"webviewId":4}"#;
    for end in 0..call.len() {
        let truncated = &call[..end];
        for caller in callers() {
            let reply = block_on(registry.call(truncated).caller(&caller).reply());
            let failure = reply.failure().expect("a truncated call fails");
            assert_eq!(failure.kind(), FailureKind::InvalidCall, "{truncated}");
        }
    }
}

#[mini_api("readRestricted", restricted)]
fn read_restricted(person: Person) -> Greeting {
    Greeting {
        greeting: person.name,
    }
}

#[test]
fn malformed_data_is_a_malformed_call_whatever_else_refuses_it() {
    // Data the one-pass reader does not validate is checked whenever the call is refused
    // before it is decoded: by the access policy, a missing context value, an unknown name.
    let registry = registry();
    for api in [
        "readRestricted",
        "readNeedsApp",
        "readPerson",
        "readNothing",
        "noSuchApi",
    ] {
        for data in [
            r#"{"name":"kka","age":22]"#,
            r#"[1,}"#,
            "01",
            "tru",
            r#""\x""#,
            r#""\u12g4""#,
            "[1 2]",
            r#"{"a" 1}"#,
            "{\"name\":\"k\tka\",\"age\":22}",
            "-",
            "1.e5",
        ] {
            // The API named before the data or after it: the reader checks data no handler
            // will decode as it skips it, or leaves it to the decoder.
            for body in [
                format!(r#""api_name":"{api}","data":{data}"#),
                format!(r#""data":{data},"api_name":"{api}""#),
            ] {
                malformed_data_is_refused_as_such(&registry, &body);
            }
        }
    }
    // A caller granted the restricted API: its data goes to the decoder unchecked.
    let granted = Caller::new().with_app_info(AppInfo::with_app_id("wx_granted"));
    let registry = Registry::builder()
        .access_policy(AccessPolicy::new().grant("wx_granted", ["readRestricted"]))
        .build()
        .unwrap();
    for body in [
        r#""api_name":"readRestricted","data":{"name":"kka","age":22]"#,
        r#""api_name":"readRestricted","data":{"name":"kka","age":22,"x":tru}"#,
        r#""api_name":"readRestricted","data":{"name":"kka","age":22}"#,
        r#""data":{"name":"kka","age":22},"api_name":"readRestricted""#,
    ] {
        let [common, full] = both_readers(&registry, body, &granted);
        assert_eq!(common, full, "{body}");
        let stranger = both_readers(&registry, body, &Caller::new());
        assert_eq!(stranger[0], stranger[1], "{body}");
    }
}

fn malformed_data_is_refused_as_such(registry: &Registry, body: &str) {
    let [common, full] = both_readers(registry, body, &Caller::new());
    assert_eq!(common, full, "{body}");
    // Whoever the host says calls, a malformed call is refused as one.
    for caller in callers() {
        assert_eq!(
            both_readers(registry, body, &caller),
            [common.clone(), full.clone()]
        );
    }
    let failure = common.0.failure().expect("a malformed call fails");
    assert_eq!(failure.kind(), FailureKind::InvalidCall, "{body}");
    assert!(
        failure
            .message()
            .starts_with("invalid call: not valid JSON"),
        "{body}: {}",
        failure.message()
    );
}
