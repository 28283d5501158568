//! What goes back to the mini program: the reply, its `errMsg` prefix, and its two renderings.

pub(crate) mod format;
mod prefix;
mod render;
mod result;
pub(crate) mod text;

pub(crate) use format::{Form, ReplyFormat};
pub use prefix::ErrMsgPrefix;
pub(crate) use prefix::{PrefixText, UNNAMED_CALL_PREFIX, echoable_name};
pub use render::{RenderedReply, Rendering};
pub(crate) use result::{result_text, result_value};

use std::fmt;

use serde_json::{Map, Value};

/// The outcome of one call: exactly one of these ends every dispatched call.
///
/// Hosts whose SDK adds `errMsg` itself (Android `req.ok(json)` / `req.fail(msg)`, iOS) use the
/// bare parts: the [result map](Reply::Success) or the [`Failure`]. Hosts that hand JSON
/// straight to the page render it in WeChat's callback convention with
/// [`to_callback_json`](Reply::to_callback_json), or [`to_bare_json`](Reply::to_bare_json).
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The handler's result, a JSON object (empty for `()` and `None`), without an `errMsg` or
    /// `errCode` key of the handler's: hand it to an SDK that adds `errMsg` itself
    /// (`req.ok(map)`) as it is. Calls `success`.
    Success(Map<String, Value>),
    /// The call failed. Calls `fail`.
    Fail(Failure),
    /// The user backed out (closed a payment sheet, say). Calls `cancel`.
    Cancel,
}

impl Reply {
    /// The success reply of a handler's result map: without the map's own `errMsg` and
    /// `errCode`, which would contradict the reply's routing (the SDK adds `errMsg`, and a
    /// success has no `errCode`), as the renderings and a fail body leave them out.
    pub(crate) fn handler_success(mut result: Map<String, Value>) -> Self {
        result::strip_reply_keys(&mut result);
        Reply::Success(result)
    }

    /// A fail reply.
    pub fn fail(kind: FailureKind, message: impl Into<String>) -> Self {
        Reply::Fail(Failure::new(kind, message))
    }

    /// The result map, when this is a success.
    pub fn result(&self) -> Option<&Map<String, Value>> {
        match self {
            Reply::Success(map) => Some(map),
            _ => None,
        }
    }

    /// The failure, when this is one.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Reply::Fail(failure) => Some(failure),
            _ => None,
        }
    }

    /// Whether this is a success.
    pub fn is_success(&self) -> bool {
        matches!(self, Reply::Success(_))
    }

    /// How the call ended, without what it carried.
    pub fn kind(&self) -> ReplyKind {
        match self {
            Reply::Success(_) => ReplyKind::Success,
            Reply::Fail(_) => ReplyKind::Fail,
            Reply::Cancel => ReplyKind::Cancel,
        }
    }

    /// The `errMsg` of this reply in WeChat's convention: `"<prefix>:ok"`,
    /// `"<prefix>:fail <reason>"` or `"<prefix>:cancel"`.
    ///
    /// TCMPP's JS SDK routes a reply on the text after the first `:` of `errMsg`: `ok` calls
    /// `success`, `cancel` calls `cancel`, anything else calls `fail`.
    pub fn err_msg(&self, prefix: &str) -> String {
        match self {
            Reply::Success(_) => format!("{prefix}:ok"),
            Reply::Fail(failure) => format!("{prefix}:fail {}", failure.message),
            Reply::Cancel => format!("{prefix}:cancel"),
        }
    }

    /// Attaches a numeric code to a fail reply; other replies are returned unchanged.
    #[must_use]
    pub fn with_code(mut self, code: i64) -> Self {
        if let Reply::Fail(failure) = &mut self {
            failure.code = Some(code);
        }
        self
    }
}

/// Why a call failed: a message for the mini program, an optional numeric code, and an
/// optional body of data beside them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    kind: FailureKind,
    message: String,
    code: Option<i64>,
    /// Boxed: most failures carry none, and replies move several times on their way out.
    body: Option<Box<Map<String, Value>>>,
}

impl Failure {
    /// A failure of `kind` with `message`, no code and no body.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            code: None,
            body: None,
        }
    }

    /// Attaches a body: keys the fail object carries beside `errMsg` and `errCode` (Android's
    /// `req.failSync(JSONObject, msg)`, Luffa's `{status: -1, uuid}`). The body's own `errMsg`
    /// and `errCode` keys are left out, as a success's `errMsg` is: the reply's message and
    /// code are the ones that route it. An empty body is no body.
    ///
    /// ```
    /// use serde_json::json;
    /// use tcmpp_core::reply::{Failure, FailureKind};
    /// use tcmpp_core::Reply;
    ///
    /// let body = json!({ "status": -1, "uuid": "u-1", "errMsg": "dropped" });
    /// let failure = Failure::new(FailureKind::Handler, "declined")
    ///     .with_body(body.as_object().unwrap().clone());
    /// let callback = Reply::Fail(failure).to_callback_json("pay");
    /// assert_eq!(callback, r#"{"errMsg":"pay:fail declined","status":-1,"uuid":"u-1"}"#);
    /// ```
    #[must_use]
    pub fn with_body(mut self, mut body: Map<String, Value>) -> Self {
        result::strip_reply_keys(&mut body);
        self.body = (!body.is_empty()).then(|| Box::new(body));
        self
    }

    /// The body: the keys the fail object carries beside `errMsg` and `errCode`, when there
    /// are any.
    pub fn body(&self) -> Option<&Map<String, Value>> {
        self.body.as_deref()
    }

    /// Attaches a numeric code, sent as `errCode`.
    #[must_use]
    pub fn with_code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }

    /// What a log line may say of this failure: never a value the mini program sent. The
    /// framework's own failures that repeat caller text are logged by kind (where a log line
    /// can say more, its caller passes the reason along); the others, the handler's own errors
    /// included, by their message.
    pub(crate) fn log_reason(&self) -> &str {
        match self.kind {
            FailureKind::UnknownApi => "unknown API",
            FailureKind::InvalidData => "invalid data",
            FailureKind::InvalidCall => "invalid call",
            _ => &self.message,
        }
    }

    /// Where the failure came from.
    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    /// The reason, as it appears after `:fail ` in `errMsg`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The numeric code (`errCode`), when there is one.
    pub fn code(&self) -> Option<i64> {
        self.code
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(code) = self.code {
            write!(f, " (errCode {code})")?;
        }
        Ok(())
    }
}

/// How a call ended, without what it carried: which of the mini program's `success`, `fail`
/// and `cancel` callbacks its reply calls. What a host routes a rendered reply on; see
/// [`RenderedReply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReplyKind {
    /// [`Reply::Success`].
    Success,
    /// [`Reply::Fail`].
    Fail,
    /// [`Reply::Cancel`].
    Cancel,
}

/// Where a [`Failure`] came from, for hosts that count or route failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The call itself could not be read: not JSON, not an object, no `api_name`, …
    InvalidCall,
    /// No handler is registered under the call's `api_name`.
    UnknownApi,
    /// The call's `data` does not fit the handler's data type.
    InvalidData,
    /// A context parameter could not be provided, such as [`AppInfo`](crate::AppInfo) for a
    /// call that carries none.
    MissingContext,
    /// The handler returned an error.
    Handler,
    /// The handler returned a value that is not a JSON object.
    InvalidResult,
    /// The handler panicked. The message the mini program sees does not include the panic's
    /// unless [`RegistryBuilder::expose_panic_messages`](crate::registry::RegistryBuilder::expose_panic_messages)
    /// is on.
    Panic,
    /// An `async fn` handler ran past its timeout and was dropped.
    Timeout,
    /// The caller may not call this API; see [`AccessPolicy`](crate::AccessPolicy).
    PermissionDenied,
    /// A call given as JSON text was over a size or nesting limit.
    LimitExceeded,
    /// A synchronous call reached an `async fn` handler that did not answer on its first
    /// poll; its future was dropped. See
    /// [`ReplyFuture::now_or_fail`](crate::dispatch::ReplyFuture::now_or_fail).
    NotSynchronous,
    /// A layer refused the call before its handler ran: a layer of the registry (see
    /// [`middleware`](crate::middleware)) that answered with an
    /// [`ApiError`](crate::ApiError), or a tower layer's error (see `tcmpp_core::tower`).
    Middleware,
}
