//! Reading call text into an owned [`MiniApiCall`].

use serde_json::Value;

use crate::call::MiniApiCall;

use super::error::CallErrorKind;
use super::{CallError, Reading, Wire, WireCall, strip_position};

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
        };
        WireCall::read(json, reading)?.into_owned()
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
        call.extra = self.extra;
        Ok(call)
    }
}
