//! Reading calls from JSON text: the one-pass reader of the common call shape must answer
//! exactly as the full parser does, valid call or not. A trailing `"appInfo":null` sends a call
//! through the full parser without changing its meaning or the position of an error before it.

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tcmpp_core::{AppInfo, FailureKind, Registry, Reply, mini_api};

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

fn registry() -> Registry {
    Registry::builder()
        .build()
        .expect("the test handlers register")
}

/// The bare and rendered replies to `{body}`, and the same through the full parser.
fn both_readers(registry: &Registry, body: &str) -> [(Reply, Value); 2] {
    [
        format!("{{{body}}}"),
        format!("{{{body},\"appInfo\":null}}"),
    ]
    .map(|call| {
        let bare = block_on(registry.dispatch_json_bare(&call));
        let rendered = block_on(registry.dispatch_json(&call));
        (
            bare,
            serde_json::from_str(&rendered).expect("a reply is JSON"),
        )
    })
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
    for (body, expected) in cases {
        let [common, full] = both_readers(&registry, body);
        assert_eq!(common, full, "{body}");
        assert_eq!(
            common.0.failure().map(|failure| failure.kind()),
            *expected,
            "{body}: {:?}",
            common.0
        );
    }
}

#[test]
fn data_nested_beyond_the_parsers_limit_gets_the_same_answer_from_both() {
    let registry = registry();
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for api in ["readPerson", "readNothing"] {
        let body = format!(r#""api_name":"{api}","data":{deep}"#);
        let [common, full] = both_readers(&registry, &body);
        assert_eq!(common, full, "{api}");
    }
}

#[test]
fn truncated_calls_are_refused_by_both() {
    let registry = registry();
    let call = r#"{"stateEvent":"requestCustomApi","api_name":"readPerson","data":{"name":"k\"a","age":22},"webviewId":4}"#;
    for end in 0..call.len() {
        let truncated = &call[..end];
        let reply = block_on(registry.dispatch_json_bare(truncated));
        let failure = reply.failure().expect("a truncated call fails");
        assert_eq!(failure.kind(), FailureKind::InvalidCall, "{truncated}");
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
        ] {
            let body = format!(r#""api_name":"{api}","data":{data}"#);
            let [common, full] = both_readers(&registry, &body);
            assert_eq!(common, full, "{body}");
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
    }
}
