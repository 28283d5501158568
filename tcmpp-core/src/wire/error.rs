//! Why a call's text could not be read.

use std::borrow::Cow;
use std::fmt;

use crate::echo::{MAX_MESSAGE_CHARS, bounded, bounded_to};
use crate::json::strip_position;
use crate::reply::{Failure, FailureKind, Reply};

pub(crate) fn check_name(name: &str) -> Result<&str, CallError> {
    if name.is_empty() {
        Err(CallError::new(CallErrorKind::EmptyApiName))
    } else {
        Ok(name)
    }
}

pub(crate) fn check_agrees(inner: &str, reported: Option<&str>) -> Result<(), CallError> {
    match reported {
        Some(reported) if reported != inner => Err(CallError::name_mismatch(inner, reported)),
        _ => Ok(()),
    }
}

/// Why a call's text could not be read.
///
/// Dispatching turns it into a fail reply of kind [`FailureKind::InvalidCall`](crate::reply::FailureKind),
/// whose message is this error's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallError {
    kind: CallErrorKind,
    /// The API name, when the call got far enough to name it: its reply is then named after it.
    api_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CallErrorKind {
    Syntax(String),
    NotAnObject(&'static str),
    MissingApiName,
    /// A unified call read with the name the SDK reported, but without an `api_name` of its own.
    NamedWithoutApiName,
    EmptyApiName,
    /// An `appInfo` key in text whose caller the host did not say to believe.
    AppInfoInText,
    NameMismatch {
        inner: String,
        reported: String,
    },
    FieldType {
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    FieldValue {
        field: &'static str,
        reason: String,
    },
    /// A value that is valid JSON text but cannot be held as a `serde_json::Value`.
    Unrepresentable {
        field: String,
        reason: String,
    },
    DuplicateKey(String),
    /// More top-level keys than the registry's limit.
    TooManyKeys(usize),
    /// Over the size or the nesting limit: the limit's message, which starts with
    /// `invalid call: ` and names no caller text.
    OverLimit(String),
    /// A `stateEvent` with a NUL character, which a C host would cut short.
    NulInStateEvent,
    AppInfo(String),
}

impl CallError {
    pub(crate) fn new(kind: CallErrorKind) -> Self {
        CallError {
            kind,
            api_name: None,
        }
    }

    /// Records the API name the broken call was for.
    pub(crate) fn for_api(mut self, api_name: &str) -> Self {
        self.api_name = Some(api_name.to_owned());
        self
    }

    /// The call's `api_name` is not the name the SDK reported. Each is kept only as far as the
    /// reply echoes it: a name of megabytes is not copied whole.
    pub(crate) fn name_mismatch(inner: &str, reported: &str) -> Self {
        CallError::new(CallErrorKind::NameMismatch {
            inner: bounded(inner).into_owned(),
            reported: bounded(reported).into_owned(),
        })
    }

    /// Text that is not JSON, with serde's words for the flaw and where it is.
    pub(crate) fn syntax(message: String) -> Self {
        CallError::new(CallErrorKind::Syntax(message))
    }

    /// Text that `serde_json` refused, in its words: one function for the full reader's
    /// refusals, where each wrote the error's `to_string` of its own.
    #[cold]
    #[inline(never)]
    pub(crate) fn of_json(error: &serde_json::Error) -> Self {
        CallError::syntax(error.to_string())
    }

    /// A call over a limit of its size or nesting, with the limit's own message.
    pub(crate) fn over_limit(message: String) -> Self {
        CallError::new(CallErrorKind::OverLimit(message))
    }

    /// A `stateEvent` that a C host would cut short at its NUL, routing progress elsewhere.
    pub(crate) fn nul_in_state_event() -> Self {
        CallError::new(CallErrorKind::NulInStateEvent)
    }

    /// A key whose value is JSON, but none a `serde_json::Value` can hold.
    pub(crate) fn unrepresentable(key: &str, error: &serde_json::Error) -> Self {
        CallError::new(CallErrorKind::Unrepresentable {
            field: key.to_owned(),
            reason: strip_position(error),
        })
    }

    /// The fail reply of a call refused for this error.
    pub(crate) fn to_reply(&self) -> Reply {
        Reply::Fail(Failure::new(self.failure_kind(), self.to_string()))
    }

    /// The kind of failure a call refused for this error is.
    pub(crate) fn failure_kind(&self) -> FailureKind {
        match self.kind {
            CallErrorKind::TooManyKeys(_) | CallErrorKind::OverLimit(_) => {
                FailureKind::LimitExceeded
            }
            _ => FailureKind::InvalidCall,
        }
    }

    /// What went wrong, for a log line: the kind of error and the field it concerns, never a
    /// value or a key the mini program wrote.
    pub(crate) fn log_reason(&self) -> Cow<'static, str> {
        Cow::Borrowed(match &self.kind {
            CallErrorKind::Syntax(_) => "not valid JSON",
            CallErrorKind::NotAnObject(_) => "not an object",
            CallErrorKind::MissingApiName => "missing api_name",
            CallErrorKind::NamedWithoutApiName => "missing api_name beside a reported name",
            CallErrorKind::EmptyApiName => "empty api_name",
            CallErrorKind::AppInfoInText => "appInfo in untrusted call text",
            CallErrorKind::NameMismatch { .. } => "api_name disagrees with the reported name",
            CallErrorKind::FieldType { field, .. } | CallErrorKind::FieldValue { field, .. } => {
                return Cow::Owned(format!("invalid `{field}`"));
            }
            CallErrorKind::Unrepresentable { .. } => "a value no JSON value can hold",
            CallErrorKind::DuplicateKey(_) => "duplicate key",
            CallErrorKind::TooManyKeys(_) => "too many top-level keys",
            CallErrorKind::OverLimit(_) => "over a limit",
            CallErrorKind::NulInStateEvent => "NUL in stateEvent",
            CallErrorKind::AppInfo(_) => "invalid appInfo",
        })
    }

    /// The API name the broken call was for, when it could be read.
    pub(crate) fn api_name(&self) -> Option<&str> {
        self.api_name.as_deref()
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let CallErrorKind::OverLimit(message) = &self.kind {
            return f.write_str(message);
        }
        f.write_str("invalid call: ")?;
        match &self.kind {
            CallErrorKind::OverLimit(_) => Ok(()),
            CallErrorKind::Syntax(e) => write!(f, "not valid JSON: {e}"),
            CallErrorKind::NotAnObject(found) => write!(f, "expected a JSON object, found {found}"),
            CallErrorKind::MissingApiName => f.write_str("missing `api_name`"),
            CallErrorKind::NamedWithoutApiName => f.write_str(
                "missing `api_name`: a unified call names its API itself (a legacy-format call, \
                 whose whole object is the data, must be read as legacy)",
            ),
            CallErrorKind::EmptyApiName => f.write_str("`api_name` is empty"),
            CallErrorKind::AppInfoInText => f.write_str(
                "`appInfo` in the call text is not believed: the host states the caller beside \
                 the call, or, when the text is its own SDK's rendering, says to believe it \
                 with `Caller::trust_call_text()`",
            ),
            CallErrorKind::NameMismatch { inner, reported } => {
                write!(
                    f,
                    "`api_name` is \"{}\" but the SDK reported \"{}\"",
                    bounded(inner),
                    bounded(reported)
                )
            }
            CallErrorKind::FieldType {
                field,
                expected,
                found,
            } => {
                write!(f, "`{field}` must be {expected}, found {found}")
            }
            CallErrorKind::FieldValue { field, reason } => {
                write!(f, "`{field}`: {}", bounded_to(reason, MAX_MESSAGE_CHARS))
            }
            CallErrorKind::Unrepresentable { field, reason } => {
                write!(
                    f,
                    "`{}`: {}",
                    bounded(field),
                    bounded_to(reason, MAX_MESSAGE_CHARS)
                )
            }
            CallErrorKind::DuplicateKey(key) => write!(f, "duplicate key `{}`", bounded(key)),
            CallErrorKind::TooManyKeys(max) => {
                write!(f, "more than {max} top-level keys, the registry's limit")
            }
            CallErrorKind::NulInStateEvent => f.write_str("`stateEvent` contains a NUL character"),
            CallErrorKind::AppInfo(e) => {
                write!(f, "`appInfo`: {}", bounded_to(e, MAX_MESSAGE_CHARS))
            }
        }
    }
}

impl std::error::Error for CallError {}
