//! The error type handlers return.

use std::any::Any;
use std::fmt;

use crate::reply::{Failure, FailureKind, Reply};

/// An error a handler returns to make the call fail (or cancel).
///
/// Build one with [`ApiError::new`], optionally [`with_code`](ApiError::with_code); or let `?`
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
    Fail { message: String, code: Option<i64> },
    Cancel,
}

impl ApiError {
    /// A failure with `message`, which the mini program sees after `:fail ` in `errMsg`.
    pub fn new(message: impl Into<String>) -> Self {
        ApiError {
            repr: Repr::Fail {
                message: message.into(),
                code: None,
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

    pub(crate) fn into_reply(self, kind: FailureKind) -> Reply {
        match self.repr {
            Repr::Fail { message, code } => {
                let reply = Reply::Fail(Failure::new(kind, message));
                match code {
                    Some(code) => reply.with_code(code),
                    None => reply,
                }
            }
            Repr::Cancel => Reply::Cancel,
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Fail { message, code } => f
                .debug_struct("ApiError")
                .field("message", message)
                .field("code", code)
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

impl<E> From<E> for ApiError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(error: E) -> Self {
        // As `IntoApiError` renders errors, so that `?` and `Err(error)` say the same thing.
        ApiError::new(format!("{error:#}"))
    }
}

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
