//! The seed's raw-map handler next to its typed replacement: `cargo run --example typed_params`.
//!
//! Both answer the same calls. The raw one checks every field by hand and still lets a
//! mistyped `age` through as "unknown"; the typed one says exactly which field is wrong.

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tcmpp_core::{ApiError, MiniApiCall, Registry, mini_api};

/// The seed's handler, as every host SDK writes it today: an untyped map in, an untyped map out.
#[mini_api("rawGreet")]
async fn raw_greet(params: Map<String, Value>) -> Map<String, Value> {
    let name = params
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("stranger");
    let age = params
        .get("age")
        .and_then(Value::as_u64)
        .map_or("unknown".to_owned(), |age| age.to_string());
    let mut result = Map::new();
    result.insert("result".into(), json!("success"));
    result.insert("greeting".into(), json!(format!("hello {name}, age {age}")));
    result
}

/// The same API with types: serde does the checking, the handler does the work.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Person {
    name: String,
    age: u32,
    #[serde(default)]
    nick_name: Option<String>,
}

#[derive(Serialize)]
struct Greeting {
    result: &'static str,
    greeting: String,
}

#[mini_api("typedGreet")]
async fn typed_greet(person: Person) -> Result<Greeting, ApiError> {
    if person.name.is_empty() {
        return Err(ApiError::new("name must not be empty").with_code(4001));
    }
    let shown = person.nick_name.unwrap_or(person.name);
    Ok(Greeting {
        result: "success",
        greeting: format!("hello {shown}, age {}", person.age),
    })
}

/// Some super apps multiplex one API name over many actions with a `methodName` field in
/// `data`: each action is a handler of its own, with its own data type (and, as needed, its
/// own context, timeout and `restricted` flag). `methodName` stays in the data; serde ignores
/// it here.
#[derive(Deserialize)]
struct StorageKey {
    key: String,
}

#[derive(Deserialize)]
struct StorageEntry {
    key: String,
    value: String,
}

#[mini_api("storage", method = "get")]
fn storage_get(get: StorageKey) -> Value {
    json!({ "key": get.key, "value": null })
}

#[mini_api("storage", method = "set")]
fn storage_set(set: StorageEntry) -> Value {
    json!({ "key": set.key, "stored": set.value })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::builder().build()?;
    let calls = [
        json!({ "name": "kka", "age": 22 }),
        json!({ "name": "kka", "age": "22" }),
        json!({ "name": "kka", "nickName": "k" , "age": 22 }),
        json!({ "name": "kka", "agee": 22 }),
        json!({ "name": "", "age": 22 }),
        json!("kka"),
    ];
    for data in calls {
        println!("data: {data}");
        for api in ["rawGreet", "typedGreet"] {
            let reply = block_on(registry.call(MiniApiCall::new(api, data.clone())).reply());
            println!("  {api:>10} -> {}", reply.to_callback_json(api));
        }
    }
    for data in [
        json!({ "methodName": "set", "key": "k", "value": "v" }),
        json!({ "methodName": "set", "key": "k", "value": 7 }),
        json!({ "methodName": "drop" }),
    ] {
        let reply = block_on(
            registry
                .call(MiniApiCall::new("storage", data.clone()))
                .reply(),
        );
        println!(
            "data: {data}\n  {:>10} -> {}",
            "storage",
            reply.to_callback_json("storage")
        );
    }
    Ok(())
}
