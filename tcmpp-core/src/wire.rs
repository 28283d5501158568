//! Reading a call straight from JSON text.
//!
//! The call's `data` is kept as a slice of the input, so a handler's data type is later
//! deserialized from the text itself, with no `serde_json::Value` tree built in between.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::call::{
    AppInfo, CallError, CallErrorKind, MiniApiCall, WireFormat, check_agrees, check_name,
};

/// A call read from JSON text, borrowing from it.
pub(crate) struct WireCall<'a> {
    pub(crate) api_name: Cow<'a, str>,
    /// The JSON text of `data`; `None` when absent or `null`.
    pub(crate) data: Option<&'a str>,
    /// Whether `data` is known to be valid JSON. [`WireCall::parse_common`] only finds where
    /// it ends: decoding it validates it, and a handler without data must have it checked.
    pub(crate) data_checked: bool,
    pub(crate) web_view_id: Option<i64>,
    pub(crate) state_event: Option<Cow<'a, str>>,
    /// Boxed: most calls carry none, and a call read from text moves several times on its way
    /// to the handler.
    pub(crate) app_info: Option<Box<AppInfo>>,
    pub(crate) extra: Map<String, Value>,
    pub(crate) format: WireFormat,
}

/// The format the host says a call arrives in.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Expect<'a> {
    /// Unified, naming its API in `api_name`.
    Unified,
    /// Unified, with the API name the SDK reported beside it.
    Named(&'a str),
    /// Legacy: the whole object is the data; the name comes from the SDK.
    Legacy(&'a str),
}

impl<'a> Expect<'a> {
    /// The name the SDK reported beside the call, if any.
    pub(crate) fn reported_name(self) -> Option<&'a str> {
        match self {
            Expect::Unified => None,
            Expect::Named(name) | Expect::Legacy(name) => Some(name),
        }
    }
}

impl<'a> WireCall<'a> {
    /// Reads `json` in the format the host expects.
    pub(crate) fn parse(json: &'a str, expect: Expect<'_>) -> Result<Self, CallError> {
        // Even a legacy call must be one JSON object; its keys are then the data's alone.
        let fields = read_fields(json)?;
        if let Expect::Legacy(reported) = expect {
            return Ok(WireCall {
                api_name: Cow::Owned(check_name(reported)?.to_owned()),
                data: Some(json.trim()),
                data_checked: true,
                web_view_id: None,
                state_event: None,
                app_info: None,
                extra: Map::new(),
                format: WireFormat::Legacy,
            });
        }
        let reported_name = expect.reported_name();
        let api_name = match (fields.api_name, reported_name) {
            (None, None) => return Err(CallError::new(CallErrorKind::MissingApiName)),
            (None, Some(reported)) => Cow::Owned(check_name(reported)?.to_owned()),
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
            Some(raw) => Some(string_field(raw, "stateEvent").map_err(for_api)?),
        };
        let app_info = match fields.app_info.filter(|raw| !is_null(raw)) {
            None => None,
            Some(raw) if raw.get().starts_with('{') => Some(
                serde_json::from_str::<Box<AppInfo>>(raw.get()).map_err(|e| {
                    for_api(CallError::new(CallErrorKind::AppInfo(strip_position(&e))))
                })?,
            ),
            Some(raw) => {
                return Err(for_api(CallError::new(CallErrorKind::FieldType {
                    field: "appInfo",
                    expected: "an object",
                    found: raw_kind(raw.get()),
                })));
            }
        };
        let mut extra = Map::new();
        for (key, raw) in fields.extra {
            let value = serde_json::from_str(raw.get()).map_err(|e| {
                for_api(CallError::new(CallErrorKind::Unrepresentable {
                    field: key.to_string(),
                    reason: strip_position(&e),
                }))
            })?;
            extra.insert(key.into_owned(), value);
        }
        Ok(WireCall {
            api_name,
            data: fields.data.filter(|raw| !is_null(raw)).map(RawValue::get),
            data_checked: true,
            web_view_id,
            state_event,
            app_info,
            extra,
            format: WireFormat::Unified,
        })
    }

    /// Reads the common shape of a unified call in one pass, without serde: an object whose
    /// keys are among `api_name`, `data`, `webviewId` and `stateEvent`, without escapes in
    /// the keys or the names, and a non-empty `api_name` that agrees with `reported_name`.
    ///
    /// `data` is only scanned for its end, not validated (see
    /// [`data_checked`](Self::data_checked)): that pass over the payload is what makes a large
    /// call cost more than decoding its data. `None` for any other shape, valid or not:
    /// [`parse`](Self::parse) then reads the call and explains what is wrong with it.
    ///
    /// Also returns how deep the call nests, the call object itself counting as one level.
    pub(crate) fn parse_common(
        json: &'a str,
        reported_name: Option<&str>,
    ) -> Option<(Self, usize)> {
        let mut scan = Scanner {
            text: json,
            pos: 0,
            deepest: 0,
        };
        let mut api_name = None;
        let mut data = None;
        let mut web_view_id = None;
        let mut state_event = None;
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
                Key::ApiName => (api_name.is_some(), Slot::Name(scan.plain_string()?)),
                Key::Data => (data.is_some(), Slot::Data(scan.value_or_null()?)),
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
        let call = WireCall {
            api_name: Cow::Borrowed(api_name),
            data: data.flatten(),
            data_checked: false,
            web_view_id: web_view_id.flatten(),
            state_event: state_event.flatten().map(Cow::Borrowed),
            app_info: None,
            extra: Map::new(),
            format: WireFormat::Unified,
        };
        Some((call, 1 + scan.deepest))
    }

    pub(crate) fn into_owned(self) -> Result<MiniApiCall, CallError> {
        let data = match self.data {
            None => None,
            Some(text) => Some(serde_json::from_str(text).map_err(|e| {
                CallError::new(CallErrorKind::Unrepresentable {
                    field: "data".to_owned(),
                    reason: strip_position(&e),
                })
                .for_api(&self.api_name)
            })?),
        };
        let mut call = MiniApiCall::new(self.api_name.into_owned(), Value::Null);
        call.data = data;
        call.web_view_id = self.web_view_id;
        call.state_event = self.state_event.map(Cow::into_owned);
        call.app_info = self.app_info.map(|app_info| *app_info);
        call.extra = self.extra;
        call.format = self.format;
        Ok(call)
    }
}

/// The keys [`WireCall::parse_common`] reads; any other key sends the call to the full parser.
enum Key {
    ApiName,
    Data,
    WebViewId,
    StateEvent,
}

/// A value [`WireCall::parse_common`] read.
enum Slot<'a> {
    Name(&'a str),
    Data(Option<&'a str>),
    WebViewId(Option<i64>),
    StateEvent(Option<&'a str>),
}

/// A cursor over JSON text for [`WireCall::parse_common`]. Every method returns `None` on
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
        }
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
}

/// What [`skip_nested`] and the nesting limit's scan do at a byte outside strings: most bytes of
/// a payload are nothing to them, and one table lookup is cheaper than a chain of comparisons.
const NOTHING: u8 = 0;
pub(crate) const QUOTE: u8 = 1;
pub(crate) const OPEN: u8 = 2;
pub(crate) const CLOSE: u8 = 3;

pub(crate) const BYTE_ROLES: [u8; 256] = {
    let mut roles = [NOTHING; 256];
    roles[b'"' as usize] = QUOTE;
    roles[b'{' as usize] = OPEN;
    roles[b'[' as usize] = OPEN;
    roles[b'}' as usize] = CLOSE;
    roles[b']' as usize] = CLOSE;
    roles
};

/// The end of the object or array that starts at `start`, by counting brackets outside
/// strings. One table lookup per byte: this pass replaces the validating one serde would make,
/// so its speed is most of what a large call costs beyond decoding its data.
/// Also returns how deep the value nests (1 for `[]`): the same pass enforces the nesting
/// limit, so the fast reader needs no second scan of the payload.
fn skip_nested(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut at = start;
    loop {
        match BYTE_ROLES[usize::from(*bytes.get(at)?)] {
            QUOTE => {
                at = skip_string(bytes, at + 1)?;
                continue;
            }
            OPEN => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            CLOSE => {
                depth -= 1;
                if depth == 0 {
                    return Some((at + 1, deepest));
                }
            }
            _ => {}
        }
        at += 1;
    }
}

/// The end (past the closing quote) of the string whose contents start at `at`; `None` when it
/// does not end.
pub(crate) fn skip_string(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let byte = *bytes.get(at)?;
        at += 1;
        match byte {
            b'"' => return Some(at),
            // The escaped character, whatever it is, cannot end the string.
            b'\\' => at += 1,
            _ => {}
        }
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

fn read_fields(json: &str) -> Result<Fields<'_>, CallError> {
    let trimmed = json.trim_start();
    if !trimmed.starts_with('{') {
        // Tell "not JSON at all" apart from "JSON, but not an object".
        return Err(match serde_json::from_str::<&RawValue>(json) {
            Ok(raw) => CallError::new(CallErrorKind::NotAnObject(raw_kind(raw.get()))),
            Err(e) => CallError::new(CallErrorKind::Syntax(e.to_string())),
        });
    }
    serde_json::from_str::<Fields<'_>>(json).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let message = strip_position(&e);
            match message.strip_prefix(DUPLICATE_KEY) {
                Some(key) => CallError::new(CallErrorKind::DuplicateKey(key.to_owned())),
                None => CallError::new(CallErrorKind::Syntax(e.to_string())),
            }
        }
        _ => CallError::new(CallErrorKind::Syntax(e.to_string())),
    })
}

const DUPLICATE_KEY: &str = "duplicate key ";

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a call object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Fields::default();
                let mut extra_keys = HashSet::new();
                while let Some(CowStr(key)) = map.next_key()? {
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

        deserializer.deserialize_map(FieldsVisitor)
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

/// The kind of a JSON value, from its first character. The text is known to be valid JSON.
pub(crate) fn raw_kind(text: &str) -> &'static str {
    match text.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A serde_json error's message without its " at line L column C" suffix: positions inside a
/// call's data mean little to a mini program developer, the field path means more.
pub(crate) fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if error.line() == 0 {
        return message;
    }
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(stripped) => stripped.to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_finds_the_end_serde_finds() {
        for value in [
            r#"{}"#,
            r#"[]"#,
            r#"{"a":[1,{"b":"}]"},"\"{["],"c":{}}"#,
            r#"["\\",{"x":"\\\""}]"#,
            r#"[[[[["deep"]]]],{"é":"ü\u0041"}]"#,
            r#""a string with ] and } and \" inside""#,
        ] {
            let text = format!("{value} ,");
            let end = match value.as_bytes()[0] {
                b'"' => skip_string(text.as_bytes(), 1),
                _ => skip_nested(text.as_bytes(), 0).map(|(end, _)| end),
            };
            let serde: &RawValue = serde_json::from_str(value).expect("valid JSON");
            assert_eq!(end, Some(serde.get().len()), "{value}");
        }
        assert_eq!(skip_nested(br#"{"a":"#, 0), None);
        assert_eq!(skip_nested(br#"[[1],{"a":[{}]},"[[[["]"#, 0), Some((23, 4)));
        assert_eq!(skip_string(br#"abc"#, 0), None);
    }

    #[test]
    fn the_common_shape_is_read_in_one_pass() {
        let (call, depth) = WireCall::parse_common(
            r#" {"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"a":["]\"",{}]},"webviewId":-4} "#,
            None,
        )
        .expect("the common shape");
        assert_eq!(
            depth, 4,
            "the call object, data, its array and the object in it"
        );
        assert_eq!(call.api_name, "myApiName");
        assert_eq!(call.data, Some(r#"{"a":["]\"",{}]}"#));
        assert_eq!(call.web_view_id, Some(-4));
        assert_eq!(call.state_event.as_deref(), Some("requestCustomApi"));
        assert!(!call.data_checked);
        for other in [
            r#"{"api_name":"a","appInfo":{}}"#,
            r#"{"api_name":"a\u0062"}"#,
            r#"{"api_name":"a","api_name":"b"}"#,
            r#"{"api_name":"a"} x"#,
            r#"{"api_name":"a","webviewId":1.0}"#,
            r#"{"api_name":""}"#,
            r#"{"data":{}}"#,
        ] {
            assert!(WireCall::parse_common(other, None).is_none(), "{other}");
        }
        assert!(WireCall::parse_common(r#"{"api_name":"a"}"#, Some("b")).is_none());
    }
}
