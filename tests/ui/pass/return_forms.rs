//! Every success value a handler may return.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tcmpp_core::{mini_api, Registry};

#[derive(Serialize)]
struct Nothing;

#[derive(Serialize)]
struct Greeting {
    text: &'static str,
}

#[mini_api("unitStruct")]
fn unit_struct() -> Nothing {
    Nothing
}

#[mini_api("hashMap")]
async fn hash_map() -> HashMap<String, Vec<u32>> {
    HashMap::from([("primes".to_owned(), vec![2, 3, 5])])
}

#[mini_api("btreeMap")]
fn btree_map() -> BTreeMap<&'static str, bool> {
    BTreeMap::from([("ok", true)])
}

#[mini_api("jsonValue")]
fn json_value() -> serde_json::Value {
    serde_json::json!({ "any": [1, "two"] })
}

#[mini_api("boxed")]
fn boxed() -> Box<Greeting> {
    Box::new(Greeting { text: "hi" })
}

#[mini_api("staticRef")]
fn static_ref() -> &'static Greeting {
    &Greeting { text: "static" }
}

#[mini_api("optionNone")]
async fn option_none() -> Option<Greeting> {
    None
}

#[mini_api("implSerialize")]
fn impl_serialize() -> impl Serialize {
    Greeting { text: "opaque" }
}

#[mini_api("explicitUnit")]
async fn explicit_unit() -> () {}

fn main() {
    let registry = Registry::builder().build().unwrap();
    let call = |name: &str| {
        futures_executor::block_on(registry.dispatch_json(&format!(r#"{{"api_name":"{name}"}}"#)))
    };
    assert_eq!(call("unitStruct"), r#"{"errMsg":"unitStruct:ok"}"#);
    assert_eq!(call("hashMap"), r#"{"primes":[2,3,5],"errMsg":"hashMap:ok"}"#);
    assert_eq!(call("btreeMap"), r#"{"ok":true,"errMsg":"btreeMap:ok"}"#);
    assert_eq!(call("jsonValue"), r#"{"any":[1,"two"],"errMsg":"jsonValue:ok"}"#);
    assert_eq!(call("boxed"), r#"{"text":"hi","errMsg":"boxed:ok"}"#);
    assert_eq!(call("staticRef"), r#"{"text":"static","errMsg":"staticRef:ok"}"#);
    assert_eq!(call("optionNone"), r#"{"errMsg":"optionNone:ok"}"#);
    assert_eq!(call("implSerialize"), r#"{"text":"opaque","errMsg":"implSerialize:ok"}"#);
    assert_eq!(call("explicitUnit"), r#"{"errMsg":"explicitUnit:ok"}"#);
}
