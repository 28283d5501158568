use serde::Deserialize;
use serde_json::json;

use super::*;

#[test]
fn the_out_of_range_text_is_what_serde_json_writes() {
    assert_eq!(OUT_OF_RANGE_JSON, Value::from(OUT_OF_RANGE).to_string());
}

#[test]
fn a_number_out_of_range_is_replaced_where_it_is() {
    let value = value_of("{\"a\":1,\n \"b\": [2, -1e400, 1e999]}").unwrap();
    assert_eq!(value["b"][0], 2);
    if crate::json::arbitrary_precision() {
        // A `Value` holds them then: nothing to replace.
        let number = |text| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(value["b"][1], number("-1e400"));
        assert_eq!(value["b"][2], number("1e999"));
    } else {
        assert_eq!(value["b"][1], Value::from(OUT_OF_RANGE));
        assert_eq!(value["b"][2], Value::from(OUT_OF_RANGE));
    }
    assert_eq!(value_of("[\"\\ud800\"]"), None);
}

#[derive(Deserialize)]
#[allow(dead_code)]
enum Action {
    Move { x: u32 },
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Plan {
    actions: Vec<Action>,
    limit: f64,
}

/// The path of the deepest failure, and the names the types declared on the way.
fn failure(value: &Value) -> (String, Tracker<'_>) {
    let tracker = Tracker::default();
    let decoded = Plan::deserialize(Tracked::new(value, &tracker));
    assert!(decoded.is_err());
    let path = ShownPath(&tracker.failed_at()).to_string();
    (path, tracker)
}

#[test]
fn a_failure_inside_a_variant_is_at_the_variant() {
    let value = json!({"actions": [{"Move": {"x": 1}}, {"Move": {"x": "far"}}], "limit": 1});
    let (path, tracker) = failure(&value);
    assert_eq!(path, "actions[1].Move.x");
    assert_eq!(tracker.declared("Move"), Some("Move"));
    assert_eq!(tracker.declared("x"), Some("x"));
    assert_eq!(tracker.declared("far"), None);
}

#[test]
fn an_unknown_variant_and_a_missing_field_are_where_they_are() {
    let (path, _) = failure(&json!({"actions": [{"Jump": {}}], "limit": 1}));
    assert_eq!(path, "actions[0].Jump");
    let (path, _) = failure(&json!({"actions": [{"Move": {}}], "limit": 1}));
    assert_eq!(path, "actions[0].Move");
    let (path, _) = failure(&json!({"actions": []}));
    assert_eq!(path, ".");
}

#[test]
fn a_number_out_of_range_fails_where_it_was() {
    let value = value_of("{\"actions\": [], \"limit\": 1e400}").unwrap();
    if crate::json::arbitrary_precision() {
        // A `Value` holds it then, and an `f64` reads it as `serde_json::from_value` does.
        let plan = Plan::deserialize(Tracked::typed(&value)).unwrap();
        assert_eq!(plan.limit, f64::INFINITY);
        return;
    }
    let (path, _) = failure(&value);
    assert_eq!(path, "limit");
}

/// `T` from `value` by the typed pass and by `serde_json`'s `&Value` deserializer: the same
/// value, or the same words. Under `arbitrary_precision`, the same value or both a refusal:
/// `serde_json` then words some refusals of a number its own way (`invalid type: number`,
/// `invalid number`), which the typed pass does not all follow.
fn typed_as_serde_json<T>(value: &Value)
where
    T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let ours = T::deserialize(Tracked::typed(value)).map_err(|e| e.to_string());
    let theirs = T::deserialize(value).map_err(|e| e.to_string());
    if crate::json::arbitrary_precision() && ours.is_err() && theirs.is_err() {
        return;
    }
    assert_eq!(ours, theirs, "{value}");
}

#[test]
fn the_typed_pass_of_a_value_is_serde_jsons() {
    use std::collections::BTreeMap;
    for key in [
        "1", "-2", "01", "1 ", " 1", "1x", "1.5", "x", "", "300", "true",
    ] {
        let value = json!({ key: 0 });
        typed_as_serde_json::<BTreeMap<u8, u8>>(&value);
        typed_as_serde_json::<BTreeMap<i64, u8>>(&value);
        typed_as_serde_json::<BTreeMap<i128, u8>>(&value);
        typed_as_serde_json::<BTreeMap<bool, u8>>(&value);
        typed_as_serde_json::<BTreeMap<String, u8>>(&value);
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct Point {
        x: u32,
        y: Option<String>,
    }
    for value in [
        json!({"x": 1}),
        json!([1, "a"]),
        json!([1, "a", 3]),
        json!({"x": -1}),
        json!({"x": 1, "y": 2}),
        json!(null),
        json!("p"),
        json!({"x": OUT_OF_RANGE}),
    ] {
        typed_as_serde_json::<Point>(&value);
        typed_as_serde_json::<Vec<Point>>(&json!([value]));
    }
    // Numbers as written (with `serde_json`'s `arbitrary_precision`, a `Value` keeps their
    // text, and each type reads it its own way).
    #[derive(Deserialize, Debug, PartialEq)]
    struct Reading {
        float: f64,
        whole: Option<u64>,
    }
    for text in [
        r#"{"float": 1.50}"#,
        r#"{"float": 1e2, "whole": 7}"#,
        r#"{"float": 100000000000000000000}"#,
        r#"{"float": -0.0, "whole": 18446744073709551615}"#,
        r#"{"float": 1, "whole": 1.0}"#,
        r#"{"float": 2, "whole": -1}"#,
    ] {
        let value: Value = serde_json::from_str(text).expect("the case is JSON");
        typed_as_serde_json::<Reading>(&value);
    }
    // A marker in a caller's value is a string like any other.
    typed_as_serde_json::<String>(&Value::from(OUT_OF_RANGE));
    // A `RawValue` is handed the value's text.
    let value = json!({"a": [1, {"b": null}]});
    let raw = Box::<serde_json::value::RawValue>::deserialize(Tracked::typed(&value));
    assert_eq!(raw.unwrap().get(), value.to_string());
}

/// `T` decoded from absent data, or serde's message.
fn from_absent<T: serde::de::DeserializeOwned>() -> Result<T, String> {
    T::deserialize(Tracked::typed(&ABSENT)).map_err(|error| error.to_string())
}

#[test]
fn absent_data_is_an_empty_object_none_or_no_data() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct Optional {
        limit: Option<u32>,
    }
    assert_eq!(from_absent::<Optional>(), Ok(Optional { limit: None }));
    assert_eq!(
        from_absent::<Option<Plan>>().map(|plan| plan.is_none()),
        Ok(true)
    );
    assert_eq!(from_absent::<()>(), Ok(()));
    assert_eq!(
        from_absent::<std::collections::BTreeMap<String, u32>>(),
        Ok(Default::default())
    );
    assert_eq!(
        from_absent::<u32>(),
        Err("invalid type: no data, expected u32".to_owned())
    );
    assert_eq!(
        from_absent::<Action>().map(drop),
        Err("invalid type: no data, expected enum Action".to_owned())
    );
    assert_eq!(
        from_absent::<Plan>().map(drop),
        Err("missing field `actions`".to_owned())
    );
    // No text to hand a `RawValue`: refused, as before `Tracked` was the typed pass.
    assert!(from_absent::<Box<serde_json::value::RawValue>>().is_err());
    // `null` is not absent data.
    let null = Value::Null;
    let tracker = Tracker::default();
    assert!(Optional::deserialize(Tracked::new(&null, &tracker)).is_err());
}
