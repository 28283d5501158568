//! The link between `#[mini_api]`-generated code and the registry.
//!
//! Everything here is reached through `tcmpp_core::__private` and may change without notice.

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::call::json_kind;
use crate::context::{CallContext, StateKey};
use crate::error::{ApiError, IntoApiError};
use crate::registry::HandlerKind;
use crate::reply::{FailureKind, Reply};

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
}

impl<'a> Invocation<'a> {
    /// The call's context, for context parameters. Take them all before [`data`](Self::data).
    pub fn context(&self) -> &CallContext<'a> {
        &self.cx
    }

    /// The call's data as `T`, or the fail reply that says why it does not fit.
    pub fn data<T: DeserializeOwned>(self) -> Result<T, Outcome> {
        self.cx.data.decode().map_err(|reason| {
            Outcome::Ready(Reply::fail(
                FailureKind::InvalidData,
                format!("invalid data: {reason}"),
            ))
        })
    }
}

/// A boxed handler future.
pub(crate) type BoxReplyFuture = Pin<Box<dyn Future<Output = Reply> + Send + 'static>>;

/// What running a handler gives: a reply at once, or a future of one.
pub enum Outcome {
    /// The reply is known: a plain `fn` ran, or the call was refused before the handler ran.
    Ready(Reply),
    /// An `async fn` handler is running.
    Pending(BoxReplyFuture),
}

impl Outcome {
    /// A context parameter could not be provided.
    pub fn context_rejected(error: ApiError) -> Self {
        Outcome::Ready(error.into_reply(FailureKind::MissingContext))
    }

    /// An `async fn` handler's body.
    pub fn pending<F: Future<Output = Reply> + Send + 'static>(future: F) -> Self {
        Outcome::Pending(Box::pin(future))
    }
}

/// Checks that a handler's future is `Send`, at the handler's own span.
pub fn assert_send<F: Future + Send>(future: F) -> F {
    future
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
    /// Turns a handler's `Result` into its reply.
    pub fn into_reply<T: Serialize, E: IntoApiError>(self, result: Result<T, E>) -> Reply {
        match result {
            Ok(value) => success(&value),
            Err(error) => error.into_api_error().into_reply(FailureKind::Handler),
        }
    }
}

impl ValueTag {
    /// Turns a handler's value into its reply.
    pub fn into_reply<T: Serialize>(self, value: T) -> Reply {
        success(&value)
    }
}

fn success<T: Serialize + ?Sized>(value: &T) -> Reply {
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
