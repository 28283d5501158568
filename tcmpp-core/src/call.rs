//! One call of a custom API and who makes it, kept apart: what the mini program sent
//! ([`MiniApiCall`]), and who the host says sent it ([`Caller`], with its [`AppInfo`]), with why
//! a caller's JSON is refused ([`InvalidCaller`]). Plain types; the format of a call's text is
//! the crate root's [`Wire`](crate::Wire).

mod sent;
mod stated;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use sent::SentAppInfo;
pub use stated::InvalidCaller;

/// Information about the mini program that made a call.
///
/// Mirrors the `AppInfo` of the TCMPP host SDKs. Every field is optional because SDK versions
/// differ in what they send; fields this crate does not know are kept in [`extra`](Self::extra)
/// rather than refused, since SDKs add fields over time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "SentAppInfo")]
#[non_exhaustive]
pub struct AppInfo {
    /// The mini program's id (`appId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The version type (`appVerType`): release, development or preview build, as the SDK
    /// numbers them. Read from a number or from a string of one (`"0"`), as SDKs send both.
    ///
    /// Any other value is not an error when the `AppInfo` is read: it is kept in
    /// [`extra`](Self::extra) under `appVerType`, as sent, and this field is `None`. Only a call
    /// whose access check needs the version type (a [`Grant`](crate::access::Grant) that names version
    /// types, for this caller and API) fails then, with
    /// ``"invalid caller: `appInfo.appVerType` must be an integer, or a string of one, …"``.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_ver_type: Option<i64>,
    /// The mini program's version string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The SDK's timestamp for this mini program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
    /// The mini program's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The mini program's icon (`iconUrl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// The mini program's short description (`appIntro`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_intro: Option<String>,
    /// The developer's name (`appDeveloper`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_developer: Option<String>,
    /// The mini program's category (`appCategory`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_category: Option<String>,
    /// Fields this crate does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The key of [`AppInfo::app_ver_type`].
const APP_VER_TYPE: &str = "appVerType";

/// A version type no number could be read from, which access control needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnreadableVerType;

impl AppInfo {
    /// The version type, as access control reads it: [`app_ver_type`](Self::app_ver_type), or
    /// else what `extra` holds under `appVerType` (a host may have put it there); `Err` when
    /// that is neither a number nor a string of one.
    pub(crate) fn ver_type(&self) -> Result<Option<i64>, UnreadableVerType> {
        if let Some(ver_type) = self.app_ver_type {
            return Ok(Some(ver_type));
        }
        match self.extra.get(APP_VER_TYPE) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => ver_type_of(value).map(Some).ok_or(UnreadableVerType),
        }
    }

    /// An `AppInfo` with just an `appId`.
    pub fn with_app_id(app_id: impl Into<String>) -> Self {
        AppInfo {
            app_id: Some(app_id.into()),
            ..AppInfo::default()
        }
    }
}

/// One call of a custom API: what the mini program sent, as a host holds it once it is read.
///
/// Mirrors the Flutter SDK's `MiniApiCall` with its `params` map taken apart, less who calls:
/// everything here is the mini program's input. Who calls is the host's to state, beside the
/// call, with [`Caller`]. Build one by hand with [`new`](Self::new), or read one from the SDK's
/// JSON text with [`from_json`](Self::from_json) (or a map, [`from_map`](Self::from_map)):
/// reading drops the caller's keys (`webviewId`, `stateEvent`) and refuses `appInfo`. Dispatch
/// it with
/// [`Registry::call`](crate::Registry::call).
///
/// ```
/// use tcmpp_core::{MiniApiCall, Wire};
///
/// let call = MiniApiCall::from_json(
///     r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"age":22},"webviewId":4}"#,
///     Wire::Unified,
/// )?;
/// let legacy = MiniApiCall::from_json(r#"{"age":22}"#, Wire::Legacy("myApiName"))?;
/// assert_eq!(call, legacy);
/// # Ok::<_, tcmpp_core::CallError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MiniApiCall {
    /// The custom API's name (`api_name`).
    pub api_name: String,
    /// What the mini program passed as `data`; `None` when it sent none or `null`.
    pub data: Option<Value>,
    /// Other top-level keys of a unified call, kept as the mini program sent them: input to
    /// validate, never identity.
    pub extra: Map<String, Value>,
}

impl MiniApiCall {
    /// A call of `api_name` with `data`, as a host builds one by hand.
    pub fn new(api_name: impl Into<String>, data: Value) -> Self {
        MiniApiCall {
            api_name: api_name.into(),
            data: if data.is_null() { None } else { Some(data) },
            extra: Map::new(),
        }
    }

    /// The call as a unified-format JSON object: `api_name`, `data` and the other keys. What
    /// [`from_map`](Self::from_map) reads back into the same call, for a call that was read
    /// (whose other keys are none of the caller's and not `api_name` or `data`).
    pub fn to_map(&self) -> Map<String, Value> {
        let mut map = self.extra.clone();
        map.insert("api_name".into(), Value::String(self.api_name.clone()));
        if let Some(data) = &self.data {
            map.insert("data".into(), data.clone());
        }
        map
    }
}

/// Who makes a call, as the host's SDK knows it: the mini program ([`AppInfo`]), the web view,
/// and the `stateEvent` its progress events are routed by.
///
/// The mini program is untrusted: on Android the call text (`req.jsonParams`) is its own
/// `opts` object, so any key in it, `appInfo` included, is whatever the mini program wrote.
/// Access control, progress routing and the context extractors therefore read the caller from
/// this value, which the host fills from its SDK (Android `mMiniAppContext.getMiniAppInfo()`, iOS
/// `context.tmfAppInfo`, Flutter `call.appInfo`), never from the text:
///
/// - an `appInfo` key in call text is refused (`invalid call: …`): no SDK writes one, so it is
///   a forgery or a host still on the old API;
/// - `webviewId` and `stateEvent` keys, which the SDKs do write, are checked for their type and
///   otherwise ignored.
///
/// Where the host knows the text is its own SDK's rendering and no mini program could have
/// shaped it, [`Caller::trust_call_text`] reads the caller from it instead. A host that holds
/// the caller as JSON (`{"appInfo":{…},"webviewId":4}`, the C ABI's `caller_json`) reads it
/// with [`Caller::with_json`].
///
/// ```
/// use tcmpp_core::{AppInfo, Caller};
///
/// let caller = Caller::new()
///     .with_app_info(AppInfo::with_app_id("wx_wallet"))
///     .with_web_view_id(4)
///     .with_state_event("onPayProgress");
/// assert_eq!(caller.app_info().and_then(|app| app.app_id.as_deref()), Some("wx_wallet"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Caller {
    pub(crate) app_info: Option<AppInfo>,
    pub(crate) web_view_id: Option<i64>,
    pub(crate) state_event: Option<String>,
    pub(crate) from_call_text: bool,
}

impl Caller {
    /// A caller the host knows nothing about: no `AppInfo`, no web view, no `stateEvent`.
    pub const fn new() -> Self {
        Caller {
            app_info: None,
            web_view_id: None,
            state_event: None,
            from_call_text: false,
        }
    }

    /// A caller that believes the caller keys in the call text (`appInfo`, `webviewId`,
    /// `stateEvent`): for a host whose call text is its own SDK's rendering and cannot have been
    /// shaped by the mini program. Values set with the `with_*` methods take precedence over
    /// the text's. Without it, an `appInfo` key in the text is refused, and the other two are
    /// checked and ignored.
    ///
    /// Never use it for Android's `req.jsonParams`, which is the mini program's own object.
    pub fn trust_call_text() -> Self {
        Caller {
            from_call_text: true,
            ..Caller::new()
        }
    }

    /// Sets the calling mini program.
    #[must_use]
    pub fn with_app_info(mut self, app_info: AppInfo) -> Self {
        self.app_info = Some(app_info);
        self
    }

    /// Sets the calling web view's id.
    #[must_use]
    pub fn with_web_view_id(mut self, web_view_id: i64) -> Self {
        self.web_view_id = Some(web_view_id);
        self
    }

    /// Sets the `stateEvent` the call's progress events are routed by.
    #[must_use]
    pub fn with_state_event(mut self, state_event: impl Into<String>) -> Self {
        self.state_event = Some(state_event.into());
        self
    }

    /// The calling mini program, when the host stated it.
    pub fn app_info(&self) -> Option<&AppInfo> {
        self.app_info.as_ref()
    }

    /// The calling web view's id, when the host stated it.
    pub fn web_view_id(&self) -> Option<i64> {
        self.web_view_id
    }

    /// The call's `stateEvent`, when the host stated it.
    pub fn state_event(&self) -> Option<&str> {
        self.state_event.as_deref()
    }

    /// Whether the caller is read from the call text ([`Caller::trust_call_text`]).
    pub fn trusts_call_text(&self) -> bool {
        self.from_call_text
    }
}

/// A version type sent as a number or as a string of one: SDKs send `appVerType` both ways.
fn ver_type_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => crate::json::parse_i64(text.trim()),
        _ => None,
    }
}
