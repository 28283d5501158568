//! The generated JSON Schema agrees with serde: for the shop example's data types
//! (`examples/src/shop.rs`), a JSON value is valid against the API's `<name>.data` schema
//! exactly when the handler's type deserializes it.
//!
//! The values are valid examples, the same examples mutated (keys removed, added, values
//! replaced at any depth), and arbitrary JSON over the types' own keys and words, so that both
//! answers come up often.
//!
//! Where JSON Schema and serde_json cannot agree, the generator stays out and a test pins the
//! difference instead (see `the_known_differences_are_what_they_are`): serde_json reads a
//! struct from an array of its fields too, and an internally tagged enum from an array led by
//! its tag, so generated arrays are empty or longer than any of the types; and a number with a
//! zero fraction (`1.0`) is an integer to JSON Schema but not to serde_json, so generated
//! fractions are never zero.
//!
//! The same holds for whole calls: a generated call (its name, its data, `sync`, the keys the
//! SDK adds, `appInfo`, a key of its own) is valid against the document's root exactly when the
//! runtime reads it and runs the handler; and every reply the handlers then render, and every
//! progress payload they send, validates against its API's (and method's) schema
//! (`support/never_lies.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tcmpp_core::{ClientTypes, Registry};
use tcmpp_examples::shop::{Connect, Coupon, Event, PayOrder, ProductQuery, SignMessage};

/// The shop's generated schema document.
fn document() -> Value {
    let types: ClientTypes = Registry::builder()
        .build()
        .expect("the registry builds")
        .client_types()
        .expect("the shop's types are described");
    serde_json::from_str(types.json_schema()).expect("the schema is JSON")
}

/// A validator for one of the document's definitions, with the document's definitions beside
/// it for its `$ref`s.
fn validator(document: &Value, definition: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": document["$defs"],
        "$ref": format!("#/$defs/{definition}"),
    });
    jsonschema::draft202012::new(&schema).expect("the definition compiles")
}

#[test]
fn the_document_is_a_valid_draft_2020_12_schema() {
    let document = document();
    assert_eq!(
        document["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    if let Err(error) = jsonschema::meta::validate(&document) {
        panic!("the document is not a valid schema: {error}");
    }
    // The root validates whole calls.
    let calls = jsonschema::draft202012::new(&document).expect("the root compiles");
    assert!(calls.is_valid(&json!({ "api_name": "getProduct", "data": { "productId": "kopi" } })));
    assert!(calls.is_valid(&json!({ "api_name": "getCart" })));
    assert!(!calls.is_valid(&json!({ "api_name": "getProduct" })));
    assert!(!calls.is_valid(&json!({ "api_name": "getProducts", "data": {} })));
    assert!(!calls.is_valid(&json!({ "api_name": "getProduct", "data": { "productId": 1 } })));
    // A multiplexed API: each method's data with its method, and no other method's.
    assert!(calls.is_valid(
        &json!({ "api_name": "wallet", "data": { "methodName": "signMessage", "message": "m", "nonce": "1" } })
    ));
    assert!(!calls.is_valid(
        &json!({ "api_name": "wallet", "data": { "methodName": "connect", "message": "m", "nonce": "1" } })
    ));
    assert!(!calls.is_valid(
        &json!({ "api_name": "wallet", "data": { "methodName": "share", "dappUrl": "u" } })
    ));
    assert!(!calls.is_valid(&json!({ "api_name": "wallet", "data": { "dappUrl": "u" } })));
    assert!(!calls.is_valid(&json!({ "api_name": "wallet" })));
}

/// Valid values of each data type, the seeds of the generated values.
fn seeds() -> Vec<(&'static str, Value)> {
    vec![
        ("getProduct", json!({ "productId": "kopi" })),
        (
            "getProduct",
            json!({ "productId": "kopi", "withReviews": true, "currency": "USD" }),
        ),
        ("getProduct", json!({ "productId": "", "currency": null })),
        (
            "payOrder",
            json!({
                "orderId": 7,
                "total": { "amount": 25000, "currency": "IDR" },
                "payment": { "method": "wallet", "wallet_id": "w", "remember": true },
                "campaign": "ramadan",
            }),
        ),
        (
            "payOrder",
            json!({
                "orderId": 18446744073709551615u64,
                "total": { "amount": 4294967295u32, "currency": "USD" },
                "payment": { "method": "card", "last4": "4242" },
            }),
        ),
        (
            "payOrder",
            json!({ "orderId": 0, "total": { "amount": 0, "currency": "USD" }, "payment": { "method": "cash" }, "campaign": null }),
        ),
        ("applyCoupon", json!("SAVE10")),
        ("applyCoupon", json!({ "percent": 255 })),
        ("logEvent", json!({ "name": "open" })),
        (
            "wallet",
            json!({ "methodName": "connect", "dappUrl": "https://d.example" }),
        ),
        (
            "wallet",
            json!({ "methodName": "signMessage", "message": "hi", "nonce": "1" }),
        ),
        (
            "logEvent",
            json!({ "name": "open", "params": { "screen": "home", "n": [1, 2.5, null] }, "extra": { "a": [] } }),
        ),
    ]
}

const KEYS: &[&str] = &[
    "productId",
    "withReviews",
    "currency",
    "orderId",
    "total",
    "amount",
    "payment",
    "method",
    "last4",
    "wallet_id",
    "remember",
    "campaign",
    "percent",
    "name",
    "params",
    "extra",
    "methodName",
    "dappUrl",
    "message",
    "nonce",
];

const WORDS: &[&str] = &[
    "USD",
    "IDR",
    "EUR",
    "card",
    "wallet",
    "cash",
    "Card",
    "SAVE10",
    "kopi",
    "",
    "connect",
    "signMessage",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[a-z]{1,8}",
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..300).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Around the bounds of u8, u16, u32 and i64.
        proptest::sample::select(vec![
            json!(255),
            json!(256),
            json!(65535),
            json!(65536),
            json!(4294967295u32),
            json!(4294967296u64),
            json!(-1),
            json!(i64::MIN),
            json!(u64::MAX),
        ]),
        // Never a zero fraction: see the module's documentation.
        (-1000i32..1000).prop_map(|n| json!(f64::from(n) + 0.5)),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        proptest::sample::select(WORDS).prop_map(Value::from),
        "[a-zA-Z0-9 ]{0,6}".prop_map(Value::from),
    ]
}

/// Any JSON value over the types' keys and words. Arrays are empty or longer than any type
/// has fields: see the module's documentation.
fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            Just(Value::Array(Vec::new())),
            proptest::collection::vec(inner.clone(), 6..8).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// One change to a value, at a node chosen by `at` among all of its nodes.
#[derive(Clone, Debug)]
enum Edit {
    Replace {
        at: usize,
        with: Value,
    },
    /// Replaces the `at`-th number of the value (counting numbers only), so that the bounds
    /// of its integer types come up often.
    Renumber {
        at: usize,
        with: Value,
    },
    Remove {
        at: usize,
        key_index: usize,
    },
    Insert {
        at: usize,
        key: String,
        value: Value,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any_json()).prop_map(|(at, with)| Edit::Replace { at, with }),
        (any::<usize>(), number()).prop_map(|(at, with)| Edit::Renumber { at, with }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, key_index)| Edit::Remove { at, key_index }),
        (any::<usize>(), key(), any_json()).prop_map(|(at, key, value)| Edit::Insert {
            at,
            key,
            value
        }),
    ]
}

/// Applies `edit` to the node it names, counting nodes depth first.
fn apply(value: &mut Value, edit: &Edit) {
    fn count(value: &Value) -> usize {
        1 + match value {
            Value::Array(items) => items.iter().map(count).sum(),
            Value::Object(map) => map.values().map(count).sum(),
            _ => 0,
        }
    }
    fn node(value: &mut Value, mut index: usize) -> &mut Value {
        if index == 0 {
            return value;
        }
        index -= 1;
        let children: Vec<&mut Value> = match value {
            Value::Array(items) => items.iter_mut().collect(),
            Value::Object(map) => map.values_mut().collect(),
            _ => Vec::new(),
        };
        for child in children {
            let size = count(child);
            if index < size {
                return node(child, index);
            }
            index -= size;
        }
        unreachable!("the index is below the node count")
    }
    fn numbers(value: &mut Value) -> Vec<&mut Value> {
        match value {
            Value::Number(_) => vec![value],
            Value::Array(items) => items.iter_mut().flat_map(numbers).collect(),
            Value::Object(map) => map.values_mut().flat_map(numbers).collect(),
            _ => Vec::new(),
        }
    }
    if let Edit::Renumber { at, with } = edit {
        let mut found = numbers(value);
        let len = found.len();
        if let Some(number) = found.get_mut(at % len.max(1)) {
            **number = with.clone();
        }
        return;
    }
    let (at, target) = match edit {
        Edit::Replace { at, .. }
        | Edit::Renumber { at, .. }
        | Edit::Remove { at, .. }
        | Edit::Insert { at, .. } => (*at, &mut *value),
    };
    let target = node(target, at % count(target));
    match edit {
        Edit::Replace { with, .. } | Edit::Renumber { with, .. } => *target = with.clone(),
        Edit::Remove { key_index, .. } => {
            if let Value::Object(map) = target {
                if let Some(key) = map.keys().nth(key_index % map.len().max(1)).cloned() {
                    map.remove(&key);
                }
            }
        }
        Edit::Insert { key, value, .. } => {
            if let Value::Object(map) = target {
                map.insert(key.clone(), value.clone());
            }
        }
    }
}

/// A value to check against one API's data: a seed as it is, a seed edited, or anything.
fn case() -> impl Strategy<Value = (&'static str, Value)> {
    let seeds = seeds();
    let apis: Vec<&'static str> = seeds.iter().map(|(api, _)| *api).collect();
    prop_oneof![
        1 => proptest::sample::select(seeds.clone()),
        6 => (proptest::sample::select(seeds), proptest::collection::vec(edit(), 1..4))
            .prop_map(|((api, mut value), edits)| {
                for edit in &edits {
                    apply(&mut value, edit);
                }
                (api, value)
            }),
        2 => (proptest::sample::select(apis), any_json()),
    ]
}

fn deserializes<T: DeserializeOwned>(value: &Value) -> bool {
    serde_json::from_value::<T>(value.clone()).is_ok()
}

/// Whether the multiplexed `wallet` takes `value`: it names a method by `methodName`, which
/// stays in the data that method's type reads.
fn wallet_takes(value: &Value) -> bool {
    match value.get("methodName").and_then(Value::as_str) {
        Some("connect") => value.is_object() && deserializes::<Connect>(value),
        Some("signMessage") => value.is_object() && deserializes::<SignMessage>(value),
        _ => false,
    }
}

#[test]
fn the_schema_validates_exactly_what_serde_deserializes() {
    let document = document();
    let product = validator(&document, "getProduct.data");
    let pay = validator(&document, "payOrder.data");
    let coupon = validator(&document, "applyCoupon.data");
    let event = validator(&document, "logEvent.data");
    let wallet = validator(&document, "wallet.data");
    let accepted = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 3000,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&case(), |(api, value)| {
        let (valid, deserialized) = match api {
            "getProduct" => (
                product.is_valid(&value),
                deserializes::<ProductQuery>(&value),
            ),
            "payOrder" => (pay.is_valid(&value), deserializes::<PayOrder>(&value)),
            "applyCoupon" => (coupon.is_valid(&value), deserializes::<Coupon>(&value)),
            "logEvent" => (event.is_valid(&value), deserializes::<Event>(&value)),
            "wallet" => (wallet.is_valid(&value), wallet_takes(&value)),
            other => unreachable!("no seed for {other}"),
        };
        prop_assert_eq!(
            valid,
            deserialized,
            "{}: the schema says {} but serde says {} for {}",
            api,
            valid,
            deserialized,
            value
        );
        if valid {
            accepted.fetch_add(1, Ordering::Relaxed);
        } else {
            refused.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    // Both answers are common, so the property says something about each.
    let (accepted, refused) = (accepted.into_inner(), refused.into_inner());
    assert!(accepted >= 300, "only {accepted} values were valid");
    assert!(refused >= 300, "only {refused} values were invalid");
}

#[test]
fn the_known_differences_are_what_they_are() {
    let document = document();
    let product = validator(&document, "getProduct.data");
    let pay = validator(&document, "payOrder.data");
    // A number with a zero fraction is an integer to JSON Schema, a float to serde_json.
    let whole_float = json!({ "orderId": 1.0, "total": { "amount": 1, "currency": "USD" }, "payment": { "method": "cash" } });
    assert!(pay.is_valid(&whole_float));
    assert!(!deserializes::<PayOrder>(&whole_float));
    // serde_json reads a struct from an array of its fields, in order.
    let as_array = json!(["kopi", true, "USD"]);
    assert!(!product.is_valid(&as_array));
    assert!(deserializes::<ProductQuery>(&as_array));
    // The bounds of sized integers are in the schema, which schemars leaves to `format` for
    // 32- and 64-bit integers.
    let too_big = json!({ "orderId": 1, "total": { "amount": 4294967296u64, "currency": "USD" }, "payment": { "method": "cash" } });
    assert!(!pay.is_valid(&too_big));
    assert!(!deserializes::<PayOrder>(&too_big));
}

#[path = "support/never_lies.rs"]
mod never_lies;

/// The shop's registry (this binary links its handlers only), granting every API to
/// `wx_granted`, the caller of `never_lies`.
fn registry() -> tcmpp_core::Registry {
    Registry::builder()
        .access_policy(tcmpp_core::AccessPolicy::new().grant("wx_granted", ["*"]))
        .build()
        .expect("the registry builds")
}

#[test]
fn every_reply_the_shop_renders_validates_against_its_schema() {
    let document = document();
    let registry = registry();
    let calls = [
        // Successes.
        r#"{"api_name":"getProduct","data":{"productId":"kopi","withReviews":true}}"#,
        r#"{"api_name":"getProduct","data":{"productId":"kopi","currency":"USD"}}"#,
        r#"{"api_name":"payOrder","data":{"orderId":7,"total":{"amount":1,"currency":"IDR"},"payment":{"method":"card","last4":"4242"}},"stateEvent":"onPay"}"#,
        r#"{"api_name":"payOrder","data":{"orderId":8,"total":{"amount":1,"currency":"USD"},"payment":{"method":"cash"}}}"#,
        r#"{"api_name":"applyCoupon","data":"SAVE10"}"#,
        r#"{"api_name":"applyCoupon","data":{"percent":10}}"#,
        r#"{"api_name":"logEvent","data":{"name":"open"},"sync":true}"#,
        r#"{"api_name":"getCart"}"#,
        r#"{"api_name":"wallet","data":{"methodName":"connect","dappUrl":"https://d.example"}}"#,
        // A handler's failures: a code, a declared body, a message.
        r#"{"api_name":"getProduct","data":{"productId":""}}"#,
        r#"{"api_name":"payOrder","data":{"orderId":9,"total":{"amount":0,"currency":"IDR"},"payment":{"method":"cash"}}}"#,
        r#"{"api_name":"applyCoupon","data":"NOPE"}"#,
        r#"{"api_name":"wallet","data":{"methodName":"signMessage","message":"m","nonce":"1"}}"#,
    ];
    let mut successes = 0;
    for call in calls {
        let answered = never_lies::dispatch_and_check(&registry, &document, call);
        assert!(answered.accepted, "the runtime refused {call}");
        successes += usize::from(answered.success);
    }
    assert_eq!(successes, 10);
}

/// Which API a generated call names: usually the one its data was made for.
fn whole_call() -> impl Strategy<Value = Value> {
    let other_names: Vec<Value> = ["getCart", "wallet", "getProduct", "nope", ""]
        .into_iter()
        .map(Value::from)
        .collect();
    let sync = proptest::sample::select(vec![
        None,
        None,
        None,
        Some(json!(true)),
        Some(json!(false)),
        Some(Value::Null),
        Some(json!("true")),
        Some(json!(1)),
    ]);
    let web_view_id = proptest::sample::select(vec![
        None,
        None,
        None,
        Some(json!(4)),
        Some(json!(-1)),
        Some(Value::Null),
        Some(json!("4")),
        Some(json!(1.5)),
    ]);
    let state_event = proptest::sample::select(vec![
        None,
        None,
        None,
        Some(json!("onProgress")),
        Some(Value::Null),
        Some(json!(3)),
        Some(json!("a\u{0}b")),
    ]);
    let app_info = prop_oneof![
        6 => Just(None),
        1 => Just(Some(Value::Null)),
        1 => Just(Some(json!({ "appId": "wx1" }))),
    ];
    let data = prop_oneof![
        8 => Just(DataForm::AsIs),
        1 => Just(DataForm::Absent),
        1 => Just(DataForm::Null),
    ];
    let name = prop_oneof![
        8 => Just(None),
        1 => proptest::sample::select(other_names).prop_map(Some),
        1 => leaf().prop_map(Some),
    ];
    let extra = prop_oneof![3 => Just(None), 1 => (key(), any_json()).prop_map(Some)];
    (
        case(),
        name,
        data,
        (sync, web_view_id, state_event, app_info),
        extra,
    )
        .prop_map(
            |((api, value), name, data, (sync, web_view_id, state_event, app_info), extra)| {
                let mut call = serde_json::Map::new();
                call.insert("api_name".into(), name.unwrap_or_else(|| Value::from(api)));
                match data {
                    DataForm::AsIs => {
                        call.insert("data".into(), value);
                    }
                    DataForm::Absent => {}
                    DataForm::Null => {
                        call.insert("data".into(), Value::Null);
                    }
                }
                for (key, value) in [
                    ("sync", sync),
                    ("webviewId", web_view_id),
                    ("stateEvent", state_event),
                    ("appInfo", app_info),
                ] {
                    if let Some(value) = value {
                        call.insert(key.into(), value);
                    }
                }
                if let Some((key, value)) = extra {
                    if !call.contains_key(&key) {
                        call.insert(key, value);
                    }
                }
                Value::Object(call)
            },
        )
}

#[derive(Clone, Copy, Debug)]
enum DataForm {
    AsIs,
    Absent,
    Null,
}

#[test]
fn whole_calls_are_valid_exactly_when_the_runtime_reads_them_and_their_replies_are_declared() {
    let document = document();
    let registry = registry();
    let calls = jsonschema::draft202012::new(&document).expect("the root compiles");
    let accepted = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&whole_call(), |call| {
        let text = call.to_string();
        let answered = never_lies::dispatch_and_check(&registry, &document, &text);
        let valid = calls.is_valid(&call);
        prop_assert_eq!(
            valid,
            answered.accepted,
            "the schema says {} but the runtime {} {}",
            valid,
            if answered.accepted {
                "reads"
            } else {
                "refuses"
            },
            text
        );
        if valid {
            accepted.fetch_add(1, Ordering::Relaxed);
        } else {
            refused.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    let (accepted, refused) = (accepted.into_inner(), refused.into_inner());
    // About one call in nine is valid; the bound leaves room for the random seed.
    assert!(accepted >= 100, "only {accepted} calls were valid");
    assert!(refused >= 200, "only {refused} calls were invalid");
}
