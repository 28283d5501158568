//! Describing JSON in error messages: the kind of a value, and serde_json's message without
//! its position.

use serde_json::Value;

/// A value's compact JSON text, as its `to_string()` writes it, through serde_json's serializer
/// into bytes: `Display` would also bring in the pretty formatter (`{:#}`), a second copy of the
/// serializer in every library, which nothing here uses.
pub(crate) fn text_of(value: &Value) -> String {
    // A `Value` always serializes: its map keys are strings.
    serde_json::to_string(value).unwrap_or_default()
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
