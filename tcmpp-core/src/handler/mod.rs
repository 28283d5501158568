//! The link between `#[mini_api]`-generated code and the registry: the registered entry, one
//! call on its way into a handler, and the reply on its way out.
//!
//! Everything here is reached through `tcmpp_core::__private` and may change without notice.

mod describe;
#[cfg(feature = "typed-client")]
mod fields;
mod info;
mod success;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::context::{CallContext, FromContext, StateKey};
use crate::data::{DataError, DataSource, MalformedData, TypedInput, from_text, tracked_pass};
use crate::error::ApiError;
use crate::reply::{FailureKind, Reply, ReplyFormat};

#[cfg(feature = "typed-client")]
pub(crate) use describe::{DataProbe, Described, Generators, HandlerTypes};
pub use describe::{
    DescribeData, DescribeFailBody, DescribeFn, DescribeProgress, DescribeResult, DescribedType,
    Describer, ErrorProbe, KnownError, MessageError, ReturnProbe, TypeProbe, Undescribed, absent,
};
#[cfg(feature = "typed-client")]
pub(crate) use fields::Accepts;
pub use info::{ApiInfo, SourceLocation};
pub use success::{failure, success};

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
    /// The method of a multiplexed API this handler answers (`method = "…"`).
    pub method: Option<&'static str>,
    /// The key of `data` that names the method; `Some` exactly when `method` is.
    pub method_key: Option<&'static str>,
    /// Whether the API is named like a built-in `wx` API on purpose (`overrides_builtin`).
    pub overrides_builtin: bool,
    /// Whether the API is named like a built-in `wx` API, on purpose or not: found when the
    /// entry is compiled (`is_builtin_wx_api` in a constant), so that the table of their names
    /// is read only by the compiler, never shipped in the binary.
    pub named_like_builtin: bool,
    /// Describes the handler's types to the mini program; nothing without `typed-client`.
    pub describe: DescribeFn,
}

inventory::collect!(ApiEntry);

/// Whether a handler is an `async fn` or a plain `fn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandlerKind {
    /// An `async fn`: its reply comes from a future. A synchronous call gets its reply when the
    /// future is done on its first poll, and a fail reply otherwise.
    Async,
    /// A plain `fn`: its reply is ready when the call is dispatched. (Named for what it is,
    /// not `Sync`, which is the standard trait.)
    Plain,
}

/// One call on its way into a handler.
pub struct Invocation<'a> {
    pub(crate) cx: CallContext<'a>,
    pub(crate) format: ReplyFormat,
}

impl<'a> Invocation<'a> {
    /// The form the caller wants the reply in; hand it to [`success`]. Taken last, after the
    /// context parameters and the data: moved out, not cloned.
    #[inline]
    pub fn reply_format(self) -> ReplyFormat {
        self.format
    }

    /// The call's context, for context parameters. Take them all before [`data`](Self::data),
    /// which takes the data out of it.
    pub fn context(&self) -> &CallContext<'a> {
        &self.cx
    }

    /// The call's data as `T`, or the fail reply that says why it does not fit. The data is
    /// taken out of the invocation: a second call reads absent data.
    ///
    /// Data that fits its type takes one typed pass: text by `serde_json`'s reader (a struct
    /// read as a map), a value by a deserializer of borrowed `Value`s with no path kept. Only a
    /// failure takes a second pass, which finds where (`crate::data`).
    ///
    /// The typed pass is here rather than in a function of `crate::data` that this would call:
    /// a generated adapter calls this once per handler, and each generic function between the
    /// two is one more instantiation per data type in a debug build.
    pub fn data<T: DeserializeOwned>(&mut self) -> Result<T, Outcome> {
        let source = std::mem::replace(&mut self.cx.data, DataSource::Absent);
        // Two typed passes are all that is generic here besides the second one. What a failure
        // does is decided once, in `refused`, not once per data type.
        let decoded = match source.typed_input() {
            TypedInput::Text(text) => from_text(text),
            // One call for a value and absent data, which the typed seed call inlines (two did
            // not).
            TypedInput::Value(value) => T::deserialize(value),
        };
        match decoded {
            Ok(value) => Ok(value),
            Err(error) => Err(refused_data(source.refused(error, tracked_pass::<T>))),
        }
    }
}

/// The outcome of a call whose data does not fit, or is not JSON at all.
#[cold]
#[inline(never)]
fn refused_data(error: DataError) -> Outcome {
    match error {
        DataError::Invalid(mismatch) => {
            let reply = Reply::fail(
                FailureKind::InvalidData,
                format!("invalid data: {}", mismatch.reason),
            );
            Outcome::Ready(HandlerReply::Refused(Box::new((reply, mismatch.logged_as))))
        }
        DataError::Malformed(malformed) => Outcome::Ready(HandlerReply::Malformed(malformed)),
    }
}

/// A boxed handler future.
pub(crate) type BoxReplyFuture = Pin<Box<dyn Future<Output = HandlerReply> + Send + 'static>>;

/// A handler's reply, in the form its [`ReplyFormat`] asked for.
pub enum HandlerReply {
    /// A reply: every failure, and successes when a [`Reply`] was asked for.
    Reply(Reply),
    /// A success rendered as text in the form asked for: the callback object with `errMsg`, or
    /// the bare result object.
    Rendered(String),
    /// A fail reply whose message repeats what the mini program sent, with what a log line
    /// says of it instead (the field path and the type expected). Boxed: it is rare, and the
    /// other replies move several times on their way out.
    Refused(Box<(Reply, String)>),
    /// The call's data turned out not to be JSON while it was decoded; the handler did not
    /// run. The entry places the flaw in the call's text and refuses the call.
    Malformed(MalformedData),
}

impl HandlerReply {
    /// As a [`Reply`]. Entries that want a `Reply` never ask for text, but a callback object is
    /// a result map with `errMsg` added, so the conversion exists rather than a panic.
    #[inline]
    pub(crate) fn into_reply(self) -> Reply {
        match self {
            HandlerReply::Reply(reply) => reply,
            other => other.into_reply_otherwise(),
        }
    }

    /// [`into_reply`](Self::into_reply) of anything but a [`Reply`](HandlerReply::Reply): out
    /// of line, so that the common case is a move.
    #[cold]
    #[inline(never)]
    fn into_reply_otherwise(self) -> Reply {
        match self {
            HandlerReply::Reply(reply) => reply,
            HandlerReply::Rendered(text) => match serde_json::from_str(&text) {
                Ok(Value::Object(map)) => Reply::handler_success(map),
                _ => Reply::fail(FailureKind::InvalidResult, "invalid result"),
            },
            HandlerReply::Refused(refused) => refused.0,
            HandlerReply::Malformed(malformed) => malformed.reply(),
        }
    }
}

/// What running a handler gives: a reply at once, or a future of one.
pub enum Outcome {
    /// The reply is known: a plain `fn` ran, or the call was refused before the handler ran.
    Ready(HandlerReply),
    /// An `async fn` handler is running.
    Running(BoxReplyFuture),
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
        Outcome::Running(Box::pin(future))
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
