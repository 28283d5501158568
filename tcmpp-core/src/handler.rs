//! The link between `#[mini_api]`-generated code and the registry.
//!
//! Everything here is reached through `tcmpp_core::__private` and may change without notice.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::call::json_kind;
use crate::context::{CallContext, FromContext, StateKey};
use crate::data::DataError;
use crate::error::{ApiError, IntoApiError};
use crate::registry::HandlerKind;
use crate::reply::{FailureKind, PrefixText, Reply};

/// One handler, as `#[mini_api]` registers it with `inventory`.
pub struct ApiEntry {
    /// The API name mini programs call.
    pub name: &'static str,
    /// The handler function's path, `module::function`.
    pub rust_path: &'static str,
    /// Whether the handler is an `async fn`.
    pub kind: HandlerKind,
    /// Where the handler is defined.
    pub file: &'static str,
    /// The line of the handler's name.
    pub line: u32,
    /// The column of the handler's name.
    pub column: u32,
    /// Runs the handler for one call.
    pub handler: fn(Invocation<'_>) -> Outcome,
    /// Whether the handler has a data parameter. Data that nothing decodes is validated before
    /// the handler runs; data that is decoded is validated by decoding it.
    pub takes_data: bool,
    /// The state each context parameter needs.
    pub required_states: &'static [fn() -> Option<StateKey>],
    /// The API's own timeout in milliseconds (`timeout_ms = N`).
    pub timeout_ms: Option<u64>,
    /// Whether only callers the access policy grants may call the API (`restricted`).
    pub restricted: bool,
}

inventory::collect!(ApiEntry);

/// One call on its way into a handler.
pub struct Invocation<'a> {
    pub(crate) cx: CallContext<'a>,
    pub(crate) format: ReplyFormat,
}

impl<'a> Invocation<'a> {
    /// The form the caller wants the reply in; hand it to [`success`]. Take it first.
    pub fn reply_format(&self) -> ReplyFormat {
        self.format.clone()
    }

    /// The call's context, for context parameters. Take them all before [`data`](Self::data).
    pub fn context(&self) -> &CallContext<'a> {
        &self.cx
    }

    /// The call's data as `T`, or the fail reply that says why it does not fit.
    pub fn data<T: DeserializeOwned>(self) -> Result<T, Outcome> {
        self.cx.data.decode().map_err(|error| match error {
            DataError::Invalid(reason) => Outcome::Ready(HandlerReply::Reply(Reply::fail(
                FailureKind::InvalidData,
                format!("invalid data: {reason}"),
            ))),
            DataError::MalformedCall => Outcome::Ready(HandlerReply::MalformedCall),
        })
    }
}

/// A boxed handler future.
pub(crate) type BoxReplyFuture = Pin<Box<dyn Future<Output = HandlerReply> + Send + 'static>>;

/// The form a caller wants a reply in, decided by the entry point before the handler runs, so
/// that the handler's value is serialized once, straight into that form.
#[derive(Clone, Debug)]
pub struct ReplyFormat(Form);

#[derive(Clone, Debug)]
enum Form {
    /// A [`Reply`], whose success is a `serde_json` map: [`Registry::dispatch`] and the bare
    /// JSON entries.
    ///
    /// [`Registry::dispatch`]: crate::Registry::dispatch
    Reply,
    /// The callback object's JSON text, with this `errMsg` prefix.
    Callback(PrefixText),
}

impl ReplyFormat {
    pub(crate) fn reply() -> Self {
        ReplyFormat(Form::Reply)
    }

    pub(crate) fn callback(prefix: PrefixText) -> Self {
        ReplyFormat(Form::Callback(prefix))
    }
}

/// A handler's reply, in the form its [`ReplyFormat`] asked for.
pub enum HandlerReply {
    /// A reply: every failure, and successes when a [`Reply`] was asked for.
    Reply(Reply),
    /// A success rendered as the callback object's JSON text, `errMsg` included.
    Callback(String),
    /// The call's data turned out not to be JSON while it was decoded; the handler did not
    /// run. The entry reads the call again to report exactly what is wrong.
    MalformedCall,
}

impl HandlerReply {
    /// As a [`Reply`]. Entries that want a `Reply` never ask for text, but a callback object is
    /// a result map with `errMsg` added, so the conversion exists rather than a panic.
    pub(crate) fn into_reply(self) -> Reply {
        match self {
            HandlerReply::Reply(reply) => reply,
            HandlerReply::Callback(text) => match serde_json::from_str(&text) {
                Ok(Value::Object(mut map)) => {
                    map.remove("errMsg");
                    Reply::Success(map)
                }
                _ => Reply::fail(FailureKind::InvalidResult, "invalid result"),
            },
            HandlerReply::MalformedCall => malformed_call(),
        }
    }
}

/// The reply to a call whose data is not JSON, when the entry could not say more.
pub(crate) fn malformed_call() -> Reply {
    Reply::fail(FailureKind::InvalidCall, "invalid call: not valid JSON")
}

/// What running a handler gives: a reply at once, or a future of one.
pub enum Outcome {
    /// The reply is known: a plain `fn` ran, or the call was refused before the handler ran.
    Ready(HandlerReply),
    /// An `async fn` handler is running.
    Pending(BoxReplyFuture),
}

impl Outcome {
    /// A context parameter could not be provided.
    pub fn context_rejected(error: ApiError) -> Self {
        Outcome::Ready(HandlerReply::Reply(
            error.into_reply(FailureKind::MissingContext),
        ))
    }

    /// An `async fn` handler's body.
    pub fn pending<F: Future<Output = HandlerReply> + Send + 'static>(future: F) -> Self {
        Outcome::Pending(Box::pin(future))
    }
}

/// How generated code takes one context parameter: the extractor and the state it needs.
///
/// Generated code gets both from one generic call, so that a type that is not a context
/// parameter yields one error, not one per use.
pub struct ContextParam<T> {
    /// Builds the parameter from the call's context.
    pub extract: fn(&CallContext<'_>) -> Result<T, ApiError>,
    /// The state the parameter needs, checked when the registry is built.
    pub required_state: fn() -> Option<StateKey>,
}

impl<T: FromContext> ContextParam<T> {
    /// The parameter as its [`FromContext`] implementation takes it.
    pub const fn of() -> Self {
        ContextParam {
            extract: T::from_context,
            required_state: T::required_state,
        }
    }
}

/// The return kind of a handler that returns `Result<T, E>`; chosen by autoref specialization
/// (`(&value).__tcmpp_reply_kind()`), so type aliases of `Result` are recognised too.
pub struct ResultTag;

/// The return kind of a handler that returns a plain value.
pub struct ValueTag;

/// Picks [`ResultTag`] for `Result` return values.
pub trait ResultKind {
    /// The tag.
    fn __tcmpp_reply_kind(&self) -> ResultTag {
        ResultTag
    }
}

impl<T, E> ResultKind for Result<T, E> {}

/// Picks [`ValueTag`] for every other return value.
pub trait ValueKind {
    /// The tag.
    fn __tcmpp_reply_kind(&self) -> ValueTag {
        ValueTag
    }
}

impl<T: ?Sized> ValueKind for &T {}

impl ResultTag {
    /// A handler's `Result`, as it is.
    pub fn split<T, E>(self, result: Result<T, E>) -> Result<T, E> {
        result
    }
}

impl ValueTag {
    /// A handler's plain value, as a `Result` that cannot fail.
    pub fn split<T>(self, value: T) -> Result<T, Infallible> {
        Ok(value)
    }
}

/// The fail reply of a handler's error.
pub fn failure<E: IntoApiError>(error: E) -> HandlerReply {
    HandlerReply::Reply(error.into_api_error().into_reply(FailureKind::Handler))
}

/// The success reply of a handler's value, in the form `format` asks for; a fail reply when the
/// value is not a JSON object.
pub fn success<T: Serialize + ?Sized>(value: &T, format: ReplyFormat) -> HandlerReply {
    if let Form::Callback(prefix) = &format.0 {
        // Straight to text, with no `Value` tree in between, for the shapes that render as an
        // object both ways. Anything else (a value that is not an object, an error inside it)
        // takes the path through `to_value`, which decides how it fails exactly as the `Reply`
        // entries do.
        // Nested rather than chained: let chains need Rust 1.88, the crate supports 1.85.
        if renders_as_object(value) {
            if let Ok(text) = serde_json::to_string(value) {
                if let Some(callback) = with_ok_message(text, prefix.as_str()) {
                    return HandlerReply::Callback(callback);
                }
            }
        }
    }
    HandlerReply::Reply(success_map(value))
}

/// The callback object of a result rendered as `text`: the result's own keys, then
/// `"errMsg":"<prefix>:ok"`. `None` when `text` is not an object (nor `null`, the empty
/// result), or when it has an `errMsg` of its own.
///
/// `errMsg` comes last so that, should it appear twice after all, the one that routes the
/// reply is the one a JSON parser keeps (`JSON.parse` and `serde_json` keep the last of
/// duplicate keys).
fn with_ok_message(mut text: String, prefix: &str) -> Option<String> {
    // A result with an `errMsg` key of its own would render it twice: some JSON parsers refuse
    // duplicate keys, and the others may keep either. Such a result takes the map path, where
    // the routing `errMsg` replaces it. Inside strings a quote is escaped, so `"errMsg"` in the
    // text is a key, or a string value equal to `errMsg` that sends a rare result the slow way.
    static KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"errMsg\""));
    if text == "null" {
        text.clear();
        text.push('{');
    } else if text.starts_with('{') && text.ends_with('}') {
        if KEY.find(text.as_bytes()).is_some() {
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

fn success_map<T: Serialize + ?Sized>(value: &T) -> Reply {
    match serde_json::to_value(value) {
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
