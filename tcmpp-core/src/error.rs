//! The error type handlers return.

use std::any::Any;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::json::json_kind;
use crate::reply::{Failure, FailureKind, Reply};

/// An error a handler returns to make the call fail (or cancel).
///
/// Build one with [`ApiError::new`], optionally [`with_code`](ApiError::with_code) and
/// [`with_body`](ApiError::with_body); [`ApiError::cancelled`] for a cancel; or let `?`
/// convert any [`std::error::Error`] into one.
///
/// ```rust,standalone_crate
/// use tcmpp_core::{mini_api, ApiError};
///
/// #[mini_api("buy")]
/// async fn buy() -> Result<(), ApiError> {
///     let _: u32 = "12".parse()?; // any std error converts
///     Err(ApiError::new("out of stock").with_code(1001))
/// }
/// ```
///
/// `ApiError` deliberately does not implement [`std::error::Error`] itself (as with
/// `anyhow::Error`): that is what lets it convert from every type that does.
pub struct ApiError {
    repr: Repr,
}

enum Repr {
    Fail {
        message: String,
        code: Option<i64>,
        body: Option<Body>,
        /// Set where the crate itself knows the failure's kind better than the step that
        /// renders it: a context parameter that fails on the call's data, not on missing
        /// context. `None` for every error a user builds.
        kind: Option<FailureKind>,
    },
    Cancel,
}

/// A fail body as [`ApiError::with_body`] serialized it: the object, or why it is not one.
enum Body {
    Object(Box<Map<String, Value>>),
    Invalid(String),
}

impl ApiError {
    /// A failure with `message`, which the mini program sees after `:fail ` in `errMsg`.
    pub fn new(message: impl Into<String>) -> Self {
        ApiError {
            repr: Repr::Fail {
                message: message.into(),
                code: None,
                body: None,
                kind: None,
            },
        }
    }

    /// A failure whose [`FailureKind`] is `kind`, whichever step turns it into a reply.
    pub(crate) fn of_kind(kind: FailureKind, message: impl Into<String>) -> Self {
        ApiError {
            repr: Repr::Fail {
                message: message.into(),
                code: None,
                body: None,
                kind: Some(kind),
            },
        }
    }

    /// A cancel: the user backed out. The mini program's `cancel` callback runs.
    pub fn cancelled() -> Self {
        ApiError { repr: Repr::Cancel }
    }

    /// Attaches a numeric code, sent as `errCode`.
    #[must_use]
    pub fn with_code(mut self, new_code: i64) -> Self {
        if let Repr::Fail { code, .. } = &mut self.repr {
            *code = Some(new_code);
        }
        self
    }

    /// Attaches a body: data the fail object carries at its top level, beside `errMsg` and
    /// `errCode` (Android's `req.failSync(JSONObject, msg)`, Luffa's `{status: -1, uuid}`).
    /// `body` is any [`Serialize`] value that is a JSON object: a struct, a map, `json!({…})`.
    ///
    /// ```rust,standalone_crate
    /// use serde::Serialize;
    /// use tcmpp_core::{mini_api, ApiError, Registry};
    ///
    /// #[derive(Serialize)]
    /// struct Declined { status: i32, uuid: String }
    ///
    /// #[mini_api("payWithBody")]
    /// async fn pay() -> Result<(), ApiError> {
    ///     Err(ApiError::new("declined").with_code(7).with_body(Declined { status: -1, uuid: "u-1".into() }))
    /// }
    ///
    /// let registry = Registry::builder().build()?;
    /// let reply = futures_executor::block_on(registry.dispatch_json(r#"{"api_name":"payWithBody"}"#));
    /// assert_eq!(reply, r#"{"errCode":7,"errMsg":"payWithBody:fail declined","status":-1,"uuid":"u-1"}"#);
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    ///
    /// As with a success's value: a body that serializes to `null` (`()`, `None`) is no body;
    /// its own `errMsg` and `errCode` keys are left out, since the reply's message and code
    /// route it ([`with_code`](Self::with_code) sets `errCode`); and a body that is not a JSON
    /// object (a string, a list) or fails to serialize turns the reply into a fail reply of kind
    /// [`FailureKind::InvalidResult`] that says so, as a success value that is not an object
    /// does. The bare rendering nests the body under `"body"` ([`Reply::to_bare_json`]). A
    /// cancel has no body.
    ///
    /// To declare the body's type to the mini program's TypeScript declarations (feature
    /// `typed-client`), name it in the attribute: `#[mini_api("pay", fail_body = Declined)]`.
    #[must_use]
    pub fn with_body<B: Serialize>(mut self, new_body: B) -> Self {
        if let Repr::Fail { body, .. } = &mut self.repr {
            *body = match serde_json::to_value(new_body) {
                Ok(Value::Object(map)) => Some(Body::Object(Box::new(map))),
                Ok(Value::Null) => None,
                Ok(other) => Some(Body::Invalid(format!(
                    "the handler's fail body is {}, but a fail body must be a JSON object (attach a struct or a map)",
                    json_kind(&other)
                ))),
                Err(error) => Some(Body::Invalid(format!("the fail body: {error}"))),
            };
        }
        self
    }

    /// The body [`with_body`](Self::with_body) attached, when it is a JSON object.
    pub fn body(&self) -> Option<&Map<String, Value>> {
        match &self.repr {
            Repr::Fail {
                body: Some(Body::Object(body)),
                ..
            } => Some(body),
            _ => None,
        }
    }

    /// The message; empty for a cancel.
    pub fn message(&self) -> &str {
        match &self.repr {
            Repr::Fail { message, .. } => message,
            Repr::Cancel => "",
        }
    }

    /// The numeric code, when there is one.
    pub fn code(&self) -> Option<i64> {
        match &self.repr {
            Repr::Fail { code, .. } => *code,
            Repr::Cancel => None,
        }
    }

    /// Whether this is a cancel.
    pub fn is_cancel(&self) -> bool {
        matches!(self.repr, Repr::Cancel)
    }

    /// The reply of this error, a failure of `kind` unless the error was built
    /// [of a kind](Self::of_kind) of its own.
    pub(crate) fn into_reply(self, kind: FailureKind) -> Reply {
        match self.repr {
            Repr::Fail {
                body: Some(Body::Invalid(reason)),
                ..
            } => Reply::fail(
                FailureKind::InvalidResult,
                format!("invalid result: {reason}"),
            ),
            Repr::Fail {
                message,
                code,
                body,
                kind: own_kind,
            } => {
                let mut failure = Failure::new(own_kind.unwrap_or(kind), message);
                if let Some(code) = code {
                    failure = failure.with_code(code);
                }
                if let Some(Body::Object(body)) = body {
                    failure = failure.with_body(*body);
                }
                Reply::Fail(failure)
            }
            Repr::Cancel => Reply::Cancel,
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Fail {
                message,
                code,
                body,
                kind: _,
            } => f
                .debug_struct("ApiError")
                .field("message", message)
                .field("code", code)
                .field(
                    "body",
                    &body.as_ref().map(|body| match body {
                        Body::Object(map) => Ok(map),
                        Body::Invalid(reason) => Err(reason),
                    }),
                )
                .finish(),
            Repr::Cancel => f.write_str("ApiError::Cancelled"),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Fail { message, .. } => f.write_str(message),
            Repr::Cancel => f.write_str("cancelled"),
        }
    }
}

impl<E: ApiErrorSource> From<E> for ApiError {
    fn from(error: E) -> Self {
        // As `IntoApiError` renders errors, so that `?` and `Err(error)` say the same thing.
        ApiError::new(format!("{error:#}"))
    }
}

/// The types `?` converts into an [`ApiError`]: every [`std::error::Error`] that is
/// `Send + Sync + 'static`.
///
/// Implemented for all of them, so nobody implements it by hand. It exists for the compiler's
/// message when something else meets `?` in a handler that returns `Result<T, ApiError>`: a
/// message string is not an error type (and `String` cannot become one), so
/// `Err("out of stock")?` and `.ok_or("no appId")?` name [`ApiError::new`] instead.
#[diagnostic::on_unimplemented(
    message = "`?` cannot turn `{Self}` into an `ApiError`: it is not an error type",
    label = "not a `std::error::Error`: for a message, write `ApiError::new(..)`",
    note = "write `Err(ApiError::new(\"message\"))`, or `.ok_or_else(|| ApiError::new(\"message\"))?`; or return `Result<T, String>`, whose `Err(message)` becomes the fail reply"
)]
pub trait ApiErrorSource: std::error::Error + Send + Sync + 'static {}

// Not recommended, so that an unmet bound is reported as `ApiErrorSource`, with its message,
// rather than as the `std::error::Error` behind it.
#[diagnostic::do_not_recommend]
impl<E: std::error::Error + Send + Sync + 'static> ApiErrorSource for E {}

/// The error types a handler may return in `Result<T, E>`.
///
/// Implemented for [`ApiError`], which keeps its code and its cancel, and for everything that
/// implements [`Display`](fmt::Display): every error type, `String`, `&'static str`,
/// `anyhow::Error`. Those become a failure whose message is their `{:#}` rendering (so an
/// `anyhow::Error` shows its chain of causes).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the error of a mini API handler",
    label = "this error type cannot become a fail reply",
    note = "return `tcmpp_core::ApiError`, a message `String`, or any type that implements `std::fmt::Display`"
)]
pub trait IntoApiError {
    /// Converts the error.
    fn into_api_error(self) -> ApiError;
}

impl<E: fmt::Display + 'static> IntoApiError for E {
    fn into_api_error(self) -> ApiError {
        // An `ApiError` keeps its code and cancel; everything else is rendered as text. The
        // check is on a type known at compile time, so it costs nothing.
        let mut slot = Some(self);
        let api_error = match (&mut slot as &mut dyn Any).downcast_mut::<Option<ApiError>>() {
            Some(api_error) => api_error.take(),
            None => None,
        };
        api_error
            .or_else(|| slot.map(|error| ApiError::new(format!("{error:#}"))))
            .unwrap_or_else(|| ApiError::new(""))
    }
}
