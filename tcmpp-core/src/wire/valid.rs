//! Finding where a JSON value ends and checking that it is one, in the same pass: how the fast
//! reader skips a value that no decoder will read, so that refusing a call costs one pass over
//! its bytes, not a scan for the end and a second pass to validate.

/// The deepest nesting [`checked_end`] follows, one bit per level in a `u64`; deeper values are
/// left to the full reader, which the nesting limit (64 levels by default) guards.
const MAX_NESTING: usize = u64::BITS as usize;

/// The end of the JSON value that starts at `start` (its first byte, not whitespace), and how
/// deep it nests (0 for a scalar, 1 for `[]`), when it is one: `None` when it is not, or when it
/// nests deeper than [`MAX_NESTING`].
///
/// Accepts exactly what serde_json accepts for a value it ignores (`IgnoredAny`, `RawValue`):
/// strings without raw control characters whose escapes are JSON's, with four hex digits after
/// `\u` (a lone surrogate is not checked, as serde_json does not check it until a string is
/// decoded), numbers in JSON's syntax (not their range), `true`, `false` and `null`, and
/// objects whose keys are strings, without trailing commas. `bytes` is the text of a `&str`,
/// so it is UTF-8 already.
pub(super) fn checked_end(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    // Which of the open containers are objects, the innermost in the lowest bit.
    let mut objects = 0_u64;
    let mut depth = 0_usize;
    let mut deepest = 0_usize;
    let mut at = start;
    let mut byte = *bytes.get(at)?;
    'value: loop {
        // A value starts at `at`, with `byte`.
        match byte {
            b'{' | b'[' => {
                if depth == MAX_NESTING {
                    return None;
                }
                let object = byte == b'{';
                depth += 1;
                deepest = deepest.max(depth);
                objects = (objects << 1) | u64::from(object);
                (at, byte) = next_byte(bytes, at + 1)?;
                if byte == if object { b'}' } else { b']' } {
                    // Opened and closed: a value like any scalar.
                    at += 1;
                    depth -= 1;
                    objects >>= 1;
                } else {
                    if object {
                        (at, byte) = key(bytes, at, byte)?;
                    }
                    continue 'value;
                }
            }
            b'"' => at = string_end(bytes, at + 1)?,
            b'-' | b'0'..=b'9' => at = number_end(bytes, at)?,
            b't' => at = literal_end(bytes, at, b"true")?,
            b'f' => at = literal_end(bytes, at, b"false")?,
            b'n' => at = literal_end(bytes, at, b"null")?,
            _ => return None,
        }
        // A value ended at `at`: close containers until a comma starts the next value.
        loop {
            if depth == 0 {
                return Some((at, deepest));
            }
            (at, byte) = next_byte(bytes, at)?;
            let in_object = objects & 1 == 1;
            match byte {
                b',' => {
                    (at, byte) = next_byte(bytes, at + 1)?;
                    if in_object {
                        (at, byte) = key(bytes, at, byte)?;
                    }
                    continue 'value;
                }
                b']' if !in_object => {}
                b'}' if in_object => {}
                _ => return None,
            }
            at += 1;
            depth -= 1;
            objects >>= 1;
        }
    }
}

/// The first byte at or after `at` that is not JSON whitespace, and where it is.
#[inline(always)]
pub(super) fn next_byte(bytes: &[u8], mut at: usize) -> Option<(usize, u8)> {
    loop {
        let byte = *bytes.get(at)?;
        // Every whitespace byte is at most a space: one comparison settles most bytes.
        if byte > b' ' || !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
            return Some((at, byte));
        }
        at += 1;
    }
}

/// Past an object's key, which starts at `at` with `byte`, and its colon: the first byte of
/// the key's value, and where it is.
#[inline]
fn key(bytes: &[u8], at: usize, byte: u8) -> Option<(usize, u8)> {
    if byte != b'"' {
        return None;
    }
    let (at, byte) = next_byte(bytes, string_end(bytes, at + 1)?)?;
    if byte != b':' {
        return None;
    }
    next_byte(bytes, at + 1)
}

/// Past the closing quote of the string whose contents start at `at`: the end
/// [`string_end_surrogates`] finds, whose copy of the scan it shares.
pub(super) fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    string_end_surrogates(bytes, at).map(|(end, _)| end)
}

/// [`string_end`], and whether the string holds an escape that may be half of a surrogate pair
/// (`\uD800` to `\uDFFF`, in either case): sets `surrogates` when it does.
pub(super) fn string_end_surrogates(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    let mut surrogates = false;
    let end = string_end_noting(bytes, at, &mut surrogates)?;
    Some((end, surrogates))
}

/// [`string_end`], inlined where it is called: for a scan whose strings are mostly short.
#[inline(always)]
pub(super) fn string_end_inline(bytes: &[u8], at: usize) -> Option<usize> {
    string_end_noting(bytes, at, &mut false)
}

#[inline(always)]
fn string_end_noting(bytes: &[u8], mut at: usize, surrogates: &mut bool) -> Option<usize> {
    loop {
        // Eight bytes at a time while none of them ends the string, starts an escape or is a
        // control character: most strings are short, where `memchr` would cost more to start.
        while let Some(chunk) = bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            let special = special_bytes(word);
            if special != 0 {
                at += (special.trailing_zeros() / 8) as usize;
                break;
            }
            at += 8;
        }
        match *bytes.get(at)? {
            b'"' => return Some(at + 1),
            b'\\' => {
                at = escape_end(bytes, at + 1, surrogates)?;
                // Escapes come in runs (text written as `\uXXXX` throughout, say): the next
                // one is taken here, without the eight-byte step that would stop at it.
                while bytes.get(at) == Some(&b'\\') {
                    at = escape_end(bytes, at + 1, surrogates)?;
                }
            }
            0..=0x1f => return None,
            _ => at += 1,
        }
    }
}

/// The high bit of each byte of `word` that is a quote, a backslash or a control character,
/// and possibly of bytes after the first such: only the lowest set bit is exact, which is the
/// one [`string_end`] reads.
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let quotes = zero_bytes(word ^ (ONES * u64::from(b'"')));
    let backslashes = zero_bytes(word ^ (ONES * u64::from(b'\\')));
    let controls = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    quotes | backslashes | controls
}

/// Past the escape whose character (after the backslash) is at `at`: one of JSON's. Sets
/// `surrogates` for a `\u` escape that may be half of a surrogate pair.
#[inline(always)]
fn escape_end(bytes: &[u8], at: usize, surrogates: &mut bool) -> Option<usize> {
    match *bytes.get(at)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(at + 1),
        b'u' => {
            let hex = bytes.get(at + 1..at + 5)?;
            // Four table lookups and no branch between them.
            let all_hex = HEX_DIGITS[usize::from(hex[0])]
                & HEX_DIGITS[usize::from(hex[1])]
                & HEX_DIGITS[usize::from(hex[2])]
                & HEX_DIGITS[usize::from(hex[3])];
            *surrogates |= hex[0] | 0x20 == b'd' && hex[1] >= b'8';
            all_hex.then_some(at + 5)
        }
        _ => None,
    }
}

/// Which bytes are hex digits, in either case.
const HEX_DIGITS: [bool; 256] = {
    let mut digits = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        digits[byte] = (byte as u8).is_ascii_hexdigit();
        byte += 1;
    }
    digits
};

/// Past the number that starts at `at`, in JSON's syntax: an optional minus, an integer part
/// without leading zeros, an optional fraction and an optional exponent.
pub(super) fn number_end(bytes: &[u8], at: usize) -> Option<usize> {
    number_end_with(bytes, at, digits_end)
}

/// [`number_end`] for a number that may run long (a `webviewId` no `i64` holds, say): its
/// digits eight at a time, where [`number_end`] takes a call's many short numbers one by one.
pub(super) fn long_number_end(bytes: &[u8], at: usize) -> Option<usize> {
    number_end_with(bytes, at, wide_digits_end)
}

/// [`number_end`], inlined where it is called: for a scan whose numbers are mostly short.
#[inline(always)]
pub(super) fn number_end_inline(bytes: &[u8], at: usize) -> Option<usize> {
    number_end_with(bytes, at, digits_end)
}

#[inline(always)]
fn number_end_with(
    bytes: &[u8],
    mut at: usize,
    digits_end: impl Fn(&[u8], usize) -> usize,
) -> Option<usize> {
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    match *bytes.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at = digits_end(bytes, at + 1),
        _ => return None,
    }
    if bytes.get(at) == Some(&b'.') {
        let digits = at + 1;
        at = digits_end(bytes, digits);
        if at == digits {
            return None;
        }
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = bytes.get(at) {
            at += 1;
        }
        let digits = at;
        at = digits_end(bytes, digits);
        if at == digits {
            return None;
        }
    }
    // A digit right after a leading zero ("01") is not a number: the caller sees it where a
    // comma or a closing bracket must be, and refuses it there.
    Some(at)
}

fn digits_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b'0'..=b'9') = bytes.get(at) {
        at += 1;
    }
    at
}

/// [`digits_end`], eight bytes at a time while they are all digits.
fn wide_digits_end(bytes: &[u8], mut at: usize) -> usize {
    const HIGH_NIBBLES: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // A byte is a digit when its high nibble is 3 and its low one at most 9, so that
        // adding 6 to it carries nothing into the high nibble (nor past the byte).
        let low_past_nine = ((word & !HIGH_NIBBLES) + 0x0606_0606_0606_0606) & HIGH_NIBBLES;
        if word & HIGH_NIBBLES != 0x3030_3030_3030_3030 || low_past_nine != 0 {
            break;
        }
        at += 8;
    }
    digits_end(bytes, at)
}

fn literal_end(bytes: &[u8], at: usize, literal: &[u8]) -> Option<usize> {
    bytes
        .get(at..)?
        .starts_with(literal)
        .then_some(at + literal.len())
}

#[cfg(test)]
mod tests;
