//! Describing JSON in error messages: the kind of a value, and serde_json's message without
//! its position.

use serde_json::{Map, Value};

/// A value's compact JSON text, as its `to_string()` writes it, through serde_json's serializer
/// into bytes: `Display` would also bring in the pretty formatter (`{:#}`), a second copy of the
/// serializer in every library, which nothing here uses.
pub(crate) fn text_of(value: &Value) -> String {
    // A `Value` always serializes: its map keys are strings.
    serde_json::to_string(value).unwrap_or_default()
}

/// Takes the entries of `key` and `other` out of `map`, if there are any; the value of `key`.
/// The map is rebuilt from its other entries, inserted in their order, rather than changed by
/// `BTreeMap::remove`, whose rebalancing is code of its own in every library (about 2 KB of a
/// phone's). The keys are rare (a result's own `errMsg`), so the rebuild is too: a map without
/// them is only searched. (Two keys, not a slice of them: each slice would be a table in the
/// library, with a relocation for each of its strings.)
pub(crate) fn take_keys(
    map: &mut Map<String, Value>,
    key: &str,
    other: Option<&str>,
) -> Option<Value> {
    if !map.contains_key(key) && !other.is_some_and(|other| map.contains_key(other)) {
        return None;
    }
    let mut taken = None;
    for (name, value) in std::mem::take(map) {
        if name == key {
            taken = Some(value);
        } else if other != Some(name.as_str()) {
            map.insert(name, value);
        }
    }
    taken
}

/// The kind of a JSON value, as error messages name it.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The kind of a JSON value, from its first character. The text is known to be valid JSON.
pub(crate) fn raw_kind(text: &str) -> &'static str {
    match text.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A serde_json error's message without its " at line L column C" suffix: positions inside a
/// call's data mean little to a mini program developer, the field path means more.
pub(crate) fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if error.line() == 0 {
        return message;
    }
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(stripped) => stripped.to_owned(),
        None => message,
    }
}

/// `text` as an `i64`, as `text.parse::<i64>().ok()` reads it: an optional `+` or `-`, then
/// one or more ASCII digits, within range. Written out, not by `str::parse`, whose reader of
/// any radix is code of its own in every library for the three places that read an integer
/// (a test holds the two equal).
pub(crate) fn parse_i64(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        all => (false, all),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for &byte in digits {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value.checked_mul(10)?;
        // Toward the sign, so that `i64::MIN`, one more than `i64::MAX`, is read too.
        value = if negative {
            value.checked_sub(i64::from(digit))?
        } else {
            value.checked_add(i64::from(digit))?
        };
    }
    Some(value)
}

/// Whether this build reads numbers with `serde_json`'s `arbitrary_precision`, which any crate
/// of a host may turn on (Cargo unifies features; `.ci/run` runs the tests with it on too): a
/// test whose assertion depends on the reading asserts each build's own.
#[cfg(test)]
pub(crate) fn arbitrary_precision() -> bool {
    serde_json::from_str::<Value>("1e400").is_ok()
}

/// The map of an object written with `json!`, for tests.
#[cfg(test)]
pub(crate) fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{object, parse_i64, take_keys};

    #[test]
    fn taken_keys_leave_the_others_in_order_as_remove_does() {
        let full = object(json!({ "a": 1, "errCode": 2, "errMsg": "m", "z": [3], "m": {} }));
        for (key, other) in [
            ("errMsg", Some("errCode")),
            ("errCode", None),
            ("z", None),
            ("absent", None),
            ("absent", Some("a")),
            ("a", Some("absent")),
        ] {
            let mut taken = full.clone();
            let value = take_keys(&mut taken, key, other);
            let mut removed = full.clone();
            let first = removed.remove(key);
            if let Some(other) = other {
                removed.remove(other);
            }
            assert_eq!((value, taken), (first, removed), "{key} {other:?}");
        }
    }

    #[test]
    fn integers_are_read_as_str_parse_reads_them() {
        let mut texts: Vec<String> = [
            "",
            "+",
            "-",
            "0",
            "-0",
            "+0",
            "00",
            "007",
            "-007",
            "1",
            "-1",
            "+1",
            "12",
            " 1",
            "1 ",
            "1a",
            "a1",
            "--1",
            "+-1",
            "-+1",
            "++1",
            "1-",
            "1.0",
            "1e3",
            "0x10",
            "١",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "+9223372036854775807",
            "99999999999999999999",
            "-99999999999999999999",
            "000000000000000000000009223372036854775807",
            "\u{0}1",
            "1\u{0}",
            "/",
            ":",
        ]
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
        for n in [i64::MIN, i64::MIN + 1, -10, 10, i64::MAX - 1, i64::MAX] {
            texts.push(n.to_string());
        }
        for text in &texts {
            assert_eq!(parse_i64(text), text.parse::<i64>().ok(), "{text:?}");
        }
    }
}
