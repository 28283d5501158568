//! Where in a caller's refused JSON its error is: a path of keys and indices, found by
//! scanning the text again up to the error's position.

use std::fmt::Write as _;

/// Where in `json` the error `error` of reading it was found, as a path of keys and indices
/// (`appInfo.appId`, `appInfo.x[2]`; `.` for the object itself, `?` for a place between two keys).
///
/// The text is scanned again up to the error's position: every byte before it was read without
/// an error, and what the scan is in at that byte is what the reading was in. This names the
/// places serde_path_to_error names, without its tracking deserializer, which instantiated a
/// wrapper of every deserializer method for every type of the caller (10 KB of a mobile build)
/// to be used only when a caller is refused. A unit test compares the two on many texts.
#[cold]
#[inline(never)]
pub(super) fn path_of(json: &str, error: &serde_json::Error) -> String {
    let end = error_offset(json, error.line(), error.column());
    let bytes = &json.as_bytes()[..end];
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        at += 1;
        let Some(frame) = stack.last_mut() else {
            // Before the top-level object: whitespace, then its `{`.
            if byte == b'{' {
                stack.push(Frame::new(false));
            }
            continue;
        };
        let whitespace = matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
        match frame.phase {
            Phase::Before | Phase::Colon if whitespace => {}
            Phase::Before if frame.array => {
                if byte == b']' {
                    close(&mut stack);
                } else {
                    // Anything else starts an element, as serde reads it (`[,` is the
                    // element's error).
                    frame.index += usize::from(!frame.first);
                    frame.first = false;
                    frame.phase = Phase::Value;
                    at = value(&mut stack, bytes, at - 1);
                }
            }
            Phase::Before => match byte {
                b'"' => match string_end(bytes, at) {
                    Some(key_end) => {
                        // `get`: the quotes are ASCII, and an index would be a panic site.
                        frame.key = json
                            .get(at - 1..key_end)
                            .and_then(|key| serde_json::from_str(key).ok())
                            .unwrap_or_default();
                        frame.phase = Phase::Key;
                        at = key_end;
                    }
                    // In the key: no key names the place yet.
                    None => at = bytes.len(),
                },
                // After a `,`, `}` is the trailing comma's error, between two keys.
                b'}' if frame.first => close(&mut stack),
                _ => frame.first = false,
            },
            Phase::Key | Phase::BeforeColon if byte == b':' => frame.phase = Phase::Colon,
            Phase::Key | Phase::BeforeColon => frame.phase = Phase::BeforeColon,
            Phase::Colon => {
                frame.phase = Phase::Value;
                at = value(&mut stack, bytes, at - 1);
            }
            // A value still being read: `value` returned at the end of the text.
            Phase::Value => {}
            Phase::Done | Phase::After => {
                frame.phase = Phase::After;
                match (byte, frame.array) {
                    (b',', _) => {
                        frame.first = false;
                        frame.phase = Phase::Before;
                    }
                    (b'}', false) | (b']', true) => close(&mut stack),
                    _ => {}
                }
            }
        }
    }
    // The text ended just after a value: the object or array it is in wanted more.
    if let Some(frame) = stack.last_mut().filter(|_| error.is_eof()) {
        if let Phase::Done = frame.phase {
            frame.phase = Phase::After;
        }
    }
    let mut path = String::new();
    for frame in &stack {
        match frame.phase {
            Phase::Colon | Phase::Value | Phase::Done if frame.array => {
                // Written by the formatter the library has anyway, not `usize::to_string`'s own
                // code.
                let _ = write!(path, "[{}]", frame.index);
            }
            Phase::Colon | Phase::Value | Phase::Done => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&frame.key);
            }
            // Reading a key, or what separates two: no key names the place.
            Phase::Before | Phase::After if !frame.array => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push('?');
                break;
            }
            // A key read, its `:` not yet (or an array between elements): the frame itself.
            _ => break,
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// An object or an array the scan of [`path_of`] is in.
struct Frame {
    /// An array, not an object.
    array: bool,
    /// Nothing read in it yet.
    first: bool,
    /// The current element, in an array.
    index: usize,
    /// The current key, in an object.
    key: String,
    /// Where in the current member or element the scan is.
    phase: Phase,
}

impl Frame {
    fn new(array: bool) -> Self {
        Frame {
            array,
            first: true,
            index: 0,
            key: String::new(),
            phase: Phase::Before,
        }
    }
}

/// Where in a member (`"key": value`) or an element the scan of [`path_of`] is.
#[derive(Clone, Copy)]
enum Phase {
    /// Before a key or an element: after the `{`, `[` or `,`.
    Before,
    /// Just after a key.
    Key,
    /// After a key and more, not yet its `:`.
    BeforeColon,
    /// After the `:`.
    Colon,
    /// In a value.
    Value,
    /// Just after a value.
    Done,
    /// After a value and what follows it.
    After,
}

/// Starts the value whose first byte is at `start`: an object or an array is a new frame, a
/// string or a bare value (a number, a literal) is skipped. Returns where the scan goes on: the
/// end of the text when the value does not end before it, or is not valid (where serde stopped).
fn value(stack: &mut Vec<Frame>, bytes: &[u8], start: usize) -> usize {
    let end = match bytes[start] {
        b'{' | b'[' => {
            stack.push(Frame::new(bytes[start] == b'['));
            return start + 1;
        }
        b'"' => string_end(bytes, start + 1),
        _ => bare_end(bytes, start),
    };
    match end {
        Some(end) => {
            if let Some(frame) = stack.last_mut() {
                frame.phase = Phase::Done;
            }
            end
        }
        None => bytes.len(),
    }
}

/// Where the string whose text starts at `from` (after its `"`) ends (after its closing `"`),
/// if it does before the end of `bytes`.
fn string_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            // `\uXXXX`, or a two-byte escape: an escape serde stopped in is not an end.
            b'\\' if bytes.get(at + 1) == Some(&b'u') => at += 6,
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
    None
}

/// Where the literal or number that starts at `start` ends, read as serde reads it (greedily,
/// whatever follows); `None` when it is not one, or not yet a whole one: serde stopped in it.
fn bare_end(bytes: &[u8], start: usize) -> Option<usize> {
    // `get`: `start` is in the text, and an index would be a panic site in the library.
    let rest = bytes.get(start..).unwrap_or_default();
    for literal in [&b"true"[..], b"false", b"null"] {
        if rest.starts_with(literal) {
            return Some(start + literal.len());
        }
    }
    let digits = |at: usize| {
        rest.get(at..).map_or(0, |tail| {
            tail.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let mut at = usize::from(rest.first() == Some(&b'-'));
    match digits(at) {
        0 => return None,
        // A leading zero is the whole integer part; a digit after it is serde's error.
        count if rest.get(at) == Some(&b'0') && count > 1 => return None,
        count => at += count,
    }
    if rest.get(at) == Some(&b'.') {
        match digits(at + 1) {
            0 => return None,
            count => at += 1 + count,
        }
    }
    if matches!(rest.get(at), Some(b'e' | b'E')) {
        at += 1 + usize::from(matches!(rest.get(at + 1), Some(b'+' | b'-')));
        match digits(at) {
            0 => return None,
            count => at += count,
        }
    }
    Some(start + at)
}

/// The innermost frame is closed: it was its parent's value, now read.
fn close(stack: &mut Vec<Frame>) {
    stack.pop();
    if let Some(frame) = stack.last_mut() {
        frame.phase = Phase::Done;
    }
}

/// The byte offset in `json` of serde_json's error position (`line` from 1, `column` the bytes
/// read on that line).
fn error_offset(json: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        // A byte search, not `match_indices('\n')`: its pattern searcher was code of its own,
        // for this one cold use (a newline is one byte).
        json.bytes()
            .enumerate()
            .filter(|&(_, byte)| byte == b'\n')
            .nth(line - 2)
            .map_or(json.len(), |(at, _)| at + 1)
    };
    line_start.saturating_add(column).min(json.len())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::super::{StatedCaller, refusal};
    use super::{error_offset, path_of};

    /// `error_offset` as it was, by `match_indices('\n')`.
    fn error_offset_by_match_indices(json: &str, line: usize, column: usize) -> usize {
        let line_start = if line <= 1 {
            0
        } else {
            json.match_indices('\n')
                .nth(line - 2)
                .map_or(json.len(), |(at, _)| at + 1)
        };
        line_start.saturating_add(column).min(json.len())
    }

    #[test]
    fn error_offset_is_what_match_indices_found() {
        for json in [
            "",
            "\n",
            "{}",
            "a\nb",
            "\n\n",
            "{\n\"é\":\n1}\n",
            "ab\r\ncd\n\nef",
            "\u{2028}\n\u{85}x",
        ] {
            for line in 0..6 {
                for column in [0, 1, 2, 5, usize::MAX] {
                    assert_eq!(
                        error_offset(json, line, column),
                        error_offset_by_match_indices(json, line, column),
                        "{json:?} {line} {column}"
                    );
                }
            }
        }
    }

    /// The reading this module replaced: serde_path_to_error's tracking deserializer.
    fn tracked_reason(json: &str) -> Option<String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let stated: Result<StatedCaller, _> = serde_path_to_error::deserialize(&mut deserializer);
        let error = stated.err()?;
        let path = if error.inner().to_string().starts_with("unknown field") {
            ".".to_owned()
        } else {
            error.path().to_string()
        };
        Some(refusal(&path, error.inner()).to_string())
    }

    /// This module's reading, to the same point (the object, not what follows it).
    fn scanned_reason(json: &str) -> Option<String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let error = StatedCaller::deserialize(&mut deserializer).err()?;
        Some(refusal(&path_of(json, &error), &error).to_string())
    }

    #[test]
    fn a_refusal_names_the_place_serde_path_to_error_named() {
        let callers = [
            r#"{"appInfo":{"appId":"wx_a","appVerType":1,"x":[1,{"y":true},[null]]},"webviewId":4,"stateEvent":"ev"}"#,
            "{ \"appInfo\" : { \"app\\u0049d\" : \"a\\\"b\" , \"name\" :\n\"n\", \"extra\": {\"k\": [ -1.5e+3, 0, false ] } } ,\n \"webviewId\" : -12 }",
            r#"{"stateEvent":"a\u00e9\n","appInfo":{"time":12,"iconUrl":"u","z":{}},"webviewId":0}"#,
            "{\"appInfo\":{\"né\":[[],{\"é\":\"ü\"}],\r\n\"appVerType\":\"0\"},\t\"stateEvent\":null}",
        ];
        let specials = [
            "",
            "x",
            "\"",
            "\\",
            ",",
            ":",
            "{",
            "}",
            "[",
            "]",
            " ",
            "\n",
            "0",
            "-",
            ".",
            "e",
            "t",
            "\\u12",
            "\u{1}",
            "\"appId\"",
            "\"appInfo\"",
            "5",
            "null",
            "[1,",
            "{\"a\":",
        ];
        let mut compared = 0;
        for caller in callers {
            assert_eq!(scanned_reason(caller), None, "{caller}");
            let boundaries = (0..=caller.len()).filter(|&at| caller.is_char_boundary(at));
            for at in boundaries.collect::<Vec<_>>() {
                let next = (at + 1..=caller.len())
                    .find(|&end| caller.is_char_boundary(end))
                    .unwrap_or(caller.len());
                for special in specials {
                    for text in [
                        format!("{}{special}", &caller[..at]),
                        format!("{}{special}{}", &caller[..at], &caller[at..]),
                        format!("{}{special}{}", &caller[..at], &caller[next..]),
                    ] {
                        if !text.trim_start().starts_with('{') {
                            continue;
                        }
                        let tracked = tracked_reason(&text);
                        compared += usize::from(tracked.is_some());
                        assert_eq!(scanned_reason(&text), tracked, "{text}");
                    }
                }
            }
        }
        // Refusals compared, not texts: most of the texts are refused somewhere.
        assert!(compared > 10_000, "{compared}");
    }
}
