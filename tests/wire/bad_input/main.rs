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
#[path = "../../support/precision.rs"]
mod precision;

mod access;
mod data;
mod envelope;
mod formats;
mod hostile;
mod log_lines;
mod multiplexed;

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

/// Every malformed call with the reply it must get, by concern, in the order the battery held
/// them as one file: 434 calls before it was split into these modules (issue 22), 434 after.
fn cases() -> Vec<Case> {
    let mut battery = Battery::default();
    envelope::mistakes(&mut battery);
    data::mistakes(&mut battery);
    formats::mistakes(&mut battery);
    hostile::hostile(&mut battery);
    access::access(&mut battery);
    multiplexed::multiplexed(&mut battery);
    battery.cases
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

/// A unified call's text: `api` with `data`.
fn call_text(api: &str, data: &str) -> String {
    format!(r#"{{"api_name":"{api}","data":{data}}}"#)
}

/// How many distinct calls the battery held before the caller rules (154), plus the ones they
/// added (31) and the hostile calls of issue 15 (147): the battery may grow, never shrink;
/// the calls to a multiplexed API (25); the `sync` and fail-body calls of the real shapes (6);
/// and the one-pass refusals and unreadable `appVerType` (65); and the 6 more it held when it was
/// split by concern (issue 22), counted then.
const BATTERY_SIZE: usize = 154 + 31 + 147 + 25 + 6 + 65 + 6;

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
