//! The full reader: every shape of call serde_json accepts, and a precise error for the rest.

mod fields;
mod long_name;

use std::borrow::Cow;

use serde::Deserialize;
use serde::de;
use serde_json::value::RawValue;

use crate::call::AppInfo;

use super::error::{CallErrorKind, check_agrees, check_name};
use super::{CallError, Reading, TextCaller, Wire, WireCall};
use crate::json::{raw_kind, strip_position};
use fields::{CowStr, KeepKeys, not_an_object, read_fields};
use long_name::{LONG_NAME_BYTES, long_name};

/// Reads `json` as `reading` says, or says exactly what is wrong with it. Out of line: the
/// fast readers take the calls that matter, and this one placed in `Flight::text` cost more.
#[cold]
#[inline(never)]
pub(super) fn read<'a>(json: &'a str, reading: Reading<'_>) -> Result<WireCall<'a>, CallError> {
    // Even a legacy call must be one JSON object; its keys are then the data's alone.
    // A legacy call's keys are its data's, as many as the data has; a unified call's are the
    // envelope's, and a mini program must not make the reader keep hundreds of thousands.
    if let Wire::Legacy(reported) = reading.wire {
        return read_legacy(json, reported);
    }
    let fields = read_fields(json, reading.max_keys, KeepKeys::Yes)?;
    let reported_name = reading.wire.reported_name();
    let api_name = match (fields.api_name, reported_name) {
        (None, None) => return Err(CallError::new(CallErrorKind::MissingApiName)),
        (None, Some(_)) => return Err(CallError::new(CallErrorKind::NamedWithoutApiName)),
        (Some(raw_name), reported) => api_name(raw_name.get(), reported)?,
    };
    let for_api = |error: CallError| error.for_api(&api_name);
    let web_view_id = match fields.web_view_id.filter(|raw| !is_null(raw)) {
        None => None,
        // The usual small integer, without a second parser over the slice.
        Some(raw) => match crate::json::parse_i64(raw.get()) {
            Some(id) => Some(id),
            // A number that is not an `i64` is none to serde either (parsing megabytes of
            // digits only to be told so would cost as many megabytes), and a value of another
            // kind (the text is valid JSON, not `null`) is refused by serde for its kind: the
            // same refusal, without serde's reader of an `i64`.
            None => {
                return Err(for_api(CallError::new(CallErrorKind::FieldType {
                    field: "webviewId",
                    expected: "an integer",
                    found: raw_kind(raw.get()),
                })));
            }
        },
    };
    let state_event = match fields.state_event.filter(|raw| !is_null(raw)) {
        None => None,
        Some(raw) => {
            let event = string_field(raw.get(), "stateEvent").map_err(for_api)?;
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
    // Raw until a handler asks for them: a call refused before that never builds them.
    let extra = fields.extra;
    check_sync(&extra).map_err(for_api)?;
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
        extra,
        method: None,
    })
}

/// The `api_name` whose JSON text is `raw` (a call's own, unparsed), checked against the name
/// the SDK reported: what both readers make of it, or the error that refuses the call.
pub(super) fn api_name<'a>(
    raw: &'a str,
    reported: Option<&str>,
) -> Result<Cow<'a, str>, CallError> {
    scanned_api_name(raw, reported, true)
}

/// [`api_name`], for a name whose scan said whether it may hold half of a surrogate pair (an
/// escape `\uD…`): when it cannot, a long name is not searched for one.
pub(super) fn scanned_api_name<'a>(
    raw: &'a str,
    reported: Option<&str>,
    surrogates: bool,
) -> Result<Cow<'a, str>, CallError> {
    let api_name = if raw.len() > LONG_NAME_BYTES {
        long_name(raw, reported, surrogates)?
    } else {
        let api_name = string_field(raw, "api_name")?;
        check_agrees(&api_name, reported)?;
        api_name
    };
    check_name(&api_name)?;
    Ok(api_name)
}

/// Refuses a mistyped `sync` among a call's other keys (`key`, value's JSON text).
///
/// `sync` is the mini program's (`wx.invokeNativePlugin({ sync: true })`) and the host acts on
/// it, so a mistyped one is refused like the SDK's own keys rather than read as either. It stays
/// among the other keys, where handlers and `MiniApiCall::extra` have always seen it.
pub(super) fn check_sync(extra: &[(Cow<'_, str>, &str)]) -> Result<(), CallError> {
    match extra.iter().find(|(key, _)| key == "sync") {
        Some((_, raw)) if !matches!(*raw, "true" | "false" | "null") => {
            Err(CallError::new(CallErrorKind::FieldType {
                field: "sync",
                expected: "a boolean",
                found: raw_kind(raw),
            }))
        }
        _ => Ok(()),
    }
}

/// A legacy call: its whole object is the data, and the name is the one the SDK reported.
///
/// The text is checked to be one JSON object first, which builds nothing; only then are its
/// keys read, to refuse one given twice (which of the two a handler would see depends on its
/// parser). So text that is not JSON costs a pass, however many keys come before its flaw.
fn read_legacy<'a>(json: &'a str, reported: &str) -> Result<WireCall<'a>, CallError> {
    not_an_object(json)?;
    if let Err(e) = serde_json::from_str::<de::IgnoredAny>(json) {
        return Err(CallError::of_json(&e));
    }
    let api_name = Cow::Owned(check_name(reported)?.to_owned());
    // The keys are the data's, as many as it has: no key limit, and none kept.
    read_fields(json, usize::MAX, KeepKeys::No)?;
    Ok(WireCall::legacy(json, api_name, true))
}

fn typed<'a, T: Deserialize<'a>>(
    raw: &'a str,
    field: &'static str,
    expected: &'static str,
) -> Result<T, CallError> {
    serde_json::from_str(raw).map_err(|error| {
        let found = raw_kind(raw);
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

/// A string field's value (its JSON text), borrowed from the input when it holds no escapes.
fn string_field<'a>(text: &'a str, field: &'static str) -> Result<Cow<'a, str>, CallError> {
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
    Ok(typed::<CowStr<'a>>(text, field, "a string")?.0)
}

fn is_null(raw: &RawValue) -> bool {
    raw.get() == "null"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::echo::bounded;

    /// What the reader made of a long name before: decoded whole by serde, then compared.
    fn whole(raw: &str, reported: Option<&str>) -> Result<String, CallError> {
        let name = string_field(raw, "api_name")?;
        check_agrees(&name, reported)?;
        Ok(bounded(&name).into_owned())
    }

    #[test]
    fn a_long_name_reads_as_the_whole_name_would() {
        let pad = "a".repeat(LONG_NAME_BYTES);
        let names = [
            pad.clone(),
            format!(r"\u0041{pad}"),
            format!(r"{pad}\ud83d\ude00é\n\t\\\/\u00e9"),
            format!(r"\ud83d\ude00{pad}"),
            format!(r"{pad}\ud800"),
            format!(r"{pad}\ud800x"),
            format!(r"{pad}\ud800\u0041"),
            format!(r"\udc00{pad}"),
            format!(r"{pad}\ud800\ud800"),
            format!(r"{}{pad}", "é".repeat(100)),
            format!(r"{pad}\\ud800"),
            format!(r"{pad}\\\ud800"),
            format!(r"{pad}\ud83d\ude00\ude00"),
            format!(r"{pad}\uDBFF\uDFFF{pad}\uD800\uDC00"),
            format!(r"{pad}\u0041\ud83d\u0041"),
            format!(r"{pad}\u00e9\uDc00"),
            format!(r"{pad}{}\ud800", r"\u0041".repeat(100)),
            format!(r"{pad}{}\udc00", r"\u0041".repeat(100)),
            format!(r"{pad}{}\ud83d\ude00", r"\u0041".repeat(100)),
        ];
        for name in &names {
            let text = format!("\"{name}\"");
            let raw: &RawValue = serde_json::from_str(&text).unwrap();
            let decoded: Option<String> = serde_json::from_str(&text).ok();
            let mut reported = vec![None, Some("other"), Some(pad.as_str())];
            if let Some(decoded) = &decoded {
                reported.push(Some(decoded.as_str()));
                let last = decoded.char_indices().last().map_or(0, |(at, _)| at);
                reported.push(Some(&decoded[..last]));
            }
            for reported in reported {
                let long = long_name(raw.get(), reported, true).map(Cow::into_owned);
                assert_eq!(
                    long,
                    whole(raw.get(), reported),
                    "{name:.80} against {reported:.80?}"
                );
            }
        }
    }
}
