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

/// Some super apps multiplex one API name over many actions with a `methodName` field.
#[derive(Deserialize)]
#[serde(tag = "methodName", rename_all = "camelCase")]
enum Storage {
    Get { key: String },
    Set { key: String, value: String },
}

#[mini_api("storage")]
fn storage(action: Storage) -> Value {
    match action {
        Storage::Get { key } => json!({ "key": key, "value": null }),
        Storage::Set { key, value } => json!({ "key": key, "stored": value }),
    }
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
