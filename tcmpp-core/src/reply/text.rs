//! Replies without a map of their own, rendered straight to JSON text: refusals, handler
//! failures without a body, and cancels are most of the replies that are not successes, and
//! building a `serde_json::Value` only to print it cost a refused call more than a success.

use std::fmt::Write;

/// `{"errCode":…,"errMsg":"<prefix>:fail <message>"}`, without `errCode` when there is no
/// code: what the callback rendering of a fail reply without a body gives, key for key.
pub(super) fn callback_fail(prefix: &str, message: &str, code: Option<i64>) -> String {
    let mut text = String::with_capacity(32 + prefix.len() + message.len());
    text.push('{');
    if let Some(code) = code {
        // Writing to a `String` cannot fail.
        let _ = write!(text, "\"errCode\":{code},");
    }
    text.push_str("\"errMsg\":\"");
    push_escaped(&mut text, prefix);
    text.push_str(":fail ");
    push_escaped(&mut text, message);
    text.push_str("\"}");
    text
}

/// `{"errMsg":"<prefix>:cancel"}`.
pub(super) fn callback_cancel(prefix: &str) -> String {
    let mut text = String::with_capacity(24 + prefix.len());
    text.push_str("{\"errMsg\":\"");
    push_escaped(&mut text, prefix);
    text.push_str(":cancel\"}");
    text
}

/// `{"code":…,"message":"…"}`, without `code` when there is none: the bare rendering of a fail
/// reply without a body.
pub(super) fn bare_fail(message: &str, code: Option<i64>) -> String {
    let mut text = String::with_capacity(24 + message.len());
    text.push('{');
    if let Some(code) = code {
        let _ = write!(text, "\"code\":{code},");
    }
    text.push_str("\"message\":\"");
    push_escaped(&mut text, message);
    text.push_str("\"}");
    text
}

/// Appends `raw` as the inside of a JSON string, escaped as `serde_json` escapes it: `"`, `\`
/// and the control characters, the common ones by their short escapes.
pub fn push_escaped(text: &mut String, raw: &str) {
    let bytes = raw.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Eight bytes at a time while none of them is escaped: most of a message.
        // `get`s, here and below, not indexes: each index is a panic site in the library,
        // and none can fail (`at` is in the text, and escaped bytes are ASCII).
        if let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
            if !any_escaped(u64::from_le_bytes(*word)) {
                at += 8;
                continue;
            }
        }
        let byte = bytes[at];
        at += 1;
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        text.push_str(raw.get(start..at - 1).unwrap_or_default());
        if short.is_empty() {
            let _ = write!(text, "\\u{byte:04x}");
        } else {
            text.push_str(short);
        }
        start = at;
    }
    text.push_str(raw.get(start..).unwrap_or_default());
}

/// Whether any of eight bytes is escaped: a control character (below 0x20), `"` or `\`. Exact:
/// the bit tricks may mark a byte after one that matches, never a word where none does.
fn any_escaped(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below `n` (at most 0x80) borrows into its high bit, which was clear.
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH != 0;
    below(word, 0x20)
        || below(word ^ (ONES * u64::from(b'"')), 1)
        || below(word ^ (ONES * u64::from(b'\\')), 1)
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::*;

    /// What `serde_json` renders for the same map: the text written here must equal it.
    fn serde(map: Value) -> String {
        map.to_string()
    }

    #[test]
    fn escapes_as_serde_json_does() {
        let raw: String = (0u8..0x80)
            .map(char::from)
            .chain("é\u{2028}😀".chars())
            .collect();
        let mut text = String::new();
        push_escaped(&mut text, &raw);
        assert_eq!(format!("\"{text}\""), Value::String(raw).to_string());
    }

    #[test]
    fn escapes_every_byte_at_every_place_in_a_word_as_serde_json_does() {
        let specials = (0u8..0x20)
            .map(char::from)
            .chain(['"', '\\', ' ', '~', '\u{7f}', 'é', '😀']);
        for special in specials {
            for length in 0..20 {
                for place in 0..length {
                    let raw: String = (0..length)
                        .map(|at| if at == place { special } else { 'a' })
                        .collect();
                    let mut text = String::new();
                    push_escaped(&mut text, &raw);
                    assert_eq!(
                        format!("\"{text}\""),
                        Value::String(raw.clone()).to_string(),
                        "{raw:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn fail_and_cancel_texts_equal_the_rendered_maps() {
        let messages = [
            "unknown API: no handler is registered for \"x\"",
            "a\nb\u{1}\\",
            "",
        ];
        for message in messages {
            for code in [None, Some(-1), Some(i64::MIN), Some(1001)] {
                let mut callback = Map::new();
                let mut bare = Map::new();
                if let Some(code) = code {
                    callback.insert("errCode".into(), code.into());
                    bare.insert("code".into(), code.into());
                }
                callback.insert("errMsg".into(), format!("api\":fail {message}").into());
                bare.insert("message".into(), message.into());
                assert_eq!(
                    callback_fail("api\"", message, code),
                    serde(Value::Object(callback))
                );
                assert_eq!(bare_fail(message, code), serde(Value::Object(bare)));
            }
        }
        assert_eq!(
            callback_cancel("invoke\tNativePlugin"),
            serde(json!({ "errMsg": "invoke\tNativePlugin:cancel" }))
        );
    }
}
