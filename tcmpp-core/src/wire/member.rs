//! Finding one top-level key of a call's `data` by a scan, without parsing the rest: how a
//! multiplexed API's call names its method before its handler, and the access check, are known.
//! The scan checks the text as it goes, so a call refused after it needs no second pass.

use super::valid::{checked_end, next_byte, number_end_inline, string_end_inline};

/// What a scan of `data` found under a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Member<'a> {
    /// The value's JSON text, not validated.
    Found(&'a str),
    /// `data` is an object without the key.
    Missing,
    /// `data` is not an object.
    NotAnObject,
    /// The key is there more than once: which one counts would depend on the parser.
    Repeated,
    /// The scan found text that is not JSON; whoever reads the call explains.
    Malformed,
}

/// The value of `key` among the top-level keys of the JSON object `text`.
///
/// One pass over the text that builds nothing, so a megabyte of data costs a scan, not a parse;
/// text that is not JSON is [`Member::Malformed`]. A key written with escapes is decoded, but
/// only when it is short enough to be `key`.
pub(crate) fn find<'a>(text: &'a str, key: &str) -> Member<'a> {
    find_checked(text, key).0
}

/// [`find`], checking that the text is JSON in the same pass (with the checks of
/// [`checked_end`](super::valid::checked_end), which accepts exactly what serde accepts for a
/// value it ignores), and saying whether it found it to be: `true` when the object was read to
/// its end (found or missing), so that a refusal of the call needs no second pass to check its
/// data. A flaw anywhere is [`Member::Malformed`].
pub(crate) fn find_checked<'a>(text: &'a str, key: &str) -> (Member<'a>, bool) {
    let bytes = text.as_bytes();
    let Some((at, byte)) = next_byte(bytes, 0) else {
        return (Member::Malformed, false);
    };
    if byte != b'{' {
        return (Member::NotAnObject, false);
    }
    match scan_object(text, at, key) {
        // Nothing but whitespace may follow the object.
        Some((end, _, member)) if next_byte(bytes, end).is_none() => (member, true),
        _ => (Member::Malformed, false),
    }
}

/// The object that starts at `start` (its `{`), checked to be JSON as it is skipped: where it
/// ends, how deep it nests (1 for `{}`), and what it holds under `key` (found, missing or
/// repeated). `None` when it is not JSON, or nests deeper than the checking scan follows.
///
/// How the fast reader skips a multiplexed API's data: the one pass over it checks it and finds
/// its method, so a call refused for its method costs that pass.
pub(crate) fn scan_object<'a>(
    text: &'a str,
    start: usize,
    key: &str,
) -> Option<(usize, usize, Member<'a>)> {
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'{') {
        return None;
    }
    let (mut at, byte) = next_byte(bytes, start + 1)?;
    if byte == b'}' {
        return Some((at + 1, 1, Member::Missing));
    }
    let mut found = None;
    let mut repeated = false;
    let mut deepest = 0;
    loop {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let key_end = string_end_inline(bytes, at + 1)?;
        // `get`s, here and below, not indexes, which could not fail: each is a panic site.
        let this_key = bytes.get(at..key_end)?;
        let (colon, b':') = next_byte(bytes, key_end)? else {
            return None;
        };
        let (value_start, first) = next_byte(bytes, colon + 1)?;
        // A string or a number, the usual values, without the nesting machinery (and inlined:
        // a call's keys are mostly short, where calls would cost as much as the scan).
        let value_end = match first {
            b'"' => string_end_inline(bytes, value_start + 1)?,
            b'-' | b'0'..=b'9' => number_end_inline(bytes, value_start)?,
            _ => {
                let (value_end, depth) = checked_end(bytes, value_start)?;
                deepest = deepest.max(depth);
                value_end
            }
        };
        if is_key(this_key, key) {
            if found.is_some() {
                repeated = true;
            } else {
                found = Some(text.get(value_start..value_end)?);
            }
        }
        match next_byte(bytes, value_end)? {
            (comma, b',') => at = next_byte(bytes, comma + 1)?.0,
            (close, b'}') => {
                let member = match found {
                    _ if repeated => Member::Repeated,
                    Some(value) => Member::Found(value),
                    None => Member::Missing,
                };
                return Some((close + 1, 1 + deepest, member));
            }
            _ => return None,
        }
    }
}

/// Whether the quoted JSON string `quoted` (a string's text, so UTF-8) is `key`.
#[inline]
fn is_key(quoted: &[u8], key: &str) -> bool {
    let Some(inner) = quoted.get(1..quoted.len() - 1) else {
        return false;
    };
    if inner == key.as_bytes() {
        return true;
    }
    // Escaped text is longer than what it stands for, and an escape is at most six bytes for
    // one byte of `key`: only text between the two can be `key` written with escapes.
    inner.len() > key.len()
        && inner.len() <= key.len().saturating_mul(6)
        && escaped_key(quoted, inner, key)
}

/// Whether `quoted`, which holds `inner` between its quotes, is `key` written with escapes.
#[cold]
fn escaped_key(quoted: &[u8], inner: &[u8], key: &str) -> bool {
    // Read as `str`: `from_slice` would instantiate serde_json's reader a second time, for
    // bytes, in every binary (7 KB of a mobile build); text that is not UTF-8 is not `key`
    // either way.
    inner.contains(&b'\\')
        && std::str::from_utf8(quoted).is_ok_and(|quoted| {
            serde_json::from_str::<String>(quoted).is_ok_and(|decoded| decoded == key)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_key_where_serde_would() {
        let key = "methodName";
        for (text, expected) in [
            (r#"{"methodName":"connect"}"#, Member::Found(r#""connect""#)),
            (
                r#" { "a" : [1,{"methodName":"x"}] , "methodName" : 7 } "#,
                Member::Found("7"),
            ),
            (r#"{"method\u004eame":"a\"b"}"#, Member::Found(r#""a\"b""#)),
            (r#"{"a":"methodName"}"#, Member::Missing),
            (r#"{}"#, Member::Missing),
            (r#""methodName""#, Member::NotAnObject),
            (r#"[{"methodName":"x"}]"#, Member::NotAnObject),
            (r#"{"methodName":"a","methodName":"b"}"#, Member::Repeated),
            (r#"{"methodName":"a""#, Member::Malformed),
            (r#"{"methodName":}"#, Member::Malformed),
            (r#"{"methodName":"a"} x"#, Member::Malformed),
            (r#"{"methodName" "a"}"#, Member::Malformed),
            ("", Member::Malformed),
        ] {
            assert_eq!(find(text, key), expected, "{text}");
        }
    }
}
