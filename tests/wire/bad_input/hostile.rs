//! What a hostile mini program sends on purpose: calls of megabytes, floods of keys, echoes to
//! bound, probes for which APIs exist under default deny, forged callers.

use super::*;

/// A unified call to `echo` with `data` and as many other keys as make `keys` in all.
pub(super) fn call_of_keys(keys: usize) -> String {
    let other: String = (2..keys).map(|i| format!(r#","k{i}":0"#)).collect();
    format!(r#"{{"api_name":"echo","data":1{other}}}"#)
}

/// The refusal of a unified call with more top-level keys than the default limit.
fn too_many_keys(prefix: &str) -> String {
    format!(
        "{prefix}:fail invalid call: more than {} top-level keys, the registry's limit",
        tcmpp_core::limits::DEFAULT_MAX_CALL_KEYS
    )
}

/// What a hostile mini program sends on purpose (issue "Hostile mini programs"), with the exact
/// reply of each: refused before anything big is built, echoing at most 64 characters of what
/// it sent, telling an uninvited caller nothing of which APIs exist.
pub(super) fn hostile(battery: &mut Battery) {
    let limit = tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES;

    // Memory before refusal: 4,194,300 bytes of `appInfo` to a restricted API. Untrusted text
    // is refused for carrying `appInfo` at all, from every entry.
    let bomb = app_info_bomb("secret", 4_194_300);
    let refused = APP_INFO_IN_TEXT.replace("echo:", "secret:");
    battery.fail(text(bomb.clone()), &refused);
    battery.fail(Input::Bytes(bomb.clone().into_bytes()), &refused);
    battery.fail(Input::Named("secret", bomb.clone()), &refused);
    battery.fail_on(On::Grants, text(bomb.clone()), &refused);
    battery.fail_on(
        On::Default,
        from_host(app(GRANTED), Wire::Unified, bomb.clone()),
        &refused,
    );
    // Text the host believes has its `appInfo` read: it names no app, so access is denied,
    // whatever the policy.
    for on in [On::Default, On::Grants, On::DenyByDefault] {
        battery.fail_on(
            on,
            Input::Trusted(bomb.clone()),
            "secret:fail permission denied",
        );
    }
    // Under default deny, the same bytes to an API that does not exist get the same answer.
    let unknown_bomb = app_info_bomb("doesNotExist", 4_194_300);
    battery.fail_on(
        On::DenyByDefault,
        Input::Trusted(unknown_bomb.clone()),
        "doesNotExist:fail permission denied",
    );
    battery.fail(
        text(unknown_bomb),
        &APP_INFO_IN_TEXT.replace("echo:", "doesNotExist:"),
    );

    // 4 MiB of `,"k":0` keys to an unknown API: the second `k` is a duplicate.
    let same_keys = keys_bomb("doesNotExist", false, limit);
    battery.fail(text(same_keys.clone()), &format!("{INP}duplicate key `k`"));
    battery.fail(
        Input::Trusted(same_keys),
        &format!("{INP}duplicate key `k`"),
    );
    // Distinct keys: the 65th is refused, at once.
    let distinct_keys = keys_bomb("doesNotExist", true, limit);
    battery.fail(
        text(distinct_keys.clone()),
        &too_many_keys("invokeNativePlugin"),
    );
    battery.fail(
        Input::Bytes(distinct_keys.clone().into_bytes()),
        &too_many_keys("invokeNativePlugin"),
    );
    battery.fail(
        Input::Named("doesNotExist", distinct_keys.clone()),
        &too_many_keys("doesNotExist"),
    );
    battery.fail_on(
        On::DenyByDefault,
        from_host(app(STRANGER), Wire::Unified, distinct_keys),
        &too_many_keys("invokeNativePlugin"),
    );

    // Payload values: the reply quotes what the mini program sent back to it (a log line does
    // not); keys and values alike.
    battery.fail(
        call("typed", r#"{"name":"x","age":"SECRET-TOKEN-123"}"#),
        r#"typed:fail invalid data: age: invalid type: string "SECRET-TOKEN-123", expected u32"#,
    );
    battery.fail(
        text(r#"{"api_name":"echo","SECRET-TOKEN-123":1,"SECRET-TOKEN-123":2}"#),
        &format!("{INP}duplicate key `SECRET-TOKEN-123`"),
    );
    battery.fail(
        Input::Legacy("typed", r#"{"name":"x","age":22,"SECRET-TOKEN-123":1}"#.to_owned()),
        "typed:fail invalid data: SECRET-TOKEN-123: unknown field `SECRET-TOKEN-123`, expected `name` or `age`",
    );

    // Unbounded echo: a 4 MiB identifier as `api_name` (the whole call exactly at the limit),
    // as the reported name, and as a legacy call's name.
    let huge_name = "a".repeat(limit - r#"{"api_name":""}"#.len());
    let unknown = |name: &str| {
        format!(
            "invokeNativePlugin:fail unknown API: no handler is registered for \"{}\"",
            echoed(name)
        )
    };
    battery.fail(
        text(format!(r#"{{"api_name":"{huge_name}"}}"#)),
        &unknown(&huge_name),
    );
    let huge_name: &'static str = huge_name.leak();
    battery.fail(
        Input::Named(huge_name, format!(r#"{{"api_name":"{huge_name}"}}"#)),
        &unknown(huge_name),
    );
    battery.fail(
        Input::Legacy(huge_name, "{}".to_owned()),
        &unknown(huge_name),
    );
    // A name mismatch with a long inner name, and with a long reported one.
    let long = "n".repeat(100_000);
    battery.fail(
        Input::Named("typed", format!(r#"{{"api_name":"{long}"}}"#)),
        &format!(
            "typed:fail invalid call: `api_name` is \"{}\" but the SDK reported \"typed\"",
            echoed(&long)
        ),
    );
    let long: &'static str = long.leak();
    battery.fail(
        Input::Named(long, r#"{"api_name":"typed"}"#.to_owned()),
        &format!(
            "{INP}`api_name` is \"typed\" but the SDK reported \"{}\"",
            echoed(long)
        ),
    );
    // A duplicate key of 2 MiB, as large as fits twice.
    let huge_key = "d".repeat((limit - 40) / 2);
    battery.fail(
        text(format!(
            r#"{{"api_name":"echo","{huge_key}":1,"{huge_key}":2}}"#
        )),
        &format!("{INP}duplicate key `{}`", echoed(&huge_key)),
    );

    // Echo bounds, at 64 and 65 characters: a name of at most 64 is echoed whole (and is the
    // errMsg prefix when a handler could have it); a longer one is cut, and never the prefix.
    for chars in [63, 64, 65] {
        let name = "q".repeat(chars);
        let prefix = if chars <= MAX_ECHO_CHARS {
            name.as_str()
        } else {
            "invokeNativePlugin"
        };
        let message = format!(
            "{prefix}:fail unknown API: no handler is registered for \"{}\"",
            echoed(&name)
        );
        battery.fail(text(format!(r#"{{"api_name":"{name}"}}"#)), &message);
        let name: &'static str = name.leak();
        battery.fail(Input::Legacy(name, "{}".to_owned()), &message);
    }
    for chars in [64, 65] {
        // Not an identifier, so never the prefix; cut by characters, not bytes.
        let name = "数".repeat(chars);
        battery.fail(text(format!(r#"{{"api_name":"{name}"}}"#)), &unknown(&name));
        let inner = "i".repeat(chars);
        battery.fail(
            Input::Named("echo", format!(r#"{{"api_name":"{inner}"}}"#)),
            &format!(
                "echo:fail invalid call: `api_name` is \"{}\" but the SDK reported \"echo\"",
                echoed(&inner)
            ),
        );
        let reported: &'static str = "r".repeat(chars).leak();
        let prefix = if chars <= MAX_ECHO_CHARS {
            reported
        } else {
            "invokeNativePlugin"
        };
        battery.fail(
            Input::Named(reported, r#"{"api_name":"echo"}"#.to_owned()),
            &format!(
                "{prefix}:fail invalid call: `api_name` is \"echo\" but the SDK reported \"{}\"",
                echoed(reported)
            ),
        );
        for key in ["k".repeat(chars), "é".repeat(chars)] {
            battery.fail(
                text(format!(r#"{{"api_name":"echo","{key}":1,"{key}":2}}"#)),
                &format!("{INP}duplicate key `{}`", echoed(&key)),
            );
        }
        let key = "L".repeat(chars);
        battery.fail(
            Input::Legacy("echo", format!(r#"{{"{key}":1,"{key}":2}}"#)),
            &format!("echo:fail invalid call: duplicate key `{}`", echoed(&key)),
        );
    }
    // An escaped key is echoed as it reads, and counted by its characters.
    battery.fail(
        text(r#"{"api_name":"echo","a\nb":1,"a\u000ab":2}"#),
        &format!("{INP}duplicate key `a\nb`"),
    );
    // A key whose value no JSON value can hold is refused only when a handler asks for the
    // keys, and named by neither key nor value.
    let unrepresentable =
        "whole:fail invalid call: a top-level key holds a value that no JSON value can hold";
    // Under `arbitrary_precision` a `Value` holds the numbers, and the handler gets them.
    let mut unrepresentable_number = |input: Input, key: &str, value: &str| {
        if precision::arbitrary_precision() {
            battery.reply(
                On::Default,
                input,
                ReplyKind::Success,
                &format!(r#"{{"extra":{{"{key}":{value}}},"errMsg":"whole:ok"}}"#),
            );
        } else {
            battery.fail(input, unrepresentable);
        }
    };
    for value in ["1e400", "[1,-1e999]"] {
        unrepresentable_number(
            text(format!(r#"{{"api_name":"whole","k":{value}}}"#)),
            "k",
            value,
        );
    }
    let long_key = "K".repeat(10_000);
    unrepresentable_number(
        text(format!(r#"{{"api_name":"whole","{long_key}":1e400}}"#)),
        &long_key,
        "1e400",
    );
    unrepresentable_number(
        Input::Trusted(r#"{"api_name":"whole","webviewId":1,"k":-1e400}"#.to_owned()),
        "k",
        "-1e400",
    );
    for value in [r#""\ud800""#, r#"{"a":"\udfff"}"#] {
        battery.fail(
            text(format!(r#"{{"api_name":"whole","k":{value}}}"#)),
            unrepresentable,
        );
    }
    // ...and the same keys to a handler that does not ask are answered.
    battery.reply(
        On::Default,
        text(r#"{"api_name":"echo","data":1,"k":1e400}"#),
        ReplyKind::Success,
        r#"{"echo":1,"errMsg":"echo:ok"}"#,
    );

    // The key cap: a unified call may have 64 top-level keys, its envelope's included, and
    // not 65, from every entry; a legacy call's keys are its data's and are not counted.
    let at_cap = call_of_keys(64);
    let over_cap = call_of_keys(65);
    let echoed_one = r#"{"echo":1,"errMsg":"echo:ok"}"#;
    battery.reply(
        On::Default,
        text(at_cap.clone()),
        ReplyKind::Success,
        echoed_one,
    );
    battery.reply(
        On::Default,
        Input::Named("echo", at_cap.clone()),
        ReplyKind::Success,
        echoed_one,
    );
    battery.reply(
        On::Default,
        Input::Trusted(at_cap),
        ReplyKind::Success,
        echoed_one,
    );
    battery.fail(text(over_cap.clone()), &too_many_keys("invokeNativePlugin"));
    battery.fail(
        Input::Named("echo", over_cap.clone()),
        &too_many_keys("echo"),
    );
    battery.fail(
        Input::Trusted(over_cap.clone()),
        &too_many_keys("invokeNativePlugin"),
    );
    battery.fail(
        Input::Bytes(over_cap.clone().into_bytes()),
        &too_many_keys("invokeNativePlugin"),
    );
    battery.fail(
        from_host(app(GRANTED), Wire::Named("echo"), over_cap),
        &too_many_keys("echo"),
    );
    // `webviewId` and `stateEvent` count too.
    let with_caller_keys: String = (4..64).map(|i| format!(r#","k{i}":0"#)).collect();
    battery.reply(
        On::Default,
        text(format!(
            r#"{{"api_name":"echo","data":1,"webviewId":1,"stateEvent":"e"{with_caller_keys}}}"#
        )),
        ReplyKind::Success,
        echoed_one,
    );
    battery.fail(
        text(format!(
            r#"{{"api_name":"echo","data":1,"webviewId":1,"stateEvent":"e"{with_caller_keys},"k":0}}"#
        )),
        &too_many_keys("invokeNativePlugin"),
    );
    // The 65th key is refused before anything else about it: were it a duplicate, or
    // `api_name` itself, or `appInfo`, it is still the 65th.
    let sixty_four: String = (2..64).map(|i| format!(r#","k{i}":0"#)).collect();
    for last in [r#""k2":0"#, r#""api_name":"echo""#, r#""appInfo":{}"#] {
        battery.fail(
            text(format!(
                r#"{{"api_name":"echo","data":1{sixty_four},{last}}}"#
            )),
            &too_many_keys("invokeNativePlugin"),
        );
    }
    // A duplicate within the limit is a duplicate.
    battery.fail(
        text(
            format!(r#"{{"api_name":"echo","data":1{sixty_four}}}"#)
                .replace(r#","k63":0"#, r#","k2":0"#),
        ),
        &format!("{INP}duplicate key `k2`"),
    );
    // A legacy call of a thousand keys is the data's, and is answered.
    let legacy_keys: Vec<String> = (0..1_000).map(|i| format!(r#""k{i}":{i}"#)).collect();
    let legacy_data = format!("{{{}}}", legacy_keys.join(","));
    battery.reply(
        On::Default,
        Input::Legacy("echo", legacy_data.clone()),
        ReplyKind::Success,
        &format!(r#"{{"echo":{legacy_data},"errMsg":"echo:ok"}}"#),
    );
    // The limit is the registry's: three keys here.
    let few =
        "invokeNativePlugin:fail invalid call: more than 3 top-level keys, the registry's limit";
    battery.reply(
        On::FewKeys,
        text(r#"{"api_name":"echo","data":1,"x":2}"#),
        ReplyKind::Success,
        echoed_one,
    );
    battery.fail_on(
        On::FewKeys,
        text(r#"{"api_name":"echo","data":1,"x":2,"y":3}"#),
        few,
    );
    battery.fail_on(
        On::FewKeys,
        text(r#"{"api_name":"echo","webviewId":1,"stateEvent":"e","x":1}"#),
        few,
    );
    battery.fail_on(
        On::FewKeys,
        Input::Named(
            "echo",
            r#"{"api_name":"echo","data":1,"x":2,"y":3}"#.to_owned(),
        ),
        &few.replace("invokeNativePlugin:", "echo:"),
    );
    battery.reply(
        On::FewKeys,
        Input::Legacy("echo", r#"{"a":1,"b":2,"c":3,"d":4,"e":5}"#.to_owned()),
        ReplyKind::Success,
        r#"{"echo":{"a":1,"b":2,"c":3,"d":4,"e":5},"errMsg":"echo:ok"}"#,
    );
}
