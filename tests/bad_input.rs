//! A battery of malformed calls, each with the exact fail reply it must get; afterwards the same
//! registry still answers good calls.

use futures_executor::block_on;
use serde::Deserialize;
use serde_json::Value;
use tcmpp_core::{AppInfo, Caller, Registry, Rendering, ReplyKind, Wire, mini_api};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Person {
    name: String,
    age: u32,
}

#[mini_api("typed")]
async fn typed(person: Person) -> Value {
    serde_json::json!({ "name": person.name, "age": person.age })
}

#[derive(Deserialize)]
struct Numbers {
    #[serde(default)]
    small: u8,
    #[serde(default)]
    signed: i8,
    #[serde(default)]
    big: u64,
    #[serde(default)]
    float: f32,
}

#[mini_api("numbers")]
fn numbers(numbers: Numbers) -> Value {
    serde_json::json!({ "sum": f64::from(numbers.small) + f64::from(numbers.signed) + numbers.big as f64 + f64::from(numbers.float) })
}

#[mini_api("needsApp")]
fn needs_app(app: AppInfo) -> Value {
    serde_json::json!({ "appId": app.app_id })
}

#[mini_api("echo")]
fn echo(data: Value) -> Value {
    serde_json::json!({ "echo": data })
}

/// How a malformed input reaches the registry. Every entry but `Trusted` states no caller: the
/// text is the mini program's own, as Android's `req.jsonParams` is.
enum Input {
    /// `registry.dispatch_json(text)`, checked against `registry.call(text)` rendered.
    Text(String),
    /// `registry.call(text).caller(&Caller::from_call_text())`: text the host says is its own
    /// SDK's rendering, so its `appInfo` is read (and checked) rather than refused.
    Trusted(String),
    /// `registry.call(text).wire(Wire::Named(name))`.
    Named(&'static str, String),
    /// `registry.call(text).wire(Wire::Legacy(name))`.
    Legacy(&'static str, String),
    /// `registry.call(bytes)`.
    Bytes(Vec<u8>),
}

fn text(s: impl Into<String>) -> Input {
    Input::Text(s.into())
}

fn call(api: &str, data: &str) -> Input {
    Input::Text(format!(r#"{{"api_name":"{api}","data":{data}}}"#))
}

/// The rendered callback reply to `input`.
fn dispatch(registry: &Registry, input: &Input) -> tcmpp_core::Rendered {
    let rendered =
        |dispatch: tcmpp_core::Dispatch<'_>| block_on(dispatch.rendered(Rendering::Callback));
    match input {
        Input::Text(text) => {
            let rendered = rendered(registry.call(text));
            // The shortcut is the same call, rendered the same way.
            assert_eq!(block_on(registry.dispatch_json(text)), rendered.text);
            rendered
        }
        Input::Trusted(text) => rendered(registry.call(text).caller(&Caller::from_call_text())),
        Input::Named(name, text) => rendered(registry.call(text).wire(Wire::Named(name))),
        Input::Legacy(name, text) => rendered(registry.call(text).wire(Wire::Legacy(name))),
        Input::Bytes(bytes) => rendered(registry.call(bytes)),
    }
}

const INP: &str = "invokeNativePlugin:fail invalid call: ";

/// The refusal of a call to `echo` whose untrusted text carries `appInfo`.
const APP_INFO_IN_TEXT: &str = "echo:fail invalid call: `appInfo` in the call text is not believed: the host states the caller beside the call";

/// The refusal of a call read with the name the SDK reported, but without its own `api_name`.
const NAMED_WITHOUT_API_NAME: &str = "invalid call: missing `api_name`: a unified call names its API itself (a legacy-format call, whose whole object is the data, must be read as legacy)";

/// Every malformed call with the `errMsg` it must get.
fn cases() -> Vec<(Input, String)> {
    let mut cases: Vec<(Input, String)> = Vec::new();
    let mut add = |input: Input, err_msg: &str| cases.push((input, err_msg.to_owned()));

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
            "\"appInfo\":{\"appVerType\":\"release\"}",
            "`appInfo`: `appVerType` must be an integer, or a string of one",
        ),
        (
            "\"appInfo\":{\"time\":1.5}",
            "`appInfo`: invalid type: floating point `1.5`, expected i64",
        ),
        (
            "\"appInfo\":{\"name\":[\"x\"]}",
            "`appInfo`: invalid type: sequence, expected a string",
        ),
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
    let over = "y".repeat(tcmpp_core::DEFAULT_MAX_CALL_BYTES);
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
    cases
}

/// How many distinct calls the battery held before the caller rules (154), plus the ones they
/// added: the battery may grow, never shrink.
const BATTERY_SIZE: usize = 154 + 31;

#[test]
fn every_malformed_call_gets_its_exact_fail_reply() {
    let registry = Registry::builder().build().unwrap();
    let cases = cases();
    assert!(
        cases.len() >= BATTERY_SIZE,
        "the battery has {} calls",
        cases.len()
    );
    let mut failures = Vec::new();
    for (index, (input, err_msg)) in cases.iter().enumerate() {
        let reply = dispatch(&registry, input);
        let parsed: Value = serde_json::from_str(&reply.text).expect("every reply is JSON");
        let expected = serde_json::json!({ "errMsg": err_msg });
        if parsed != expected || reply.kind != ReplyKind::Fail {
            let shown: String = reply.text.chars().take(300).collect();
            let wanted: String = err_msg.chars().take(300).collect();
            failures.push(format!(
                "case {index}:\n   got {shown} ({:?})\n  want {wanted}",
                reply.kind
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    // The same registry still answers good calls, in both formats, and from every entry.
    let good_call = r#"{"api_name":"typed","data":{"name":"kka","age":22}}"#;
    let good = block_on(registry.dispatch_json(good_call));
    assert_eq!(good, r#"{"age":22,"name":"kka","errMsg":"typed:ok"}"#);
    let legacy = block_on(
        registry
            .call(r#"{"name":"kka","age":22}"#)
            .wire(Wire::Legacy("typed"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(legacy.text, good);
    for input in [
        text(good_call),
        Input::Trusted(good_call.to_owned()),
        Input::Named("typed", good_call.to_owned()),
        Input::Bytes(good_call.as_bytes().to_vec()),
    ] {
        let reply = dispatch(&registry, &input);
        assert_eq!((reply.kind, reply.text), (ReplyKind::Success, good.clone()));
    }
    let numbers = block_on(
        registry.dispatch_json(r#"{"api_name":"numbers","data":{"small":255,"signed":-128}}"#),
    );
    assert_eq!(numbers, r#"{"sum":127.0,"errMsg":"numbers:ok"}"#);
    // A caller the host states is believed, where the same `appInfo` in the text was refused.
    let stated = block_on(
        registry
            .call(r#"{"api_name":"needsApp"}"#)
            .caller(&Caller::new().with_app_info(AppInfo::with_app_id("wx1")))
            .rendered(Rendering::Callback),
    );
    assert_eq!(stated.text, r#"{"appId":"wx1","errMsg":"needsApp:ok"}"#);
}

#[test]
fn every_battery_input_is_distinct() {
    let cases = cases();
    let mut seen = std::collections::HashSet::new();
    for (input, _) in &cases {
        let key = match input {
            Input::Text(text) => format!("text:{text}"),
            Input::Trusted(text) => format!("trusted:{text}"),
            Input::Named(name, text) => format!("named:{name}:{text}"),
            Input::Legacy(name, text) => format!("legacy:{name}:{text}"),
            Input::Bytes(bytes) => format!("bytes:{bytes:?}"),
        };
        assert!(seen.insert(key), "a case is listed twice");
    }
    assert!(
        seen.len() >= BATTERY_SIZE,
        "the battery holds {} distinct calls",
        seen.len()
    );
}
