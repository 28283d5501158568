//! Reading call text into an owned [`MiniApiCall`].

use serde_json::{Map, Value};

use crate::call::MiniApiCall;

use super::error::CallErrorKind;
use super::{CallError, DEFAULT_MAX_CALL_KEYS, OtherKeys, Reading, Wire, WireCall};
use crate::json::strip_position;

impl MiniApiCall {
    /// Reads a call from the JSON text the SDK hands over, in the format `wire` states.
    ///
    /// The caller is never read from the text (see [`Caller`](crate::Caller)): a call that
    /// carries `appInfo` is refused, and `webviewId` and `stateEvent` are checked for their
    /// type and dropped; the host states who calls beside the call. To dispatch text, hand it
    /// to [`Registry::call`](crate::Registry::call) directly: that reads `data` straight into
    /// the handler's type, with no `Value` in between.
    pub fn from_json(json: &str, wire: Wire<'_>) -> Result<Self, CallError> {
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
    pub fn from_map(params: Map<String, Value>, wire: Wire<'_>) -> Result<Self, CallError> {
        // One reader for both: the map is written out and read as the SDK's text would be.
        // A map of `Value`s always serializes.
        let json = Value::Object(params).to_string();
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
