//! What a call to a multiplexed API can get wrong.

use super::*;

/// What a call to a multiplexed API can get wrong: the method unknown, missing, of the wrong
/// type or given twice, no data to name it, data that does not fit the method's type, and a
/// method the caller may not call.
pub(super) fn multiplexed(battery: &mut Battery) {
    // The caller is nobody known: the restricted `sign` is not listed to it.
    const METHODS: &str = r#"the methods of wallet are "connect""#;
    let missing =
        format!("wallet:fail invalid data: missing method: data has no \"methodName\"; {METHODS}");
    let no_data = r#"wallet:fail invalid data: missing method: the call has no data; send an object with "methodName", one of "connect""#;
    let not_a_string = |kind: &str| {
        format!(
            r#"wallet:fail invalid data: methodName: invalid type: {kind}, expected a string, one of "connect""#
        )
    };
    let unknown = |method: &str| {
        format!(r#"wallet:fail invalid data: methodName: unknown method "{method}"; {METHODS}"#)
    };
    let not_an_object = |kind: &str| {
        format!(
            r#"wallet:fail invalid data: missing method: data is {kind}, not an object with "methodName"; {METHODS}"#
        )
    };

    battery.fail(
        call("wallet", r#"{"methodName":"share"}"#),
        &unknown("share"),
    );
    battery.fail(call("wallet", r#"{"methodName":""}"#), &unknown(""));
    battery.fail(
        call("wallet", r#"{"methodName":"Connect"}"#),
        &unknown("Connect"),
    );
    battery.fail(
        call("wallet", r#"{"methodName":"conn\u0065ct2"}"#),
        &unknown("connect2"),
    );
    let long = "m".repeat(100_000);
    battery.fail(
        call("wallet", &format!(r#"{{"methodName":"{long}"}}"#)),
        &unknown(&echoed(&long)),
    );
    // Escaped text too long to be any method is not decoded: its echo is as it was written.
    let escaped = "\\u0041".repeat(1000);
    battery.fail(
        call("wallet", &format!(r#"{{"methodName":"{escaped}"}}"#)),
        &unknown(&echoed(&escaped)),
    );
    battery.fail(call("wallet", "{}"), &missing);
    battery.fail(
        call("wallet", r#"{"method":"connect","url":"u"}"#),
        &missing,
    );
    battery.fail(
        call("wallet", r#"{"data":{"methodName":"connect"}}"#),
        &missing,
    );
    battery.fail(text(r#"{"api_name":"wallet"}"#), no_data);
    battery.fail(call("wallet", "null"), no_data);
    battery.fail(call("wallet", r#""connect""#), &not_an_object("a string"));
    battery.fail(
        call("wallet", r#"[{"methodName":"connect"}]"#),
        &not_an_object("an array"),
    );
    battery.fail(call("wallet", "7"), &not_an_object("a number"));
    battery.fail(
        call("wallet", r#"{"methodName":7}"#),
        &not_a_string("a number"),
    );
    battery.fail(
        call("wallet", r#"{"methodName":null}"#),
        &not_a_string("null"),
    );
    battery.fail(
        call("wallet", r#"{"methodName":["connect"]}"#),
        &not_a_string("an array"),
    );
    battery.fail(
        call("wallet", r#"{"methodName":{"name":"connect"}}"#),
        &not_a_string("an object"),
    );
    battery.fail(
        call("wallet", r#"{"methodName":"connect","methodName":"sign"}"#),
        "wallet:fail invalid data: methodName: the method is given more than once; send it once",
    );
    // The method's own data type, with its field path.
    battery.fail(
        call("wallet", r#"{"methodName":"connect","url":7}"#),
        "wallet:fail invalid data: url: invalid type: integer `7`, expected a string",
    );
    // Data that is not JSON is a malformed call, whatever it names.
    battery.fail(
        call("wallet", r#"{"methodName":"share",}"#),
        &format!("{INP}not valid JSON: key must be a string at line 1 column 51"),
    );
    battery.fail(
        call("wallet", r#"{"methodName":"sign","x":nope}"#),
        &format!("{INP}not valid JSON: expected ident at line 1 column 55"),
    );
    // The legacy format: the whole object is the data.
    battery.fail(
        Input::Legacy("wallet", r#"{"methodName":"share"}"#.to_owned()),
        &unknown("share"),
    );
    // A restricted method, and a caller under default deny that may call no method: told
    // nothing of which methods exist.
    battery.fail(
        call("wallet", r#"{"methodName":"sign"}"#),
        "wallet:fail permission denied",
    );
    battery.fail_on(
        On::DenyByDefault,
        from_host(
            app(STRANGER),
            Wire::Unified,
            call_text("wallet", r#"{"methodName":"share"}"#),
        ),
        "wallet:fail permission denied",
    );
    // A caller granted the restricted method is told of it, on every entry; one granted only
    // it, under default deny, of it alone; one granted none of them, nothing, on every entry
    // and wire (the legacy one included).
    let both = r#"wallet:fail invalid data: methodName: unknown method "share"; the methods of wallet are "connect", "sign""#;
    let sign_only = r#"wallet:fail invalid data: methodName: unknown method "share"; the methods of wallet are "sign""#;
    for (on, caller, want) in [
        (On::Grants, app(GRANTED), both),
        (On::DenyByDefault, app(GRANTED), sign_only),
        (
            On::DenyByDefault,
            app(STRANGER),
            "wallet:fail permission denied",
        ),
    ] {
        // The stranger's unified call is the case above.
        if caller != app(STRANGER) {
            battery.fail_on(
                on,
                from_host(
                    caller.clone(),
                    Wire::Unified,
                    call_text("wallet", r#"{"methodName":"share"}"#),
                ),
                want,
            );
        }
        battery.fail_on(
            on,
            from_host(
                caller,
                Wire::Legacy("wallet"),
                r#"{"methodName":"share"}"#.to_owned(),
            ),
            want,
        );
    }
}
