//! A [`Caller`] as a host states it in JSON: `{"appInfo":{…},"webviewId":4,"stateEvent":"…"}`,
//! the `caller_json` of the C ABI and the Android bridge.
//!
//! Read here, not in each bridge: a crate that reads JSON with `serde_json` builds its own copy
//! of the parser (its number parsing alone is 15 KB of a default release build), so the bridges
//! read callers through this crate's.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};
use serde_json::de::StrRead;

use super::{AppInfo, Caller};

mod path;

use path::path_of;

/// The longest reason an invalid caller is refused with, in bytes: the host's text may carry
/// long values (an app's description), and a reply echoes the reason only so far.
const MAX_REASON_BYTES: usize = 200;

/// A caller's JSON as the host writes it: every key optional, no other key allowed, so that a
/// misspelt key is an error rather than a caller silently left unknown.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatedCaller {
    #[serde(default, rename = "appInfo")]
    app_info: Option<AppInfo>,
    #[serde(default, rename = "webviewId")]
    web_view_id: Option<i64>,
    #[serde(default, rename = "stateEvent")]
    state_event: Option<String>,
}

/// Why a caller's JSON was refused by [`Caller::with_json`]: what is wrong and where, as the
/// reason a fail reply carries (``invalid caller: `appInfo.appId`: invalid type: …``), cut to
/// 200 bytes and `…` when longer. A key of the host's JSON is quoted as it is, so a key with a
/// newline in it puts one in the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidCaller {
    reason: String,
}

impl fmt::Display for InvalidCaller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for InvalidCaller {}

impl Caller {
    /// Sets what a JSON object states of the caller, and keeps what it leaves out: `appInfo`
    /// (an [`AppInfo`]), `webviewId` (an integer) and `stateEvent` (a string), each optional. A
    /// key that is `null` is left out too: it keeps what was set, rather than clearing it. Any
    /// other key is refused, so that a misspelt key is an error rather than a caller silently
    /// left unknown.
    ///
    /// This is the form the C ABI's `caller_json` and the Android bridge's caller take. The
    /// JSON is the host's, read from its SDK: never a mini program's text (see [`Caller`]).
    ///
    /// ```
    /// use tcmpp_core::Caller;
    ///
    /// let caller = Caller::new().with_json(r#"{"appInfo":{"appId":"wx_wallet"},"webviewId":4}"#)?;
    /// assert_eq!(caller.app_info().and_then(|app| app.app_id.as_deref()), Some("wx_wallet"));
    /// assert_eq!(caller.web_view_id(), Some(4));
    ///
    /// let refused = Caller::new().with_json(r#"{"webViewId":4}"#).unwrap_err();
    /// assert!(refused.to_string().starts_with("invalid caller: unknown field `webViewId`"));
    /// # Ok::<_, tcmpp_core::call::InvalidCaller>(())
    /// ```
    pub fn with_json(mut self, json: &str) -> Result<Self, InvalidCaller> {
        // A struct also deserializes from an array: only an object is a caller.
        if !json.trim_start().starts_with('{') {
            return Err(match serde_json::from_str::<IgnoredAny>(json) {
                Err(error) => refusal(".", &error),
                Ok(_) => InvalidCaller {
                    reason: format!(
                        "invalid caller: expected a JSON object, found {}",
                        json_kind(json.trim_start())
                    ),
                },
            });
        }
        let mut deserializer = serde_json::Deserializer::from_str(json);
        // Read without tracking where it is: a refusal finds its path again, from the text.
        let stated = StatedCaller::deserialize(AsMap(&mut deserializer))
            .map_err(|error| refusal(&path_of(json, &error), &error))?;
        // Nothing may follow the object.
        deserializer.end().map_err(|error| refusal(".", &error))?;
        if let Some(app_info) = stated.app_info {
            self.app_info = Some(app_info);
        }
        if let Some(web_view_id) = stated.web_view_id {
            self.web_view_id = Some(web_view_id);
        }
        if let Some(state_event) = stated.state_event {
            self.state_event = Some(state_event);
        }
        Ok(self)
    }
}

/// serde_json's reader, but a struct read as a map only: the caller's JSON is an object
/// (checked first), so the derived reader's array case, which serde_json's `deserialize_struct`
/// would build too, is not built. For an object, serde_json reads a struct and a map alike,
/// errors included.
struct AsMap<'r, 'de>(&'r mut serde_json::Deserializer<StrRead<'de>>);

impl<'de> Deserializer<'de> for AsMap<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(visitor)
    }

    // Not asked for by a struct's reader.
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The refusal of a caller's JSON: what is wrong, and where (`path`, `.` for the whole), cut at
/// a character boundary to at most [`MAX_REASON_BYTES`] bytes.
fn refusal(path: &str, error: &serde_json::Error) -> InvalidCaller {
    let mut reason = match path {
        // `?`: between two keys of the object, where no key names the place.
        "." | "?" => format!("invalid caller: {error}"),
        path => format!("invalid caller: `{path}`: {error}"),
    };
    if reason.len() > MAX_REASON_BYTES {
        let mut end = MAX_REASON_BYTES;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
        reason.push('…');
    }
    InvalidCaller { reason }
}

/// What kind of JSON value `json`, valid JSON that is not an object, is.
fn json_kind(json: &str) -> &'static str {
    match json.as_bytes().first() {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_id(caller: &Caller) -> Option<&str> {
        caller.app_info().and_then(|app| app.app_id.as_deref())
    }

    #[test]
    fn every_key_is_read() {
        let caller = Caller::new()
            .with_json(r#"{"appInfo":{"appId":"wx_a","appVerType":1,"x":2},"webviewId":4,"stateEvent":"ev"}"#)
            .unwrap();
        assert_eq!(app_id(&caller), Some("wx_a"));
        assert_eq!(caller.app_info().unwrap().app_ver_type, Some(1));
        assert_eq!(caller.app_info().unwrap().extra["x"], 2);
        assert_eq!(caller.web_view_id(), Some(4));
        assert_eq!(caller.state_event(), Some("ev"));
        assert!(!caller.trusts_call_text());
        let caller = Caller::trust_call_text()
            .with_json(r#"{"appInfo":null} "#)
            .unwrap();
        assert_eq!(caller, Caller::trust_call_text());
    }

    #[test]
    fn null_keeps_what_was_set() {
        let before = Caller::new().with_web_view_id(3).with_state_event("kept");
        let after = before
            .clone()
            .with_json(r#"{"appInfo":null,"webviewId":null,"stateEvent":null}"#)
            .unwrap();
        assert_eq!(after, before);
    }

    #[test]
    fn what_the_json_leaves_out_is_kept() {
        let before = Caller::trust_call_text()
            .with_app_info(AppInfo::with_app_id("wx_kept"))
            .with_web_view_id(1)
            .with_state_event("kept");
        assert_eq!(before.clone().with_json("{}").unwrap(), before);
        let after = before.with_json(r#"{"webviewId":2}"#).unwrap();
        assert_eq!(app_id(&after), Some("wx_kept"));
        assert_eq!(after.web_view_id(), Some(2));
        assert_eq!(after.state_event(), Some("kept"));
        assert!(after.trusts_call_text());
    }

    #[test]
    fn what_is_wrong_is_said() {
        let reason = |json: &str| Caller::new().with_json(json).unwrap_err().to_string();
        assert_eq!(
            reason("nope"),
            "invalid caller: expected ident at line 1 column 2"
        );
        assert_eq!(
            reason(""),
            "invalid caller: EOF while parsing a value at line 1 column 0"
        );
        assert!(reason("{} {}").starts_with("invalid caller: trailing characters"));
        assert!(reason("{").starts_with("invalid caller: EOF while parsing an object"));
        assert_eq!(
            reason("[]"),
            "invalid caller: expected a JSON object, found an array"
        );
        assert_eq!(
            reason(" null"),
            "invalid caller: expected a JSON object, found null"
        );
        assert_eq!(
            reason("4"),
            "invalid caller: expected a JSON object, found a number"
        );
        assert!(
            reason(r#"{"webviewId":"4"}"#)
                .starts_with("invalid caller: `webviewId`: invalid type: string \"4\"")
        );
        assert!(
            reason(r#"{"appInfo":{"appId":5}}"#)
                .starts_with("invalid caller: `appInfo.appId`: invalid type: integer `5`")
        );
        assert!(
            reason(r#"{"webViewId":4}"#).starts_with("invalid caller: unknown field `webViewId`, expected one of `appInfo`, `webviewId`, `stateEvent`")
        );
        assert!(reason(r#"{"stateEvent":"a","stateEvent":"b"}"#).contains("duplicate field"));
        let long = format!(r#"{{"webviewId":"{}"}}"#, "é".repeat(500));
        assert!(reason(&long).len() <= MAX_REASON_BYTES + '…'.len_utf8());
    }
}
