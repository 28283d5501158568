//! [`read_wider`]: a call of a wider shape than the seed reader's, read or refused in one pass.

use std::borrow::Cow;

use super::FastRefusal;
use super::scanner::{Key, NotAnInteger, Scanner};
use crate::echo::bounded;
use crate::wire::error::CallErrorKind;
use crate::wire::valid::checked_end;
use crate::wire::{CallError, DataRead, Reading, TextCaller, WireCall, full};

/// Reads a call of a wider shape than [`read`](super::read)'s in one pass, without serde: an object whose keys
/// are written without escapes and whose `api_name` is a string, `webviewId` a number and
/// `stateEvent` a string without escapes (each or `null`), with `appInfo` only when the text's
/// caller is not believed.
///
/// `data` is checked to be JSON as it is skipped, unless a plain `api_name` that agrees with the
/// reported name came before it and `decodes_data` says a handler will decode it: then it is
/// only scanned for its end, and decoding checks it (see `WireCall::data_checked`). Every other
/// value is checked as it is skipped. Either way this is the one pass over the text before a
/// handler runs, so a call refused before that costs one pass: a refusal the full reader would
/// make of this shape (a key given twice, a name other than the reported one or one it cannot
/// be, a `webviewId` that is no `i64`, `appInfo` in untrusted text, a mistyped `sync`) is made
/// here, with the full reader's error, in `refusal` (the call is then `None`). `None` for any
/// other shape, valid or not: the full reader then reads the call and explains what is wrong
/// with it. Also returns how deep the call nests, the call object itself counting as one level.
///
/// Kept apart from [`read`](super::read), whose shape nearly every call has: that path stays as short as it
/// was, and a call only reaches this one once [`read`](super::read) has given up on it, mostly at its first
/// key that [`read`](super::read) does not know.
#[cold]
#[inline(never)]
pub(in crate::wire) fn read_wider<'a>(
    json: &'a str,
    reading: Reading<'_>,
    decodes_data: &mut dyn FnMut(&str) -> DataRead,
    refusal: &mut Option<FastRefusal>,
) -> Option<(WireCall<'a>, usize)> {
    let reported_name = reading.wire.reported_name();
    let mut scan = Scanner::open_call(json)?;
    let mut api_name = None;
    // An `api_name` the fast path does not take (escaped, or not the reported one): its JSON
    // text, for the full reader's rules to name or refuse it once the text is read.
    let mut odd_name = None;
    let mut data = None;
    let mut web_view_id = None;
    let mut state_event = None;
    let mut app_info = None;
    let mut extra = Vec::new();
    // The key of `Key::Other`.
    let mut other = "";
    // Whether the call holds anything the common shape does not (another key, `appInfo`, a
    // `webviewId` no `i64` holds): checked once the text is read, in the full reader's order.
    let mut unusual = false;
    let mut not_integer = false;
    // Data left for its decoder to check: checked here after all when the call is refused.
    let mut unchecked_data = None;
    let mut method = None;
    // The keys read so far, each once (a key given twice goes to the full reader).
    let mut keys = 0;
    loop {
        scan.whitespace();
        let key = match scan.known_key() {
            Some(key) => key,
            None => match scan.other_key(reading.caller_from_text)? {
                None => Key::AppInfo,
                Some(name) => {
                    other = name;
                    Key::Other
                }
            },
        };
        scan.colon()?;
        // A key given twice goes to the full reader, which refuses it.
        match key {
            Key::ApiName => {
                if api_name.is_some() || odd_name.is_some() {
                    return None;
                }
                // A name with escapes is read as the full reader reads it (to be decoded, or
                // refused), once the text is checked; so is one other than the reported name.
                let start = scan.pos;
                match scan.plain_string() {
                    Some(name) => api_name = Some(name),
                    None => {
                        scan.pos = start;
                        odd_name = Some(scan.other_string()?);
                    }
                }
            }
            Key::Data => {
                if data.is_some() {
                    return None;
                }
                // Left unchecked only for a decoder that will check it.
                let read = match api_name {
                    Some(name) if reported_name.is_none_or(|reported| reported == name) => {
                        decodes_data(name)
                    }
                    _ => DataRead::Checked,
                };
                let decoded = matches!(read, DataRead::Decoded);
                let (value, found) = scan.data_value(read)?;
                if decoded {
                    unchecked_data = value;
                }
                method = found;
                data = Some(value);
            }
            Key::WebViewId => {
                if web_view_id.is_some() {
                    return None;
                }
                web_view_id = Some(match scan.web_view_id()? {
                    Ok(id) => id,
                    Err(NotAnInteger) => {
                        not_integer = true;
                        unusual = true;
                        None
                    }
                });
            }
            Key::StateEvent => {
                if state_event.is_some() {
                    return None;
                }
                state_event = Some(scan.string_or_null()?);
            }
            Key::AppInfo => {
                if app_info.is_some() {
                    return None;
                }
                app_info = Some(scan.checked_value_or_null()?.is_some());
                unusual = true;
            }
            Key::Other => {
                // The envelope's keys count too, as the full reader counts them: past the
                // limit, it refuses the call.
                if keys + 1 > reading.max_keys {
                    return None;
                }
                if extra.iter().any(|(seen, _)| *seen == other) {
                    // Refused here, as serde refuses it, before the rest is read.
                    let error =
                        CallError::new(CallErrorKind::DuplicateKey(bounded(other).into_owned()));
                    return refused(refusal, error, unchecked_data, &scan);
                }
                // Past this many, the full reader keeps its keys in a set.
                if extra.len() == SCANNED_KEYS {
                    return None;
                }
                extra.push((Cow::Borrowed(other), scan.checked_value()?));
                unusual = true;
            }
        }
        keys += 1;
        if !scan.more_members()? {
            break;
        }
    }
    scan.whitespace();
    if scan.peek().is_some() {
        return None;
    }
    // An envelope key after the other keys may be the one past the limit: rare, as the limit
    // is far above the envelope's keys by default.
    if (unusual || reading.max_keys < ENVELOPE_KEYS) && keys > reading.max_keys {
        return None;
    }
    let api_name = match (api_name, odd_name) {
        (Some(name), None)
            if !name.is_empty() && reported_name.is_none_or(|reported| reported == name) =>
        {
            Cow::Borrowed(name)
        }
        // Its JSON text: the name and its quotes, a string without escapes.
        (Some(name), None) => {
            match full::scanned_api_name(quoted(json, name), reported_name, false) {
                Ok(name) => name,
                Err(error) => return refused(refusal, error, unchecked_data, &scan),
            }
        }
        (None, Some((raw, surrogates))) => {
            match full::scanned_api_name(raw, reported_name, surrogates) {
                Ok(name) => name,
                Err(error) => return refused(refusal, error, unchecked_data, &scan),
            }
        }
        // No name: the full reader explains.
        _ => return None,
    };
    if unusual {
        if let Some(error) = unusual_refusal(&api_name, not_integer, app_info, &extra) {
            return refused(refusal, error, unchecked_data, &scan);
        }
    }
    let caller = TextCaller::read(reading.caller_from_text, web_view_id, state_event);
    let call = WireCall {
        api_name,
        data: data.flatten(),
        data_checked: unchecked_data.is_none(),
        caller,
        extra,
        method,
    };
    Some((call, 1 + scan.deepest))
}

/// What else the full reader refuses of a call [`read`](super::read) read, once its name is known, in its
/// order: a `webviewId` no `i64` holds, `appInfo` (given, not `null`) in text whose caller is
/// not believed, a mistyped `sync` among the other keys.
#[cold]
#[inline(never)]
fn unusual_refusal(
    api_name: &str,
    not_integer: bool,
    app_info: Option<bool>,
    extra: &[(Cow<'_, str>, &str)],
) -> Option<CallError> {
    let for_api = |kind| CallError::new(kind).for_api(api_name);
    if not_integer {
        Some(for_api(CallErrorKind::FieldType {
            field: "webviewId",
            expected: "an integer",
            found: "a number",
        }))
    } else if app_info == Some(true) {
        Some(for_api(CallErrorKind::AppInfoInText))
    } else {
        full::check_sync(extra)
            .err()
            .map(|error| error.for_api(api_name))
    }
}

/// A call refused for `error`, the text read up to where the scan is: set in `refusal`. Data a
/// decoder was to check is checked first: the full reader would refuse data that is not JSON
/// before anything else, and it explains that (`refusal` is then left `None`).
#[cold]
#[inline(never)]
fn refused<'a>(
    refusal: &mut Option<FastRefusal>,
    error: CallError,
    unchecked_data: Option<&str>,
    scan: &Scanner<'_>,
) -> Option<(WireCall<'a>, usize)> {
    if let Some(data) = unchecked_data {
        let (end, _) = checked_end(data.as_bytes(), 0)?;
        if end != data.len() {
            return None;
        }
    }
    *refusal = Some(FastRefusal {
        error,
        depth: 1 + scan.deepest,
        read_to: scan.pos,
    });
    None
}

/// The JSON text of the string `inner` of `json`, read by [`Scanner::plain_string`]: `inner`
/// and the quotes around it.
fn quoted<'a>(json: &'a str, inner: &str) -> &'a str {
    let start = inner.as_ptr() as usize - json.as_ptr() as usize;
    // `get`: the quotes are there, and an index would be a panic site in the library.
    json.get(start - 1..start + inner.len() + 1)
        .unwrap_or_default()
}

/// Up to this many other keys, the full reader finds one given twice by comparing it with those
/// before it, as [`read`](super::read) does; beyond them, with a set, and [`read`](super::read) leaves such a call to it.
const SCANNED_KEYS: usize = 64;

/// The keys of the call's envelope that [`read`](super::read) reads.
const ENVELOPE_KEYS: usize = 5;
