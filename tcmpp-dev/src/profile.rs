//! Dev callers: who the server says calls, chosen per call, as a host's SDK would say it.

use serde::Serialize;
use tcmpp_core::{AppInfo, Caller};

/// The `stateEvent` the dev server states for every call, as a host's SDK states one per call;
/// progress events carry it.
pub const DEV_STATE_EVENT: &str = "onTcmppDevProgress";

/// A caller the dev server can state for a call: the mini program's `appId` and version type,
/// and the web view, as the host's SDK would state them. Each call names one by
/// [`name`](Self::name), so access rules (`restricted` APIs, an [`AccessPolicy`]) can be tried
/// as each mini program.
///
/// The profile is chosen by the developer's request, never read from the call text: the server
/// states it beside the call as a host states the SDK's caller.
///
/// [`AccessPolicy`]: tcmpp_core::AccessPolicy
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_info: Option<AppInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    web_view_id: Option<i64>,
}

impl Profile {
    /// A profile called `name` with no `appId` yet; add one with [`app_id`](Self::app_id).
    pub fn new(name: impl Into<String>) -> Self {
        Profile {
            name: name.into(),
            app_info: None,
            web_view_id: None,
        }
    }

    /// A profile for which the host states no `AppInfo`: handlers that take `AppInfo` fail, as
    /// on a host whose SDK gave none.
    pub fn anonymous(name: impl Into<String>) -> Self {
        Self::new(name)
    }

    /// The mini program's `appId`.
    #[must_use]
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_info.get_or_insert_with(AppInfo::default).app_id = Some(app_id.into());
        self
    }

    /// The mini program's version type (`appVerType`), as the SDK numbers them.
    #[must_use]
    pub fn app_ver_type(mut self, ver_type: i64) -> Self {
        self.app_info
            .get_or_insert_with(AppInfo::default)
            .app_ver_type = Some(ver_type);
        self
    }

    /// The whole `AppInfo`, for fields beyond `appId` and `appVerType`.
    #[must_use]
    pub fn app_info(mut self, app_info: AppInfo) -> Self {
        self.app_info = Some(app_info);
        self
    }

    /// The web view the call comes from.
    #[must_use]
    pub fn web_view_id(mut self, id: i64) -> Self {
        self.web_view_id = Some(id);
        self
    }

    /// The profile's name, by which calls choose it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The profiles offered when none is configured: `dev` (`appId` `"wx_dev"`, web view 1) and
    /// `anonymous` (no `AppInfo`).
    pub fn defaults() -> Vec<Profile> {
        vec![
            Profile::new("dev").app_id("wx_dev").web_view_id(1),
            Profile::anonymous("anonymous"),
        ]
    }

    /// The caller the server states for a call made as this profile.
    pub(crate) fn caller(&self) -> Caller {
        let mut caller = Caller::new().with_state_event(DEV_STATE_EVENT);
        if let Some(app_info) = &self.app_info {
            caller = caller.with_app_info(app_info.clone());
        }
        if let Some(id) = self.web_view_id {
            caller = caller.with_web_view_id(id);
        }
        caller
    }
}
