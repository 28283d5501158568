//! Property tests: whatever JSON (or bytes) arrives, dispatch never panics and answers once,
//! with a JSON object whose `errMsg` routes it, whoever the host says calls; and `appInfo` in
//! text the host does not believe never gets past the reader.

use futures_executor::block_on;
use proptest::prelude::*;
use serde_json::{Map, Value};
use tcmpp_core::reply::Rendering;
use tcmpp_core::{AppInfo, Caller, MiniApiCall, Registry, Wire, mini_api};

#[path = "../support/arbitrary_calls.rs"]
mod arbitrary_calls;
#[path = "../support/precision.rs"]
mod precision;

use arbitrary_calls::assert_one_routable_reply;

#[mini_api("optional")]
fn optional(data: Option<Map<String, Value>>) -> Option<Map<String, Value>> {
    data
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(vec!["name", "age", "tags", "kka", "22"])
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(vec![
                        "name",
                        "age",
                        "tags",
                        "data",
                        "api_name",
                        "webviewId",
                        "appInfo",
                        "appId"
                    ])
                    .prop_map(str::to_owned),
                    ".{0,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn api_name() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec!["typed", "echo", "optional", "nope", ""])
            .prop_map(|s| Value::String(s.into())),
        json_value(),
    ]
}

fn call() -> impl Strategy<Value = Value> {
    (
        prop::option::of(api_name()),
        prop::option::of(json_value()),
        prop::option::of(json_value()),
        prop::option::of(json_value()),
    )
        .prop_map(|(name, data, web_view_id, app_info)| {
            let mut map = Map::new();
            for (key, value) in [
                ("api_name", name),
                ("data", data),
                ("webviewId", web_view_id),
                ("appInfo", app_info),
            ] {
                if let Some(value) = value {
                    map.insert(key.to_owned(), value);
                }
            }
            Value::Object(map)
        })
}

/// The callback text of `text` read with `wire`, from `caller`.
fn rendered(registry: &Registry, text: &str, wire: Wire<'_>, caller: &Caller) -> String {
    block_on(
        registry
            .call(text)
            .wire(wire)
            .caller(caller)
            .rendered(Rendering::Callback),
    )
    .text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn any_call_object_gets_one_reply(call in call()) {
        let registry = Registry::builder().build().unwrap();
        let text = call.to_string();
        let rendered_untrusted = block_on(registry.dispatch_json(&text));
        assert_one_routable_reply(&rendered_untrusted);
        let named = rendered(&registry, &text, Wire::Named("typed"), &Caller::new());
        assert_one_routable_reply(&named);
        let _bare = block_on(registry.call(&text).reply());
        // Whoever the host says calls, the call is answered once.
        let stated = Caller::new().with_app_info(AppInfo::with_app_id("wx1")).with_web_view_id(2);
        for caller in [Caller::trust_call_text(), stated.clone(), Caller::trust_call_text().with_web_view_id(2)] {
            assert_one_routable_reply(&rendered(&registry, &text, Wire::Unified, &caller));
            assert_one_routable_reply(&rendered(&registry, &text, Wire::Named("typed"), &caller));
        }
        if let Value::Object(map) = call {
            // A non-null `appInfo` in text the host does not believe never reaches a handler.
            let forged = map.get("appInfo").is_some_and(|app| !app.is_null());
            if forged {
                prop_assert!(rendered_untrusted.contains(":fail invalid call:"), "{}", rendered_untrusted);
                prop_assert!(named.contains(":fail invalid call:"), "{}", named);
            }
            // A named call without its own `api_name` is refused, never read with the SDK's.
            if !map.contains_key("api_name") {
                prop_assert!(named.starts_with(r#"{"errMsg":"typed:fail invalid call: "#), "{}", named);
            }
            // The parsed-map path agrees with the text path on whether the call can be read.
            let parsed = MiniApiCall::from_json(&Value::Object(map).to_string(), Wire::Unified);
            prop_assert_eq!(parsed.is_err(), rendered_untrusted.contains(":fail invalid call:"));
            if forged {
                prop_assert!(parsed.is_err());
            }
            if let Ok(call) = parsed {
                // Same outcome either way; only the errMsg prefix may differ, since an
                // impossible API name is not echoed there. Under `arbitrary_precision` a
                // refusal of the data may also be worded otherwise from a `Value` (a number is
                // `number`, not `floating point `0.0``, in `serde_json`'s words): the same
                // refusal, its reason aside.
                let reply = block_on(registry.call(call.clone()).reply());
                let arbitrary_precision = precision::arbitrary_precision();
                let outcome = |rendered: &str| -> Value {
                    let mut value: Value = serde_json::from_str(rendered).unwrap();
                    let err_msg = value["errMsg"].as_str().unwrap();
                    let mut routed = err_msg.split_once(':').map(|(_, outcome)| outcome.to_owned());
                    if arbitrary_precision
                        && routed.as_deref().is_some_and(|routed| routed.starts_with("fail invalid data: "))
                    {
                        routed = Some("fail invalid data".to_owned());
                    }
                    value["errMsg"] = Value::from(routed);
                    value
                };
                prop_assert_eq!(outcome(&reply.to_callback_json("x")), outcome(&rendered_untrusted));
                // A caller the host states is the same caller whether it comes with the text
                // or with the call it read.
                let from_text = rendered(&registry, &text, Wire::Unified, &stated);
                let from_call = block_on(registry.call(call).caller(&stated).rendered(Rendering::Callback));
                prop_assert_eq!(outcome(&from_call.text), outcome(&from_text));
            }
        }
    }

    #[test]
    fn any_json_value_gets_one_reply(value in json_value()) {
        let registry = Registry::builder().build().unwrap();
        let text = value.to_string();
        assert_one_routable_reply(&block_on(registry.dispatch_json(&text)));
        assert_one_routable_reply(&rendered(&registry, &text, Wire::Named("echo"), &Caller::new()));
        assert_one_routable_reply(&rendered(&registry, &text, Wire::Legacy("echo"), &Caller::new()));
        assert_one_routable_reply(&rendered(&registry, &text, Wire::Unified, &Caller::trust_call_text()));
    }

    #[test]
    fn any_bytes_get_one_reply(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let registry = Registry::builder().build().unwrap();
        assert_one_routable_reply(&block_on(registry.call(&bytes).rendered(Rendering::Callback)).text);
        assert_one_routable_reply(&block_on(registry.call(&bytes).caller(&Caller::trust_call_text()).rendered(Rendering::Callback)).text);
    }

    #[test]
    fn any_text_gets_one_reply(text in "\\PC{0,64}") {
        let registry = Registry::builder().build().unwrap();
        assert_one_routable_reply(&block_on(registry.dispatch_json(&text)));
        assert_one_routable_reply(&rendered(&registry, &text, Wire::Named("typed"), &Caller::new()));
    }
}
