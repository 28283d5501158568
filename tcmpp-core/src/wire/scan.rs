//! The byte scan that the fast reader and the nesting limit share: finding the end of a
//! string or of a nested value without parsing it.

/// What [`skip_nested`] and the nesting limit's scan do at a byte outside strings: most bytes of
/// a payload are nothing to them, and one table lookup is cheaper than a chain of comparisons.
const NOTHING: u8 = 0;
pub(super) const QUOTE: u8 = 1;
pub(super) const OPEN: u8 = 2;
pub(super) const CLOSE: u8 = 3;

pub(super) const BYTE_ROLES: [u8; 256] = {
    let mut roles = [NOTHING; 256];
    roles[b'"' as usize] = QUOTE;
    roles[b'{' as usize] = OPEN;
    roles[b'[' as usize] = OPEN;
    roles[b'}' as usize] = CLOSE;
    roles[b']' as usize] = CLOSE;
    roles
};

/// The end of the object or array that starts at `start`, by counting brackets outside
/// strings. One table lookup per byte: this pass replaces the validating one serde would make,
/// so its speed is most of what a large call costs beyond decoding its data.
/// Also returns how deep the value nests (1 for `[]`): the same pass enforces the nesting
/// limit, so the fast reader needs no second scan of the payload.
pub(super) fn skip_nested(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut at = start;
    loop {
        match BYTE_ROLES[usize::from(*bytes.get(at)?)] {
            QUOTE => {
                at = skip_string(bytes, at + 1)?;
                continue;
            }
            OPEN => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            CLOSE => {
                depth -= 1;
                if depth == 0 {
                    return Some((at + 1, deepest));
                }
            }
            _ => {}
        }
        at += 1;
    }
}

/// The end (past the closing quote) of the string whose contents start at `at`; `None` when it
/// does not end.
pub(super) fn skip_string(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let byte = *bytes.get(at)?;
        at += 1;
        match byte {
            b'"' => return Some(at),
            // The escaped character, whatever it is, cannot end the string.
            b'\\' => at += 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::value::RawValue;

    use super::*;

    #[test]
    fn skipping_finds_the_end_serde_finds() {
        for value in [
            r#"{}"#,
            r#"[]"#,
            r#"{"a":[1,{"b":"}]"},"\"{["],"c":{}}"#,
            r#"["\\",{"x":"\\\""}]"#,
            r#"[[[[["deep"]]]],{"é":"ü\u0041"}]"#,
            r#""a string with ] and } and \" inside""#,
        ] {
            let text = format!("{value} ,");
            let end = match value.as_bytes()[0] {
                b'"' => skip_string(text.as_bytes(), 1),
                _ => skip_nested(text.as_bytes(), 0).map(|(end, _)| end),
            };
            let serde: &RawValue = serde_json::from_str(value).expect("valid JSON");
            assert_eq!(end, Some(serde.get().len()), "{value}");
        }
        assert_eq!(skip_nested(br#"{"a":"#, 0), None);
        assert_eq!(skip_nested(br#"[[1],{"a":[{}]},"[[[["]"#, 0), Some((23, 4)));
        assert_eq!(skip_string(br#"abc"#, 0), None);
    }
}
