//! Finding one top-level key of a call's `data` by a scan, without parsing the rest: how a
//! multiplexed API's call names its method before its handler, and the access check, are known.

use super::scan::{skip_nested, skip_string};

/// What a scan of `data` found under a key.
#[derive(Debug, PartialEq, Eq)]
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
/// One pass over the text: strings are skipped by their quotes, nested values by counting
/// brackets (the byte scan the fast reader uses), so a megabyte of data costs a scan, not a
/// parse. A key written with escapes is decoded, but only when it is short enough to be `key`.
pub(crate) fn find<'a>(text: &'a str, key: &str) -> Member<'a> {
    let bytes = text.as_bytes();
    let mut at = skip_whitespace(bytes, 0);
    match bytes.get(at) {
        Some(b'{') => {}
        Some(_) => return Member::NotAnObject,
        None => return Member::Malformed,
    }
    at = skip_whitespace(bytes, at + 1);
    let mut found = None;
    if bytes.get(at) == Some(&b'}') {
        return end(bytes, at + 1, found);
    }
    loop {
        if bytes.get(at) != Some(&b'"') {
            return Member::Malformed;
        }
        let Some(key_end) = skip_string(bytes, at + 1) else {
            return Member::Malformed;
        };
        let this_key = &text[at..key_end];
        at = skip_whitespace(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return Member::Malformed;
        }
        at = skip_whitespace(bytes, at + 1);
        let value_start = at;
        at = match bytes.get(at) {
            Some(b'"') => match skip_string(bytes, at + 1) {
                Some(end) => end,
                None => return Member::Malformed,
            },
            Some(b'{' | b'[') => match skip_nested(bytes, at) {
                Some((end, _)) => end,
                None => return Member::Malformed,
            },
            Some(_) => {
                let mut end = at;
                while let Some(byte) = bytes.get(end) {
                    if matches!(byte, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    end += 1;
                }
                if end == at {
                    return Member::Malformed;
                }
                end
            }
            None => return Member::Malformed,
        };
        if is_key(this_key, key) {
            if found.is_some() {
                return Member::Repeated;
            }
            found = Some(&text[value_start..at]);
        }
        at = skip_whitespace(bytes, at);
        match bytes.get(at) {
            Some(b',') => at = skip_whitespace(bytes, at + 1),
            Some(b'}') => return end(bytes, at + 1, found),
            _ => return Member::Malformed,
        }
    }
}

/// What the scan found, once the object ends at `at`: nothing but whitespace may follow.
fn end<'a>(bytes: &[u8], at: usize, found: Option<&'a str>) -> Member<'a> {
    if skip_whitespace(bytes, at) != bytes.len() {
        return Member::Malformed;
    }
    found.map_or(Member::Missing, Member::Found)
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
        at += 1;
    }
    at
}

/// Whether the quoted JSON string `quoted` is `key`.
fn is_key(quoted: &str, key: &str) -> bool {
    let inner = &quoted.as_bytes()[1..quoted.len() - 1];
    if inner == key.as_bytes() {
        return true;
    }
    // Escaped text is longer than what it stands for, and an escape is at most six bytes for
    // one byte of `key`: only text between the two can be `key` written with escapes, and only
    // that is decoded.
    inner.len() > key.len()
        && inner.len() <= key.len().saturating_mul(6)
        && inner.contains(&b'\\')
        && serde_json::from_str::<String>(quoted).is_ok_and(|decoded| decoded == key)
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
