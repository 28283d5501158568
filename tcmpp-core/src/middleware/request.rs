//! One call on its way through the layers to its handler.

use std::fmt;

use crate::call::AppInfo;
use crate::context::{CallContext, Extensions};
use crate::handler::{ApiEntry, ApiInfo, Invocation};

/// One call to a registered API, by a caller the access policy admits, on its way through the
/// registry's layers to its handler.
///
/// Who calls is what the host stated ([`Caller`](crate::Caller)), never what the call text
/// says. The call's data is not decoded yet: the handler decodes it, straight from the call's
/// text, after the last layer; a layer that refuses the call saves that work.
///
/// Borrowed from the call for as long as [`ApiService::call`](super::ApiService::call) runs:
/// hand it to the inner service before `call` returns, or drop it.
pub struct ApiRequest<'a> {
    api: ApiInfo,
    pub(super) entry: &'static ApiEntry,
    pub(super) invocation: Invocation<'a>,
    pub(super) extensions: Extensions,
}

impl<'a> ApiRequest<'a> {
    pub(crate) fn new(entry: &'static ApiEntry, invocation: Invocation<'a>) -> Self {
        ApiRequest {
            api: ApiInfo::of(entry),
            entry,
            invocation,
            extensions: Extensions::default(),
        }
    }

    /// The API called: its name, the method of a multiplexed API (resolved from the data before
    /// any layer runs) and its key, whether it is `async`, `restricted`, its own timeout, and
    /// where its handler is defined.
    pub fn api(&self) -> &ApiInfo {
        &self.api
    }

    /// The calling mini program, as the host stated it; `None` when it stated none.
    pub fn app_info(&self) -> Option<&'a AppInfo> {
        self.invocation.cx.app_info()
    }

    /// The `appId` of the calling mini program, as the host stated it.
    pub fn app_id(&self) -> Option<&'a str> {
        self.app_info().and_then(|app| app.app_id.as_deref())
    }

    /// The calling web view's id, when the host stated one.
    pub fn web_view_id(&self) -> Option<i64> {
        self.invocation.cx.web_view_id()
    }

    /// Everything else about the call except its data, as context parameters see it: the
    /// registry's [`state`](CallContext::state), the `stateEvent`.
    pub fn context(&self) -> &CallContext<'a> {
        &self.invocation.cx
    }

    /// Hands `value` to the handler, which takes it as an
    /// [`Extension<T>`](crate::Extension) parameter, and to the layers inside this one. One
    /// value per type: returns the one it replaces.
    pub fn insert_extension<T: Clone + Send + Sync + 'static>(&mut self, value: T) -> Option<T> {
        self.extensions.insert(value)
    }

    /// The value of type `T` an outer layer inserted, if any.
    pub fn extension<T: 'static>(&self) -> Option<&T> {
        self.extensions.get::<T>()
    }

    /// Takes the value of type `T` an outer layer inserted, if any, so that the handler does not
    /// see it.
    pub fn remove_extension<T: 'static>(&mut self) -> Option<T> {
        self.extensions.remove::<T>()
    }
}

impl fmt::Debug for ApiRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Nothing the mini program sent: the API is the program's, the caller the host's.
        f.debug_struct("ApiRequest")
            .field("api", &self.api.name)
            .field("app_id", &self.app_id())
            .field("web_view_id", &self.web_view_id())
            .field("extensions", &self.extensions.len())
            .finish()
    }
}
