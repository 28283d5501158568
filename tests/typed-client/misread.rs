//! serde attributes the schema cannot follow are never declared silently wrong: a field read by
//! a `deserialize_with` that schemars does not know (here, a money amount that takes
//! `"123.45"` as well as `123.45`, as pages send it) makes `Registry::client_types` refuse,
//! naming the API and the field, at any depth of the data; the same field described with
//! `#[schemars(with = …)]` is declared as it is read.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use tcmpp_core::{Registry, mini_api};

/// Reads a number, or a string holding one.
fn num_or_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrStr {
        Num(f64),
        Str(String),
    }
    match NumOrStr::deserialize(deserializer)? {
        NumOrStr::Num(n) => Ok(n),
        NumOrStr::Str(s) => s.parse().map_err(serde::de::Error::custom),
    }
}

/// Reads `true`, or `"true"` / `"false"`.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Str(String),
    }
    match Flag::deserialize(deserializer)? {
        Flag::Bool(b) => Ok(b),
        Flag::Str(s) => Ok(s == "true"),
    }
}

#[derive(Deserialize, JsonSchema)]
struct Payment {
    #[serde(deserialize_with = "num_or_str")]
    money: f64,
    /// Described as it is read: fine.
    #[serde(deserialize_with = "num_or_str")]
    #[schemars(with = "NumberOrString")]
    tip: f64,
    order: Order,
}

#[derive(Deserialize, JsonSchema)]
struct Order {
    id: String,
    #[serde(default, deserialize_with = "flag")]
    gift: bool,
}

/// `123.45` or `"123.45"`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum NumberOrString {
    Number(f64),
    String(String),
}

#[mini_api("pay")]
async fn pay(payment: Payment) -> Result<(), String> {
    let _ = (
        payment.money,
        payment.tip,
        payment.order.id,
        payment.order.gift,
    );
    Ok(())
}

#[test]
fn a_field_read_by_a_deserialize_with_the_schema_does_not_follow_is_refused_by_name() {
    let registry = Registry::builder().build().expect("the registry builds");
    let error = registry
        .client_types()
        .expect_err("the misdescribed fields are refused");
    let fields: Vec<(&str, &str)> = error.fields().map(|(api, field, _)| (api, field)).collect();
    assert_eq!(fields, [("pay", "money"), ("pay", "order.gift")]);
    let message = error.to_string();
    assert!(
        message.starts_with("2 data field(s) would be declared other than serde reads them"),
        "{message}"
    );
    assert!(
        message.contains("\n  - `pay` (misread::pay at tests/typed-client/misread.rs:"),
        "{message}"
    );
    assert!(
        message.contains(
            "field `money`: its schema says number but serde also reads \"1\" there (a `deserialize_with`, `with` or `Deserialize` the schema does not follow): describe the field as it is read with `#[schemars(with = \"…\")]`"
        ),
        "{message}"
    );
    assert!(
        message
            .contains("field `order.gift`: its schema says boolean but serde also reads \"true\""),
        "{message}"
    );
}
