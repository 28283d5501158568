//! Reading a call from the JSON text the host's SDK hands over: the one reader of a call's
//! fields, a fast path for the common shape and a full path for everything else, the byte scan
//! both share with the limits, and the errors of a call that cannot be read.
//!
//! The call's `data` is kept as a slice of the input, so a handler's data type is later
//! deserialized from the text itself, with no `serde_json::Value` tree built in between.

mod error;
mod fast;
mod full;
mod limits;
pub(crate) mod member;
pub(crate) use member::Member;
mod owned;
mod scan;
mod valid;

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::call::AppInfo;

pub use error::CallError;
pub(crate) use error::check_agrees;
pub(crate) use fast::FastRefusal;
pub(crate) use limits::Limits;
pub use limits::{DEFAULT_MAX_CALL_BYTES, DEFAULT_MAX_CALL_KEYS, DEFAULT_MAX_DEPTH};

/// The format of a call's text, as the host states it: never guessed from the text, because
/// every key of a legacy call is the mini program's.
///
/// ```
/// use tcmpp_core::{MiniApiCall, Wire};
///
/// // SDK 2.2.17 and later, and iOS: the object names its API.
/// let unified = MiniApiCall::from_json(r#"{"api_name":"scan","data":{"x":1}}"#, Wire::Unified)?;
/// // The SDK also reported the name beside the call: the two must agree.
/// let named = MiniApiCall::from_json(r#"{"api_name":"scan","data":{"x":1}}"#, Wire::Named("scan"))?;
/// // Android SDK 2.2.16 and earlier: the object is the data, the name comes beside it.
/// let legacy = MiniApiCall::from_json(r#"{"x":1}"#, Wire::Legacy("scan"))?;
/// assert_eq!(unified, named);
/// assert_eq!(unified.data, legacy.data);
/// # Ok::<_, tcmpp_core::CallError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Wire<'a> {
    /// The unified format (SDK 2.2.17 and later, and iOS always):
    /// `{"stateEvent":"requestCustomApi","api_name":"…","data":{…},"webviewId":4}`.
    #[default]
    Unified,
    /// The unified format, with the API name the SDK reported beside the call. The call's own
    /// `api_name` must be there and agree: a call without one is refused, not guessed to be
    /// legacy.
    Named(&'a str),
    /// The legacy Android format (SDK 2.2.16 and earlier): the whole object is the data, and
    /// the API name is the one the SDK reported.
    Legacy(&'a str),
}

impl<'a> Wire<'a> {
    /// The API name a call's text in this format is for, found without reading the call: the
    /// name the SDK reported beside it, or a unified call's own `api_name`, found by a scan of
    /// its top-level keys that builds nothing. `None` when there is none, or it is written with
    /// escapes (no registered name needs them). For a host that refuses a call before
    /// dispatching it (its caller cannot be read, say) and names the reply after the API, as
    /// [`Registry::errmsg_prefix_for`](crate::Registry::errmsg_prefix_for) does.
    ///
    /// ```
    /// use tcmpp_core::Wire;
    ///
    /// let text = r#"{"data":{"api_name":"inner"},"api_name":"scan"}"#;
    /// assert_eq!(Wire::Unified.api_name_in(text), Some("scan"));
    /// assert_eq!(Wire::Legacy("pay").api_name_in(r#"{"api_name":"scan"}"#), Some("pay"));
    /// assert_eq!(Wire::Unified.api_name_in("not JSON"), None);
    /// ```
    pub fn api_name_in<'t>(self, text: &'t str) -> Option<&'t str>
    where
        'a: 't,
    {
        match self {
            Wire::Named(name) | Wire::Legacy(name) => Some(name),
            Wire::Unified => match member::find(text, "api_name") {
                member::Member::Found(raw) => raw
                    .strip_prefix('"')
                    .and_then(|raw| raw.strip_suffix('"'))
                    .filter(|name| !name.contains('\\')),
                _ => None,
            },
        }
    }

    /// The name the SDK reported beside the call, if any.
    pub(crate) fn reported_name(self) -> Option<&'a str> {
        match self {
            Wire::Unified => None,
            Wire::Named(name) | Wire::Legacy(name) => Some(name),
        }
    }
}

/// A call read from JSON text, borrowing from it.
pub(crate) struct WireCall<'a> {
    pub(crate) api_name: Cow<'a, str>,
    /// The JSON text of `data`; `None` when absent or `null`.
    pub(crate) data: Option<&'a str>,
    /// Whether `data` is known to be valid JSON. The fast reader only finds where it ends when
    /// a handler is to decode it, which validates it: when that call is refused after all, the
    /// data must still be checked.
    pub(crate) data_checked: bool,
    /// The caller's keys, read only when the host said the text is its SDK's rendering.
    pub(crate) caller: TextCaller<'a>,
    /// The other top-level keys and their values' JSON text, unparsed (checked to be JSON): a
    /// handler that asks for them parses them.
    pub(crate) extra: Vec<(Cow<'a, str>, &'a str)>,
    /// What `data` holds under a multiplexed API's method key, when the fast reader found it
    /// as it checked the data: the method's resolution then needs no second pass.
    pub(crate) method: Option<member::Member<'a>>,
}

/// How the fast reader reads a call's `data`, once it knows the API: see [`fast::read`].
#[derive(Clone, Copy)]
pub(crate) enum DataRead {
    /// Found by its structure only: a handler decodes it, which checks it.
    Decoded,
    /// Checked to be JSON as it is skipped: no handler will decode it.
    Checked,
    /// Checked, and the value under this key found in the same pass: a multiplexed API's
    /// method key.
    Method(&'static str),
}

/// A call's other top-level keys, as a handler's context holds them: a host's map, or the
/// call text's keys still unparsed.
#[derive(Clone, Copy)]
pub(crate) enum OtherKeys<'a> {
    Map(&'a Map<String, Value>),
    Raw(&'a [(Cow<'a, str>, &'a str)]),
}

impl OtherKeys<'_> {
    /// The keys as a map; an error names a key whose value no `Value` can hold (a number out of
    /// range, a lone surrogate).
    pub(crate) fn to_map(self) -> Result<Map<String, Value>, CallError> {
        match self {
            OtherKeys::Map(map) => Ok(map.clone()),
            OtherKeys::Raw(keys) => keys
                .iter()
                .map(|(key, raw)| {
                    serde_json::from_str(raw)
                        .map(|value| (key.clone().into_owned(), value))
                        .map_err(|error| CallError::unrepresentable(key, &error))
                })
                .collect(),
        }
    }
}

/// The caller's keys of a call's text: believed only under `Caller::trust_call_text`.
#[derive(Default)]
pub(crate) struct TextCaller<'a> {
    pub(crate) web_view_id: Option<i64>,
    pub(crate) state_event: Option<Cow<'a, str>>,
    /// Boxed: most calls carry none, and a call read from text moves several times on its way
    /// to the handler.
    pub(crate) app_info: Option<Box<AppInfo>>,
}

/// How a call's text is read: its format, whether the caller's keys in it are believed, and
/// how many top-level keys a unified call may have.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reading<'a> {
    pub(crate) wire: Wire<'a>,
    pub(crate) caller_from_text: bool,
    pub(crate) max_keys: usize,
}

impl<'a> WireCall<'a> {
    /// Reads the common shape of a call in one pass, or `None` for any other shape: see
    /// [`fast::read`]. `decodes_data` says whether a handler will decode the data of a call to
    /// the API it names. Also returns how deep the call nests.
    pub(crate) fn read_common(
        json: &'a str,
        reading: Reading<'_>,
        decodes_data: impl FnMut(&str) -> DataRead,
    ) -> Option<(Self, usize)> {
        match reading.wire {
            // A legacy call's keys are all data: only the full reader reads it.
            Wire::Legacy(_) => None,
            _ => fast::read(json, reading, decodes_data),
        }
    }

    /// Reads a call of a wider shape than [`read_common`](Self::read_common)'s in one pass, or
    /// refuses it there as the full reader would (`None`, and the refusal in `refusal`); `None`
    /// for any other shape: see [`fast::read_wider`].
    pub(crate) fn read_wider(
        json: &'a str,
        reading: Reading<'_>,
        decodes_data: &mut dyn FnMut(&str) -> DataRead,
        refusal: &mut Option<FastRefusal>,
    ) -> Option<(Self, usize)> {
        match reading.wire {
            Wire::Legacy(_) => None,
            _ => fast::read_wider(json, reading, decodes_data, refusal),
        }
    }

    /// A legacy call whose data no handler will read straight from the text (it is to be
    /// refused, or a multiplexed API's method is to be found in it first): the text checked to
    /// be one JSON object in one pass, which also measures how deep it nests, and none of its
    /// keys read. `None` when it is not one, or nests deeper than that pass follows: the full
    /// reader then reads it and explains.
    pub(crate) fn read_legacy_unread(json: &'a str, name: &'a str) -> Option<(Self, usize)> {
        let bytes = json.as_bytes();
        let start = skip_json_whitespace(bytes, 0);
        if name.is_empty() || bytes.get(start) != Some(&b'{') {
            return None;
        }
        let (end, depth) = valid::checked_end(bytes, start)?;
        if skip_json_whitespace(bytes, end) != bytes.len() {
            return None;
        }
        Some((Self::legacy(json, Cow::Borrowed(name), true), depth))
    }

    /// A legacy call to a multiplexed API, whose method is found under `key` by the scan that
    /// checks the text and measures how deep it nests, in one pass (as the fast reader finds a
    /// unified call's): the call, with what the scan found, and the depth. When the scan cannot
    /// follow the text (not JSON, or nested deeper than it follows), the call with its data not
    /// yet checked and no depth: the method's resolution scans it again, after the nesting
    /// limit's own scan. `None` for text that does not start as an object, or no name: the full
    /// reader explains.
    pub(crate) fn legacy_object(
        json: &'a str,
        name: &'a str,
        key: &str,
    ) -> Option<(Self, Option<usize>)> {
        let bytes = json.as_bytes();
        let start = skip_json_whitespace(bytes, 0);
        if name.is_empty() || bytes.get(start) != Some(&b'{') {
            return None;
        }
        match member::scan_object(json, start, key) {
            Some((end, depth, method)) if skip_json_whitespace(bytes, end) == bytes.len() => {
                let mut call = Self::legacy(json, Cow::Borrowed(name), true);
                call.method = Some(method);
                Some((call, Some(depth)))
            }
            _ => Some((Self::legacy(json, Cow::Borrowed(name), false), None)),
        }
    }

    /// A legacy call: the whole object is the data.
    pub(crate) fn legacy(json: &'a str, api_name: Cow<'a, str>, data_checked: bool) -> Self {
        WireCall {
            api_name,
            data: Some(json.trim()),
            data_checked,
            caller: TextCaller::default(),
            extra: Vec::new(),
            method: None,
        }
    }

    /// Reads `json` in full, or says exactly what is wrong with it.
    pub(crate) fn read(json: &'a str, reading: Reading<'_>) -> Result<Self, CallError> {
        full::read(json, reading)
    }
}

/// The first byte at or after `at` that is not JSON whitespace.
fn skip_json_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
        at += 1;
    }
    at
}

/// Whether `text` is one JSON value, by the checking scan of [`valid`]: faster than serde's
/// pass and building nothing. `false` also for a value nested deeper than the scan follows,
/// which serde must then decide.
pub(crate) fn scans_as_json(text: &str) -> bool {
    let bytes = text.as_bytes();
    let start = skip_json_whitespace(bytes, 0);
    valid::checked_end(bytes, start)
        .is_some_and(|(end, _)| skip_json_whitespace(bytes, end) == bytes.len())
}

/// The texts near `seed` at each of `places`, for the readers' tests: the text cut there, the
/// byte there dropped, and each of `edits` put in before that byte or in its stead.
#[cfg(test)]
fn texts_near(seed: &[u8], edits: &[u8], places: impl IntoIterator<Item = usize>) -> Vec<Vec<u8>> {
    let mut texts = Vec::new();
    for at in places {
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
    texts
}
