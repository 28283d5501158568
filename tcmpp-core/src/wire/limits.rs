//! Limits on calls that arrive as JSON text, checked before anything is parsed.

use super::scan::skip_string;
use crate::reply::{FailureKind, Reply};

/// The default [`Limits::with_max_call_bytes`](crate::limits::Limits::with_max_call_bytes):
/// 4 MiB.
pub const DEFAULT_MAX_CALL_BYTES: usize = 4 * 1024 * 1024;

/// The default [`Limits::with_max_depth`](crate::limits::Limits::with_max_depth): 64 levels of
/// nested objects and arrays.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// The default [`Limits::with_max_call_keys`](crate::limits::Limits::with_max_call_keys): 64
/// top-level keys in a unified call, whose envelope has four.
pub const DEFAULT_MAX_CALL_KEYS: usize = 64;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) max_call_bytes: usize,
    pub(crate) max_depth: usize,
    pub(crate) max_keys: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_call_bytes: DEFAULT_MAX_CALL_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_keys: DEFAULT_MAX_CALL_KEYS,
        }
    }
}

impl Limits {
    pub(crate) fn check_size(&self, len: usize) -> Result<(), Reply> {
        if len > self.max_call_bytes {
            return Err(Reply::fail(
                FailureKind::LimitExceeded,
                format!(
                    "invalid call: {len} bytes is over the limit of {} bytes",
                    self.max_call_bytes
                ),
            ));
        }
        Ok(())
    }

    /// Refuses text over the size or the nesting limit, for the entries that read a call
    /// without a registry (`MiniApiCall::from_json`): a scan, before anything is parsed.
    pub(crate) fn check_text(&self, text: &str) -> Result<(), super::CallError> {
        self.check_size(text.len())
            .and_then(|()| self.check_depth(text.as_bytes()))
            .map_err(|reply| {
                super::CallError::over_limit(
                    reply
                        .failure()
                        .map_or_else(String::new, |failure| failure.message().to_owned()),
                )
            })
    }

    /// Refuses a call measured to nest `depth` levels deep, when that is over the limit.
    pub(crate) fn check_measured_depth(&self, depth: usize) -> Result<(), Reply> {
        if depth > self.max_depth {
            return Err(Reply::fail(
                FailureKind::LimitExceeded,
                format!(
                    "invalid call: nested deeper than the limit of {} levels",
                    self.max_depth
                ),
            ));
        }
        Ok(())
    }

    /// Refuses text nested deeper than the limit. A linear scan that tracks strings, so
    /// brackets inside string values do not count; the text need not be valid JSON (the parser
    /// reports that afterwards).
    pub(crate) fn check_depth(&self, text: &[u8]) -> Result<(), Reply> {
        self.check_depth_within(text, 0)
    }

    /// [`check_depth`](Self::check_depth) for the rest of a text, which starts `depth` levels
    /// deep and outside any string: what the scan of the whole text finds from there on, when
    /// the text before it is JSON that nests within the limit.
    pub(crate) fn check_depth_within(&self, text: &[u8], depth: usize) -> Result<(), Reply> {
        self.check_measured_depth(depth)?;
        // Nesting can exceed the limit only if more brackets open than the limit allows. That
        // count (brackets inside strings included, so it never undercounts) is a SIMD search,
        // and it settles most calls without the scan below.
        if memchr::memchr2_iter(b'{', b'[', text)
            .nth(self.max_depth - depth)
            .is_none()
        {
            return Ok(());
        }
        // A call that gets here is bracket-dense. Eight bytes at a time while they hold no
        // quote and cannot take the depth over the limit or below zero; a byte at a time
        // otherwise, strings skipped by their quotes and escapes.
        let mut depth = depth;
        let mut at = 0;
        while let Some(&byte) = text.get(at) {
            if let Some(word) = text.get(at..at + 8).and_then(|chunk| chunk.try_into().ok()) {
                let word = u64::from_le_bytes(word);
                if bytes_equal(word, b'"') == 0 {
                    // `[` and `{` differ only in the bit 0x20, as do `]` and `}`.
                    let folded = word | u64::from_ne_bytes([0x20; 8]);
                    let opens = count(bytes_equal(folded, b'{'));
                    let closes = count(bytes_equal(folded, b'}'));
                    if depth + opens <= self.max_depth && closes <= depth {
                        depth = depth + opens - closes;
                        at += 8;
                        continue;
                    }
                }
            }
            at += 1;
            match byte {
                // An unterminated string runs to the end: nothing after it nests.
                b'"' => at = skip_string(text, at).unwrap_or(text.len()),
                b'{' | b'[' => {
                    depth += 1;
                    self.check_measured_depth(depth)?;
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        Ok(())
    }
}

/// The high bit of each byte of `word` that is `byte`, and no other bit: exact, so that the
/// bits can be counted (the usual zero-byte test may mark a byte after a match too).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let diff = word ^ (u64::from_ne_bytes([byte; 8]));
    // A byte's high bit is set when any of its bits is: no carry crosses into the next byte.
    let nonzero = ((diff & LOW_SEVEN) + LOW_SEVEN) | diff;
    !nonzero & !LOW_SEVEN
}

/// How many bytes [`bytes_equal`] marked: each mark moved to its byte's low bit, and the bytes
/// summed into the top one by a multiplication (`count_ones` is a loop on x86-64 without
/// `popcnt`).
fn count(marks: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    ((marks >> 7).wrapping_mul(ONES) >> 56) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str, max_depth: usize) -> bool {
        Limits {
            max_depth,
            ..Limits::default()
        }
        .check_depth(text.as_bytes())
        .is_ok()
    }

    #[test]
    fn counts_nesting_outside_strings_only() {
        assert!(depth_ok(r#"{"a":[1,{"b":2}]}"#, 3));
        assert!(!depth_ok(r#"{"a":[1,{"b":2}]}"#, 2));
        assert!(depth_ok(r#"{"a":"[[[[[[{{{{"}"#, 1));
        assert!(depth_ok(r#"{"a":"\"[[[["}"#, 1));
        assert!(!depth_ok(r#"{"a":"\\","b":[[1]]}"#, 2));
        assert!(depth_ok("]]]]{", 1));
        assert!(depth_ok(r#"{"a":"unterminated [[[["#, 1));
        assert!(depth_ok(r#"{"a":"ends in a backslash \"#, 1));
        assert!(!depth_ok(r#"{"a":"\\"}[[1]]"#, 1));
    }

    /// The scan a byte at a time, without the eight-byte steps.
    fn depth_ok_bytewise(text: &str, max_depth: usize) -> bool {
        let mut depth = 0_usize;
        let mut bytes = text.bytes();
        while let Some(byte) = bytes.next() {
            match byte {
                b'"' => {
                    while let Some(byte) = bytes.next() {
                        match byte {
                            b'"' => break,
                            b'\\' => {
                                bytes.next();
                            }
                            _ => {}
                        }
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    if depth > max_depth {
                        return false;
                    }
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        true
    }

    #[test]
    fn eight_bytes_at_a_time_agree_with_one_at_a_time() {
        let pieces = [
            "[",
            "]",
            "{",
            "}",
            "[],",
            "\"a[\"",
            "\"\\\"[\"",
            "1,",
            " ",
            "]]",
            "[[[",
            "\"x",
        ];
        // Every sequence of up to four pieces, against limits around the depths they reach.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|text| pieces.iter().map(move |piece| format!("{text}{piece}")))
                .collect();
            texts.extend(longer.into_iter().filter(|text| text.len() <= 24));
            texts.dedup();
        }
        assert!(texts.len() > 5_000, "{} texts", texts.len());
        for text in &texts {
            // Padded so that the eight-byte steps run at every alignment.
            for pad in ["", "[", "[[[[[[[[", "    "] {
                let text = format!("{pad}{text}{pad}");
                for max_depth in 0..12 {
                    assert_eq!(
                        depth_ok(&text, max_depth),
                        depth_ok_bytewise(&text, max_depth),
                        "{text:?} at {max_depth}"
                    );
                }
            }
        }
        assert_eq!(
            bytes_equal(u64::from_le_bytes(*b"[a[\"]]]["), b'['),
            0x8000_0000_0080_0080
        );
    }

    /// The rest of a call after a key, from inside the call object: as the whole text is.
    #[test]
    fn the_rest_of_a_text_is_measured_as_the_whole_text_is() {
        let head = r#"{"a":[[1]],"k":"#;
        for rest in [
            "1}",
            "[[[1]]]}",
            "[[[[1]]]]}",
            r#""[[[[[[""#,
            r#"[{"b":[{"c":""]]"}]}]}"#,
            "[[[[ unterminated",
            "]]]][[[[[}",
        ] {
            for max_depth in 1..8 {
                let limits = Limits {
                    max_depth,
                    ..Limits::default()
                };
                let whole = limits.check_depth(format!("{head}{rest}").as_bytes());
                let parts = limits
                    .check_measured_depth(3)
                    .and_then(|()| limits.check_depth_within(rest.as_bytes(), 1));
                assert_eq!(whole, parts, "{rest} at {max_depth}");
            }
        }
    }

    #[test]
    fn size_limit_is_inclusive() {
        let limits = Limits {
            max_call_bytes: 10,
            ..Limits::default()
        };
        assert!(limits.check_size(10).is_ok());
        let Err(Reply::Fail(failure)) = limits.check_size(11) else {
            panic!("over the limit")
        };
        assert_eq!(
            failure.message(),
            "invalid call: 11 bytes is over the limit of 10 bytes"
        );
    }
}
