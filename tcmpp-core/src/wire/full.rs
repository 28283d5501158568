//! The full reader: every shape of call serde_json accepts, and a precise error for the rest.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::call::AppInfo;
use crate::echo::{MAX_ECHO_CHARS, bounded};

use super::error::{CallErrorKind, check_agrees, check_name};
use super::{CallError, Reading, TextCaller, Wire, WireCall};
use crate::json::{raw_kind, strip_position};

/// Reads `json` as `reading` says, or says exactly what is wrong with it.
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
        Some(raw) => match raw.get().parse::<i64>() {
            Ok(id) => Some(id),
            // A number that is not an `i64` is none to serde either; parsing megabytes of
            // digits only to be told so would cost as many megabytes.
            Err(_) if raw_kind(raw.get()) == "a number" => {
                return Err(for_api(CallError::new(CallErrorKind::FieldType {
                    field: "webviewId",
                    expected: "an integer",
                    found: "a number",
                })));
            }
            Err(_) => Some(typed(raw.get(), "webviewId", "an integer").map_err(for_api)?),
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
    check_sync(fields.extra.iter().map(|(key, raw)| (&**key, raw.get()))).map_err(for_api)?;
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
        extra: fields
            .extra
            .into_iter()
            .map(|(key, raw)| (key, raw.get()))
            .collect(),
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
pub(super) fn check_sync<'k>(
    mut extra: impl Iterator<Item = (&'k str, &'k str)>,
) -> Result<(), CallError> {
    match extra.find(|(key, _)| *key == "sync") {
        Some((_, raw)) if !matches!(raw, "true" | "false" | "null") => {
            Err(CallError::new(CallErrorKind::FieldType {
                field: "sync",
                expected: "a boolean",
                found: raw_kind(raw),
            }))
        }
        _ => Ok(()),
    }
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

/// A legacy call: its whole object is the data, and the name is the one the SDK reported.
///
/// The text is checked to be one JSON object first, which builds nothing; only then are its
/// keys read, to refuse one given twice (which of the two a handler would see depends on its
/// parser). So text that is not JSON costs a pass, however many keys come before its flaw.
fn read_legacy<'a>(json: &'a str, reported: &str) -> Result<WireCall<'a>, CallError> {
    not_an_object(json)?;
    if let Err(e) = serde_json::from_str::<de::IgnoredAny>(json) {
        return Err(CallError::new(CallErrorKind::Syntax(e.to_string())));
    }
    let api_name = Cow::Owned(check_name(reported)?.to_owned());
    // The keys are the data's, as many as it has: no key limit, and none kept.
    read_fields(json, usize::MAX, KeepKeys::No)?;
    Ok(WireCall::legacy(json, api_name, true))
}

/// Refuses text that is not a JSON object, telling "not JSON at all" apart from "JSON, but not
/// an object". Builds nothing.
fn not_an_object(json: &str) -> Result<(), CallError> {
    if json.trim_start().starts_with('{') {
        return Ok(());
    }
    Err(match serde_json::from_str::<&RawValue>(json) {
        Ok(raw) => CallError::new(CallErrorKind::NotAnObject(raw_kind(raw.get()))),
        Err(e) => CallError::new(CallErrorKind::Syntax(e.to_string())),
    })
}

/// Whether [`read_fields`] keeps the keys other than the envelope's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeepKeys {
    Yes,
    /// Only checked for duplicates: a legacy call's keys are its data's, read by the handler.
    No,
}

fn read_fields(json: &str, max_keys: usize, keep: KeepKeys) -> Result<Fields<'_>, CallError> {
    not_an_object(json)?;
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let fields = FieldsSeed { max_keys, keep }
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
    keep: KeepKeys,
}

impl<'de> DeserializeSeed<'de> for FieldsSeed {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fields<'de>, D::Error> {
        struct FieldsVisitor {
            max_keys: usize,
            keep: KeepKeys,
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
                        _ if self.keep == KeepKeys::No => {
                            if !extra_keys.insert(key.clone()) {
                                return Err(duplicate_key(&key));
                            }
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                        "api_name" => &mut fields.api_name,
                        "data" => &mut fields.data,
                        "webviewId" => &mut fields.web_view_id,
                        "stateEvent" => &mut fields.state_event,
                        "appInfo" => &mut fields.app_info,
                        _ => {
                            // Within the default key limit, a scan of the keys so far: no key
                            // is hashed, so a key of megabytes costs a comparison of lengths.
                            // A set beyond it, where a registry allows thousands of keys.
                            let repeated = if self.max_keys <= SCANNED_KEYS {
                                fields.extra.iter().any(|(seen, _)| *seen == key)
                            } else {
                                !extra_keys.insert(key.clone())
                            };
                            if repeated {
                                return Err(duplicate_key(&key));
                            }
                            let value = map.next_value()?;
                            fields.extra.push((key, value));
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(duplicate_key(&key));
                    }
                    *slot = Some(map.next_value()?);
                }
                Ok(fields)
            }
        }

        deserializer.deserialize_map(FieldsVisitor {
            max_keys: self.max_keys,
            keep: self.keep,
        })
    }
}

/// Up to this key limit, a unified call's keys are checked for one given twice by a scan of
/// those read so far; beyond it, by a set.
const SCANNED_KEYS: usize = 64;

/// The error of a key given twice, the key cut as a reply echoes it: a key of megabytes is not
/// copied into the message, then into the error, then into the reply.
fn duplicate_key<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("{DUPLICATE_KEY}{}", bounded(key)))
}

/// Past this many bytes of JSON text, an `api_name` is no name a handler could have (they are
/// identifiers), and is decoded only as a refusal needs it: see [`long_name`].
const LONG_NAME_BYTES: usize = 4096;

/// An `api_name` of more than [`LONG_NAME_BYTES`] bytes of text, read as a refusal needs it:
/// checked against the reported name and for what serde refuses (a lone surrogate), and kept
/// only as far as a reply echoes it. Its text is serde's already checked string: the runs
/// without escapes are compared whole (`memchr` finds the next escape), and an escape is
/// decoded only while the name is still kept or compared, or when it may be half a surrogate
/// pair. So a name of megabytes costs a scan, not its decoded copy and serde's scratch buffer.
///
/// `surrogates` is `false` when a scan of the name found no escape that may be half of a
/// surrogate pair: the rest of it is then not searched for one.
fn long_name<'a>(
    text: &'a str,
    reported: Option<&str>,
    surrogates: bool,
) -> Result<Cow<'a, str>, CallError> {
    let Some(inner) = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        // Not a string: serde says what it is, without reading far into it.
        return string_field(text, "api_name");
    };
    let mut kept = String::new();
    // How much of the reported name the decoded name matched so far; `None` once it differs.
    let mut matched = reported.map(|_| 0_usize);
    let compare = |piece: &str, matched: &mut Option<usize>| {
        if let (Some(at), Some(reported)) = (*matched, reported) {
            *matched = reported
                .get(at..)
                .filter(|rest| rest.starts_with(piece))
                .map(|_| at + piece.len());
        }
    };
    // The first characters, one more than a reply echoes, so that it knows to cut.
    let mut kept_chars = 0;
    let mut keep = |piece: &str, kept: &mut String| {
        for c in piece
            .chars()
            .take((MAX_ECHO_CHARS + 1).saturating_sub(kept_chars))
        {
            kept.push(c);
            kept_chars += 1;
        }
        kept_chars > MAX_ECHO_CHARS
    };
    let mut full = false;
    let bytes = inner.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if matched.is_none() && full {
            // Nothing more is kept or compared: only a lone surrogate in the rest could still
            // change the answer, and SIMD searches find the escapes that may be one.
            if let Some(escape) = surrogates.then(|| lone_surrogate(&inner[at..])).flatten() {
                return Err(escape_error(inner, at + escape));
            }
            break;
        }
        let plain_end = memchr::memchr(b'\\', &bytes[at..]).map_or(bytes.len(), |end| at + end);
        let plain = &inner[at..plain_end];
        full = keep(plain, &mut kept);
        compare(plain, &mut matched);
        at = plain_end;
        if at == bytes.len() {
            break;
        }
        // An escape: decoded when something still needs it, or when it may be a surrogate.
        let rest = &bytes[at..];
        let needed = matched.is_some() || !full;
        let surrogate = rest.get(1) == Some(&b'u')
            && rest.get(2).is_some_and(|hex| hex | 0x20 == b'd')
            && rest
                .get(3)
                .is_some_and(|hex| matches!(hex | 0x20, b'8'..=b'9' | b'a'..=b'f'));
        if !needed && !surrogate {
            at += if rest.get(1) == Some(&b'u') { 6 } else { 2 };
            continue;
        }
        let Some((decoded, len)) = decode_escape(&inner[at..]) else {
            return Err(escape_error(inner, at));
        };
        let mut buffer = [0; 4];
        let decoded: &str = decoded.encode_utf8(&mut buffer);
        full = keep(decoded, &mut kept);
        compare(decoded, &mut matched);
        at += len;
    }
    if let Some(reported) = reported {
        if matched != Some(reported.len()) {
            return Err(CallError::name_mismatch(&kept, reported));
        }
    }
    // Longer than any echo: what a reply or a prefix makes of it is what it makes of this.
    Ok(Cow::Owned(bounded(&kept).into_owned()))
}

/// The first escape in `text` (the inside of a JSON string) that is half of a surrogate pair
/// without the other half, if any: found by SIMD searches for `\uD` in either case, each hit
/// checked (preceded by an even run of backslashes, so an escape; a high half decoded with what
/// follows; a low half the end of a pair or lone). Builds nothing.
fn lone_surrogate(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let escape = |at: usize| {
        let backslashes = bytes[..at]
            .iter()
            .rev()
            .take_while(|&&byte| byte == b'\\')
            .count();
        backslashes % 2 == 0
    };
    let half = |at: usize| -> Option<bool> {
        // `Some(true)` for a high half, `Some(false)` for a low one.
        match bytes.get(at + 3)? | 0x20 {
            b'8' | b'9' | b'a' | b'b' => Some(true),
            b'c'..=b'f' => Some(false),
            _ => None,
        }
    };
    let lone = |at: usize| -> bool {
        match half(at) {
            None => false,
            Some(_) if !escape(at) => false,
            Some(true) => decode_escape(&text[at..]).is_none(),
            // A low half is fine right after a high half that is an escape.
            Some(false) => {
                !(at >= 6
                    && bytes[at - 6] == b'\\'
                    && bytes[at - 5] == b'u'
                    && bytes[at - 4] | 0x20 == b'd'
                    && half(at - 6) == Some(true)
                    && escape(at - 6))
            }
        }
    };
    let first = |needle: &[u8]| memchr::memmem::find_iter(bytes, needle).find(|&at| lone(at));
    match (first(b"\\ud"), first(b"\\uD")) {
        (Some(lower), Some(upper)) => Some(lower.min(upper)),
        (lower, upper) => lower.or(upper),
    }
}

/// The character of the escape that `text` starts with (at its backslash), and the escape's
/// length: `None` for what serde refuses (a lone surrogate; the text is JSON already, so
/// nothing else).
fn decode_escape(text: &str) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        let digits = text.get(at..at + 4)?;
        u32::from_str_radix(digits, 16).ok()
    };
    Some(match *bytes.get(1)? {
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'u' => match hex(2)? {
            high @ 0xD800..=0xDBFF => {
                if bytes.get(6..8) != Some(b"\\u") {
                    return None;
                }
                let low = hex(8)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return None;
                }
                (
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?,
                    12,
                )
            }
            unit => (char::from_u32(unit)?, 6),
        },
        other => (char::from(other), 2),
    })
}

/// The error serde gives for the string escape at `at` in `inner`, read on the escape and the
/// one after it alone (its message does not depend on where the escape is).
#[cold]
fn escape_error(inner: &str, at: usize) -> CallError {
    let mut end = (at + 12).min(inner.len());
    while !inner.is_char_boundary(end) {
        end -= 1;
    }
    let snippet = format!("\"{}\"", &inner[at..end]);
    let reason = match serde_json::from_str::<String>(&snippet) {
        Err(error) => strip_position(&error),
        Ok(_) => "invalid escape".to_owned(),
    };
    CallError::new(CallErrorKind::FieldValue {
        field: "api_name",
        reason,
    })
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
