//! A handler's value or error as its reply, serialized once, straight into the form the
//! caller asked for.

use serde::Serialize;
use serde_json::{Map, Value};

use super::HandlerReply;
use crate::error::IntoApiError;
use crate::json::json_kind;
use crate::reply::{FailureKind, Form, Rendering, Reply, ReplyFormat, result_text, result_value};

/// The fail reply of a handler's error.
pub fn failure<E: IntoApiError>(error: E) -> HandlerReply {
    HandlerReply::Reply(error.into_api_error().into_reply(FailureKind::Handler))
}

/// The success reply of a handler's value, in the form `format` asks for; a fail reply when the
/// value is not a JSON object.
///
/// Generic only where it must be: the text and map encoders are `T`'s own; what is done with
/// their output is not, so that a handler adds those two to a build and little else.
// `inline`: a small dispatcher between the encoders; placed with its caller, the seed calls take
// 1 (json) to 5 (typed) instructions fewer (measured, docs/PERFORMANCE.md).
#[inline]
pub fn success<T: Serialize + ?Sized>(value: &T, format: ReplyFormat) -> HandlerReply {
    // Straight to text, with no `Value` tree in between, for the shapes that render as an
    // object both ways (`result_text` notes the shape as it writes). Anything else (a value
    // that is not an object, an error inside it) takes the path through `to_value`, which
    // decides how it fails exactly as the `Reply` form does.
    // Nested rather than chained: let chains need Rust 1.88, the crate supports 1.85.
    if !matches!(format.0, Form::Reply) {
        if let Some(text) = rendered_text(result_text(value), &format) {
            return HandlerReply::Rendered(text);
        }
    }
    HandlerReply::Reply(success_map(result_value(value)))
}

/// The reply's text of a result `written` as text (with whether a struct's `errMsg` and
/// `errCode` were left out), if it takes the text path: what [`success`] does with its text
/// encoder's output, not built once per result type.
fn rendered_text(written: Option<(String, bool)>, format: &ReplyFormat) -> Option<String> {
    written.and_then(|(text, filtered)| rendered(text, filtered, format))
}

/// The reply of a result rendered as `text` (`filtered`: a struct's `errMsg` and `errCode`
/// were left out as it was written), in the text form `format` asks for; `None` when the
/// result takes the map path instead.
fn rendered(text: String, filtered: bool, format: &ReplyFormat) -> Option<String> {
    match &format.0 {
        Form::Reply => None,
        Form::Text(Rendering::Callback, prefix) => with_ok_message(text, filtered, prefix.as_str()),
        // A result with an `errMsg` or `errCode` of its own takes the map path, which leaves
        // them out: the SDK adds the `errMsg` that routes the reply, as the callback rendering
        // does, and a success has no `errCode`. A struct's were left out as it was written.
        Form::Text(Rendering::Bare, _) if !filtered && has_reply_key(&text) => None,
        Form::Text(Rendering::Bare, _) if text == "null" => Some("{}".to_owned()),
        Form::Text(Rendering::Bare, _) => Some(text),
    }
}

/// The callback object of a result rendered as `text`: the result's own keys, then
/// `"errMsg":"<prefix>:ok"`. `None` when `text` is not an object (nor `null`, the empty
/// result), or when it may have an `errMsg` or `errCode` of its own (`filtered`: a struct's
/// were left out as it was written).
///
/// `errMsg` comes last so that, should it appear twice after all, the one that routes the
/// reply is the one a JSON parser keeps (`JSON.parse` and `serde_json` keep the last of
/// duplicate keys).
fn with_ok_message(mut text: String, filtered: bool, prefix: &str) -> Option<String> {
    // A result with an `errMsg` key of its own would render it twice: some JSON parsers refuse
    // duplicate keys, and the others may keep either. Such a result takes the map path, where
    // the routing `errMsg` replaces it.
    if text == "null" {
        text.clear();
        text.push('{');
    } else if text.starts_with('{') && text.ends_with('}') {
        if !filtered && has_reply_key(&text) {
            return None;
        }
        text.pop();
        // The closing brace of a non-empty object follows a value, never an opening brace.
        if !text.ends_with('{') {
            text.push(',');
        }
    } else {
        return None;
    }
    text.push_str(r#""errMsg":""#);
    // A fixed prefix may need escaping (API names never do), as `serde_json` escapes it; its
    // tests hold `push_escaped` to that. `:ok` needs none.
    crate::reply::text::push_escaped(&mut text, prefix);
    text.push_str(":ok\"}");
    Some(text)
}

/// Whether an object's text may have an `errMsg` or `errCode` key, the reply's own: inside
/// strings a quote is escaped, so `"errMsg"` in the text is a key, or a string value equal to
/// `errMsg` that sends a rare result the slow way (the map path, which leaves both keys out).
// Out of line, as the compiler mostly placed it: inlined into `rendered_text` (as a change
// elsewhere in the crate once made it), it cost the seed call 6 instructions more (measured).
#[inline(never)]
fn has_reply_key(text: &str) -> bool {
    // The capital of each key (`M`, `C`), rare in a result, found by `memchr2`, with the rest of
    // the key compared around it: one byte search over nearly every result, where a search for
    // each quote costs 10 instructions more on the seed call's. (memmem's substring searcher would
    // add its searchers and CPU detection to every binary, about 5 KB.)
    let bytes = text.as_bytes();
    let mut at = 0;
    // `get` and `split_at_checked`, not an index and `split_at`, which could not fail: each was
    // a panic site.
    while let Some(found) = memchr::memchr2(b'M', b'C', bytes.get(at..).unwrap_or_default()) {
        let capital = at + found;
        let Some((before, rest)) = bytes.split_at_checked(capital) else {
            break;
        };
        if before.ends_with(b"\"err") && (rest.starts_with(b"Msg\"") || rest.starts_with(b"Code\""))
        {
            return true;
        }
        at = capital + 1;
    }
    false
}

/// The reply of a result as `to_value` made it, without a struct's `errMsg` and `errCode`.
fn success_map(value: Result<Value, serde_json::Error>) -> Reply {
    // Without the result's own `errMsg` and `errCode`: a struct's left out as it is written.
    match value {
        Ok(Value::Object(map)) => Reply::Success(map),
        Ok(Value::Null) => Reply::Success(Map::new()),
        Ok(other) => Reply::fail(
            FailureKind::InvalidResult,
            format!(
                "invalid result: the handler returned {}, but a reply must be a JSON object (return a struct or a map)",
                json_kind(&other)
            ),
        ),
        Err(e) => Reply::fail(FailureKind::InvalidResult, format!("invalid result: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::{has_reply_key, with_ok_message};

    /// `with_ok_message` with the escaped prefix written as it was: the message's JSON text,
    /// by `format!` and `serde_json::to_string`, without its first quote.
    #[test]
    fn an_escaped_prefix_is_what_serde_json_wrote() {
        let specials = (0u8..0x20)
            .map(char::from)
            .chain(['"', '\\', ' ', '~', '\u{7f}', 'é', '😀']);
        for special in specials {
            for prefix in [
                special.to_string(),
                format!("ab{special}"),
                format!("{special}abcdefghij{special}"),
            ] {
                for text in ["null", "{}", r#"{"a":1}"#] {
                    let message = serde_json::to_string(&format!("{prefix}:ok")).unwrap();
                    let mut expected = if text == "null" {
                        "{".to_owned()
                    } else {
                        text.replace('}', "").replace("1", "1,")
                    };
                    expected.push_str(r#""errMsg":""#);
                    expected.push_str(&message[1..]);
                    expected.push('}');
                    assert_eq!(
                        with_ok_message(text.to_owned(), false, &prefix),
                        Some(expected),
                        "{prefix:?} {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_reply_key_is_found_where_it_is_a_key_or_a_string() {
        for text in [
            r#"{"errMsg":"x"}"#,
            r#"{"errCode":1}"#,
            r#"{"a":1,"errMsg":"x"}"#,
            r#"{"a":"b","c":"d","errCode":0}"#,
            r#"{"a":"errMsg"}"#,
            r#"{"a":"\"","errMsg":1}"#,
            r#"{"a":{"errCode":2}}"#,
            r#""""""errMsg""#,
        ] {
            assert!(has_reply_key(text), "{text}");
        }
    }

    #[test]
    fn no_reply_key_is_found_where_there_is_none() {
        for text in [
            "",
            "{}",
            "\"",
            r#"{"a":1}"#,
            r#"{"err":1}"#,
            r#"{"errMsgs":1}"#,
            r#"{"errCodes":1}"#,
            r#"{"errmsg":1}"#,
            r#"{"ErrMsg":1}"#,
            r#"{"xerrMsg":1}"#,
            r#"{"a":"errMsg "}"#,
            r#"{"a":1,""#,
            r#"{"a":1,"er"#,
            r#"{"a":1,"errMsg"#,
            r#"{"a":1,"errCode"#,
            r#"{"a":"""""""""""""""""""""""#,
            "errMsg\"",
        ] {
            assert!(!has_reply_key(text), "{text}");
        }
    }

    #[test]
    fn a_reply_key_is_found_among_many_quotes() {
        let mut text = "\"\"".repeat(100);
        assert!(!has_reply_key(&text));
        text.push_str("\"errCode\"");
        assert!(has_reply_key(&text));
    }

    #[test]
    fn a_reply_key_is_found_exactly_where_the_text_holds_one() {
        // Every text of up to five pieces that cut and join the keys, against the plain search.
        const PIECES: [&str; 8] = ["\"", "err", "Msg", "Code", "\"errM", "sg\"", "ode\"", "x"];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|text| PIECES.iter().map(move |piece| format!("{text}{piece}")))
                .collect();
            for text in &longer {
                let expected = text.contains("\"errMsg\"") || text.contains("\"errCode\"");
                assert_eq!(has_reply_key(text), expected, "{text}");
            }
            texts = longer;
        }
    }
}
