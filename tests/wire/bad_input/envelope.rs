//! What a mini program sends wrong by mistake in the call itself: text that is no call, a
//! missing or mistyped `api_name` or SDK field, an unknown API.

use super::*;

/// What a mini program sends wrong by mistake, and the first hostile calls: each fails, on the
/// default registry. The battery's first calls; [`data::mistakes`](super::data::mistakes) and
/// [`formats::mistakes`](super::formats::mistakes) follow.
pub(super) fn mistakes(battery: &mut Battery) {
    let mut add = |input: Input, err_msg: &str| battery.fail(input, err_msg);

    // Not JSON at all.
    let not_json = [
        (
            "",
            "not valid JSON: EOF while parsing a value at line 1 column 0",
        ),
        (
            "   ",
            "not valid JSON: EOF while parsing a value at line 1 column 3",
        ),
        (
            "{",
            "not valid JSON: EOF while parsing an object at line 1 column 1",
        ),
        ("}", "not valid JSON: expected value at line 1 column 1"),
        ("nope", "not valid JSON: expected ident at line 1 column 2"),
        (
            "{'api_name':'x'}",
            "not valid JSON: key must be a string at line 1 column 2",
        ),
        (
            "{api_name:\"x\"}",
            "not valid JSON: key must be a string at line 1 column 2",
        ),
        (
            "{\"api_name\":}",
            "not valid JSON: expected value at line 1 column 13",
        ),
        (
            "{\"api_name\":\"x\",}",
            "not valid JSON: trailing comma at line 1 column 17",
        ),
        (
            "{\"api_name\":\"x\"",
            "not valid JSON: EOF while parsing an object at line 1 column 15",
        ),
        (
            "{\"api_name\":\"x",
            "not valid JSON: EOF while parsing a string at line 1 column 14",
        ),
        (
            "{\"api_name\" \"x\"}",
            "not valid JSON: expected `:` at line 1 column 13",
        ),
        (
            "{\"api_name\":\"x\"}}",
            "not valid JSON: trailing characters at line 1 column 17",
        ),
        (
            "{\"api_name\":\"x\"} {}",
            "not valid JSON: trailing characters at line 1 column 18",
        ),
        (
            "{\"api_name\":\"a\tb\"}",
            "not valid JSON: control character (\\u0000-\\u001F) found while parsing a string at line 1 column 14",
        ),
        (
            "{\"api_name\":\"\\x\"}",
            "not valid JSON: invalid escape at line 1 column 15",
        ),
        (
            "{\"api_name\":\"\\ud800\"}",
            "`api_name`: unexpected end of hex escape",
        ),
        (
            "{\"api_name\":\"x\",\"data\":01}",
            "not valid JSON: invalid number at line 1 column 25",
        ),
        (
            "{\"api_name\":\"x\",\"data\":NaN}",
            "not valid JSON: expected value at line 1 column 24",
        ),
        (
            "{\"api_name\":\"x\",\"data\":[1,]}",
            "not valid JSON: expected value at line 1 column 27",
        ),
        (
            "{\"api_name\":\"x\",\"data\":tru}",
            "not valid JSON: expected ident at line 1 column 27",
        ),
        (
            "[",
            "not valid JSON: EOF while parsing a list at line 1 column 1",
        ),
    ];
    for (input, reason) in not_json {
        add(text(input), &format!("{INP}{reason}"));
    }

    // Not UTF-8.
    let not_utf8: [(&[u8], usize); 8] = [
        (b"\xff", 0),
        (b"{\"api_name\":\"\xc3\"}", 13),
        (b"{\"api_name\":\"echo\",\"data\":\"\xe2\x82\"}", 27),
        (b"{\"api_name\":\"echo\",\"data\":\"\xed\xa0\x80\"}", 27),
        (
            b"{\"api_name\":\"echo\",\"data\":\"\xf8\x88\x80\x80\x80\"}",
            27,
        ),
        (b"\xef\xbb\xbf\xff{}", 3),
        (b"{\"\x80\":1}", 2),
        (b"{\"api_name\":\"echo\",\"data\":\"ok\"}\xc0\xaf", 31),
    ];
    for (bytes, valid_up_to) in not_utf8 {
        add(
            Input::Bytes(bytes.to_vec()),
            &format!("{INP}not valid UTF-8 (at byte {valid_up_to})"),
        );
    }

    // JSON, but not an object.
    let not_object = [
        ("[]", "an array"),
        ("[{\"api_name\":\"echo\"}]", "an array"),
        ("\"echo\"", "a string"),
        ("\"{\\\"api_name\\\":\\\"echo\\\"}\"", "a string"),
        ("0", "a number"),
        ("-1.5e3", "a number"),
        ("true", "a boolean"),
        ("false", "a boolean"),
        ("null", "null"),
        ("  \n [1] \n", "an array"),
    ];
    for (input, kind) in not_object {
        add(
            text(input),
            &format!("{INP}expected a JSON object, found {kind}"),
        );
    }

    // A missing or mistyped `api_name`.
    let bad_name = [
        ("{}", "missing `api_name`"),
        ("{\"data\":{}}", "missing `api_name`"),
        ("{\"apiName\":\"echo\"}", "missing `api_name`"),
        ("{\"API_NAME\":\"echo\"}", "missing `api_name`"),
        (
            "{\"api_name\":null}",
            "`api_name` must be a string, found null",
        ),
        (
            "{\"api_name\":1}",
            "`api_name` must be a string, found a number",
        ),
        (
            "{\"api_name\":-0.5}",
            "`api_name` must be a string, found a number",
        ),
        (
            "{\"api_name\":true}",
            "`api_name` must be a string, found a boolean",
        ),
        (
            "{\"api_name\":[\"echo\"]}",
            "`api_name` must be a string, found an array",
        ),
        (
            "{\"api_name\":{\"name\":\"echo\"}}",
            "`api_name` must be a string, found an object",
        ),
        ("{\"api_name\":\"\"}", "`api_name` is empty"),
        (
            "{\"api_name\":\"echo\",\"api_name\":\"echo\"}",
            "duplicate key `api_name`",
        ),
        (
            "{\"api_name\":\"echo\",\"data\":1,\"data\":2}",
            "duplicate key `data`",
        ),
        (
            "{\"api_name\":\"echo\",\"webviewId\":1,\"webviewId\":2}",
            "duplicate key `webviewId`",
        ),
        (
            "{\"api_name\":\"echo\",\"x\":1,\"x\":1}",
            "duplicate key `x`",
        ),
    ];
    for (input, reason) in bad_name {
        add(text(input), &format!("{INP}{reason}"));
    }

    // Mistyped companions of `api_name`: these name the API, but the SDK fields are broken.
    let bad_fields = [
        (
            "\"webviewId\":\"4\"",
            "`webviewId` must be an integer, found a string",
        ),
        (
            "\"webviewId\":4.5",
            "`webviewId` must be an integer, found a number",
        ),
        (
            "\"webviewId\":1e3",
            "`webviewId` must be an integer, found a number",
        ),
        (
            "\"webviewId\":9223372036854775808",
            "`webviewId` must be an integer, found a number",
        ),
        (
            "\"webviewId\":true",
            "`webviewId` must be an integer, found a boolean",
        ),
        (
            "\"webviewId\":[4]",
            "`webviewId` must be an integer, found an array",
        ),
        (
            "\"webviewId\":{}",
            "`webviewId` must be an integer, found an object",
        ),
        (
            "\"stateEvent\":1",
            "`stateEvent` must be a string, found a number",
        ),
        (
            "\"stateEvent\":false",
            "`stateEvent` must be a string, found a boolean",
        ),
        (
            "\"stateEvent\":[]",
            "`stateEvent` must be a string, found an array",
        ),
        (
            "\"appInfo\":\"wx1\"",
            "`appInfo` must be an object, found a string",
        ),
        (
            "\"appInfo\":[]",
            "`appInfo` must be an object, found an array",
        ),
        (
            "\"appInfo\":7",
            "`appInfo` must be an object, found a number",
        ),
        (
            "\"appInfo\":{\"appId\":7}",
            "`appInfo`: invalid type: integer `7`, expected a string",
        ),
        (
            "\"appInfo\":{\"time\":1.5}",
            "`appInfo`: invalid type: floating point `1.5`, expected i64",
        ),
        (
            "\"appInfo\":{\"name\":[\"x\"]}",
            "`appInfo`: invalid type: sequence, expected a string",
        ),
        // `sync` is the mini program's own, but the host acts on it: only a boolean is read.
        (
            "\"sync\":\"true\"",
            "`sync` must be a boolean, found a string",
        ),
        ("\"sync\":1", "`sync` must be a boolean, found a number"),
        ("\"sync\":0", "`sync` must be a boolean, found a number"),
        (
            "\"sync\":[true]",
            "`sync` must be a boolean, found an array",
        ),
        ("\"sync\":{}", "`sync` must be a boolean, found an object"),
    ];
    for (field, reason) in bad_fields {
        let call = format!("{{\"api_name\":\"echo\",{field}}}");
        if field.starts_with("\"appInfo\"") {
            // Untrusted text may not carry `appInfo` at all, of whatever type: the host states
            // the caller beside the call.
            add(text(call.clone()), APP_INFO_IN_TEXT);
            // Text the host says is its SDK's own rendering has its `appInfo` read, and checked.
            add(
                Input::Trusted(call),
                &format!("echo:fail invalid call: {reason}"),
            );
        } else {
            // The call names its API before the broken field, so the reply is named after it.
            // `webviewId` and `stateEvent` are checked for their type whoever the caller is.
            add(
                text(call.clone()),
                &format!("echo:fail invalid call: {reason}"),
            );
            add(
                Input::Trusted(call),
                &format!("echo:fail invalid call: {reason}"),
            );
        }
    }

    // Unknown APIs.
    let unknown = [
        "nope",
        "Echo",
        "echo ",
        " echo",
        "ECHO",
        "echo2",
        "typed.get",
        "数据",
        "a\\\"b",
        "x".repeat(300).leak(),
    ];
    for name in unknown {
        let shown = name.replace("\\\"", "\"");
        // Only a name that could be registered is echoed as the errMsg prefix, and no name is
        // echoed past 64 characters.
        let identifier = shown.chars().all(|c| c.is_ascii_alphanumeric()) && shown.len() <= 64;
        let prefix = if identifier {
            shown.as_str()
        } else {
            "invokeNativePlugin"
        };
        let echoed = match shown.char_indices().nth(64) {
            Some((cut, _)) => format!("{}…", &shown[..cut]),
            None => shown.clone(),
        };
        add(
            text(format!("{{\"api_name\":\"{name}\",\"data\":{{}}}}")),
            &format!("{prefix}:fail unknown API: no handler is registered for \"{echoed}\""),
        );
    }
}
