//! What a mini program sends wrong by mistake in its data: the wrong shape, numbers out of
//! range, strings of megabytes, nesting past the limit.

use super::*;

/// Data a mini program gets wrong by mistake, after [`envelope::mistakes`](super::envelope::mistakes)'
/// calls: each fails, on the default registry.
pub(super) fn mistakes(battery: &mut Battery) {
    let mut add = |input: Input, err_msg: &str| battery.fail(input, err_msg);

    // Data of the wrong shape.
    let wrong_shape = [
        (
            "[]",
            "invalid length 0, expected struct Person with 2 elements",
        ),
        (
            "[\"kka\"]",
            "invalid length 1, expected struct Person with 2 elements",
        ),
        (
            "\"kka\"",
            "invalid type: string \"kka\", expected struct Person",
        ),
        ("22", "invalid type: integer `22`, expected struct Person"),
        ("-22", "invalid type: integer `-22`, expected struct Person"),
        (
            "2.5",
            "invalid type: floating point `2.5`, expected struct Person",
        ),
        (
            "true",
            "invalid type: boolean `true`, expected struct Person",
        ),
        ("{}", "missing field `name`"),
        ("{\"name\":\"kka\"}", "missing field `age`"),
        ("{\"age\":22}", "missing field `name`"),
        (
            "{\"name\":\"kka\",\"age\":22,\"extra\":1}",
            "extra: unknown field `extra`, expected `name` or `age`",
        ),
        (
            "{\"Name\":\"kka\",\"age\":22}",
            "Name: unknown field `Name`, expected `name` or `age`",
        ),
        (
            "{\"name\":null,\"age\":22}",
            "name: invalid type: null, expected a string",
        ),
        (
            "{\"name\":22,\"age\":22}",
            "name: invalid type: integer `22`, expected a string",
        ),
        (
            "{\"name\":[\"kka\"],\"age\":22}",
            "name: invalid type: sequence, expected a string",
        ),
        (
            "{\"name\":{\"first\":\"k\"},\"age\":22}",
            "name: invalid type: map, expected a string",
        ),
        (
            "{\"name\":\"kka\",\"age\":\"22\"}",
            "age: invalid type: string \"22\", expected u32",
        ),
        (
            "{\"name\":\"kka\",\"age\":null}",
            "age: invalid type: null, expected u32",
        ),
        (
            "{\"name\":\"kka\",\"age\":true}",
            "age: invalid type: boolean `true`, expected u32",
        ),
        (
            "{\"name\":\"kka\",\"age\":[22]}",
            "age: invalid type: sequence, expected u32",
        ),
        (
            "{\"name\":\"kka\",\"name\":\"kkb\",\"age\":1}",
            "duplicate field `name`",
        ),
    ];
    for (data, reason) in wrong_shape {
        add(
            call("typed", data),
            &format!("typed:fail invalid data: {reason}"),
        );
    }

    // Numbers out of range.
    let out_of_range = [
        (
            "{\"small\":256}",
            "small: invalid value: integer `256`, expected u8",
        ),
        (
            "{\"small\":-1}",
            "small: invalid value: integer `-1`, expected u8",
        ),
        (
            "{\"small\":1.0}",
            "small: invalid type: floating point `1.0`, expected u8",
        ),
        (
            "{\"small\":1e2}",
            "small: invalid type: floating point `100.0`, expected u8",
        ),
        (
            "{\"signed\":128}",
            "signed: invalid value: integer `128`, expected i8",
        ),
        (
            "{\"signed\":-129}",
            "signed: invalid value: integer `-129`, expected i8",
        ),
        (
            "{\"big\":-1}",
            "big: invalid value: integer `-1`, expected u64",
        ),
        (
            "{\"big\":18446744073709551616}",
            "big: invalid type: floating point `1.8446744073709552e+19`, expected u64",
        ),
        (
            "{\"big\":1.5}",
            "big: invalid type: floating point `1.5`, expected u64",
        ),
        (
            "{\"float\":\"1.5\"}",
            "float: invalid type: string \"1.5\", expected f32",
        ),
        ("{\"float\":1e400}", "float: number out of range"),
        ("{\"float\":-1e400}", "float: number out of range"),
        (
            "{\"small\":\"0x10\"}",
            "small: invalid type: string \"0x10\", expected u8",
        ),
        (
            "{\"small\":true}",
            "small: invalid type: boolean `true`, expected u8",
        ),
        (
            "{\"signed\":null}",
            "signed: invalid type: null, expected i8",
        ),
    ];
    for (data, reason) in out_of_range {
        // Under `arbitrary_precision`, the text reader refuses a number no `f64` holds before
        // it knows the field (the README says so).
        let reason = match reason.strip_prefix("float: ") {
            Some(unplaced @ "number out of range") if precision::arbitrary_precision() => unplaced,
            _ => reason,
        };
        add(
            call("numbers", data),
            &format!("numbers:fail invalid data: {reason}"),
        );
    }

    // Huge strings: echoed values are cut short, and calls over the size limit are refused.
    let huge = "x".repeat(1 << 20);
    add(
        call("typed", &format!("{{\"name\":\"kka\",\"age\":\"{huge}\"}}")),
        &format!(
            "typed:fail invalid data: age: invalid type: string \"{}…",
            "x".repeat(500 - 27)
        ),
    );
    add(
        call("numbers", &format!("{{\"small\":\"{huge}\"}}")),
        &format!(
            "numbers:fail invalid data: small: invalid type: string \"{}…",
            "x".repeat(500 - 29)
        ),
    );
    let over = "y".repeat(tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES);
    let over_call = format!("{{\"api_name\":\"echo\",\"data\":\"{over}\"}}");
    let over_len = over_call.len();
    add(
        text(over_call),
        &format!("{INP}{over_len} bytes is over the limit of 4194304 bytes"),
    );
    let mut over_bytes = format!("{{\"api_name\":\"echo\",\"data\":\"{over}").into_bytes();
    over_bytes.extend_from_slice(b"\xff\"}");
    let over_bytes_len = over_bytes.len();
    add(
        Input::Bytes(over_bytes),
        &format!("{INP}{over_bytes_len} bytes is over the limit of 4194304 bytes"),
    );
    add(
        text(format!("{{\"api_name\":\"{}\"}}", "n".repeat(5 << 20))),
        &format!(
            "{INP}{} bytes is over the limit of 4194304 bytes",
            (5 << 20) + 15
        ),
    );

    // Very deep nesting, in every place it can hide.
    let deep = |open: &str, close: &str, levels: usize| {
        format!("{}{}", open.repeat(levels), close.repeat(levels))
    };
    let too_deep = format!("{INP}nested deeper than the limit of 64 levels");
    for levels in [64, 100, 1_000, 100_000] {
        add(call("echo", &deep("[", "]", levels)), &too_deep);
    }
    add(call("echo", &deep("{\"a\":", "}", 64)), &too_deep);
    add(
        text(format!(
            "{{\"api_name\":\"echo\",\"appInfo\":{{\"x\":{}}}}}",
            deep("[", "]", 70)
        )),
        &too_deep,
    );
    add(
        text(format!(
            "{{\"api_name\":\"echo\",\"extra\":{}}}",
            deep("[", "]", 200)
        )),
        &too_deep,
    );
    add(text(deep("[", "]", 10_000)), &too_deep);
    add(
        Input::Named("echo", deep("{\"k\":", "}", 65)),
        &too_deep.replace("invokeNativePlugin", "echo"),
    );
    add(
        text(format!(
            "{{\"api_name\":\"echo\",\"data\":{}",
            "[".repeat(65)
        )),
        &too_deep,
    );
}
