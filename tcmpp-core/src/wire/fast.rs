//! The fast reader: the common shape of a unified call in one pass, without serde.

use std::borrow::Cow;

use super::error::CallErrorKind;
use super::member::{Member, scan_object};
use super::scan::{skip_nested, skip_string};
use super::valid::{checked_end, long_number_end, string_end_surrogates};
use super::{CallError, DataRead, Reading, TextCaller, WireCall, full};
use crate::echo::bounded;

/// A call [`read`] refused, in the same pass, with the error the full reader would refuse it
/// with.
pub(crate) struct FastRefusal {
    pub(crate) error: CallError,
    /// How deep the text read nests, the call object itself counting as one level.
    pub(crate) depth: usize,
    /// Where the text stopped being read: its length, unless the refusal was known before its
    /// end (a key given twice). The nesting limit then measures the rest, from inside the call
    /// object, as its scan of the whole text would have.
    pub(crate) read_to: usize,
}

/// Reads the common shape of a unified call in one pass, without serde: an object whose
/// keys are among `api_name`, `data`, `webviewId` and `stateEvent`, without escapes in
/// the keys or the names, and a non-empty `api_name` that agrees with the reported name.
///
/// `data` is checked to be JSON as it is skipped, unless `api_name` came before it and
/// `decodes_data` says a handler will decode it: then it is only scanned for its end, and
/// decoding checks it (see `WireCall::data_checked`). Either way this is the one pass over
/// `data` before a handler runs, so a call refused before that costs one pass. `None` for any
/// other shape, valid or not: [`read_wider`] then reads it, or refuses it as the full reader
/// would, or leaves it to the full reader.
///
/// Also returns how deep the call nests, the call object itself counting as one level.
pub(super) fn read<'a>(
    json: &'a str,
    reading: Reading<'_>,
    mut decodes_data: impl FnMut(&str) -> DataRead,
) -> Option<(WireCall<'a>, usize)> {
    let reported_name = reading.wire.reported_name();
    let mut scan = Scanner {
        text: json,
        pos: 0,
        deepest: 0,
    };
    let mut api_name = None;
    let mut data = None;
    let mut web_view_id = None;
    let mut state_event = None;
    let mut data_checked = false;
    let mut method = None;
    scan.whitespace();
    scan.expect(b'{')?;
    scan.whitespace();
    if scan.peek() == Some(b'}') {
        return None;
    }
    loop {
        scan.whitespace();
        let key = scan.known_key()?;
        scan.whitespace();
        scan.expect(b':')?;
        scan.whitespace();
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
    // The caller's keys are read, so that a mistyped one sends the call to the full
    // reader to be refused, but kept only when the host said to believe them.
    let caller = if reading.caller_from_text {
        TextCaller {
            web_view_id: web_view_id.flatten(),
            state_event: state_event.flatten().map(Cow::Borrowed),
            app_info: None,
        }
    } else {
        TextCaller::default()
    };
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

/// Reads a call of a wider shape than [`read`]'s in one pass, without serde: an object whose keys
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
/// Kept apart from [`read`], whose shape nearly every call has: that path stays as short as it
/// was, and a call only reaches this one once [`read`] has given up on it, mostly at its first
/// key that [`read`] does not know.
#[cold]
#[inline(never)]
pub(super) fn read_wider<'a>(
    json: &'a str,
    reading: Reading<'_>,
    decodes_data: &mut dyn FnMut(&str) -> DataRead,
    refusal: &mut Option<FastRefusal>,
) -> Option<(WireCall<'a>, usize)> {
    let reported_name = reading.wire.reported_name();
    let mut scan = Scanner {
        text: json,
        pos: 0,
        deepest: 0,
    };
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
    scan.whitespace();
    scan.expect(b'{')?;
    scan.whitespace();
    if scan.peek() == Some(b'}') {
        return None;
    }
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
        scan.whitespace();
        scan.expect(b':')?;
        scan.whitespace();
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
                data = Some(match read {
                    DataRead::Decoded => {
                        let value = scan.value_or_null()?;
                        unchecked_data = value;
                        value
                    }
                    DataRead::Checked => scan.checked_value_or_null()?,
                    DataRead::Method(key) => {
                        let (value, found) = scan.method_value_or_null(key)?;
                        method = found;
                        value
                    }
                });
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
                let envelope = usize::from(api_name.is_some() || odd_name.is_some())
                    + usize::from(data.is_some())
                    + usize::from(web_view_id.is_some())
                    + usize::from(state_event.is_some())
                    + usize::from(app_info.is_some());
                if envelope + extra.len() + 1 > reading.max_keys {
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
        scan.whitespace();
        match scan.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    scan.whitespace();
    if scan.peek().is_some() {
        return None;
    }
    // An envelope key after the other keys may be the one past the limit: rare, as the limit
    // is far above the envelope's keys by default.
    if unusual || reading.max_keys < ENVELOPE_KEYS {
        let envelope = usize::from(api_name.is_some() || odd_name.is_some())
            + usize::from(data.is_some())
            + usize::from(web_view_id.is_some())
            + usize::from(state_event.is_some())
            + usize::from(app_info.is_some());
        if envelope + extra.len() > reading.max_keys {
            return None;
        }
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
    // The caller's keys are read, so that a mistyped one sends the call to the full
    // reader to be refused, but kept only when the host said to believe them.
    let caller = if reading.caller_from_text {
        TextCaller {
            web_view_id: web_view_id.flatten(),
            state_event: state_event.flatten().map(Cow::Borrowed),
            app_info: None,
        }
    } else {
        TextCaller::default()
    };
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

/// What else the full reader refuses of a call [`read`] read, once its name is known, in its
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
        full::check_sync(extra.iter().map(|(key, raw)| (&**key, *raw)))
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
    &json[start - 1..start + inner.len() + 1]
}

/// Up to this many other keys, the full reader finds one given twice by comparing it with those
/// before it, as [`read`] does; beyond them, with a set, and [`read`] leaves such a call to it.
const SCANNED_KEYS: usize = 64;

/// A `webviewId` that is a JSON number, but no `i64`: the full reader refuses it.
struct NotAnInteger;

/// The keys of the call's envelope that [`read`] reads.
const ENVELOPE_KEYS: usize = 5;

/// The keys [`read`] reads.
enum Key {
    ApiName,
    Data,
    WebViewId,
    StateEvent,
    /// Only in text whose caller is not believed, where it is refused.
    AppInfo,
    /// Any other key, without escapes.
    Other,
}

/// A value [`read`] read.
enum Slot<'a> {
    Name(&'a str),
    Data(Option<&'a str>),
    WebViewId(Option<i64>),
    StateEvent(Option<&'a str>),
}

/// A cursor over JSON text for [`read`]. Every method returns `None` on
/// anything it does not expect, which sends the call to the full parser.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    /// How deep the deepest value read so far nests.
    deepest: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn null(&mut self) -> bool {
        let is_null = self
            .text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(b"null"));
        if is_null {
            self.pos += 4;
        }
        is_null
    }

    /// One of the keys the fast reader knows, with its quotes: compared whole rather than
    /// read byte by byte, since a call's keys are nearly always these.
    fn known_key(&mut self) -> Option<Key> {
        let rest = self.text.as_bytes().get(self.pos..)?;
        let (key, quoted) = match rest.get(1)? {
            b'a' => (Key::ApiName, &b"\"api_name\""[..]),
            b'd' => (Key::Data, &b"\"data\""[..]),
            b'w' => (Key::WebViewId, &b"\"webviewId\""[..]),
            b's' => (Key::StateEvent, &b"\"stateEvent\""[..]),
            _ => return None,
        };
        rest.starts_with(quoted).then(|| {
            self.pos += quoted.len();
            key
        })
    }

    /// A key [`known_key`](Self::known_key) does not know: `appInfo` (`None`) when the text's
    /// caller is not believed (its value is then refused, so not read), or any other without
    /// escapes.
    #[cold]
    #[inline(never)]
    fn other_key(&mut self, caller_from_text: bool) -> Option<Option<&'a str>> {
        let rest = self.text.as_bytes().get(self.pos..)?;
        if rest.starts_with(b"\"appInfo\"") {
            if caller_from_text {
                return None;
            }
            self.pos += b"\"appInfo\"".len();
            return Some(None);
        }
        self.plain_string().map(Some)
    }

    /// A string with escapes, checked to be JSON's (see [`string_end_surrogates`]): its JSON
    /// text, quotes included, and whether it may hold half of a surrogate pair.
    #[cold]
    #[inline(never)]
    fn other_string(&mut self) -> Option<(&'a str, bool)> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        let (end, surrogates) = string_end_surrogates(self.text.as_bytes(), start + 1)?;
        self.pos = end;
        Some((self.text.get(start..end)?, surrogates))
    }

    /// A `webviewId`: an integer that fits an `i64`, `null`, or another number, which the full
    /// reader refuses.
    #[inline]
    fn web_view_id(&mut self) -> Option<Result<Option<i64>, NotAnInteger>> {
        let start = self.pos;
        match self.integer_or_null() {
            Some(id) => Some(Ok(id)),
            None => {
                self.pos = start;
                self.other_number()
            }
        }
    }

    /// A number in JSON's syntax that [`integer_or_null`](Self::integer_or_null) did not take:
    /// no `i64`, however many digits it has.
    #[cold]
    #[inline(never)]
    fn other_number(&mut self) -> Option<Result<Option<i64>, NotAnInteger>> {
        let bytes = self.text.as_bytes();
        if !matches!(self.peek()?, b'-' | b'0'..=b'9') {
            return None;
        }
        let end = long_number_end(bytes, self.pos)?;
        // What `integer_or_null` gave up on may still be an `i64` ("-0", say): as the full
        // reader reads it.
        let number = self.text.get(self.pos..end)?;
        self.pos = end;
        Some(number.parse().map(Some).map_err(|_| NotAnInteger))
    }

    /// Any value, `null` included, checked to be JSON as it is skipped: its JSON text.
    fn checked_value(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let (end, depth) = checked_end(self.text.as_bytes(), start)?;
        self.deepest = self.deepest.max(depth);
        self.pos = end;
        self.text.get(start..end)
    }

    /// Whether the string value here is `prefix` followed by its closing quote, or could be
    /// (`prefix` holds a character that needs escaping): `false` only when it certainly is not.
    fn starts_string(&self, prefix: &str) -> bool {
        let rest = &self.text.as_bytes()[self.pos..];
        let plain = !prefix
            .bytes()
            .any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20);
        !plain
            || (rest.get(1..=prefix.len()) == Some(prefix.as_bytes())
                && rest.get(prefix.len() + 1) == Some(&b'"'))
    }

    /// A string without escapes or control characters: exactly the text between its quotes.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.pos;
        let rest = &self.text.as_bytes()[start..];
        let length = memchr::memchr2(b'"', b'\\', rest)?;
        // Without an early exit, the check for control characters compiles to vector code.
        if rest[..length]
            .iter()
            .fold(false, |control, &byte| control | (byte < 0x20))
        {
            return None;
        }
        self.pos = start + length;
        self.expect(b'"')?;
        self.text.get(start..start + length)
    }

    fn string_or_null(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        self.plain_string().map(Some)
    }

    /// An integer in JSON's syntax that fits an `i64`.
    // Inlined in both readers: [`read`]'s hot path was written with them inlined.
    #[inline(always)]
    fn integer_or_null(&mut self) -> Option<Option<i64>> {
        if self.null() {
            return Some(None);
        }
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
            if self.pos - digits > 19 {
                return None;
            }
        }
        // No `i64` has more than 19 digits: the loop above gives up past them, so that the
        // full reader refuses a longer number without this reader walking megabytes of digits.
        let digits = &self.text.as_bytes()[digits..self.pos];
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return None;
        }
        self.text.get(start..self.pos)?.parse().ok().map(Some)
    }

    /// Any value, found by its structure alone: strings are skipped by their quotes and
    /// escapes, objects and arrays by counting brackets, anything else runs to the next
    /// delimiter. Not validated: whoever reads the text validates it.
    // Inlined in both readers: [`read`]'s hot path was written with them inlined.
    #[inline(always)]
    fn value_or_null(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        let start = self.pos;
        let bytes = self.text.as_bytes();
        self.pos = match self.peek()? {
            b'"' => skip_string(bytes, start + 1)?,
            b'{' | b'[' => {
                let (end, depth) = skip_nested(bytes, start)?;
                self.deepest = self.deepest.max(depth);
                end
            }
            _ => {
                let mut end = start;
                while let Some(byte) = bytes.get(end) {
                    if matches!(byte, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    end += 1;
                }
                end
            }
        };
        let value = self.text.get(start..self.pos)?;
        (!value.is_empty()).then_some(Some(value))
    }

    /// Any value, checked to be JSON as it is skipped; for an object, what it holds under
    /// `key` too, found in the same pass (see [`scan_object`]).
    fn method_value_or_null(&mut self, key: &str) -> Option<(Option<&'a str>, Option<Member<'a>>)> {
        if self.peek() != Some(b'{') {
            return self.checked_value_or_null().map(|value| (value, None));
        }
        let start = self.pos;
        let (end, depth, member) = scan_object(self.text, start, key)?;
        self.deepest = self.deepest.max(depth);
        self.pos = end;
        Some((self.text.get(start..end), Some(member)))
    }

    /// Any value, checked to be JSON as it is skipped (see [`checked_end`]).
    fn checked_value_or_null(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        let start = self.pos;
        let (end, depth) = checked_end(self.text.as_bytes(), start)?;
        self.deepest = self.deepest.max(depth);
        self.pos = end;
        self.text.get(start..end).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Wire;
    use super::*;

    fn reading(wire: Wire<'_>, caller_from_text: bool) -> Reading<'_> {
        Reading {
            wire,
            caller_from_text,
            max_keys: 64,
        }
    }

    /// What [`read`] made of `text`: read (with how deep it nests), refused, or `None` when it
    /// left it to the full reader.
    fn outcome<'a>(
        text: &'a str,
        reading: Reading<'_>,
        decodes_data: impl FnMut(&str) -> DataRead,
    ) -> Option<Result<(WireCall<'a>, usize), FastRefusal>> {
        let mut refusal = None;
        let mut decodes_data = decodes_data;
        match read_wider(text, reading, &mut decodes_data, &mut refusal) {
            Some(read) => Some(Ok(read)),
            None => refusal.map(Err),
        }
    }

    /// The call [`read`] read, and how deep it nests; `None` when it left it to the full reader
    /// or refused it.
    fn read_ok<'a>(
        text: &'a str,
        reading: Reading<'_>,
        decodes_data: impl FnMut(&str) -> DataRead,
    ) -> Option<(WireCall<'a>, usize)> {
        outcome(text, reading, decodes_data)?.ok()
    }

    #[test]
    fn the_common_shape_is_read_in_one_pass() {
        let text = r#" {"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"a":["]\"",{}]},"webviewId":-4} "#;
        for decoded in [true, false] {
            let (call, depth) = read_ok(text, reading(Wire::Unified, true), |_| {
                if decoded {
                    DataRead::Decoded
                } else {
                    DataRead::Checked
                }
            })
            .expect("the common shape");
            assert_eq!(
                depth, 4,
                "the call object, data, its array and the object in it"
            );
            assert_eq!(call.api_name, "myApiName");
            assert_eq!(call.data, Some(r#"{"a":["]\"",{}]}"#));
            assert_eq!(call.caller.web_view_id, Some(-4));
            assert_eq!(call.caller.state_event.as_deref(), Some("requestCustomApi"));
            // Left to the decoder only when there is one.
            assert_eq!(call.data_checked, !decoded);
        }
        for other in [
            r#"{"api_name":"a","appInfo":{}}"#,
            r#"{"api_name":"a","api_name":"b"}"#,
            r#"{"api_name":"a"} x"#,
            r#"{"api_name":"a","webviewId":"1"}"#,
            r#"{"api_name":"a","k\u0062":1}"#,
            r#"{"data":{}}"#,
        ] {
            assert!(
                outcome(other, reading(Wire::Unified, true), |_| DataRead::Decoded).is_none(),
                "{other}"
            );
        }
    }

    /// Texts the fast reader reads or refuses, and texts near them: each a call of every shape
    /// it takes, and every text one edit away from those.
    fn calls() -> Vec<String> {
        let long = "n".repeat(5000);
        let seeds = [
            r#"{"api_name":"a","data":{"x":[1,"]"]},"webviewId":4,"stateEvent":"e"}"#.to_owned(),
            r#"{"data":[],"api_name":"a","k":1,"sync":true}"#.to_owned(),
            r#"{"api_name":"a\u0062","k":{"z":null},"sync":1}"#.to_owned(),
            r#"{"api_name":"a","appInfo":{"appId":"x"},"webviewId":1e3}"#.to_owned(),
            r#"{"api_name":"a","k":1,"j":2,"k":3}"#.to_owned(),
            r#"{"api_name":"","webviewId":99999999999999999999}"#.to_owned(),
            format!(r#"{{"api_name":"{long}","k":[]}}"#),
            format!(r#"{{"api_name":"{long}\ud800","k":[]}}"#),
        ];
        let edits: &[u8] = b"\"\\,:[]{}01-.eE u\tn";
        let mut texts = Vec::new();
        for seed in &seeds {
            let seed = seed.as_bytes();
            // Edits near the start and the end of the long names' texts; all of the others.
            let positions: Vec<usize> = (0..=seed.len())
                .filter(|&at| seed.len() < 200 || at < 60 || at + 60 > seed.len())
                .collect();
            for at in positions {
                texts.push(seed[..at].to_vec());
                if at < seed.len() {
                    texts.push([&seed[..at], &seed[at + 1..]].concat());
                }
                for &byte in edits {
                    texts.push([&seed[..at], &[byte], &seed[at..]].concat());
                    if at < seed.len() {
                        texts.push([&seed[..at], &[byte], &seed[at + 1..]].concat());
                    }
                }
            }
        }
        texts
            .into_iter()
            .filter_map(|text| String::from_utf8(text).ok())
            .collect()
    }

    /// Whatever the fast reader reads or refuses, the full reader reads or refuses the same way.
    #[test]
    fn reads_and_refuses_as_the_full_reader_does() {
        let mut decided = 0;
        let mut refused = 0;
        for text in calls() {
            for wire in [Wire::Unified, Wire::Named("a")] {
                for caller_from_text in [false, true] {
                    for data_read in [DataRead::Checked, DataRead::Decoded] {
                        let reading = reading(wire, caller_from_text);
                        let Some(fast) = outcome(&text, reading, |_| data_read) else {
                            continue;
                        };
                        let full = full::read(&text, reading);
                        decided += 1;
                        match (fast, full) {
                            (Err(fast), Err(full)) => {
                                assert_eq!(fast.error, full, "{text:.200} {wire:?}");
                                refused += 1;
                            }
                            (Ok((fast, _)), Ok(full)) => {
                                // The full reader keeps a long name only as far as a reply
                                // echoes it; this one keeps it whole, for a lookup that fails.
                                assert_eq!(
                                    bounded(&fast.api_name),
                                    bounded(&full.api_name),
                                    "{text:.200}"
                                );
                                assert_eq!(fast.data, full.data, "{text:.200}");
                                assert_eq!(fast.extra, full.extra, "{text:.200}");
                                assert_eq!(
                                    fast.caller.web_view_id, full.caller.web_view_id,
                                    "{text:.200}"
                                );
                                assert_eq!(
                                    fast.caller.state_event, full.caller.state_event,
                                    "{text:.200}"
                                );
                            }
                            // Data left to its decoder, which refuses it.
                            (Ok((fast, _)), Err(_)) if !fast.data_checked => {}
                            (fast, full) => panic!(
                                "{text:.200} {wire:?}: fast {:?}, full {:?}",
                                fast.err().map(|refused| refused.error),
                                full.err()
                            ),
                        }
                    }
                }
            }
        }
        assert!(decided > 10_000, "{decided} decided");
        assert!(refused > 1_000, "{refused} refused");
    }

    #[test]
    fn a_key_given_twice_is_refused_where_it_is_found() {
        let text = r#"{"api_name":"a","k":1,"k":[[[[2]]]]}"#;
        let Some(Err(refused)) =
            outcome(text, reading(Wire::Unified, false), |_| DataRead::Checked)
        else {
            panic!("refused")
        };
        assert_eq!(
            &text[refused.read_to..],
            "[[[[2]]]]}",
            "the rest, left to the limit"
        );
        assert_eq!(refused.depth, 1);
        // Data left unchecked is checked first: the full reader would refuse it first.
        let malformed = r#"{"api_name":"a","data":[1,],"k":1,"k":2}"#;
        assert!(
            outcome(malformed, reading(Wire::Unified, false), |_| {
                DataRead::Decoded
            })
            .is_none()
        );
    }

    #[test]
    fn data_no_decoder_reads_is_checked_as_it_is_skipped() {
        let asked = std::cell::Cell::new(0);
        let decodes = |name: &str| {
            asked.set(asked.get() + 1);
            if name == "decoded" {
                DataRead::Decoded
            } else {
                DataRead::Checked
            }
        };
        let data = r#"{"a":tru}"#;
        // Malformed data is the full reader's to explain, unless a decoder will find it.
        let unknown = format!(r#"{{"api_name":"other","data":{data}}}"#);
        assert!(outcome(&unknown, reading(Wire::Unified, false), decodes).is_none());
        let decoded = format!(r#"{{"api_name":"decoded","data":{data}}}"#);
        let (call, _) = read_ok(&decoded, reading(Wire::Unified, false), decodes).unwrap();
        assert!(!call.data_checked);
        // Before its name, nobody knows who decodes the data: it is checked.
        let data_first = format!(r#"{{"data":{data},"api_name":"decoded"}}"#);
        assert!(outcome(&data_first, reading(Wire::Unified, false), decodes).is_none());
        let data_first = r#"{"data":[1,{"b":null}],"api_name":"decoded"}"#;
        let (call, depth) = read_ok(data_first, reading(Wire::Unified, false), decodes).unwrap();
        assert!(call.data_checked);
        assert_eq!(depth, 3);
        assert_eq!(
            asked.get(),
            2,
            "asked once per call that names its API first"
        );
    }
}
