//! The [`Scanner`]: a cursor over JSON text that both fast readers read a call with.

use crate::wire::DataRead;
use crate::wire::member::{Member, scan_object};
use crate::wire::scan::{skip_nested, skip_string};
use crate::wire::valid::{checked_end, long_number_end, string_end_surrogates};

/// A `webviewId` that is a JSON number, but no `i64`: the full reader refuses it.
pub(super) struct NotAnInteger;

/// The keys [`read`](super::read) reads.
pub(super) enum Key {
    ApiName,
    Data,
    WebViewId,
    StateEvent,
    /// Only in text whose caller is not believed, where it is refused.
    AppInfo,
    /// Any other key, without escapes.
    Other,
}

/// A cursor over JSON text for [`read`](super::read). Every method returns `None` on
/// anything it does not expect, which sends the call to the full parser.
pub(super) struct Scanner<'a> {
    pub(super) text: &'a str,
    pub(super) pos: usize,
    /// How deep the deepest value read so far nests.
    pub(super) deepest: usize,
}

// Each method is `#[inline]` (or says otherwise): the two readers live in modules of their own,
// so in other codegen units, and were written and measured with these inlined into them.
impl<'a> Scanner<'a> {
    /// A scanner at the first key of the call object in `text`; `None` when `text` is no
    /// object, or an empty one: both readers leave those to the full reader.
    #[inline(always)]
    pub(super) fn open_call(text: &'a str) -> Option<Self> {
        let mut scan = Scanner {
            text,
            pos: 0,
            deepest: 0,
        };
        scan.whitespace();
        scan.expect(b'{')?;
        scan.whitespace();
        (scan.peek() != Some(b'}')).then_some(scan)
    }

    /// The `:` after a key, and the whitespace around it.
    #[inline(always)]
    pub(super) fn colon(&mut self) -> Option<()> {
        self.whitespace();
        self.expect(b':')?;
        self.whitespace();
        Some(())
    }

    /// After a member: `Some(true)` at a `,`, `Some(false)` at the object's `}`.
    #[inline(always)]
    pub(super) fn more_members(&mut self) -> Option<bool> {
        self.whitespace();
        match self.next()? {
            b',' => Some(true),
            b'}' => Some(false),
            _ => None,
        }
    }

    /// `data`'s value, read as `read` says: found by its structure for a handler that decodes
    /// it, checked otherwise; and for a multiplexed API, the method member found in it.
    #[inline(always)]
    pub(super) fn data_value(
        &mut self,
        read: DataRead,
    ) -> Option<(Option<&'a str>, Option<Member<'a>>)> {
        match read {
            DataRead::Decoded => self.value_or_null().map(|value| (value, None)),
            DataRead::Checked => self.checked_value_or_null().map(|value| (value, None)),
            DataRead::Method(key) => self.method_value_or_null(key),
        }
    }

    #[inline]
    pub(super) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline]
    pub(super) fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    #[inline]
    pub(super) fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    #[inline]
    pub(super) fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    #[inline]
    pub(super) fn null(&mut self) -> bool {
        let is_null = self
            .text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(b"null"));
        if is_null {
            self.pos += 4;
        }
        is_null
    }

    /// One of the keys the fast reader knows, with its quotes: compared whole rather than
    /// read byte by byte, since a call's keys are nearly always these.
    #[inline]
    pub(super) fn known_key(&mut self) -> Option<Key> {
        let rest = self.text.as_bytes().get(self.pos..)?;
        // Each key compared at its own constant length, which compiles to a few loads and
        // compares where a length chosen at run time calls `memcmp`.
        let (key, length) = match rest.get(1)? {
            b'a' => (Key::ApiName, length_if_prefix(rest, b"\"api_name\"")?),
            b'd' => (Key::Data, length_if_prefix(rest, b"\"data\"")?),
            b'w' => (Key::WebViewId, length_if_prefix(rest, b"\"webviewId\"")?),
            b's' => (Key::StateEvent, length_if_prefix(rest, b"\"stateEvent\"")?),
            _ => return None,
        };
        self.pos += length;
        Some(key)
    }

    /// A key [`known_key`](Self::known_key) does not know: `appInfo` (`None`) when the text's
    /// caller is not believed (its value is then refused, so not read), or any other without
    /// escapes.
    #[cold]
    #[inline(never)]
    pub(super) fn other_key(&mut self, caller_from_text: bool) -> Option<Option<&'a str>> {
        let rest = self.text.as_bytes().get(self.pos..)?;
        if rest.starts_with(b"\"appInfo\"") {
            if caller_from_text {
                return None;
            }
            self.pos += b"\"appInfo\"".len();
            return Some(None);
        }
        self.plain_string().map(Some)
    }

    /// A string with escapes, checked to be JSON's (see [`string_end_surrogates`]): its JSON
    /// text, quotes included, and whether it may hold half of a surrogate pair.
    #[cold]
    #[inline(never)]
    pub(super) fn other_string(&mut self) -> Option<(&'a str, bool)> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        let (end, surrogates) = string_end_surrogates(self.text.as_bytes(), start + 1)?;
        self.pos = end;
        Some((self.text.get(start..end)?, surrogates))
    }

    /// A `webviewId`: an integer that fits an `i64`, `null`, or another number, which the full
    /// reader refuses.
    #[inline]
    pub(super) fn web_view_id(&mut self) -> Option<Result<Option<i64>, NotAnInteger>> {
        let start = self.pos;
        match self.integer_or_null() {
            Some(id) => Some(Ok(id)),
            None => {
                self.pos = start;
                self.other_number()
            }
        }
    }

    /// A number in JSON's syntax that [`integer_or_null`](Self::integer_or_null) did not take:
    /// no `i64`, however many digits it has.
    #[cold]
    #[inline(never)]
    fn other_number(&mut self) -> Option<Result<Option<i64>, NotAnInteger>> {
        let bytes = self.text.as_bytes();
        if !matches!(self.peek()?, b'-' | b'0'..=b'9') {
            return None;
        }
        let end = long_number_end(bytes, self.pos)?;
        // What `integer_or_null` gave up on may still be an `i64` ("-0", say): as the full
        // reader reads it.
        let number = self.text.get(self.pos..end)?;
        self.pos = end;
        Some(crate::json::parse_i64(number).map(Some).ok_or(NotAnInteger))
    }

    /// Any value, `null` included, checked to be JSON as it is skipped: its JSON text.
    #[inline]
    pub(super) fn checked_value(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let (end, depth) = checked_end(self.text.as_bytes(), start)?;
        self.deepest = self.deepest.max(depth);
        self.pos = end;
        self.text.get(start..end)
    }

    /// Whether the string value here is `prefix` followed by its closing quote, or could be
    /// (`prefix` holds a character that needs escaping): `false` only when it certainly is not.
    #[inline]
    pub(super) fn starts_string(&self, prefix: &str) -> bool {
        // `get`s, here and below, not indexes, which could not fail: each is a panic site.
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        let plain = !prefix
            .bytes()
            .any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20);
        !plain
            || (rest.get(1..=prefix.len()) == Some(prefix.as_bytes())
                && rest.get(prefix.len() + 1) == Some(&b'"'))
    }

    /// A string without escapes or control characters: exactly the text between its quotes.
    #[inline]
    pub(super) fn plain_string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.pos;
        let rest = self.text.as_bytes().get(start..)?;
        let length = memchr::memchr2(b'"', b'\\', rest)?;
        // Without an early exit, the check for control characters compiles to vector code.
        if rest[..length]
            .iter()
            .fold(false, |control, &byte| control | (byte < 0x20))
        {
            return None;
        }
        self.pos = start + length;
        self.expect(b'"')?;
        self.text.get(start..start + length)
    }

    #[inline]
    pub(super) fn string_or_null(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        self.plain_string().map(Some)
    }

    /// An integer in JSON's syntax that fits an `i64`.
    // Inlined in both readers: [`read`](super::read)'s hot path was written with them inlined.
    #[inline(always)]
    pub(super) fn integer_or_null(&mut self) -> Option<Option<i64>> {
        if self.null() {
            return Some(None);
        }
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let digits = self.pos;
        // Added up as the digits are found, where `str::parse` would walk them again: at most
        // 19 digits, whose value always fits a `u64`.
        let mut magnitude = 0u64;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            self.pos += 1;
            if self.pos - digits > 19 {
                return None;
            }
            magnitude = magnitude * 10 + u64::from(digit - b'0');
        }
        // No `i64` has more than 19 digits: the loop above gives up past them, so that the
        // full reader refuses a longer number without this reader walking megabytes of digits.
        let digits = self.text.as_bytes().get(digits..self.pos)?;
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return None;
        }
        let value = if negative {
            0i64.checked_sub_unsigned(magnitude)?
        } else {
            i64::try_from(magnitude).ok()?
        };
        Some(Some(value))
    }

    /// Any value, found by its structure alone: strings are skipped by their quotes and
    /// escapes, objects and arrays by counting brackets, anything else runs to the next
    /// delimiter. Not validated: whoever reads the text validates it.
    // Inlined in both readers: [`read`](super::read)'s hot path was written with them inlined.
    #[inline(always)]
    pub(super) fn value_or_null(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        let start = self.pos;
        let bytes = self.text.as_bytes();
        self.pos = match self.peek()? {
            b'"' => skip_string(bytes, start + 1)?,
            b'{' | b'[' => {
                let (end, depth) = skip_nested(bytes, start)?;
                self.deepest = self.deepest.max(depth);
                end
            }
            _ => {
                let mut end = start;
                while let Some(byte) = bytes.get(end) {
                    if matches!(byte, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    end += 1;
                }
                end
            }
        };
        let value = self.text.get(start..self.pos)?;
        (!value.is_empty()).then_some(Some(value))
    }

    /// Any value, checked to be JSON as it is skipped; for an object, what it holds under
    /// `key` too, found in the same pass (see [`scan_object`]).
    #[inline]
    pub(super) fn method_value_or_null(
        &mut self,
        key: &str,
    ) -> Option<(Option<&'a str>, Option<Member<'a>>)> {
        if self.peek() != Some(b'{') {
            return self.checked_value_or_null().map(|value| (value, None));
        }
        let start = self.pos;
        let (end, depth, member) = scan_object(self.text, start, key)?;
        self.deepest = self.deepest.max(depth);
        self.pos = end;
        Some((self.text.get(start..end), Some(member)))
    }

    /// Any value, checked to be JSON as it is skipped (see [`checked_end`]).
    #[inline]
    pub(super) fn checked_value_or_null(&mut self) -> Option<Option<&'a str>> {
        if self.null() {
            return Some(None);
        }
        let start = self.pos;
        let (end, depth) = checked_end(self.text.as_bytes(), start)?;
        self.deepest = self.deepest.max(depth);
        self.pos = end;
        self.text.get(start..end).map(Some)
    }
}

/// The length of `prefix`, a constant, when `text` starts with it: compared as an array of its
/// length.
#[inline(always)]
fn length_if_prefix<const N: usize>(text: &[u8], prefix: &[u8; N]) -> Option<usize> {
    (text.first_chunk::<N>() == Some(prefix)).then_some(N)
}

#[cfg(test)]
mod tests;
