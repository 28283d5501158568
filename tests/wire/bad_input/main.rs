//! A battery of malformed and hostile calls, each with the exact reply it must get; afterwards
//! the same registries still answer good calls.
//!
//! The mini program is untrusted: it controls `api_name`, `data` and any other top-level key of
//! a unified call. The battery holds what it can send wrong by mistake (not JSON, wrong types,
//! unknown APIs), and what it can send on purpose: calls of megabytes to APIs it may not call,
//! hundreds of thousands of keys, names and keys of megabytes to be echoed back, probes for
//! which APIs exist under default deny, a NUL to cut a `stateEvent` short. Each reply is exact,
//! and every fail reply is short, whatever the size of the call; at TRACE, no log line of any
//! of these calls repeats what the mini program sent.

#[path = "../../support/logs.rs"]
mod logs;

use futures_executor::block_on;
use serde::Deserialize;
use serde_json::Value;
use tcmpp_core::access::Grant;
use tcmpp_core::limits::Limits;
use tcmpp_core::registry::BuildProblem;
use tcmpp_core::reply::{Rendering, ReplyKind};
use tcmpp_core::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, WebViewId, Wire, mini_api};

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

/// Answers only callers a grant names: with no policy, nobody.
#[mini_api("secret", restricted)]
fn secret() -> Value {
    serde_json::json!({ "secret": true })
}

/// Answers the web view the call came from.
#[mini_api("needsWebView")]
fn needs_web_view(web_view: WebViewId) -> Value {
    serde_json::json!({ "webView": web_view.0 })
}

/// A result with an `errMsg` key of its own, which must not contradict the routing one.
#[mini_api("ownErrMsg")]
fn own_err_msg() -> Value {
    serde_json::json!({ "errMsg": "ownErrMsg:fail it says", "v": 1 })
}

/// Fails with a body that is not a JSON object: a mistake of the handler's, reported as one.
#[mini_api("listBody")]
fn list_body() -> Result<(), tcmpp_core::ApiError> {
    Err(tcmpp_core::ApiError::new("declined").with_body([1, 2]))
}

/// Reads the call's other top-level keys, which stay raw until a handler asks for them.
#[mini_api("whole")]
fn whole(call: MiniApiCall) -> Value {
    serde_json::json!({ "extra": call.extra })
}

/// The data of `wallet`'s method `connect`.
#[derive(Deserialize)]
struct Connect {
    url: String,
}

/// One method of the multiplexed API `wallet`.
#[mini_api("wallet", method = "connect")]
fn wallet_connect(connect: Connect) -> Value {
    serde_json::json!({ "url": connect.url })
}

/// Another, restricted, without data.
#[mini_api("wallet", method = "sign", restricted)]
fn wallet_sign() -> Value {
    serde_json::json!({ "signed": true })
}

/// The `appId` the policies grant.
const GRANTED: &str = "wx_granted";
/// An `appId` granted `secret` as version type 0 only.
const RELEASE_ONLY: &str = "wx_release";
/// An `appId` no grant names.
const STRANGER: &str = "wx_stranger";

/// Which registry a call is dispatched to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum On {
    /// `Registry::builder().build()`: no access policy (`secret` answers nobody), the default
    /// limits.
    Default,
    /// [`GRANTED`] may call `secret` and `wallet.sign`; [`RELEASE_ONLY`] may call `secret`
    /// too, as version type 0.
    Grants,
    /// Default deny: [`GRANTED`] may call `typed`, `secret` and `wallet.sign`, nobody anything
    /// else.
    DenyByDefault,
    /// At most three top-level keys in a unified call.
    FewKeys,
}

/// The registries, built once for the whole battery.
struct Registries {
    default: Registry,
    grants: Registry,
    deny_by_default: Registry,
    few_keys: Registry,
}

impl Registries {
    fn new() -> Self {
        let grants = AccessPolicy::new()
            .grant(GRANTED, ["secret", "wallet.sign"])
            .with_grant(Grant::new(RELEASE_ONLY, ["secret"]).app_ver_types([0]));
        Registries {
            default: Registry::builder().build().unwrap(),
            grants: Registry::builder().access_policy(grants).build().unwrap(),
            deny_by_default: Registry::builder()
                .access_policy(
                    AccessPolicy::new()
                        .deny_by_default()
                        .grant(GRANTED, ["typed", "secret", "wallet.sign"]),
                )
                .build()
                .unwrap(),
            few_keys: Registry::builder()
                .limits(Limits::default().with_max_call_keys(3))
                .build()
                .unwrap(),
        }
    }

    fn on(&self, on: On) -> &Registry {
        match on {
            On::Default => &self.default,
            On::Grants => &self.grants,
            On::DenyByDefault => &self.deny_by_default,
            On::FewKeys => &self.few_keys,
        }
    }
}

/// How a malformed input reaches the registry. Every entry but `Trusted` and `Stated` states no
/// caller: the text is the mini program's own, as Android's `req.jsonParams` is.
#[derive(Debug)]
enum Input {
    /// `registry.dispatch_json(text)`, checked against `registry.call(text)` rendered.
    Text(String),
    /// `registry.call(text).caller(&Caller::trust_call_text())`: text the host says is its own
    /// SDK's rendering, so its `appInfo` is read (and checked) rather than refused.
    Trusted(String),
    /// `registry.call(text).wire(Wire::Named(name))`.
    Named(&'static str, String),
    /// `registry.call(text).wire(Wire::Legacy(name))`.
    Legacy(&'static str, String),
    /// `registry.call(bytes)`.
    Bytes(Vec<u8>),
    /// `registry.call(text).wire(wire).caller(&caller)`: who calls, as the host states it.
    Stated(Box<Caller>, Wire<'static>, String),
    /// `registry.call(text).rendered(Rendering::Bare)`: for SDKs that add `errMsg` themselves.
    Bare(String),
}

fn text(s: impl Into<String>) -> Input {
    Input::Text(s.into())
}

fn call(api: &str, data: &str) -> Input {
    Input::Text(format!(r#"{{"api_name":"{api}","data":{data}}}"#))
}

/// A caller the host states: the mini program `app_id`.
fn app(app_id: &str) -> Caller {
    Caller::new().with_app_info(AppInfo::with_app_id(app_id))
}

/// `text` from the caller the host states, read as `wire` says.
fn from_host(caller: Caller, wire: Wire<'static>, text: impl Into<String>) -> Input {
    Input::Stated(Box::new(caller), wire, text.into())
}

/// The rendered reply to `input`.
fn dispatch(registry: &Registry, input: &Input) -> tcmpp_core::reply::RenderedReply {
    let rendered = |dispatch: tcmpp_core::dispatch::PendingCall<'_>| {
        block_on(dispatch.rendered(Rendering::Callback))
    };
    match input {
        Input::Text(text) => {
            let rendered = rendered(registry.call(text));
            // The shortcut is the same call, rendered the same way.
            assert_eq!(block_on(registry.dispatch_json(text)), rendered.text);
            rendered
        }
        Input::Trusted(text) => rendered(registry.call(text).caller(&Caller::trust_call_text())),
        Input::Named(name, text) => rendered(registry.call(text).wire(Wire::Named(name))),
        Input::Legacy(name, text) => rendered(registry.call(text).wire(Wire::Legacy(name))),
        Input::Bytes(bytes) => rendered(registry.call(bytes)),
        Input::Stated(caller, wire, text) => {
            rendered(registry.call(text).wire(*wire).caller(caller))
        }
        Input::Bare(text) => block_on(registry.call(text).rendered(Rendering::Bare)),
    }
}

/// The reply a case must get.
enum Want {
    /// A fail reply in the callback rendering, `{"errMsg": …}`.
    Fail(String),
    /// A reply of this kind whose text is this JSON (compared as JSON, so key order aside).
    Reply(ReplyKind, String),
}

/// One call of the battery: where it goes, what is sent, and the reply it must get.
struct Case {
    on: On,
    input: Input,
    want: Want,
}

/// The battery being written.
#[derive(Default)]
struct Battery {
    cases: Vec<Case>,
}

impl Battery {
    /// `input`, to the default registry, fails with `err_msg`.
    fn fail(&mut self, input: Input, err_msg: &str) {
        self.fail_on(On::Default, input, err_msg);
    }

    /// `input`, to the registry `on`, fails with `err_msg`.
    fn fail_on(&mut self, on: On, input: Input, err_msg: &str) {
        self.cases.push(Case {
            on,
            input,
            want: Want::Fail(err_msg.to_owned()),
        });
    }

    /// `input`, to the registry `on`, gets a reply of `kind` whose text is `reply`.
    fn reply(&mut self, on: On, input: Input, kind: ReplyKind, reply: &str) {
        self.cases.push(Case {
            on,
            input,
            want: Want::Reply(kind, reply.to_owned()),
        });
    }
}

const INP: &str = "invokeNativePlugin:fail invalid call: ";

/// The refusal of a call to `echo` whose untrusted text carries `appInfo`.
const APP_INFO_IN_TEXT: &str = "echo:fail invalid call: `appInfo` in the call text is not believed: the host states the caller beside the call, or, when the text is its own SDK's rendering, says to believe it with `Caller::trust_call_text()`";

/// The refusal of a call read with the name the SDK reported, but without its own `api_name`.
const NAMED_WITHOUT_API_NAME: &str = "invalid call: missing `api_name`: a unified call names its API itself (a legacy-format call, whose whole object is the data, must be read as legacy)";

/// The most characters of caller text a reply repeats.
const MAX_ECHO_CHARS: usize = 64;

/// Caller text as a reply echoes it: whole up to [`MAX_ECHO_CHARS`] characters, else cut there
/// and marked with `…`.
fn echoed(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHO_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Every malformed call with the reply it must get.
fn cases() -> Vec<Case> {
    let mut battery = Battery::default();
    mistakes(&mut battery);
    hostile(&mut battery);
    multiplexed(&mut battery);
    battery.cases
}

/// What a mini program sends wrong by mistake, and the first hostile calls: each fails, on the
/// default registry.
fn mistakes(battery: &mut Battery) {
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

/// `{"api_name":"<api>","appInfo":{"e":[[],[],…]}}`, exactly `len` bytes long: a call of
/// megabytes whose every byte is in `appInfo`.
fn app_info_bomb(api: &str, len: usize) -> String {
    let mut text = format!(r#"{{"api_name":"{api}","appInfo":{{"e":["#);
    let tail = "[]]}}";
    let room = len - text.len() - tail.len();
    text.push_str(&"[],".repeat(room / 3));
    text.push_str(&" ".repeat(room % 3));
    text.push_str(tail);
    assert_eq!(text.len(), len);
    text
}

/// A unified call of `api` with other top-level keys up to about `len` bytes: all named `k`
/// (`,"k":0,"k":0…`), or each its own (`,"k0":0,"k1":0…`).
fn keys_bomb(api: &str, distinct: bool, len: usize) -> String {
    let mut text = format!(r#"{{"api_name":"{api}""#);
    let mut index = 0;
    while text.len() < len - 24 {
        if distinct {
            text.push_str(&format!(r#","k{index}":0"#));
        } else {
            text.push_str(r#","k":0"#);
        }
        index += 1;
    }
    text.push('}');
    text
}

/// A unified call to `echo` with `data` and as many other keys as make `keys` in all.
fn call_of_keys(keys: usize) -> String {
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

/// The refusal of a call whose `stateEvent` has a NUL.
const NUL_STATE_EVENT: &str = "invalid call: `stateEvent` contains a NUL character";

/// A string whose characters are not one JSON value's: `\u0000` stands for NUL in the text.
const VICTIM: &str = r"victim\u0000Listener";

/// What a hostile mini program sends on purpose (issue "Hostile mini programs"), with the exact
/// reply of each: refused before anything big is built, echoing at most 64 characters of what
/// it sent, telling an uninvited caller nothing of which APIs exist.
fn hostile(battery: &mut Battery) {
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
    for value in ["1e400", r#""\ud800""#, "[1,-1e999]", r#"{"a":"\udfff"}"#] {
        battery.fail(
            text(format!(r#"{{"api_name":"whole","k":{value}}}"#)),
            unrepresentable,
        );
    }
    battery.fail(
        text(format!(
            r#"{{"api_name":"whole","{}":1e400}}"#,
            "K".repeat(10_000)
        )),
        unrepresentable,
    );
    battery.fail(
        Input::Trusted(r#"{"api_name":"whole","webviewId":1,"k":-1e400}"#.to_owned()),
        unrepresentable,
    );
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

    // Default deny: a caller no grant names cannot tell an API that does not exist from one
    // it may not call, nor from one that does not exist for anyone; a granted caller learns
    // that an API is unknown.
    let denied = |api: &str| format!("{api}:fail permission denied");
    let uninvited = [
        Caller::new(),
        app(STRANGER),
        app(""),
        Caller::new().with_app_info(AppInfo::default()),
    ];
    for caller in uninvited {
        for (api, data) in [
            ("doesNotExist", "{}"),
            ("typed", r#"{"name":"kka","age":22}"#),
            ("echo", "1"),
        ] {
            battery.fail_on(
                On::DenyByDefault,
                from_host(
                    caller.clone(),
                    Wire::Unified,
                    format!(r#"{{"api_name":"{api}","data":{data}}}"#),
                ),
                &denied(api),
            );
        }
    }
    // Malformed data does not tell either: access is decided first.
    battery.fail_on(
        On::DenyByDefault,
        from_host(
            app(STRANGER),
            Wire::Unified,
            call_text("typed", r#"{"age":"x"}"#),
        ),
        &denied("typed"),
    );
    // Through every entry that states no caller.
    battery.fail_on(
        On::DenyByDefault,
        call("doesNotExist", "{}"),
        &denied("doesNotExist"),
    );
    battery.fail_on(On::DenyByDefault, call("typed", "{}"), &denied("typed"));
    battery.fail_on(
        On::DenyByDefault,
        Input::Legacy("doesNotExist", "{}".to_owned()),
        &denied("doesNotExist"),
    );
    battery.fail_on(
        On::DenyByDefault,
        Input::Named("doesNotExist", r#"{"api_name":"doesNotExist"}"#.to_owned()),
        &denied("doesNotExist"),
    );
    battery.fail_on(
        On::DenyByDefault,
        Input::Bytes(br#"{"api_name":"doesNotExist"}"#.to_vec()),
        &denied("doesNotExist"),
    );
    // Even a name no handler could have is denied, not echoed.
    battery.fail_on(
        On::DenyByDefault,
        text(r#"{"api_name":"no such api"}"#),
        "invokeNativePlugin:fail permission denied",
    );
    // The text the host believes names a stranger: denied alike.
    battery.fail_on(
        On::DenyByDefault,
        Input::Trusted(format!(
            r#"{{"api_name":"doesNotExist","appInfo":{{"appId":"{STRANGER}"}}}}"#
        )),
        &denied("doesNotExist"),
    );
    // A granted caller learns what does not exist, and what it may not call.
    battery.fail_on(
        On::DenyByDefault,
        from_host(app(GRANTED), Wire::Unified, call_text("doesNotExist", "{}")),
        "doesNotExist:fail unknown API: no handler is registered for \"doesNotExist\"",
    );
    battery.fail_on(
        On::DenyByDefault,
        Input::Trusted(format!(
            r#"{{"api_name":"doesNotExist","appInfo":{{"appId":"{GRANTED}"}}}}"#
        )),
        "doesNotExist:fail unknown API: no handler is registered for \"doesNotExist\"",
    );
    battery.fail_on(
        On::DenyByDefault,
        from_host(app(GRANTED), Wire::Unified, call_text("echo", "1")),
        &denied("echo"),
    );
    battery.fail_on(
        On::DenyByDefault,
        from_host(
            app(GRANTED),
            Wire::Unified,
            call_text("typed", r#"{"age":"x"}"#),
        ),
        r#"typed:fail invalid data: age: invalid type: string "x", expected u32"#,
    );
    battery.reply(
        On::DenyByDefault,
        from_host(
            app(GRANTED),
            Wire::Unified,
            call_text("typed", r#"{"name":"kka","age":22}"#),
        ),
        ReplyKind::Success,
        r#"{"name":"kka","age":22,"errMsg":"typed:ok"}"#,
    );
    // Without default deny, unknown stays unknown to everyone.
    battery.fail_on(
        On::Grants,
        from_host(
            app(STRANGER),
            Wire::Unified,
            call_text("doesNotExist", "{}"),
        ),
        "doesNotExist:fail unknown API: no handler is registered for \"doesNotExist\"",
    );

    // A caller whose host stated an empty `appId` is nobody's grant (and a grant of the empty
    // `appId` cannot be built: `an_empty_app_id_cannot_be_granted`).
    battery.fail_on(
        On::Grants,
        from_host(
            app(""),
            Wire::Unified,
            r#"{"api_name":"secret"}"#.to_owned(),
        ),
        &denied("secret"),
    );
    battery.fail_on(
        On::Grants,
        Input::Trusted(r#"{"api_name":"secret","appInfo":{"appId":""}}"#.to_owned()),
        &denied("secret"),
    );
    battery.reply(
        On::Grants,
        from_host(
            app(GRANTED),
            Wire::Unified,
            r#"{"api_name":"secret"}"#.to_owned(),
        ),
        ReplyKind::Success,
        r#"{"secret":true,"errMsg":"secret:ok"}"#,
    );

    // A NUL in `stateEvent` would cut it short on its way to C, routing progress to another
    // listener: refused, from the text whoever is believed, and from the host's caller.
    let nul = |api: &str| format!("{api}:fail {NUL_STATE_EVENT}");
    for event in [VICTIM, r"\u0000", r"ev\u0000", r"\u0000ev"] {
        battery.fail(
            text(format!(r#"{{"api_name":"echo","stateEvent":"{event}"}}"#)),
            &nul("echo"),
        );
    }
    let victim_call = format!(r#"{{"api_name":"echo","data":1,"stateEvent":"{VICTIM}"}}"#);
    battery.fail(Input::Trusted(victim_call.clone()), &nul("echo"));
    battery.fail(Input::Bytes(victim_call.clone().into_bytes()), &nul("echo"));
    battery.fail(Input::Named("echo", victim_call.clone()), &nul("echo"));
    battery.fail(
        from_host(app(GRANTED), Wire::Unified, victim_call),
        &nul("echo"),
    );
    let stated_nul = Caller::new().with_state_event("victim\0Listener");
    // The caller is refused, not the call: the reply is named after the API the call names.
    battery.fail(
        from_host(stated_nul.clone(), Wire::Unified, call_text("echo", "1")),
        &nul("echo"),
    );
    // A name written with escapes is not read by the scan that finds it.
    battery.fail(
        from_host(
            stated_nul.clone(),
            Wire::Unified,
            r#"{"api_name":"\u0065cho"}"#.to_owned(),
        ),
        &nul("invokeNativePlugin"),
    );
    battery.fail(
        from_host(
            stated_nul.clone(),
            Wire::Named("echo"),
            call_text("echo", "1"),
        ),
        &nul("echo"),
    );
    battery.fail(
        from_host(stated_nul.clone(), Wire::Legacy("echo"), "{}".to_owned()),
        &nul("echo"),
    );
    battery.fail(
        from_host(
            Caller::trust_call_text().with_state_event("\0"),
            Wire::Unified,
            call_text("echo", "1"),
        ),
        &nul("echo"),
    );
    // Refused before anything else: a call that is itself broken, or to an API that does not
    // exist, gets the same reply.
    battery.fail(
        from_host(stated_nul.clone(), Wire::Unified, "not json".to_owned()),
        &nul("invokeNativePlugin"),
    );
    battery.fail(
        from_host(
            stated_nul,
            Wire::Named("doesNotExist"),
            call_text("doesNotExist", "1"),
        ),
        &nul("doesNotExist"),
    );

    // `appVerType` as a number or a string of one. Anything else is kept as sent (in the
    // `AppInfo`'s other keys), not an error: `needsApp` restricts nobody, so it answers.
    let app_needed = |ver_type: &str| {
        Input::Trusted(format!(
            r#"{{"api_name":"needsApp","appInfo":{{"appId":"wx1","appVerType":{ver_type}}}}}"#
        ))
    };
    let answered = r#"{"appId":"wx1","errMsg":"needsApp:ok"}"#;
    let unreadable = [
        r#""1.5""#,
        r#""""#,
        r#""0x1""#,
        r#""１""#,
        "1.5",
        "true",
        "[0]",
        r#"{"v":0}"#,
        "9223372036854775808",
        r#""9223372036854775808""#,
    ];
    for ver_type in ["0", r#""0""#, r#"" 1 ""#, r#""-2""#, r#""+3""#, "null"]
        .into_iter()
        .chain(unreadable)
    {
        battery.reply(
            On::Default,
            app_needed(ver_type),
            ReplyKind::Success,
            answered,
        );
        battery.reply(
            On::Grants,
            app_needed(ver_type),
            ReplyKind::Success,
            answered,
        );
    }
    // Access control reads it: a grant of version type 0 admits `"0"`, and only it; a version
    // type no number can be read from is an error where a grant needs it, and only there.
    let secret_as = |app_id: &str, ver_type: &str| {
        Input::Trusted(format!(
            r#"{{"api_name":"secret","appInfo":{{"appId":"{app_id}","appVerType":{ver_type}}}}}"#
        ))
    };
    let secret_ok = r#"{"secret":true,"errMsg":"secret:ok"}"#;
    battery.reply(
        On::Grants,
        secret_as(RELEASE_ONLY, r#""0""#),
        ReplyKind::Success,
        secret_ok,
    );
    battery.reply(
        On::Grants,
        secret_as(RELEASE_ONLY, "0"),
        ReplyKind::Success,
        secret_ok,
    );
    battery.fail_on(
        On::Grants,
        secret_as(RELEASE_ONLY, r#""1""#),
        &denied("secret"),
    );
    battery.fail_on(
        On::Grants,
        secret_as(RELEASE_ONLY, "null"),
        &denied("secret"),
    );
    let unreadable_ver_type = "secret:fail invalid caller: `appInfo.appVerType` must be an integer, or a string of one, for the access policy to decide this call";
    for ver_type in [r#""zero""#].into_iter().chain(unreadable) {
        battery.fail_on(
            On::Grants,
            secret_as(RELEASE_ONLY, ver_type),
            unreadable_ver_type,
        );
        // A grant without version types settles it; no grant for the caller denies it.
        battery.reply(
            On::Grants,
            secret_as(GRANTED, ver_type),
            ReplyKind::Success,
            secret_ok,
        );
        battery.fail_on(
            On::Grants,
            secret_as("wx_stranger", ver_type),
            &denied("secret"),
        );
        battery.fail(secret_as(RELEASE_ONLY, ver_type), &denied("secret"));
    }
    // The same, from an `AppInfo` the host states (as the C ABI's `caller_json` reads it).
    let stated: AppInfo = serde_json::from_str(&format!(
        r#"{{"appId":"{RELEASE_ONLY}","appVerType":"zero"}}"#
    ))
    .unwrap();
    battery.fail_on(
        On::Grants,
        from_host(
            Caller::new().with_app_info(stated.clone()),
            Wire::Unified,
            r#"{"api_name":"secret"}"#,
        ),
        unreadable_ver_type,
    );
    battery.reply(
        On::Grants,
        from_host(
            Caller::new().with_app_info(stated),
            Wire::Unified,
            r#"{"api_name":"needsApp"}"#,
        ),
        ReplyKind::Success,
        &format!(r#"{{"appId":"{RELEASE_ONLY}","errMsg":"needsApp:ok"}}"#),
    );

    // The bare rendering: a result's own `errMsg` is left out, as the callback rendering
    // replaces it; failures are `{"message":…}`.
    battery.reply(
        On::Default,
        Input::Bare(r#"{"api_name":"ownErrMsg"}"#.to_owned()),
        ReplyKind::Success,
        r#"{"v":1}"#,
    );
    battery.reply(
        On::Default,
        text(r#"{"api_name":"ownErrMsg"}"#),
        ReplyKind::Success,
        r#"{"v":1,"errMsg":"ownErrMsg:ok"}"#,
    );
    battery.reply(
        On::Default,
        Input::Bare(r#"{"api_name":"secret"}"#.to_owned()),
        ReplyKind::Fail,
        r#"{"message":"permission denied"}"#,
    );
    // A fail body that is not an object is refused like a result that is not one.
    let list_body = "invalid result: the handler's fail body is an array, but a fail body must be a JSON object (attach a struct or a map)";
    battery.fail(
        text(r#"{"api_name":"listBody"}"#),
        &format!("listBody:fail {list_body}"),
    );
    battery.reply(
        On::Default,
        Input::Bare(r#"{"api_name":"listBody"}"#.to_owned()),
        ReplyKind::Fail,
        &format!(r#"{{"message":"{list_body}"}}"#),
    );
    battery.reply(
        On::Default,
        Input::Bare(format!(r#"{{"api_name":"{}"}}"#, "b".repeat(1_000))),
        ReplyKind::Fail,
        &format!(
            r#"{{"message":"unknown API: no handler is registered for \"{}\""}}"#,
            echoed(&"b".repeat(1_000))
        ),
    );
    battery.reply(
        On::Default,
        Input::Bare(call_of_keys(65)),
        ReplyKind::Fail,
        r#"{"message":"invalid call: more than 64 top-level keys, the registry's limit"}"#,
    );
    battery.reply(
        On::DenyByDefault,
        Input::Bare(r#"{"api_name":"doesNotExist"}"#.to_owned()),
        ReplyKind::Fail,
        r#"{"message":"permission denied"}"#,
    );

    // Who calls is the host's to state: the text's caller keys are checked whoever is stated,
    // and not believed unless the host says so.
    let stated = app("wx1").with_web_view_id(5);
    battery.fail(
        from_host(
            stated.clone(),
            Wire::Unified,
            r#"{"api_name":"needsApp","appInfo":{"appId":"wx_other"}}"#.to_owned(),
        ),
        &APP_INFO_IN_TEXT.replace("echo:", "needsApp:"),
    );
    battery.fail(
        from_host(
            stated.clone(),
            Wire::Unified,
            r#"{"api_name":"echo","webviewId":"5"}"#.to_owned(),
        ),
        "echo:fail invalid call: `webviewId` must be an integer, found a string",
    );
    battery.fail(
        text(r#"{"api_name":"needsWebView","webviewId":4}"#),
        "needsWebView:fail missing context: this call carries no webviewId",
    );
    battery.reply(
        On::Default,
        Input::Trusted(r#"{"api_name":"needsWebView","webviewId":4}"#.to_owned()),
        ReplyKind::Success,
        r#"{"webView":4,"errMsg":"needsWebView:ok"}"#,
    );
    // The host's values take precedence over the text's it believes.
    battery.reply(
        On::Default,
        from_host(
            Caller::trust_call_text().with_web_view_id(5),
            Wire::Unified,
            r#"{"api_name":"needsWebView","webviewId":4}"#.to_owned(),
        ),
        ReplyKind::Success,
        r#"{"webView":5,"errMsg":"needsWebView:ok"}"#,
    );
    battery.reply(
        On::Default,
        from_host(
            stated,
            Wire::Legacy("needsApp"),
            r#"{"appInfo":{"appId":"wx_other"}}"#.to_owned(),
        ),
        ReplyKind::Success,
        answered,
    );
}

/// A unified call's text: `api` with `data`.
fn call_text(api: &str, data: &str) -> String {
    format!(r#"{{"api_name":"{api}","data":{data}}}"#)
}

/// How many distinct calls the battery held before the caller rules (154), plus the ones they
/// added (31) and the hostile calls of issue 15 (147): the battery may grow, never shrink;
/// the calls to a multiplexed API (25); the `sync` and fail-body calls of the real shapes (6);
/// and the one-pass refusals and unreadable `appVerType` (65).
const BATTERY_SIZE: usize = 154 + 31 + 147 + 25 + 6 + 65;

/// The longest fail reply any call in the battery may get, in bytes: a data mismatch quotes
/// at most 500 characters of a value, a name or key at most 64.
const MAX_FAIL_REPLY_BYTES: usize = 700;

#[test]
fn every_malformed_call_gets_its_exact_reply() {
    let registries = Registries::new();
    let cases = cases();
    assert!(
        cases.len() >= BATTERY_SIZE,
        "the battery has {} calls",
        cases.len()
    );
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let reply = dispatch(registries.on(case.on), &case.input);
        let parsed: Value = serde_json::from_str(&reply.text).expect("every reply is JSON");
        let (kind, expected) = match &case.want {
            Want::Fail(err_msg) => (ReplyKind::Fail, serde_json::json!({ "errMsg": err_msg })),
            Want::Reply(kind, text) => (*kind, serde_json::from_str(text).unwrap()),
        };
        if parsed != expected || reply.kind != kind {
            let shown: String = reply.text.chars().take(300).collect();
            let wanted: String = expected.to_string().chars().take(300).collect();
            failures.push(format!(
                "case {index} ({:?}):\n   got {shown} ({:?})\n  want {wanted} ({kind:?})",
                case.on, reply.kind
            ));
        }
        if reply.kind == ReplyKind::Fail && reply.text.len() > MAX_FAIL_REPLY_BYTES {
            failures.push(format!(
                "case {index}: a fail reply of {} bytes",
                reply.text.len()
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

    // The same registries still answer good calls, in both formats, and from every entry.
    let registry = &registries.default;
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
        let reply = dispatch(registry, &input);
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
    for on in [On::Grants, On::DenyByDefault, On::FewKeys] {
        let reply = dispatch(
            registries.on(on),
            &from_host(app(GRANTED), Wire::Unified, good_call.to_owned()),
        );
        assert_eq!(
            (on, reply.kind, reply.text),
            (on, ReplyKind::Success, good.clone())
        );
    }
}

#[test]
fn a_refused_call_of_megabytes_gets_a_reply_of_bytes() {
    let registries = Registries::new();
    let limit = tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES;
    let huge_name = "a".repeat(limit - r#"{"api_name":""}"#.len());
    let huge_call = format!(r#"{{"api_name":"{huge_name}"}}"#);
    assert_eq!(huge_call.len(), limit);
    let huge_key = "d".repeat((limit - 40) / 2);
    let calls = [
        (On::Default, Input::Text(huge_call.clone())),
        (On::Default, Input::Bare(huge_call.clone())),
        (On::DenyByDefault, Input::Text(huge_call)),
        (
            On::Default,
            Input::Trusted(app_info_bomb("secret", 4_194_300)),
        ),
        (
            On::Default,
            Input::Text(keys_bomb("doesNotExist", true, limit)),
        ),
        (
            On::Default,
            Input::Text(format!(
                r#"{{"api_name":"echo","{huge_key}":1,"{huge_key}":2}}"#
            )),
        ),
    ];
    for (on, input) in &calls {
        let reply = dispatch(registries.on(*on), input);
        assert_eq!(reply.kind, ReplyKind::Fail);
        assert!(
            reply.text.len() < 300,
            "a reply of {} bytes: {}",
            reply.text.len(),
            reply.text.chars().take(300).collect::<String>()
        );
    }
}

#[test]
fn an_empty_app_id_cannot_be_granted() {
    for policy in [
        AccessPolicy::new().grant("", ["secret"]),
        AccessPolicy::new().deny_by_default().grant("", ["*"]),
        serde_json::from_str(r#"{"grants":[{"appId":"","apis":["secret"],"appVerTypes":[0]}]}"#)
            .unwrap(),
    ] {
        let error = Registry::builder()
            .access_policy(policy.clone())
            .build()
            .unwrap_err();
        let apis = policy.grants[0].apis.clone();
        assert_eq!(
            error.problems(),
            [BuildProblem::EmptyAppIdInPolicy { apis: apis.clone() }]
        );
        assert!(
            error.to_string().contains(&format!(
                "the access policy grants the empty appId the APIs {apis:?}; name the mini program's appId, or \"*\" for every caller"
            )),
            "{error}"
        );
    }
    // The wildcard is not empty, and a named app builds.
    assert!(
        Registry::builder()
            .access_policy(
                AccessPolicy::new()
                    .grant("*", ["secret"])
                    .grant(GRANTED, ["secret"])
            )
            .build()
            .is_ok()
    );
}

#[test]
fn every_battery_input_is_distinct() {
    let cases = cases();
    let mut seen = std::collections::HashSet::new();
    for case in &cases {
        let key = format!("{:?} {:?}", case.on, case.input);
        assert!(seen.insert(key), "a case is listed twice");
    }
    assert!(
        seen.len() >= BATTERY_SIZE,
        "the battery holds {} distinct calls",
        seen.len()
    );
}

/// Names the program chose, which a log line may carry: the APIs the battery registers, the
/// fields of their data types, and the keys of the call envelope.
const PROGRAM_NAMES: [&str; 18] = [
    "typed",
    // The multiplexed API, its method and the key that names it; `method`, the span's field.
    "wallet",
    "connect",
    "methodName",
    "method",
    "listBody",
    "numbers",
    "needsApp",
    "needsWebView",
    "ownErrMsg",
    "signed",
    "api_name",
    "appInfo",
    "webviewId",
    "stateEvent",
    "appVerType",
    "secret",
    "whole",
];

/// What the mini program wrote in `input` that a log line could repeat: every key and string
/// in its data, its unknown keys and their values, its `appInfo` (less the `appId` of a
/// caller the host believes, which is logged as who calls), its `stateEvent`, and an API name
/// no handler has. At most the first 32 characters of each, and only those of six characters
/// or more, which no log line's own words could spell.
fn sent_by_mini_program(input: &Input) -> Vec<String> {
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(text) => out.push(text.clone()),
            Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
            Value::Object(map) => {
                for (key, value) in map {
                    out.push(key.clone());
                    strings(value, out);
                }
            }
            _ => {}
        }
    }
    let (text, believed, legacy, reported): (&[u8], bool, bool, Option<&str>) = match input {
        Input::Text(text) | Input::Bare(text) => (text.as_bytes(), false, false, None),
        Input::Trusted(text) => (text.as_bytes(), true, false, None),
        Input::Named(name, text) => (text.as_bytes(), false, false, Some(*name)),
        Input::Legacy(name, text) => (text.as_bytes(), false, true, Some(*name)),
        Input::Bytes(bytes) => (bytes.as_slice(), false, false, None),
        Input::Stated(caller, wire, text) => {
            let reported = match wire {
                Wire::Named(name) | Wire::Legacy(name) => Some(*name),
                _ => None,
            };
            let legacy = matches!(wire, Wire::Legacy(_));
            (text.as_bytes(), caller.trusts_call_text(), legacy, reported)
        }
    };
    let mut sent = Vec::new();
    sent.extend(reported.map(str::to_owned));
    if let Ok(Value::Object(call)) = serde_json::from_slice::<Value>(text) {
        if legacy {
            strings(&Value::Object(call), &mut sent);
        } else {
            for (key, value) in call {
                match key.as_str() {
                    "api_name" | "stateEvent" => strings(&value, &mut sent),
                    "webviewId" => {}
                    "appInfo" => {
                        let mut app = value;
                        if believed {
                            if let Some(app) = app.as_object_mut() {
                                app.remove("appId");
                            }
                        }
                        strings(&app, &mut sent);
                    }
                    "data" => strings(&value, &mut sent),
                    _ => strings(
                        &Value::Object([(key, value)].into_iter().collect()),
                        &mut sent,
                    ),
                }
            }
        }
    }
    sent.into_iter()
        .filter(|text| text.chars().count() >= 6 && !PROGRAM_NAMES.contains(&text.as_str()))
        .map(|text| text.chars().take(32).collect())
        .collect()
}

#[test]
fn no_log_line_carries_what_the_mini_program_sent() {
    let registries = Registries::new();
    let mut leaks = Vec::new();
    let mut logged_calls = 0;
    let cases = cases();
    for (index, case) in cases.iter().enumerate() {
        let logs = logs::logs_of(tracing::Level::TRACE, || {
            dispatch(registries.on(case.on), &case.input);
        });
        if logs.contains("mini API call") {
            logged_calls += 1;
        }
        for sent in sent_by_mini_program(&case.input) {
            if logs.contains(&sent) {
                leaks.push(format!("case {index}: {sent:?} in\n{logs}"));
            }
        }
    }
    // Every call is logged, so that the check above could see a leak.
    assert_eq!(logged_calls, cases.len());
    assert!(
        leaks.is_empty(),
        "{} log lines carry what the mini program sent:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

/// What a call to a multiplexed API can get wrong: the method unknown, missing, of the wrong
/// type or given twice, no data to name it, data that does not fit the method's type, and a
/// method the caller may not call.
fn multiplexed(battery: &mut Battery) {
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
