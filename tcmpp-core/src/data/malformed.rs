//! Data that is not JSON: the one notion of it, and how a call with it is refused.

use serde::de::{self, Deserialize};

use crate::json::strip_position;
use crate::reply::{FailureKind, Reply};
use crate::wire::CallError;

/// A call's `data` found not to be JSON, so that the call is not either. The one notion of
/// malformed data: found while the data is decoded, or when a step refuses the call or hands it
/// on with data nobody had validated yet, it travels as this value to the entry, which refuses
/// the call ([`refusal_in`](Self::refusal_in)) without reading or running it again.
pub struct MalformedData(());

impl MalformedData {
    /// Why the call whose text is `call` is refused, `data` being the slice of it found not to
    /// be JSON: serde's words for the flaw and its line and column in the call's text, the error
    /// the full reader gives for the same text. serde reads one value from where the data
    /// starts, on into the rest of the call as the full reader would, up to the flaw; the call
    /// before the data, checked already, is not read again.
    pub(crate) fn refusal_in(&self, call: &str, data: &str) -> CallError {
        let offset = (data.as_ptr() as usize)
            .checked_sub(call.as_ptr() as usize)
            .filter(|offset| offset + data.len() <= call.len())
            .unwrap_or(0);
        // `get`, here and below: the data starts at a character of the call (its offset is 0
        // otherwise), and each index would be a panic site.
        let mut from_data = serde_json::Deserializer::from_str(call.get(offset..).unwrap_or(call));
        let error = match de::IgnoredAny::deserialize(&mut from_data) {
            Err(error) if error.line() > 0 => error,
            // The scan and serde disagree (they never should): say no more than that.
            _ => return CallError::syntax("the data is not one JSON value".to_owned()),
        };
        let before = call.as_bytes().get(..offset).unwrap_or_default();
        // serde counts a column in bytes from the line's start: a flaw on the data's first line
        // is as far into the call's line as the data starts, plus its column in the data.
        let column = match error.line() {
            1 => {
                let line_start = before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |at| at + 1);
                offset - line_start + error.column()
            }
            _ => error.column(),
        };
        let line = before.iter().filter(|&&b| b == b'\n').count() + error.line();
        CallError::syntax(format!(
            "{} at line {line} column {column}",
            strip_position(&error)
        ))
    }

    /// The reply when the call's text is not at hand (data handed to a layer, or a typed call's,
    /// neither of which is ever malformed): no more than that the call is not JSON.
    pub(crate) fn reply(&self) -> Reply {
        Reply::fail(FailureKind::InvalidCall, "invalid call: not valid JSON")
    }
}

/// Whether `text` is one JSON value: by the checking scan, which is faster than serde's pass; by
/// serde only when the scan cannot tell (text that is not JSON, or nests deeper than the scan
/// follows).
pub(crate) fn check_json(text: &str) -> Result<(), MalformedData> {
    if crate::wire::scans_as_json(text) || serde_json::from_str::<de::IgnoredAny>(text).is_ok() {
        Ok(())
    } else {
        Err(MalformedData(()))
    }
}

/// Whether `text` is one JSON value (see [`check_json`]).
pub(crate) fn is_json(text: &str) -> bool {
    check_json(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal of `call`, whose data starts at the first `"data":` and is a slice of it up
    /// to `data_end` bytes from the end, says what serde says of the whole call: the same words,
    /// line and column.
    fn refusal_agrees_with_serde(call: &str, data_end: usize) {
        let start = call
            .find("\"data\":")
            .map_or(0, |at| at + "\"data\":".len());
        let data = &call[start..call.len() - data_end];
        let whole =
            serde_json::from_str::<de::IgnoredAny>(call).expect_err("the call is malformed");
        let expected = CallError::syntax(whole.to_string());
        assert!(check_json(data).is_err(), "{data:?} is malformed");
        assert_eq!(
            MalformedData(()).refusal_in(call, data),
            expected,
            "{call:?}"
        );
    }

    #[test]
    fn a_flaw_is_placed_in_the_calls_text() {
        for (call, data_end) in [
            // On the call's first line.
            (r#"{"api_name":"a","data":{"x":[1,]}}"#, 1),
            // The data on the call's second line, the flaw on the data's first.
            ("{\"api_name\":\"a\",\n  \"data\":{\"x\":tru}}", 1),
            // The flaw on the data's third line, after CRLF line ends.
            (
                "{\"api_name\":\"a\",\r\n\"data\":{\r\n\"x\":1,\r\n\"y\":[,]}}",
                1,
            ),
            // A flaw serde sees only past the data's end, as the full reader does.
            (r#"{"api_name":"a","data":nul}"#, 1),
            // A legacy call: the whole text is the data.
            ("{\"a\":\n\n  01}", 0),
        ] {
            refusal_agrees_with_serde(call, data_end);
        }
    }

    #[test]
    fn data_that_is_json_is_not_malformed() {
        for data in ["{}", "[1,{\"a\":null}]", " \"x\" ", "1e999"] {
            assert!(check_json(data).is_ok(), "{data}");
        }
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(is_json(&deep));
    }
}
