//! Context parameters: what a handler may ask for besides the call's data, and the extractors
//! this crate provides.

mod extension;
mod state;

use std::ops::Deref;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::call::{AppInfo, MiniApiCall};
use crate::data::DataSource;
use crate::error::ApiError;
use crate::progress::{Progress, ProgressChannel};
use crate::reply::FailureKind;
use crate::wire::OtherKeys;

pub use extension::Extension;
pub(crate) use extension::Extensions;
pub(crate) use state::StateMap;
pub use state::{State, StateKey};

/// Everything about a call except its data, as context parameters see it.
pub struct CallContext<'a> {
    pub(crate) api_name: &'a str,
    pub(crate) web_view_id: Option<i64>,
    pub(crate) state_event: Option<&'a str>,
    pub(crate) app_info: Option<&'a AppInfo>,
    pub(crate) extra: OtherKeys<'a>,
    pub(crate) states: &'a StateMap,
    pub(crate) data: DataSource<'a>,
    /// The call's progress channel, when the host dispatched it with a progress sink.
    pub(crate) progress: Option<&'a ProgressChannel>,
    /// The values the registry's layers inserted, lent by the innermost layer while the
    /// handler's context parameters are extracted; `None` outside that span and without layers.
    pub(crate) extensions: Option<&'a Extensions>,
}

impl<'a> CallContext<'a> {
    /// The called API's name.
    pub fn api_name(&self) -> &'a str {
        self.api_name
    }

    /// The calling web view's id, when the host stated one (see [`Caller`](crate::Caller)).
    pub fn web_view_id(&self) -> Option<i64> {
        self.web_view_id
    }

    /// The SDK's event key for this call (`stateEvent`), when the host stated one.
    pub fn state_event(&self) -> Option<&'a str> {
        self.state_event
    }

    /// The calling mini program, as the host stated it (see [`Caller`](crate::Caller)); never
    /// read from text the mini program shapes.
    pub fn app_info(&self) -> Option<&'a AppInfo> {
        self.app_info
    }

    /// The state of type `T` given to [`RegistryBuilder::state`](crate::registry::RegistryBuilder::state).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.states.get::<T>()
    }

    /// A copy of what the mini program sent, data included; an error when the call's data
    /// cannot be held as a `serde_json::Value` (a number out of range, say), whose reply is a
    /// failure of kind [`InvalidData`](FailureKind::InvalidData), or a top-level key's value
    /// cannot ([`InvalidCall`](FailureKind::InvalidCall)), as [`extra`](Self::extra) says.
    pub fn to_call(&self) -> Result<MiniApiCall, ApiError> {
        let mut call = MiniApiCall::new(self.api_name, Value::Null);
        call.data = self.data.to_value().map_err(|reason| {
            ApiError::of_kind(FailureKind::InvalidData, format!("invalid data: {reason}"))
        })?;
        call.extra = self.extra()?;
        Ok(call)
    }

    /// Other top-level keys of a unified call, as the mini program sent them: input to
    /// validate, never identity. Read from the call's text when asked for, not before, so that
    /// a call refused before its handler runs never builds them. An error when a key's value
    /// is JSON that no `serde_json::Value` can hold (a number out of range, a lone surrogate),
    /// whose reply is a failure of kind [`InvalidCall`](FailureKind::InvalidCall); it names
    /// neither the key nor the value, both the mini program's.
    pub fn extra(&self) -> Result<Map<String, Value>, ApiError> {
        self.extra.to_map().map_err(|_| {
            ApiError::of_kind(
                FailureKind::InvalidCall,
                "invalid call: a top-level key holds a value that no JSON value can hold",
            )
        })
    }
}

/// A type a handler can take as a context parameter.
///
/// Implement it for your own types and mark the parameter `#[context]`:
///
/// ```rust,standalone_crate
/// use tcmpp_core::{ApiError, mini_api};
/// use tcmpp_core::context::{CallContext, FromContext};
///
/// struct AppId(String);
///
/// impl FromContext for AppId {
///     fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
///         cx.app_info()
///             .and_then(|info| info.app_id.clone())
///             .map(AppId)
///             .ok_or_else(|| ApiError::new("this call carries no appId"))
///     }
/// }
///
/// #[mini_api("whoAmI")]
/// async fn who_am_i(#[context] app: AppId) -> serde_json::Value {
///     serde_json::json!({ "appId": app.0 })
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a context parameter of a mini API handler",
    label = "not a context type",
    note = "context parameters are `AppInfo`, `WebViewId`, `ApiName`, `MiniApiCall`, `State<T>`, `Extension<T>`, `Progress`, `Option` of those, or a type that implements `tcmpp_core::context::FromContext`",
    note = "a parameter is a context parameter when it is marked `#[context]` or its type has one of those names; to build it from the call's `data` instead, mark it `#[data]`"
)]
pub trait FromContext: Sized {
    /// Builds the value; an error becomes the call's fail reply and the handler does not run.
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError>;

    /// The state this parameter needs, which the registry checks for when it is built.
    fn required_state() -> Option<StateKey> {
        None
    }
}

impl FromContext for AppInfo {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        cx.app_info
            .cloned()
            .ok_or_else(|| ApiError::new("missing context: this call carries no appInfo"))
    }
}

impl FromContext for MiniApiCall {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        cx.to_call()
    }
}

impl<T: FromContext> FromContext for Option<T> {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(T::from_context(cx).ok())
    }
}

/// The id of the web view that made the call (`webviewId`).
///
/// A call without one fails; take `Option<WebViewId>` to allow that (legacy-format calls never
/// carry one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WebViewId(pub i64);

impl FromContext for WebViewId {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        cx.web_view_id
            .map(WebViewId)
            .ok_or_else(|| ApiError::new("missing context: this call carries no webviewId"))
    }
}

/// The name the call was made under, for handlers that serve several names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ApiName(pub String);

impl FromContext for ApiName {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(ApiName(cx.api_name.to_owned()))
    }
}

impl Deref for ApiName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<T: 'static> FromContext for Progress<T> {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(Progress::new(cx.progress, cx.api_name, cx.state_event))
    }
}
