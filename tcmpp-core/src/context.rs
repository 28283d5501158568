//! Context parameters: what a handler may ask for besides the call's data.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::call::{AppInfo, MiniApiCall, WireFormat};
use crate::data::DataSource;
use crate::error::ApiError;

/// Everything about a call except its data, as context parameters see it.
pub struct CallContext<'a> {
    pub(crate) api_name: &'a str,
    pub(crate) web_view_id: Option<i64>,
    pub(crate) state_event: Option<&'a str>,
    pub(crate) app_info: Option<&'a AppInfo>,
    pub(crate) extra: &'a Map<String, Value>,
    pub(crate) format: WireFormat,
    pub(crate) states: &'a StateMap,
    pub(crate) data: DataSource<'a>,
}

impl<'a> CallContext<'a> {
    /// The called API's name.
    pub fn api_name(&self) -> &'a str {
        self.api_name
    }

    /// The calling web view's id, when the SDK sent one.
    pub fn web_view_id(&self) -> Option<i64> {
        self.web_view_id
    }

    /// The SDK's event key for this call (`stateEvent`).
    pub fn state_event(&self) -> Option<&'a str> {
        self.state_event
    }

    /// The calling mini program, when the host knows it.
    pub fn app_info(&self) -> Option<&'a AppInfo> {
        self.app_info
    }

    /// The format the call arrived in.
    pub fn format(&self) -> WireFormat {
        self.format
    }

    /// The state of type `T` given to [`RegistryBuilder::state`](crate::RegistryBuilder::state).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.states.get::<T>()
    }

    /// A copy of the whole call, data included.
    pub fn to_call(&self) -> MiniApiCall {
        let mut call = MiniApiCall::new(self.api_name, Value::Null);
        call.data = self.data.to_value();
        call.web_view_id = self.web_view_id;
        call.state_event = self.state_event.map(str::to_owned);
        call.app_info = self.app_info.cloned();
        call.extra = self.extra.clone();
        call.format = self.format;
        call
    }
}

/// A type a handler can take as a context parameter.
///
/// Implement it for your own types and mark the parameter `#[context]`:
///
/// ```
/// use tcmpp_core::{mini_api, ApiError, CallContext, FromContext};
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
    label = "this parameter is marked `#[context]`",
    note = "context parameters are `AppInfo`, `WebViewId`, `ApiName`, `MiniApiCall`, `State<T>`, `Option` of those, or a type that implements `tcmpp_core::FromContext`",
    note = "to take this value from the call's `data` instead, remove `#[context]`"
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
        cx.app_info.cloned().ok_or_else(|| {
            ApiError::new("missing context: this call carries no appInfo (take `Option<AppInfo>` to allow that)")
        })
    }
}

impl FromContext for MiniApiCall {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(cx.to_call())
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
        cx.web_view_id.map(WebViewId).ok_or_else(|| {
            ApiError::new("missing context: this call carries no webviewId (take `Option<WebViewId>` to allow that)")
        })
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

/// Shared application state given to [`RegistryBuilder::state`](crate::RegistryBuilder::state).
///
/// The registry refuses to build when a handler takes a `State<T>` that was not provided, so a
/// missing state shows at start-up, never on a user's tap.
///
/// <!-- Its own doctest binary: merged doctests share one registry, and this handler needs a
/// state the others do not provide. -->
/// ```standalone_crate
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use tcmpp_core::{mini_api, Registry, State};
///
/// struct Counter(AtomicU64);
///
/// #[mini_api("count")]
/// async fn count(counter: State<Counter>) -> serde_json::Value {
///     serde_json::json!({ "count": counter.0.fetch_add(1, Ordering::Relaxed) + 1 })
/// }
///
/// let registry = Registry::builder().state(Counter(AtomicU64::new(0))).build().unwrap();
/// # assert!(registry.get("count").is_some());
/// ```
pub struct State<T: ?Sized>(Arc<T>);

impl<T: ?Sized> State<T> {
    /// The shared value.
    pub fn into_inner(self) -> Arc<T> {
        self.0
    }
}

impl<T: ?Sized> Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("State").field(&&*self.0).finish()
    }
}

impl<T: Send + Sync + 'static> FromContext for State<T> {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        // The registry checked at build time that every required state is there.
        cx.state::<T>().map(State).ok_or_else(|| {
            ApiError::new(format!(
                "missing context: no state of type `{}`",
                std::any::type_name::<T>()
            ))
        })
    }

    fn required_state() -> Option<StateKey> {
        Some(StateKey::of::<T>())
    }
}

/// Identifies a type of state: its [`TypeId`] and its name, for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StateKey {
    type_id: TypeId,
    type_name: &'static str,
}

impl StateKey {
    /// The key of `T`.
    pub fn of<T: ?Sized + 'static>() -> Self {
        StateKey {
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
        }
    }

    /// The type's name.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

/// The states a registry holds, by type.
#[derive(Default)]
pub(crate) struct StateMap {
    states: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl StateMap {
    /// Adds a state; returns `false` when one of that type was already there.
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: Arc<T>) -> bool {
        self.states.insert(TypeId::of::<T>(), value).is_none()
    }

    pub(crate) fn contains(&self, key: &StateKey) -> bool {
        self.states.contains_key(&key.type_id)
    }

    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.states
            .get(&TypeId::of::<T>())
            .cloned()
            .and_then(|state| state.downcast::<T>().ok())
    }
}
