//! One call of a custom API, as the host SDK hands it over.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::wire::{self, Expect};

/// Information about the mini program that made a call.
///
/// Mirrors the `AppInfo` of the TCMPP host SDKs. Every field is optional because SDK versions
/// differ in what they send; fields this crate does not know are kept in [`extra`](Self::extra)
/// rather than refused, since SDKs add fields over time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppInfo {
    /// The mini program's id (`appId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The version type (`appVerType`): release, development or preview build, as the SDK
    /// numbers them.
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

impl AppInfo {
    /// An `AppInfo` with just an `appId`.
    pub fn with_app_id(app_id: impl Into<String>) -> Self {
        AppInfo {
            app_id: Some(app_id.into()),
            ..AppInfo::default()
        }
    }
}

/// Which of the SDK's two parameter formats a call arrived in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireFormat {
    /// SDK 2.2.17 and later, and iOS always:
    /// `{"stateEvent":"requestCustomApi","api_name":"…","data":{…},"webviewId":4}`.
    #[default]
    Unified,
    /// Android SDK 2.2.16 and earlier: the parameter map *is* the data, and the API name
    /// arrives beside it.
    Legacy,
}

/// One call of a custom API.
///
/// Mirrors the Flutter SDK's `MiniApiCall`, with its `params` map taken apart: both wire formats
/// ([`WireFormat`]) parse to the same value.
///
/// ```
/// use tcmpp_core::MiniApiCall;
///
/// let unified = MiniApiCall::from_json(
///     r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"age":22},"webviewId":4}"#,
/// )?;
/// let legacy = MiniApiCall::from_legacy_json("myApiName", r#"{"age":22}"#)?;
/// assert_eq!(unified.api_name, legacy.api_name);
/// assert_eq!(unified.data, legacy.data);
/// assert_eq!(unified.web_view_id, Some(4));
/// # Ok::<_, tcmpp_core::CallError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MiniApiCall {
    /// The custom API's name (`api_name`).
    pub api_name: String,
    /// What the mini program passed as `data`; `None` when it sent none or `null`.
    pub data: Option<Value>,
    /// The id of the web view that made the call (`webviewId`), when the SDK sent one.
    pub web_view_id: Option<i64>,
    /// The SDK's event key for this call (`stateEvent`), used to route progress events.
    pub state_event: Option<String>,
    /// The calling mini program, when the host knows it (`appInfo`).
    pub app_info: Option<AppInfo>,
    /// Other top-level keys of a unified call, kept as sent.
    pub extra: Map<String, Value>,
    /// The format the call arrived in.
    pub format: WireFormat,
}

impl MiniApiCall {
    /// A call of `api_name` with `data`, as a host builds one by hand.
    pub fn new(api_name: impl Into<String>, data: Value) -> Self {
        MiniApiCall {
            api_name: api_name.into(),
            data: if data.is_null() { None } else { Some(data) },
            web_view_id: None,
            state_event: None,
            app_info: None,
            extra: Map::new(),
            format: WireFormat::Unified,
        }
    }

    /// Sets the calling mini program.
    #[must_use]
    pub fn with_app_info(mut self, app_info: AppInfo) -> Self {
        self.app_info = Some(app_info);
        self
    }

    /// Sets the web view id.
    #[must_use]
    pub fn with_web_view_id(mut self, web_view_id: i64) -> Self {
        self.web_view_id = Some(web_view_id);
        self
    }

    /// Parses a call in the unified format from JSON text.
    ///
    /// The object may also carry an `appInfo` object, for bridges that pass the caller along.
    pub fn from_json(json: &str) -> Result<Self, CallError> {
        wire::WireCall::parse(json, Expect::Unified)?.into_owned()
    }

    /// Parses a unified-format call whose API name the SDK reported beside it: the object's
    /// `api_name`, when it has one, must equal `api_name`.
    pub fn from_json_with_name(api_name: &str, json: &str) -> Result<Self, CallError> {
        wire::WireCall::parse(json, Expect::Named(api_name))?.into_owned()
    }

    /// Parses a call in the legacy Android format (SDK 2.2.16 and earlier): the whole object is
    /// the data, and the API name arrives beside it.
    ///
    /// The format is the host's to state, never guessed: in a legacy call every key is the mini
    /// program's, so reading `appInfo` or `webviewId` from it would let a mini program forge them.
    pub fn from_legacy_json(api_name: &str, json: &str) -> Result<Self, CallError> {
        wire::WireCall::parse(json, Expect::Legacy(api_name))?.into_owned()
    }

    /// Builds a call in the unified format from an already-parsed map, as an SDK bridge hands
    /// it over.
    pub fn from_map(params: Map<String, Value>) -> Result<Self, CallError> {
        Self::from_params(Expect::Unified, params)
    }

    /// [`from_map`](Self::from_map) for a map whose API name the SDK reported beside it; as in
    /// [`from_json_with_name`](Self::from_json_with_name).
    pub fn from_map_with_name(
        api_name: &str,
        params: Map<String, Value>,
    ) -> Result<Self, CallError> {
        Self::from_params(Expect::Named(api_name), params)
    }

    /// A legacy-format call from an already-parsed map: the map is the data; as in
    /// [`from_legacy_json`](Self::from_legacy_json).
    pub fn from_legacy_map(api_name: &str, params: Map<String, Value>) -> Result<Self, CallError> {
        Self::from_params(Expect::Legacy(api_name), params)
    }

    fn from_params(expect: Expect<'_>, mut params: Map<String, Value>) -> Result<Self, CallError> {
        if let Expect::Legacy(api_name) = expect {
            return Ok(MiniApiCall {
                format: WireFormat::Legacy,
                ..MiniApiCall::new(check_name(api_name)?, Value::Object(params))
            });
        }
        let reported_name = expect.reported_name();
        let api_name = match (params.remove("api_name"), reported_name) {
            (None, None) => return Err(CallError::new(CallErrorKind::MissingApiName)),
            (None, Some(reported)) => check_name(reported)?.to_owned(),
            (Some(Value::String(inner)), reported) => {
                check_agrees(&inner, reported)?;
                check_name(&inner)?;
                inner
            }
            (Some(other), _) => return Err(CallError::field_type("api_name", "a string", &other)),
        };
        let for_api = |error: CallError| error.for_api(&api_name);
        let data = params.remove("data").filter(|data| !data.is_null());
        let web_view_id = match params.remove("webviewId") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
            Some(other) => {
                return Err(for_api(CallError::field_type(
                    "webviewId",
                    "an integer",
                    &other,
                )));
            }
        };
        let state_event = match params.remove("stateEvent") {
            None | Some(Value::Null) => None,
            Some(Value::String(event)) => Some(event),
            Some(other) => {
                return Err(for_api(CallError::field_type(
                    "stateEvent",
                    "a string",
                    &other,
                )));
            }
        };
        let app_info = match params.remove("appInfo") {
            None | Some(Value::Null) => None,
            Some(info @ Value::Object(_)) => Some(
                serde_json::from_value(info)
                    .map_err(|e| for_api(CallError::new(CallErrorKind::AppInfo(e.to_string()))))?,
            ),
            Some(other) => {
                return Err(for_api(CallError::field_type(
                    "appInfo",
                    "an object",
                    &other,
                )));
            }
        };
        Ok(MiniApiCall {
            api_name,
            data,
            web_view_id,
            state_event,
            app_info,
            extra: params,
            format: WireFormat::Unified,
        })
    }

    /// The call as a unified-format JSON object, the inverse of [`from_map`](Self::from_map).
    pub fn to_map(&self) -> Map<String, Value> {
        let mut map = self.extra.clone();
        if let Some(event) = &self.state_event {
            map.insert("stateEvent".into(), Value::String(event.clone()));
        }
        map.insert("api_name".into(), Value::String(self.api_name.clone()));
        if let Some(data) = &self.data {
            map.insert("data".into(), data.clone());
        }
        if let Some(id) = self.web_view_id {
            map.insert("webviewId".into(), Value::from(id));
        }
        if let Some(info) = &self.app_info {
            map.insert(
                "appInfo".into(),
                serde_json::to_value(info).unwrap_or_default(),
            );
        }
        map
    }
}

/// Whether `name` can be a registered API name: a JavaScript identifier, as `#[mini_api]`
/// requires.
pub(crate) fn is_api_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

pub(crate) fn check_name(name: &str) -> Result<&str, CallError> {
    if name.is_empty() {
        Err(CallError::new(CallErrorKind::EmptyApiName))
    } else {
        Ok(name)
    }
}

pub(crate) fn check_agrees(inner: &str, reported: Option<&str>) -> Result<(), CallError> {
    match reported {
        Some(reported) if reported != inner => Err(CallError::new(CallErrorKind::NameMismatch {
            inner: inner.to_owned(),
            reported: reported.to_owned(),
        })),
        _ => Ok(()),
    }
}

/// Why a call could not be read.
///
/// Dispatching turns it into a fail reply of kind [`FailureKind::InvalidCall`](crate::FailureKind).
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
    EmptyApiName,
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

    /// The API name the broken call was for, when it could be read.
    pub(crate) fn api_name(&self) -> Option<&str> {
        self.api_name.as_deref()
    }

    pub(crate) fn field_type(field: &'static str, expected: &'static str, found: &Value) -> Self {
        CallError::new(CallErrorKind::FieldType {
            field,
            expected,
            found: json_kind(found),
        })
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid call: ")?;
        match &self.kind {
            CallErrorKind::Syntax(e) => write!(f, "not valid JSON: {e}"),
            CallErrorKind::NotAnObject(found) => write!(f, "expected a JSON object, found {found}"),
            CallErrorKind::MissingApiName => f.write_str("missing `api_name`"),
            CallErrorKind::EmptyApiName => f.write_str("`api_name` is empty"),
            CallErrorKind::NameMismatch { inner, reported } => {
                write!(
                    f,
                    "`api_name` is \"{inner}\" but the SDK reported \"{reported}\""
                )
            }
            CallErrorKind::FieldType {
                field,
                expected,
                found,
            } => {
                write!(f, "`{field}` must be {expected}, found {found}")
            }
            CallErrorKind::FieldValue { field, reason } => write!(f, "`{field}`: {reason}"),
            CallErrorKind::Unrepresentable { field, reason } => write!(f, "`{field}`: {reason}"),
            CallErrorKind::DuplicateKey(key) => write!(f, "duplicate key `{key}`"),
            CallErrorKind::AppInfo(e) => write!(f, "`appInfo`: {e}"),
        }
    }
}

impl std::error::Error for CallError {}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
