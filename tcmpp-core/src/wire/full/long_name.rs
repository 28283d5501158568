//! An `api_name` too long to be any handler's, read only as far as its refusal needs.

use std::borrow::Cow;

use super::string_field;
use crate::echo::{MAX_ECHO_CHARS, bounded};
use crate::json::strip_position;
use crate::wire::CallError;
use crate::wire::error::CallErrorKind;

/// Past this many bytes of JSON text, an `api_name` is no name a handler could have (they are
/// identifiers), and is decoded only as a refusal needs it: see [`long_name`].
pub(super) const LONG_NAME_BYTES: usize = 4096;

/// An `api_name` of more than [`LONG_NAME_BYTES`] bytes of text, read as a refusal needs it:
/// checked against the reported name and for what serde refuses (a lone surrogate), and kept
/// only as far as a reply echoes it. Its text is serde's already checked string: the runs
/// without escapes are compared whole (`memchr` finds the next escape), and an escape is
/// decoded only while the name is still kept or compared, or when it may be half a surrogate
/// pair. So a name of megabytes costs a scan, not its decoded copy and serde's scratch buffer.
///
/// `surrogates` is `false` when a scan of the name found no escape that may be half of a
/// surrogate pair: the rest of it is then not searched for one.
pub(super) fn long_name<'a>(
    text: &'a str,
    reported: Option<&str>,
    surrogates: bool,
) -> Result<Cow<'a, str>, CallError> {
    let Some(inner) = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        // Not a string: serde says what it is, without reading far into it.
        return string_field(text, "api_name");
    };
    let mut kept = String::new();
    // How much of the reported name the decoded name matched so far; `None` once it differs.
    let mut matched = reported.map(|_| 0_usize);
    let compare = |piece: &str, matched: &mut Option<usize>| {
        if let (Some(at), Some(reported)) = (*matched, reported) {
            *matched = reported
                .get(at..)
                .filter(|rest| rest.starts_with(piece))
                .map(|_| at + piece.len());
        }
    };
    // The first characters, one more than a reply echoes, so that it knows to cut.
    let mut kept_chars = 0;
    let mut keep = |piece: &str, kept: &mut String| {
        for c in piece
            .chars()
            .take((MAX_ECHO_CHARS + 1).saturating_sub(kept_chars))
        {
            kept.push(c);
            kept_chars += 1;
        }
        kept_chars > MAX_ECHO_CHARS
    };
    let mut full = false;
    let bytes = inner.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if matched.is_none() && full {
            // Nothing more is kept or compared: only a lone surrogate in the rest could still
            // change the answer, and SIMD searches find the escapes that may be one.
            if let Some(escape) = surrogates
                .then(|| inner.get(at..).and_then(lone_surrogate))
                .flatten()
            {
                return Err(escape_error(inner, at + escape));
            }
            break;
        }
        // `get`, not indexes, here and below: every place is a character's start (a backslash,
        // or past an escape), and each index would be a panic site, with its location.
        let rest = bytes.get(at..).unwrap_or_default();
        let plain_end = memchr::memchr(b'\\', rest).map_or(bytes.len(), |end| at + end);
        let plain = inner.get(at..plain_end).unwrap_or_default();
        full = keep(plain, &mut kept);
        compare(plain, &mut matched);
        at = plain_end;
        if at == bytes.len() {
            break;
        }
        // An escape: decoded when something still needs it, or when it may be a surrogate.
        let rest = bytes.get(at..).unwrap_or_default();
        let needed = matched.is_some() || !full;
        let surrogate = rest.get(1) == Some(&b'u')
            && rest.get(2).is_some_and(|hex| hex | 0x20 == b'd')
            && rest
                .get(3)
                .is_some_and(|hex| matches!(hex | 0x20, b'8'..=b'9' | b'a'..=b'f'));
        if !needed && !surrogate {
            at += if rest.get(1) == Some(&b'u') { 6 } else { 2 };
            continue;
        }
        let Some((decoded, len)) = inner.get(at..).and_then(decode_escape) else {
            return Err(escape_error(inner, at));
        };
        let mut buffer = [0; 4];
        let decoded: &str = decoded.encode_utf8(&mut buffer);
        full = keep(decoded, &mut kept);
        compare(decoded, &mut matched);
        at += len;
    }
    if let Some(reported) = reported {
        if matched != Some(reported.len()) {
            return Err(CallError::name_mismatch(&kept, reported));
        }
    }
    // Longer than any echo: what a reply or a prefix makes of it is what it makes of this.
    Ok(Cow::Owned(bounded(&kept).into_owned()))
}

/// The first escape in `text` (the inside of a JSON string) that is half of a surrogate pair
/// without the other half, if any: found by SIMD searches for `\uD` in either case, each hit
/// checked (preceded by an even run of backslashes, so an escape; a high half decoded with what
/// follows; a low half the end of a pair or lone). Builds nothing.
fn lone_surrogate(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let escape = |at: usize| {
        let backslashes = bytes
            .get(..at)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&byte| byte == b'\\')
            .count();
        backslashes % 2 == 0
    };
    let half = |at: usize| -> Option<bool> {
        // `Some(true)` for a high half, `Some(false)` for a low one.
        match bytes.get(at + 3)? | 0x20 {
            b'8' | b'9' | b'a' | b'b' => Some(true),
            b'c'..=b'f' => Some(false),
            _ => None,
        }
    };
    let lone = |at: usize| -> bool {
        match half(at) {
            None => false,
            Some(_) if !escape(at) => false,
            Some(true) => text.get(at..).and_then(decode_escape).is_none(),
            // A low half is fine right after a high half that is an escape.
            Some(false) => {
                // A pattern, not three indexes: each index is a panic site in the library.
                !(at >= 6
                    && matches!(bytes.get(at - 6..at - 3), Some([b'\\', b'u', d]) if d | 0x20 == b'd')
                    && half(at - 6) == Some(true)
                    && escape(at - 6))
            }
        }
    };
    // Every backslash that starts `\ud` or `\uD`, in order: one search for both spellings, with
    // the byte search the library has anyway rather than a substring searcher of its own.
    memchr::memchr_iter(b'\\', bytes)
        .find(|&at| matches!(bytes.get(at + 1..at + 3), Some(b"ud" | b"uD")) && lone(at))
}

/// The character of the escape that `text` starts with (at its backslash), and the escape's
/// length: `None` for what serde refuses (a lone surrogate; the text is JSON already, so
/// nothing else).
fn decode_escape(text: &str) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    // Four hex digits, which JSON has after `\u`, read by `hex_unit`, not `u32::from_str_radix`.
    let hex = |at: usize| hex_unit(bytes.get(at..at + 4)?);
    Some(match *bytes.get(1)? {
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'u' => match hex(2)? {
            high @ 0xD800..=0xDBFF => {
                if bytes.get(6..8) != Some(b"\\u") {
                    return None;
                }
                let low = hex(8)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return None;
                }
                (
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?,
                    12,
                )
            }
            unit => (char::from_u32(unit)?, 6),
        },
        other => (char::from(other), 2),
    })
}

/// The UTF-16 unit that four bytes of hex digits spell, as `u32::from_str_radix(.., 16)` reads them
/// where JSON puts them (after `\u`, where it allows hex digits only); `None` for any other
/// byte. Written out: the standard reader of any radix, with its sign, is code of its own in
/// every library, for this one use (a test holds the two equal).
fn hex_unit(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |unit, &digit| {
        Some(unit << 4 | char::from(digit).to_digit(16)?)
    })
}

/// The error serde gives for the string escape at `at` in `inner`, read on the escape and the
/// one after it alone (its message does not depend on where the escape is).
#[cold]
fn escape_error(inner: &str, at: usize) -> CallError {
    let mut end = (at + 12).min(inner.len());
    while !inner.is_char_boundary(end) {
        end -= 1;
    }
    let snippet = format!("\"{}\"", inner.get(at..end).unwrap_or_default());
    let reason = match serde_json::from_str::<String>(&snippet) {
        Err(error) => strip_position(&error),
        Ok(_) => "invalid escape".to_owned(),
    };
    CallError::new(CallErrorKind::FieldValue {
        field: "api_name",
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::hex_unit;

    #[test]
    fn hex_units_are_read_as_from_str_radix_reads_json_s() {
        // Each byte a JSON text may have after `\u` (hex digits) or that other text may (the
        // rest, refused), at each of the four places; a sign, which `from_str_radix` takes and
        // JSON does not, is left out.
        let bytes: Vec<u8> = (0..=u8::MAX).filter(|&byte| byte != b'+').collect();
        for place in 0..4 {
            for &byte in &bytes {
                let mut digits = *b"0aF9";
                digits[place] = byte;
                let standard = std::str::from_utf8(&digits)
                    .ok()
                    .and_then(|text| u32::from_str_radix(text, 16).ok());
                assert_eq!(hex_unit(&digits), standard, "{digits:?}");
            }
        }
        for digits in ["0000", "ffff", "FFFF", "dC00", "abcd", "+abc"] {
            // A sign is not JSON here: `from_str_radix` takes it, the reader of JSON's does not.
            let standard = u32::from_str_radix(digits, 16)
                .ok()
                .filter(|_| !digits.starts_with('+'));
            assert_eq!(hex_unit(digits.as_bytes()), standard, "{digits}");
        }
    }
}
