//! Limits on calls that arrive as JSON text, checked before anything is parsed.

use super::scan::{BYTE_ROLES, CLOSE, OPEN, QUOTE, skip_string};
use crate::reply::{FailureKind, Reply};

/// The default [`RegistryBuilder::max_call_bytes`](crate::RegistryBuilder::max_call_bytes):
/// 4 MiB.
pub const DEFAULT_MAX_CALL_BYTES: usize = 4 * 1024 * 1024;

/// The default [`RegistryBuilder::max_depth`](crate::RegistryBuilder::max_depth): 64 levels of
/// nested objects and arrays.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// The default [`RegistryBuilder::max_call_keys`](crate::RegistryBuilder::max_call_keys): 64
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
        // Nesting can exceed the limit only if more brackets open than the limit allows. That
        // count (brackets inside strings included, so it never undercounts) is a SIMD search,
        // and it settles most calls without the scan below.
        if memchr::memchr2_iter(b'{', b'[', text)
            .nth(self.max_depth)
            .is_none()
        {
            return Ok(());
        }
        let mut depth = 0_usize;
        let mut at = 0;
        while let Some(&byte) = text.get(at) {
            match BYTE_ROLES[usize::from(byte)] {
                QUOTE => {
                    // An unterminated string runs to the end: nothing after it nests.
                    at = skip_string(text, at + 1).unwrap_or(text.len());
                    continue;
                }
                OPEN => {
                    depth += 1;
                    self.check_measured_depth(depth)?;
                }
                CLOSE => depth = depth.saturating_sub(1),
                _ => {}
            }
            at += 1;
        }
        Ok(())
    }
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
