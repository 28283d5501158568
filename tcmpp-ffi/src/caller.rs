//! Who calls, as the host states it beside the call: `caller_json`, read into a
//! [`tcmpp_core::Caller`].

use serde::de::{Deserializer, IgnoredAny, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};
use serde_json::de::StrRead;
use tcmpp_core::{AppInfo, Caller};

mod path;

use path::path_of;

/// The longest reason an invalid `caller_json` is refused with, in bytes: the host's text may
/// carry long values (an app's description), and a reply echoes it only so far.
const MAX_REASON_BYTES: usize = 200;

/// `caller_json` as the host writes it: every key optional, no other key allowed, so that a
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

/// The caller of one call: what `caller_json` states (`None`: nothing), read from the call text
/// as well when the host says the text is its SDK's own (`from_call_text`). The error is the
/// reason of the call's fail reply.
pub(crate) fn read(caller_json: Option<&str>, from_call_text: bool) -> Result<Caller, String> {
    let mut caller = if from_call_text {
        Caller::trust_call_text()
    } else {
        Caller::new()
    };
    let Some(json) = caller_json else {
        return Ok(caller);
    };
    // A struct also deserializes from an array: only an object is a caller.
    if !json.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<IgnoredAny>(json) {
            Err(error) => reason(".", &error),
            Ok(_) => format!(
                "invalid caller: expected a JSON object, found {}",
                json_kind(json.trim_start())
            ),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_str(json);
    // Read without tracking where it is: a refusal finds its path again, from the text.
    let stated = StatedCaller::deserialize(AsMap(&mut deserializer))
        .map_err(|error| reason(&path_of(json, &error), &error))?;
    // Nothing may follow the object.
    deserializer.end().map_err(|error| reason(".", &error))?;
    if let Some(app_info) = stated.app_info {
        caller = caller.with_app_info(app_info);
    }
    if let Some(web_view_id) = stated.web_view_id {
        caller = caller.with_web_view_id(web_view_id);
    }
    if let Some(state_event) = stated.state_event {
        caller = caller.with_state_event(state_event);
    }
    Ok(caller)
}

/// serde_json's reader, but a struct read as a map only: `caller_json` is an object (checked
/// first), so the derived reader's array case, which serde_json's `deserialize_struct` would
/// build too, is not built. For an object, serde_json reads a struct and a map alike, errors
/// included.
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

/// Why `caller_json` is refused: what is wrong, and where (`path`, `.` for the whole), cut at a
/// character boundary to at most [`MAX_REASON_BYTES`] bytes.
fn reason(path: &str, error: &serde_json::Error) -> String {
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
    reason
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
    fn nothing_stated_is_nobody() {
        let caller = read(None, false).unwrap();
        assert_eq!(caller, Caller::new());
        assert!(read(None, true).unwrap().trusts_call_text());
    }

    #[test]
    fn every_key_is_read() {
        let caller = read(
            Some(r#"{"appInfo":{"appId":"wx_a","appVerType":1,"x":2},"webviewId":4,"stateEvent":"ev"}"#),
            false,
        )
        .unwrap();
        assert_eq!(app_id(&caller), Some("wx_a"));
        assert_eq!(caller.app_info().unwrap().app_ver_type, Some(1));
        assert_eq!(caller.app_info().unwrap().extra["x"], 2);
        assert_eq!(caller.web_view_id(), Some(4));
        assert_eq!(caller.state_event(), Some("ev"));
        assert!(!caller.trusts_call_text());
        let caller = read(Some(r#"{"appInfo":null} "#), true).unwrap();
        assert_eq!(caller, Caller::trust_call_text());
    }

    #[test]
    fn what_is_wrong_is_said() {
        let reason = |json: &str| read(Some(json), false).unwrap_err();
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
