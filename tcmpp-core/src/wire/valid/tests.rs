use serde::de::IgnoredAny;

use super::*;

/// `checked_end` of `value`, as the fast reader meets it: followed by the rest of a call.
fn end_of(value: &str) -> Option<usize> {
    let text = format!("{value},\"x\":1}}");
    checked_end(text.as_bytes(), 0).map(|(end, _)| end)
}

#[test]
fn accepts_what_serde_accepts_and_ends_where_it_ends() {
    for value in [
        "0",
        "-0",
        "12.5e3",
        "1E+2",
        "-7.25e-10",
        "1e999",
        "true",
        "false",
        "null",
        r#""""#,
        r#""a\"b\\c\/d\b\f\n\r\t\u00e9\uD800""#,
        "\"é ü \u{1F600}\"",
        "[]",
        "{}",
        "[ ]",
        "{ }",
        r#"{"a":[1,{"b":"}]"},"\"{["],"c":{}}"#,
        " [ 1 , [ 2 ] , { \"k\" : null } ]\t",
        "{\n\"a\"\r:\t1\n}",
        r#"[[[[["deep"]]]],{"é":"ü\u0041"}]"#,
    ] {
        let trimmed = value.trim_start();
        let text = format!("{trimmed},\"x\":1}}");
        let serde = serde_json::from_str::<IgnoredAny>(value);
        assert!(serde.is_ok(), "{value}");
        assert_eq!(
            checked_end(text.as_bytes(), 0).map(|(end, _)| end),
            Some(trimmed.trim_end().len()),
            "{value}"
        );
    }
}

#[test]
fn long_numbers_end_where_short_ones_do() {
    for number in [
        "0",
        "-0",
        "12345678",
        "123456789",
        "1234567890123456789012345.5e+7",
        "-98765432109876543210",
        "1234567/",
        "12345678:",
        "123456789a",
        "0123456789",
        "1.2345678901234567e",
    ] {
        for tail in ["", ",", "}", " 1", "99999999"] {
            let text = format!("{number}{tail}");
            assert_eq!(
                long_number_end(text.as_bytes(), 0),
                number_end(text.as_bytes(), 0),
                "{text}"
            );
        }
    }
    for byte in 0..=255_u8 {
        let text = [b"1234567".as_slice(), &[byte], b"12345678"].concat();
        assert_eq!(wide_digits_end(&text, 0), digits_end(&text, 0), "{byte}");
    }
}

#[test]
fn refuses_what_serde_refuses() {
    for value in [
        "",
        "-",
        "+1",
        ".5",
        "1.",
        "1.e3",
        "1e",
        "1e+",
        "tru",
        "nul",
        "True",
        "[1,]",
        "[,1]",
        "[1 2]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{a:1}",
        "{1:1}",
        "{\"a\":1]",
        "[1}",
        "[",
        "{\"a\":[1,2}",
        "\"unterminated",
        "\"bad \\q escape\"",
        "\"short \\u12\"",
        "\"not hex \\u12g4\"",
        "\"raw\ttab\"",
        "\"raw\u{1}control\"",
        "\"ends in a backslash \\",
    ] {
        // Whatever follows the value in the fast reader's text, serde refuses the value
        // alone, and the skip refuses it or stops before text serde would not accept.
        assert!(
            serde_json::from_str::<IgnoredAny>(value).is_err(),
            "serde accepts {value:?}"
        );
        let end = checked_end(value.as_bytes(), 0).map(|(end, _)| end);
        assert!(
            end.is_none_or(
                |end| serde_json::from_str::<IgnoredAny>(&value[..end]).is_ok()
                    && end < value.trim_end().len()
            ),
            "{value:?}: {end:?}"
        );
    }
    // A leading zero ends the number: the reader then meets the digit where a comma must be.
    assert_eq!(end_of("01"), Some(1));
    assert_eq!(checked_end(b"[01]", 0), None);
}

#[test]
fn measures_nesting_and_leaves_the_deepest_to_the_full_reader() {
    assert_eq!(checked_end(b"1", 0), Some((1, 0)));
    assert_eq!(checked_end(br#"[[1],{"a":[{}]},"[[[["]"#, 0), Some((23, 4)));
    let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    let deepest = nested(MAX_NESTING);
    assert_eq!(
        checked_end(deepest.as_bytes(), 0),
        Some((deepest.len(), MAX_NESTING))
    );
    assert_eq!(checked_end(nested(MAX_NESTING + 1).as_bytes(), 0), None);
    // Objects and arrays interleaved deeper than one byte of the stack.
    let mixed = format!("{}1{}", r#"[{"k":"#.repeat(20), "}]".repeat(20));
    assert_eq!(checked_end(mixed.as_bytes(), 0), Some((mixed.len(), 40)));
    assert_eq!(end_of(&mixed), Some(mixed.len()));
}

/// Every text one edit away from valid JSON: the skip accepts it exactly when serde does.
#[test]
fn agrees_with_serde_one_edit_away_from_valid_json() {
    let seeds = [
        r#"{"name":"kka","age":22,"tags":["a","b\"c"],"ok":true,"n":null}"#,
        r#"[-1.5e+3,0,{"\u00e9":[[]]},"\/",false]"#,
        r#" { "a" : [ 1 , 2.0 ] , "b" : { } } "#,
    ];
    let edits: &[u8] = b"\"\\,:[]{}01-.eE+ u\tatfn/\x01";
    let mut checked = 0;
    for seed in seeds {
        let seed = seed.as_bytes();
        for text in crate::wire::texts_near(seed, edits, 0..=seed.len()) {
            let Ok(text) = String::from_utf8(text) else {
                continue;
            };
            let serde = serde_json::from_str::<IgnoredAny>(&text).is_ok();
            let value = text.trim_start_matches([' ', '\n', '\r', '\t']);
            let skip = checked_end(value.as_bytes(), 0).is_some_and(|(end, _)| {
                value[end..]
                    .trim_start_matches([' ', '\n', '\r', '\t'])
                    .is_empty()
            });
            assert_eq!(skip, serde, "{text:?}");
            checked += 1;
        }
    }
    assert!(checked > 3_000, "{checked} texts");
}
