//! What a host hands to [`Registry::call`](crate::Registry::call): a call it read, or the SDK's
//! text.

use crate::call::MiniApiCall;

/// A call as a host hands it to [`Registry::call`](crate::Registry::call): already read, or the SDK's JSON text, as a
/// string or as bytes that may not be UTF-8.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CallInput<'a> {
    /// A call the host read or built itself.
    Call(MiniApiCall),
    /// The call's JSON text. Its `data` is deserialized straight from the text into the
    /// handler's data type, with no `Value` in between.
    Text(&'a str),
    /// The call's JSON text as bytes; bytes that are not UTF-8 are a fail reply.
    Bytes(&'a [u8]),
}

impl From<MiniApiCall> for CallInput<'_> {
    fn from(call: MiniApiCall) -> Self {
        CallInput::Call(call)
    }
}

impl<'a> From<&'a str> for CallInput<'a> {
    fn from(text: &'a str) -> Self {
        CallInput::Text(text)
    }
}

impl<'a> From<&'a String> for CallInput<'a> {
    fn from(text: &'a String) -> Self {
        CallInput::Text(text)
    }
}

impl<'a> From<&'a [u8]> for CallInput<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        CallInput::Bytes(bytes)
    }
}

impl<'a> From<&'a Vec<u8>> for CallInput<'a> {
    fn from(bytes: &'a Vec<u8>) -> Self {
        CallInput::Bytes(bytes)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for CallInput<'a> {
    fn from(bytes: &'a [u8; N]) -> Self {
        CallInput::Bytes(bytes)
    }
}

impl CallInput<'_> {
    /// What the input is, for logs: its kind and size, never its content, which the mini
    /// program wrote.
    pub(super) fn describe(&self) -> (&'static str, usize) {
        match self {
            CallInput::Call(call) => ("call", call.api_name.len()),
            CallInput::Text(text) => ("text", text.len()),
            CallInput::Bytes(bytes) => ("bytes", bytes.len()),
        }
    }
}
