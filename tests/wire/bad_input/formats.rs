//! The wire formats a mini program's call can be read as, got wrong by mistake: the legacy and
//! named formats, `appInfo` in untrusted text, context a call does not carry.

use super::*;

/// Calls read in a format they do not fit, after [`data::mistakes`](super::data::mistakes)':
/// each fails, on the default registry.
pub(super) fn mistakes(battery: &mut Battery) {
    let mut add = |input: Input, err_msg: &str| battery.fail(input, err_msg);

    // The legacy format, with the name beside the parameters.
    let legacy = [
        (
            "typed",
            "[1]",
            "typed:fail invalid call: expected a JSON object, found an array",
        ),
        (
            "typed",
            "\"kka\"",
            "typed:fail invalid call: expected a JSON object, found a string",
        ),
        (
            "typed",
            "",
            "typed:fail invalid call: not valid JSON: EOF while parsing a value at line 1 column 0",
        ),
        (
            "typed",
            "{\"name\":\"kka\"}",
            "typed:fail invalid data: missing field `age`",
        ),
        (
            "typed",
            "{\"name\":\"kka\",\"age\":-1}",
            "typed:fail invalid data: age: invalid value: integer `-1`, expected u32",
        ),
        (
            "typed",
            "{\"param1\":\"test\",\"param2\":189}",
            "typed:fail invalid data: param1: unknown field `param1`, expected `name` or `age`",
        ),
        (
            "numbers",
            "{\"small\":300}",
            "numbers:fail invalid data: small: invalid value: integer `300`, expected u8",
        ),
        (
            "nope",
            "{\"param1\":\"test\"}",
            "nope:fail unknown API: no handler is registered for \"nope\"",
        ),
        (
            "typed",
            "{\"api_name\":\"echo\",\"data\":{}}",
            "typed:fail invalid data: api_name: unknown field `api_name`, expected `name` or `age`",
        ),
        (
            "",
            "{\"name\":\"kka\",\"age\":1}",
            "invokeNativePlugin:fail invalid call: `api_name` is empty",
        ),
        (
            "typed",
            "{\"name\":\"kka\",\"age\":1,\"age\":2}",
            "typed:fail invalid call: duplicate key `age`",
        ),
        (
            "needsApp",
            "{}",
            "needsApp:fail missing context: this call carries no appInfo",
        ),
        (
            "numbers",
            "{\"big\":1e20}",
            "numbers:fail invalid data: big: invalid type: floating point `1e+20`, expected u64",
        ),
        (
            "typed",
            "{\"name\":\"kka\" \"age\":1}",
            "typed:fail invalid call: not valid JSON: expected `,` or `}` at line 1 column 15",
        ),
        (
            "echo",
            "{\"a\":1,\"a\":2}",
            "echo:fail invalid call: duplicate key `a`",
        ),
    ];
    for (name, input, err_msg) in legacy {
        add(Input::Legacy(name, input.to_owned()), err_msg);
    }

    // Unified calls whose name the SDK reported beside them.
    let named = [
        (
            "typed",
            "{\"api_name\":\"echo\",\"data\":{}}",
            "typed:fail invalid call: `api_name` is \"echo\" but the SDK reported \"typed\"",
        ),
        (
            "typed",
            "{\"api_name\":\"typed\",\"data\":{\"name\":\"kka\",\"age\":\"x\"}}",
            "typed:fail invalid data: age: invalid type: string \"x\", expected u32",
        ),
        (
            "echo",
            "{\"api_name\":\"echo\",\"webviewId\":\"x\"}",
            "echo:fail invalid call: `webviewId` must be an integer, found a string",
        ),
        (
            "typed",
            "{\"api_name\":\"typed\",\"name\":\"kka\",\"age\":22}",
            "typed:fail invalid data: missing field `name`",
        ),
    ];
    for (name, input, err_msg) in named {
        add(Input::Named(name, input.to_owned()), err_msg);
    }

    // A named call without an `api_name` of its own is refused, never read with the reported
    // name: its keys might be a legacy call's data. (Until the caller rules, these fell back to
    // the reported name and got the replies of the named calls above, which now carry it.)
    for (name, input) in [
        ("typed", "{\"data\":{\"name\":\"kka\",\"age\":\"x\"}}"),
        ("echo", "{\"webviewId\":\"x\"}"),
        ("typed", "{\"name\":\"kka\",\"age\":22}"),
        ("echo", "{\"data\":{}}"),
        ("echo", "{}"),
        ("needsApp", "{\"data\":{},\"appInfo\":{\"appId\":\"wx1\"}}"),
    ] {
        add(
            Input::Named(name, input.to_owned()),
            &format!("{name}:fail {NAMED_WITHOUT_API_NAME}"),
        );
    }

    // `appInfo` in untrusted text, through each entry: refused, with the reply named after the
    // API. Escaping the key changes nothing.
    let forged = "{\"api_name\":\"needsApp\",\"appInfo\":{\"appId\":\"wx1\"}}";
    let refused = APP_INFO_IN_TEXT.replace("echo:", "needsApp:");
    add(text(forged), &refused);
    add(Input::Bytes(forged.as_bytes().to_vec()), &refused);
    add(Input::Named("needsApp", forged.to_owned()), &refused);
    add(
        text("{\"api_name\":\"needsApp\",\"app\\u0049nfo\":{\"appId\":\"wx1\"}}"),
        &refused,
    );
    add(
        text("{\"appInfo\":{\"appId\":\"wx1\"},\"api_name\":\"needsApp\",\"data\":{}}"),
        &refused,
    );
    // A legacy call's whole object is its data, so an `appInfo` key there is data, not a
    // forgery to refuse: the call is answered as one without a caller.
    add(
        Input::Legacy("needsApp", "{\"appInfo\":{\"appId\":\"wx1\"}}".to_owned()),
        "needsApp:fail missing context: this call carries no appInfo",
    );

    // Missing context.
    add(
        text("{\"api_name\":\"needsApp\"}"),
        "needsApp:fail missing context: this call carries no appInfo",
    );
    add(
        text("{\"api_name\":\"needsApp\",\"appInfo\":null}"),
        "needsApp:fail missing context: this call carries no appInfo",
    );
    // Text the host believes carries no caller either when its `appInfo` is absent or null.
    add(
        Input::Trusted("{\"api_name\":\"needsApp\"}".to_owned()),
        "needsApp:fail missing context: this call carries no appInfo",
    );
    add(
        Input::Trusted("{\"api_name\":\"needsApp\",\"appInfo\":null}".to_owned()),
        "needsApp:fail missing context: this call carries no appInfo",
    );
}
