//! The full reader: every shape of call serde_json accepts, and a precise error for the rest.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::call::AppInfo;

use super::error::{CallErrorKind, check_agrees, check_name};
use super::{CallError, Reading, TextCaller, Wire, WireCall};
use crate::json::{raw_kind, strip_position};

/// Reads `json` as `reading` says, or says exactly what is wrong with it.
pub(super) fn read<'a>(json: &'a str, reading: Reading<'_>) -> Result<WireCall<'a>, CallError> {
    // Even a legacy call must be one JSON object; its keys are then the data's alone.
    // A legacy call's keys are its data's, as many as the data has; a unified call's are the
    // envelope's, and a mini program must not make the reader keep hundreds of thousands.
    let max_keys = match reading.wire {
        Wire::Legacy(_) => usize::MAX,
        _ => reading.max_keys,
    };
    let fields = read_fields(json, max_keys)?;
    if let Wire::Legacy(reported) = reading.wire {
        return Ok(WireCall {
            api_name: Cow::Owned(check_name(reported)?.to_owned()),
            data: Some(json.trim()),
            data_checked: true,
            caller: TextCaller::default(),
            extra: Vec::new(),
        });
    }
    let reported_name = reading.wire.reported_name();
    let api_name = match (fields.api_name, reported_name) {
        (None, None) => return Err(CallError::new(CallErrorKind::MissingApiName)),
        (None, Some(_)) => return Err(CallError::new(CallErrorKind::NamedWithoutApiName)),
        (Some(raw_name), reported) => {
            let api_name = string_field(raw_name, "api_name")?;
            check_agrees(&api_name, reported)?;
            check_name(&api_name)?;
            api_name
        }
    };
    let for_api = |error: CallError| error.for_api(&api_name);
    let web_view_id = match fields.web_view_id.filter(|raw| !is_null(raw)) {
        None => None,
        // The usual small integer, without a second parser over the slice.
        Some(raw) => match raw.get().parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => Some(typed(raw, "webviewId", "an integer").map_err(for_api)?),
        },
    };
    let state_event = match fields.state_event.filter(|raw| !is_null(raw)) {
        None => None,
        Some(raw) => {
            let event = string_field(raw, "stateEvent").map_err(for_api)?;
            if event.contains('\0') {
                return Err(for_api(CallError::new(CallErrorKind::NulInStateEvent)));
            }
            Some(event)
        }
    };
    let app_info = match fields.app_info.filter(|raw| !is_null(raw)) {
        None => None,
        Some(_) if !reading.caller_from_text => {
            return Err(for_api(CallError::new(CallErrorKind::AppInfoInText)));
        }
        Some(raw) if raw.get().starts_with('{') => Some(
            serde_json::from_str::<Box<AppInfo>>(raw.get())
                .map_err(|e| for_api(CallError::new(CallErrorKind::AppInfo(strip_position(&e)))))?,
        ),
        Some(raw) => {
            return Err(for_api(CallError::new(CallErrorKind::FieldType {
                field: "appInfo",
                expected: "an object",
                found: raw_kind(raw.get()),
            })));
        }
    };
    // `sync` is the mini program's (`wx.invokeNativePlugin({ sync: true })`) and the host acts
    // on it, so a mistyped one is refused like the SDK's own keys rather than read as either.
    // It stays among the other keys, where handlers and `MiniApiCall::extra` have always seen it.
    if let Some((_, raw)) = fields.extra.iter().find(|(key, _)| key == "sync") {
        if !matches!(raw.get(), "true" | "false" | "null") {
            return Err(for_api(CallError::new(CallErrorKind::FieldType {
                field: "sync",
                expected: "a boolean",
                found: raw_kind(raw.get()),
            })));
        }
    }
    let caller = if reading.caller_from_text {
        TextCaller {
            web_view_id,
            state_event,
            app_info,
        }
    } else {
        TextCaller::default()
    };
    Ok(WireCall {
        api_name,
        data: fields.data.filter(|raw| !is_null(raw)).map(RawValue::get),
        data_checked: true,
        caller,
        // Raw until a handler asks for them: a call refused before that never builds them.
        extra: fields.extra,
    })
}

/// The top-level keys of a call object, each still unparsed.
#[derive(Default)]
struct Fields<'a> {
    api_name: Option<&'a RawValue>,
    data: Option<&'a RawValue>,
    web_view_id: Option<&'a RawValue>,
    state_event: Option<&'a RawValue>,
    app_info: Option<&'a RawValue>,
    extra: Vec<(Cow<'a, str>, &'a RawValue)>,
}

fn read_fields(json: &str, max_keys: usize) -> Result<Fields<'_>, CallError> {
    let trimmed = json.trim_start();
    if !trimmed.starts_with('{') {
        // Tell "not JSON at all" apart from "JSON, but not an object".
        return Err(match serde_json::from_str::<&RawValue>(json) {
            Ok(raw) => CallError::new(CallErrorKind::NotAnObject(raw_kind(raw.get()))),
            Err(e) => CallError::new(CallErrorKind::Syntax(e.to_string())),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let fields = FieldsSeed { max_keys }
        .deserialize(&mut deserializer)
        .and_then(|fields| deserializer.end().map(|()| fields));
    fields.map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let message = strip_position(&e);
            if let Some(key) = message.strip_prefix(DUPLICATE_KEY) {
                CallError::new(CallErrorKind::DuplicateKey(key.to_owned()))
            } else if message.starts_with(TOO_MANY_KEYS) {
                CallError::new(CallErrorKind::TooManyKeys(max_keys))
            } else {
                CallError::new(CallErrorKind::Syntax(e.to_string()))
            }
        }
        _ => CallError::new(CallErrorKind::Syntax(e.to_string())),
    })
}

const DUPLICATE_KEY: &str = "duplicate key ";
const TOO_MANY_KEYS: &str = "too many keys";

/// Reads a call object's top-level keys, refusing more than `max_keys` of them as soon as
/// there are.
struct FieldsSeed {
    max_keys: usize,
}

impl<'de> DeserializeSeed<'de> for FieldsSeed {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fields<'de>, D::Error> {
        struct FieldsVisitor {
            max_keys: usize,
        }

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a call object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Fields::default();
                let mut extra_keys = HashSet::new();
                let mut keys = 0_usize;
                while let Some(CowStr(key)) = map.next_key()? {
                    keys += 1;
                    if keys > self.max_keys {
                        return Err(de::Error::custom(TOO_MANY_KEYS));
                    }
                    let slot = match &*key {
                        "api_name" => &mut fields.api_name,
                        "data" => &mut fields.data,
                        "webviewId" => &mut fields.web_view_id,
                        "stateEvent" => &mut fields.state_event,
                        "appInfo" => &mut fields.app_info,
                        _ => {
                            // A set, not a scan of `extra`: a call may carry hundreds of
                            // thousands of keys within the size limit.
                            if !extra_keys.insert(key.clone()) {
                                return Err(de::Error::custom(format_args!(
                                    "{DUPLICATE_KEY}{key}"
                                )));
                            }
                            let value = map.next_value()?;
                            fields.extra.push((key, value));
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(de::Error::custom(format_args!("{DUPLICATE_KEY}{key}")));
                    }
                    *slot = Some(map.next_value()?);
                }
                Ok(fields)
            }
        }

        deserializer.deserialize_map(FieldsVisitor {
            max_keys: self.max_keys,
        })
    }
}

/// A string that borrows from the input when it holds no escapes.
struct CowStr<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CowStrVisitor;

        impl<'de> Visitor<'de> for CowStrVisitor {
            type Value = CowStr<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(Cow::Borrowed(s)))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(Cow::Owned(s.to_owned())))
            }

            fn visit_string<E: de::Error>(self, s: String) -> Result<CowStr<'de>, E> {
                Ok(CowStr(Cow::Owned(s)))
            }
        }

        deserializer.deserialize_str(CowStrVisitor)
    }
}

fn typed<'a, T: Deserialize<'a>>(
    raw: &'a RawValue,
    field: &'static str,
    expected: &'static str,
) -> Result<T, CallError> {
    serde_json::from_str(raw.get()).map_err(|error| {
        let found = raw_kind(raw.get());
        if found == expected {
            // The right kind of value, but not a valid one (a string with a lone surrogate, say).
            CallError::new(CallErrorKind::FieldValue {
                field,
                reason: strip_position(&error),
            })
        } else {
            CallError::new(CallErrorKind::FieldType {
                field,
                expected,
                found,
            })
        }
    })
}

/// A string field's value, borrowed from the input when it holds no escapes.
fn string_field<'a>(raw: &'a RawValue, field: &'static str) -> Result<Cow<'a, str>, CallError> {
    let text = raw.get();
    // A valid JSON string without a backslash is exactly the text between its quotes: no
    // second parser is needed for the common case.
    if let Some(inner) = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        if !inner.contains('\\') {
            return Ok(Cow::Borrowed(inner));
        }
    }
    Ok(typed::<CowStr<'a>>(raw, field, "a string")?.0)
}

fn is_null(raw: &RawValue) -> bool {
    raw.get() == "null"
}
