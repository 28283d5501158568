//! What goes back to the mini program.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

/// The outcome of one call: exactly one of these ends every dispatched call.
///
/// Hosts whose SDK adds `errMsg` itself (Android `req.ok(json)` / `req.fail(msg)`, iOS) use the
/// bare parts: the [result map](Reply::Success) or the [`Failure`]. Hosts that hand JSON
/// straight to the page render it in WeChat's callback convention with
/// [`to_callback`](Reply::to_callback).
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The handler's result, a JSON object (empty for `()` and `None`). Calls `success`.
    Success(Map<String, Value>),
    /// The call failed. Calls `fail`.
    Fail(Failure),
    /// The user backed out (closed a payment sheet, say). Calls `cancel`.
    Cancel,
}

impl Reply {
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

    /// The reply as the callback object a mini program receives: the result map with `errMsg`
    /// added on success; `errMsg` and, when there is one, `errCode` otherwise.
    ///
    /// `prefix` is usually the API name; see [`ErrMsgPrefix`].
    ///
    /// ```
    /// use serde_json::json;
    /// use tcmpp_core::{FailureKind, Reply};
    ///
    /// let fail = Reply::fail(FailureKind::Handler, "out of stock").with_code(1001);
    /// assert_eq!(
    ///     serde_json::Value::Object(fail.to_callback("buy")),
    ///     json!({ "errMsg": "buy:fail out of stock", "errCode": 1001 }),
    /// );
    /// ```
    pub fn to_callback(&self, prefix: &str) -> Map<String, Value> {
        self.clone().into_callback(prefix)
    }

    /// [`to_callback`](Self::to_callback), moving the result map instead of copying it.
    pub(crate) fn into_callback(self, prefix: &str) -> Map<String, Value> {
        let err_msg = self.err_msg(prefix);
        let mut map = match self {
            Reply::Success(result) => result,
            Reply::Fail(Failure {
                code: Some(code), ..
            }) => Map::from_iter([("errCode".to_owned(), Value::from(code))]),
            Reply::Fail(_) | Reply::Cancel => Map::new(),
        };
        // Inserted last so that a result key named `errMsg` cannot break the JS SDK's routing.
        map.insert("errMsg".to_owned(), Value::String(err_msg));
        map
    }

    /// [`to_callback`](Self::to_callback) as JSON text.
    pub fn to_callback_json(&self, prefix: &str) -> String {
        self.clone().into_callback_json(prefix)
    }

    /// [`to_callback_json`](Self::to_callback_json), moving the result map instead of copying it.
    pub(crate) fn into_callback_json(self, prefix: &str) -> String {
        Value::Object(self.into_callback(prefix)).to_string()
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

/// Why a call failed: a message for the mini program and an optional numeric code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    kind: FailureKind,
    message: String,
    code: Option<i64>,
}

impl Failure {
    /// A failure of `kind` with `message` and no code.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            code: None,
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
/// [`CallbackFuture::with_kind`](crate::CallbackFuture::with_kind).
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
    /// unless [`RegistryBuilder::expose_panic_messages`](crate::RegistryBuilder::expose_panic_messages)
    /// is on.
    Panic,
    /// An `async fn` handler ran past its timeout and was dropped.
    Timeout,
    /// The caller may not call this API; see [`AccessPolicy`](crate::AccessPolicy).
    PermissionDenied,
    /// A call given as JSON text was over a size or nesting limit.
    LimitExceeded,
}

/// What comes before `:ok`, `:fail` or `:cancel` in `errMsg`.
///
/// WeChat's convention prefixes the API name, the default. The runtime TCMPP descends from
/// prefixes `invokeNativePlugin` instead; routing ignores the prefix, so either works.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ErrMsgPrefix {
    /// The called API's name: `"myApiName:ok"`.
    #[default]
    ApiName,
    /// A fixed text, such as `"invokeNativePlugin"`.
    Fixed(Cow<'static, str>),
}

impl ErrMsgPrefix {
    /// A fixed prefix.
    pub fn fixed(prefix: impl Into<Cow<'static, str>>) -> Self {
        ErrMsgPrefix::Fixed(prefix.into())
    }
}

/// An `errMsg` prefix as a reply holds it: borrowed from the program when it can be, so that
/// the common replies copy no text.
#[derive(Clone, Debug)]
pub(crate) enum PrefixText {
    /// A registered API name, or a fixed prefix given as a `&'static str`.
    Static(&'static str),
    /// A fixed prefix given as a `String`, shared by every reply.
    Shared(Arc<str>),
    /// A name read from the call itself: an unknown API, or a call that could not be read.
    Owned(String),
}

impl PrefixText {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            PrefixText::Static(prefix) => prefix,
            PrefixText::Shared(prefix) => prefix,
            PrefixText::Owned(prefix) => prefix,
        }
    }
}

/// The `errMsg` prefix used when a call is so broken that its API name cannot be read.
pub(crate) const UNNAMED_CALL_PREFIX: &str = "invokeNativePlugin";

/// The name to put before `:fail` for a call reported as `api_name`, with the default prefix:
/// the name when a handler could have it, otherwise `invokeNativePlugin`. A name such as
/// `"a:b"` is not echoed, since the JS SDK routes on the first `:` of `errMsg`.
pub fn echoable_name(api_name: Option<&str>) -> &str {
    api_name
        .filter(|name| crate::call::is_api_name(name))
        .unwrap_or(UNNAMED_CALL_PREFIX)
}
