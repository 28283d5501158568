//! The fast reader: the common shape of a unified call in one pass, without serde.

use std::borrow::Cow;

use super::member::{Member, scan_object};
use super::scan::{skip_nested, skip_string};
use super::valid::checked_end;
use super::{DataRead, Reading, TextCaller, WireCall};

/// Reads the common shape of a unified call in one pass, without serde: an object whose
/// keys are among `api_name`, `data`, `webviewId` and `stateEvent`, without escapes in
/// the keys or the names, and a non-empty `api_name` that agrees with the reported name.
///
/// `data` is checked to be JSON as it is skipped, unless `api_name` came before it and
/// `decodes_data` says a handler will decode it: then it is only scanned for its end, and
/// decoding checks it (see `WireCall::data_checked`). Either way this is the one pass over
/// `data` before a handler runs, so a call refused before that costs one pass. `None` for any
/// other shape, valid or not: the full reader then reads the call and explains what is wrong
/// with it.
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

/// The keys [`read`] reads; any other key sends the call to the full parser.
enum Key {
    ApiName,
    Data,
    WebViewId,
    StateEvent,
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

    #[test]
    fn the_common_shape_is_read_in_one_pass() {
        let text = r#" {"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"a":["]\"",{}]},"webviewId":-4} "#;
        for decoded in [true, false] {
            let (call, depth) = read(text, reading(Wire::Unified, true), |_| {
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
            r#"{"api_name":"a\u0062"}"#,
            r#"{"api_name":"a","api_name":"b"}"#,
            r#"{"api_name":"a"} x"#,
            r#"{"api_name":"a","webviewId":1.0}"#,
            r#"{"api_name":""}"#,
            r#"{"data":{}}"#,
        ] {
            assert!(
                read(other, reading(Wire::Unified, true), |_| DataRead::Decoded).is_none(),
                "{other}"
            );
        }
        assert!(
            read(
                r#"{"api_name":"a"}"#,
                reading(Wire::Named("b"), true),
                |_| DataRead::Decoded
            )
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
        assert!(read(&unknown, reading(Wire::Unified, false), decodes).is_none());
        let decoded = format!(r#"{{"api_name":"decoded","data":{data}}}"#);
        let (call, _) = read(&decoded, reading(Wire::Unified, false), decodes).unwrap();
        assert!(!call.data_checked);
        // Before its name, nobody knows who decodes the data: it is checked.
        let data_first = format!(r#"{{"data":{data},"api_name":"decoded"}}"#);
        assert!(read(&data_first, reading(Wire::Unified, false), decodes).is_none());
        let data_first = r#"{"data":[1,{"b":null}],"api_name":"decoded"}"#;
        let (call, depth) = read(data_first, reading(Wire::Unified, false), decodes).unwrap();
        assert!(call.data_checked);
        assert_eq!(depth, 3);
        assert_eq!(
            asked.get(),
            2,
            "asked once per call that names its API first"
        );
    }
}
