use super::Scanner;

/// What `integer_or_null` returned when it checked the syntax and left the value to
/// `str::parse`: the reference its own arithmetic must agree with.
fn parsed(text: &str) -> Option<(i64, usize)> {
    let bytes = text.as_bytes();
    let sign = usize::from(bytes.first() == Some(&b'-'));
    let length = bytes[sign..]
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let digits = &bytes[sign..sign + length];
    if length > 19
        || digits.is_empty()
        || (digits.len() > 1 && digits[0] == b'0')
        || matches!(bytes.get(sign + length), Some(b'.' | b'e' | b'E'))
    {
        return None;
    }
    let end = sign + length;
    Some((text[..end].parse().ok()?, end))
}

#[test]
fn an_integer_is_read_as_str_parse_reads_it() {
    let mut texts: Vec<String> = [
        "0",
        "-0",
        "7",
        "-7",
        "10",
        "01",
        "-01",
        "00",
        "-",
        "",
        "1.5",
        "1e3",
        "2E1",
        "-x",
        "12,",
        "12}",
        "12 ",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "9999999999999999999",
        "-9999999999999999999",
        "18446744073709551615",
        "18446744073709551616",
        "1234567890123456789",
        "12345678901234567890",
        "0000000000000000000",
    ]
    .iter()
    .map(|text| (*text).to_owned())
    .collect();
    // Every length up to 21 digits, of nines and of a one followed by zeros, both signs.
    for length in 1..=21 {
        for digits in ["9".repeat(length), format!("1{}", "0".repeat(length - 1))] {
            texts.push(digits.clone());
            texts.push(format!("-{digits}"));
        }
    }
    for text in &texts {
        let mut scan = Scanner {
            text,
            pos: 0,
            deepest: 0,
        };
        let read = scan.integer_or_null().map(|id| (id, scan.pos));
        let expected = parsed(text).map(|(value, end)| (Some(value), end));
        assert_eq!(read, expected, "{text:?}");
    }
}
