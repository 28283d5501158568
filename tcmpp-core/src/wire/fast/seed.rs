//! [`read`]: the common shape of a unified call, the seed's, in one pass.

use std::borrow::Cow;

use super::scanner::{Key, Scanner};
use crate::wire::{DataRead, Reading, TextCaller, WireCall};

/// Reads the common shape of a unified call in one pass, without serde: an object whose
/// keys are among `api_name`, `data`, `webviewId` and `stateEvent`, without escapes in
/// the keys or the names, and a non-empty `api_name` that agrees with the reported name.
///
/// `data` is checked to be JSON as it is skipped, unless `api_name` came before it and
/// `decodes_data` says a handler will decode it: then it is only scanned for its end, and
/// decoding checks it (see `WireCall::data_checked`). Either way this is the one pass over
/// `data` before a handler runs, so a call refused before that costs one pass. `None` for any
/// other shape, valid or not: [`read_wider`](super::read_wider) then reads it, or refuses it as the full reader
/// would, or leaves it to the full reader.
///
/// Also returns how deep the call nests, the call object itself counting as one level.
pub(in crate::wire) fn read<'a>(
    json: &'a str,
    reading: Reading<'_>,
    mut decodes_data: impl FnMut(&str) -> DataRead,
) -> Option<(WireCall<'a>, usize)> {
    let reported_name = reading.wire.reported_name();
    let mut scan = Scanner::open_call(json)?;
    let mut api_name = None;
    let mut data = None;
    let mut web_view_id = None;
    let mut state_event = None;
    let mut data_checked = false;
    let mut method = None;
    loop {
        scan.whitespace();
        let key = scan.known_key()?;
        scan.colon()?;
        let (seen, value) = match key {
            Key::ApiName => {
                // A name that is not the reported one goes to the full reader to be refused:
                // known at its first bytes, without a scan of the rest of a name of megabytes.
                if reported_name.is_some_and(|reported| !scan.starts_string(reported)) {
                    return None;
                }
                (api_name.is_some(), Slot::Name(scan.plain_string()?))
            }
            Key::Data => {
                // Left unchecked only for a decoder that will check it.
                let read = match api_name {
                    Some(name) => decodes_data(name),
                    None => DataRead::Checked,
                };
                data_checked = !matches!(read, DataRead::Decoded);
                let value = match read {
                    DataRead::Decoded => scan.value_or_null()?,
                    DataRead::Checked => scan.checked_value_or_null()?,
                    DataRead::Method(key) => {
                        let (value, found) = scan.method_value_or_null(key)?;
                        method = found;
                        value
                    }
                };
                (data.is_some(), Slot::Data(value))
            }
            Key::WebViewId => (
                web_view_id.is_some(),
                Slot::WebViewId(scan.integer_or_null()?),
            ),
            Key::StateEvent => (
                state_event.is_some(),
                Slot::StateEvent(scan.string_or_null()?),
            ),
            // `known_key` knows the envelope's four keys only.
            Key::AppInfo | Key::Other => return None,
        };
        if seen {
            return None;
        }
        match value {
            Slot::Name(name) => api_name = Some(name),
            Slot::Data(value) => data = Some(value),
            Slot::WebViewId(id) => web_view_id = Some(id),
            Slot::StateEvent(event) => state_event = Some(event),
        }
        scan.whitespace();
        match scan.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    scan.whitespace();
    let api_name = api_name.filter(|name| !name.is_empty())?;
    if scan.peek().is_some() || reported_name.is_some_and(|reported| reported != api_name) {
        return None;
    }
    let caller = TextCaller::read(reading.caller_from_text, web_view_id, state_event);
    let call = WireCall {
        api_name: Cow::Borrowed(api_name),
        data: data.flatten(),
        data_checked,
        caller,
        extra: Vec::new(),
        method,
    };
    Some((call, 1 + scan.deepest))
}

/// A value [`read`] read.
enum Slot<'a> {
    Name(&'a str),
    Data(Option<&'a str>),
    WebViewId(Option<i64>),
    StateEvent(Option<&'a str>),
}
