//! Reading call text into an owned [`MiniApiCall`].

use serde_json::{Map, Value};

use crate::call::MiniApiCall;

use super::error::CallErrorKind;
use super::{CallError, DEFAULT_MAX_CALL_KEYS, Limits, OtherKeys, Reading, Wire, WireCall};
use crate::json::strip_position;

impl MiniApiCall {
    /// Reads a call from the JSON text the SDK hands over, in the format `wire` states.
    ///
    /// The caller is never read from the text (see [`Caller`](crate::Caller)): a call that
    /// carries `appInfo` is refused, and `webviewId` and `stateEvent` are checked for their
    /// type and dropped; the host states who calls beside the call. To dispatch text, hand it
    /// to [`Registry::call`](crate::Registry::call) directly: that reads `data` straight into
    /// the handler's type, with no `Value` in between.
    ///
    /// The default limits of a registry apply, checked by a scan before anything is parsed:
    /// text over [`DEFAULT_MAX_CALL_BYTES`](crate::limits::DEFAULT_MAX_CALL_BYTES) or nested deeper
    /// than [`DEFAULT_MAX_DEPTH`](crate::limits::DEFAULT_MAX_DEPTH) is an error of kind
    /// [`FailureKind::LimitExceeded`](crate::reply::FailureKind) when dispatched, and a unified call
    /// has at most [`DEFAULT_MAX_CALL_KEYS`] top-level keys. A
    /// call within them is read into values, its `data` whole: a host that refuses calls by
    /// their name or caller does it cheaper by dispatching the text.
    pub fn from_json(json: &str, wire: Wire<'_>) -> Result<Self, CallError> {
        Limits::default().check_text(json)?;
        let reading = Reading {
            wire,
            caller_from_text: false,
            max_keys: DEFAULT_MAX_CALL_KEYS,
        };
        WireCall::read(json, reading)?.into_owned()
    }

    /// [`from_json`](Self::from_json) for a call the host already holds as a map (Flutter's
    /// `call.params`, say), read by the same rules.
    ///
    /// ```
    /// use serde_json::json;
    /// use tcmpp_core::{MiniApiCall, Wire};
    ///
    /// let params = json!({ "api_name": "scan", "data": { "x": 1 }, "webviewId": 4 });
    /// let call = MiniApiCall::from_map(params.as_object().unwrap().clone(), Wire::Unified)?;
    /// assert_eq!(call, MiniApiCall::new("scan", json!({ "x": 1 })));
    /// # Ok::<_, tcmpp_core::CallError>(())
    /// ```
    ///
    /// The limits of [`from_json`](Self::from_json) apply to the map as its JSON text would
    /// have them, checked before the text is written.
    pub fn from_map(params: Map<String, Value>, wire: Wire<'_>) -> Result<Self, CallError> {
        let limits = Limits::default();
        // The object itself is one level.
        if params
            .values()
            .any(|value| nests_deeper_than(value, limits.max_depth.saturating_sub(1)))
        {
            return Err(CallError::over_limit(format!(
                "invalid call: nested deeper than the limit of {} levels",
                limits.max_depth
            )));
        }
        let params = Value::Object(params);
        if text_len_within(&params, limits.max_call_bytes) > limits.max_call_bytes {
            return Err(CallError::over_limit(format!(
                "invalid call: its JSON text is over the limit of {} bytes",
                limits.max_call_bytes
            )));
        }
        // One reader for both: the map is written out and read as the SDK's text would be.
        // A map of `Value`s always serializes.
        let json = crate::json::text_of(&params);
        Self::from_json(&json, wire)
    }
}

impl WireCall<'_> {
    /// The call as an owned [`MiniApiCall`]; an error when its data cannot be held as a
    /// `serde_json::Value` (a number out of range, say).
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
        call.extra = OtherKeys::Raw(&self.extra)
            .to_map()
            .map_err(|error| error.for_api(&call.api_name))?;
        Ok(call)
    }
}

/// Whether `value` nests more than `levels` levels of arrays and objects. Without recursion,
/// and stopping as soon as it is known: a host's map may nest as deep as memory allows.
fn nests_deeper_than(value: &Value, levels: usize) -> bool {
    enum Children<'a> {
        Items(std::slice::Iter<'a, Value>),
        Values(serde_json::map::Values<'a>),
    }
    // Each open container's remaining children; never more than `levels` of them.
    let mut open: Vec<Children<'_>> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(value) = next.take() {
            let children = match value {
                Value::Array(items) => Some(Children::Items(items.iter())),
                Value::Object(map) => Some(Children::Values(map.values())),
                _ => None,
            };
            if let Some(children) = children {
                if open.len() == levels {
                    return true;
                }
                open.push(children);
            }
        }
        let Some(children) = open.last_mut() else {
            return false;
        };
        next = match children {
            Children::Items(items) => items.next(),
            Children::Values(values) => values.next(),
        };
        if next.is_none() {
            open.pop();
        }
    }
}

/// How long `value`'s JSON text is, counted without writing it, up to just past `max` bytes.
fn text_len_within(value: &Value, max: usize) -> usize {
    struct Count {
        len: usize,
        max: usize,
    }
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.len += bytes.len();
            if self.len > self.max {
                // Stops the serializer: the rest need not be counted.
                return Err(std::io::Error::other("over the limit"));
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count { len: 0, max };
    let _ = serde_json::to_writer(&mut count, value);
    count.len
}
