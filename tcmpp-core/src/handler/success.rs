//! A handler's value or error as its reply, serialized once, straight into the form the
//! caller asked for.

use serde::Serialize;
use serde_json::{Map, Value};

use super::HandlerReply;
use crate::error::IntoApiError;
use crate::json::json_kind;
use crate::reply::{FailureKind, Form, Rendering, Reply, ReplyFormat, result_text, result_value};

/// The fail reply of a handler's error.
pub fn failure<E: IntoApiError>(error: E) -> HandlerReply {
    HandlerReply::Reply(error.into_api_error().into_reply(FailureKind::Handler))
}

/// The success reply of a handler's value, in the form `format` asks for; a fail reply when the
/// value is not a JSON object.
///
/// Generic only where it must be: the shape probe and the text and map encoders are `T`'s own;
/// what is done with their output is not, so that a handler adds those three to a build and
/// little else.
// `inline`: a small dispatcher between the encoders; placed with its caller, the seed calls take
// 1 (json) to 5 (typed) instructions fewer (measured, docs/PERFORMANCE.md).
#[inline]
pub fn success<T: Serialize + ?Sized>(value: &T, format: ReplyFormat) -> HandlerReply {
    // Straight to text, with no `Value` tree in between, for the shapes that render as an
    // object both ways. Anything else (a value that is not an object, an error inside it)
    // takes the path through `to_value`, which decides how it fails exactly as the `Reply`
    // form does.
    // Nested rather than chained: let chains need Rust 1.88, the crate supports 1.85.
    if !matches!(format.0, Form::Reply) && renders_as_object(value) {
        if let Some((text, filtered)) = result_text(value) {
            if let Some(text) = rendered(text, filtered, &format) {
                return HandlerReply::Rendered(text);
            }
        }
    }
    HandlerReply::Reply(success_map(result_value(value)))
}

/// The reply of a result rendered as `text` (`filtered`: a struct's `errMsg` and `errCode`
/// were left out as it was written), in the text form `format` asks for; `None` when the
/// result takes the map path instead.
fn rendered(text: String, filtered: bool, format: &ReplyFormat) -> Option<String> {
    match &format.0 {
        Form::Reply => None,
        Form::Text(Rendering::Callback, prefix) => with_ok_message(text, filtered, prefix.as_str()),
        // A result with an `errMsg` or `errCode` of its own takes the map path, which leaves
        // them out: the SDK adds the `errMsg` that routes the reply, as the callback rendering
        // does, and a success has no `errCode`. A struct's were left out as it was written.
        Form::Text(Rendering::Bare, _) if !filtered && has_reply_key(&text) => None,
        Form::Text(Rendering::Bare, _) if text == "null" => Some("{}".to_owned()),
        Form::Text(Rendering::Bare, _) => Some(text),
    }
}

/// The callback object of a result rendered as `text`: the result's own keys, then
/// `"errMsg":"<prefix>:ok"`. `None` when `text` is not an object (nor `null`, the empty
/// result), or when it may have an `errMsg` or `errCode` of its own (`filtered`: a struct's
/// were left out as it was written).
///
/// `errMsg` comes last so that, should it appear twice after all, the one that routes the
/// reply is the one a JSON parser keeps (`JSON.parse` and `serde_json` keep the last of
/// duplicate keys).
fn with_ok_message(mut text: String, filtered: bool, prefix: &str) -> Option<String> {
    // A result with an `errMsg` key of its own would render it twice: some JSON parsers refuse
    // duplicate keys, and the others may keep either. Such a result takes the map path, where
    // the routing `errMsg` replaces it.
    if text == "null" {
        text.clear();
        text.push('{');
    } else if text.starts_with('{') && text.ends_with('}') {
        if !filtered && has_reply_key(&text) {
            return None;
        }
        text.pop();
        // The closing brace of a non-empty object follows a value, never an opening brace.
        if !text.ends_with('{') {
            text.push(',');
        }
    } else {
        return None;
    }
    text.push_str(r#""errMsg":""#);
    if prefix
        .bytes()
        .any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20)
    {
        // A fixed prefix may need escaping; API names never do.
        let message = serde_json::to_string(&format!("{prefix}:ok")).ok()?;
        text.push_str(&message[1..]);
    } else {
        text.push_str(prefix);
        text.push_str(":ok\"");
    }
    text.push('}');
    Some(text)
}

/// Whether an object's text may have an `errMsg` or `errCode` key, the reply's own: inside
/// strings a quote is escaped, so `"errMsg"` in the text is a key, or a string value equal to
/// `errMsg` that sends a rare result the slow way (the map path, which leaves both keys out).
fn has_reply_key(text: &str) -> bool {
    // One search for what both keys start with; a result rarely holds it at all.
    static KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"err"));
    // One search, which finds nothing in nearly every result; a loop rather than `find_iter`,
    // whose set-up costs more than the search on a short text.
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = KEY.find(&bytes[at..]) {
        let rest = &bytes[at + found + 4..];
        if rest.starts_with(b"Msg\"") || rest.starts_with(b"Code\"") {
            return true;
        }
        at += found + 4;
    }
    false
}

/// Whether `value` is a struct, a map, a struct or newtype variant, or nothing: the shapes
/// that render as the object `to_value` makes of them, or as `null` for the empty result.
/// (A raw JSON value is left to `to_value`, which reads it: its text could spell `errMsg`
/// with escapes that [`with_ok_message`] would not see.)
///
/// Costs one call: the probe refuses the first thing the value serializes.
fn renders_as_object<T: Serialize + ?Sized>(value: &T) -> bool {
    matches!(value.serialize(ShapeProbe), Err(Shape::Object))
}

/// What a value serializes as at its top level, as far as [`renders_as_object`] cares.
#[derive(Debug)]
enum Shape {
    Object,
    Other,
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for Shape {}

impl serde::ser::Error for Shape {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Shape::Other
    }
}

/// A serializer that answers every value with its [`Shape`], as an error so that the value's
/// `Serialize` impl stops at once.
struct ShapeProbe;

/// Implements `Serializer` methods that answer `$shape`.
macro_rules! answer_shape {
    ($shape:ident: $($method:ident($($arg:ty),*);)*) => {
        $(
            fn $method(self, $(_: $arg),*) -> Result<(), Shape> {
                Err(Shape::$shape)
            }
        )*
    };
}

impl serde::Serializer for ShapeProbe {
    type Ok = ();
    type Error = Shape;
    type SerializeSeq = serde::ser::Impossible<(), Shape>;
    type SerializeTuple = serde::ser::Impossible<(), Shape>;
    type SerializeTupleStruct = serde::ser::Impossible<(), Shape>;
    type SerializeTupleVariant = serde::ser::Impossible<(), Shape>;
    type SerializeMap = serde::ser::Impossible<(), Shape>;
    type SerializeStruct = serde::ser::Impossible<(), Shape>;
    type SerializeStructVariant = serde::ser::Impossible<(), Shape>;

    answer_shape! { Other:
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_i128(i128); serialize_u8(u8); serialize_u16(u16);
        serialize_u32(u32); serialize_u64(u64); serialize_u128(u128); serialize_f32(f32);
        serialize_f64(f64); serialize_char(char); serialize_str(&str); serialize_bytes(&[u8]);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    answer_shape! { Object:
        serialize_none(); serialize_unit(); serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Shape> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Shape> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Shape> {
        Err(Shape::Object)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Shape> {
        Err(Shape::Other)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Shape> {
        Err(Shape::Other)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Shape> {
        Err(Shape::Other)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Shape> {
        Err(Shape::Other)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Shape> {
        Err(Shape::Object)
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Shape> {
        // serde_json's `RawValue` serializes as a struct of this name.
        if name == "$serde_json::private::RawValue" {
            return Err(Shape::Other);
        }
        Err(Shape::Object)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Shape> {
        Err(Shape::Object)
    }
}

/// The reply of a result as `to_value` made it, without a struct's `errMsg` and `errCode`.
fn success_map(value: Result<Value, serde_json::Error>) -> Reply {
    // Without the result's own `errMsg` and `errCode`: a struct's left out as it is written.
    match value {
        Ok(Value::Object(map)) => Reply::Success(map),
        Ok(Value::Null) => Reply::Success(Map::new()),
        Ok(other) => Reply::fail(
            FailureKind::InvalidResult,
            format!(
                "invalid result: the handler returned {}, but a reply must be a JSON object (return a struct or a map)",
                json_kind(&other)
            ),
        ),
        Err(e) => Reply::fail(FailureKind::InvalidResult, format!("invalid result: {e}")),
    }
}
