//! Any bytes into every entry of `Registry::call` and into the C ABI: dispatch must never
//! panic, must answer each call exactly once with one well-formed reply, must never believe a
//! caller that untrusted call text names, and must hold the limits a hostile mini program
//! meets (the key cap, bounded echoes, default deny, a NUL in `stateEvent`, no caller text in a
//! log line, no restricted method listed in a refusal, unknown C ABI flags refused).
//!
//! An input is `call [NUL caller_json [NUL options api_name]]`: C strings cannot hold a NUL, so
//! it separates the parts the host passes (an empty `caller_json` is NULL). The call text alone goes through every Rust entry, as
//! bytes and as text; `caller_json` states who calls, in the C ABI's format, and is read into a
//! `Caller` for the Rust entries too; the options byte picks the C ABI's flags and the API name
//! the SDK reports beside the call.

#![no_main]

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char, c_void};
use std::fmt;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

use futures_executor::block_on;
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use tcmpp_core::access::Grant;
use tcmpp_core::limits::Limits;
use tcmpp_core::progress::ProgressEvent;
use tcmpp_core::reply::{RenderedReply, Rendering, ReplyKind};
use tcmpp_core::{
    AccessPolicy, AppInfo, BuildError, Caller, MiniApiCall, Progress, Registry, Wire, mini_api,
};

// The handlers and the reply check of the property tests, so both hold the same APIs to the
// same rule.
#[path = "../../tests/support/arbitrary_calls.rs"]
mod arbitrary_calls;

use arbitrary_calls::assert_one_routable_reply as check;

/// Answers only a caller that comes with an `AppInfo` and a web view: never one whose text the
/// host does not believe, since that text cannot state either.
#[mini_api("whoCalls")]
fn who_calls(app: AppInfo, web_view: tcmpp_core::WebViewId) -> Value {
    serde_json::json!({ "app": app.app_id, "webView": web_view.0 })
}

/// Sends one progress event, then answers: the event carries the call's `stateEvent`.
#[mini_api("report")]
fn report(progress: Progress) -> Value {
    // No listener is no error here: most entries dispatch without a sink.
    let _ = progress.send(serde_json::json!({ "step": 1 }));
    serde_json::json!({ "reported": true })
}

/// Answers only callers a grant names.
#[mini_api("guarded", restricted)]
fn guarded() -> Value {
    serde_json::json!({ "guarded": true })
}

/// A result with an `errMsg` of its own, which neither rendering may let contradict the routing.
#[mini_api("ownErrMsg")]
fn own_err_msg() -> Value {
    serde_json::json!({ "errMsg": "ownErrMsg:fail not really", "v": 1 })
}

/// One API name over several actions, told apart by `methodName`, as some super apps do.
#[derive(serde::Deserialize)]
#[serde(tag = "methodName", content = "params")]
enum Action {
    Open { url: String },
    Close,
    Count(u32),
}

/// A multiplexed API: its data is a tagged enum.
#[mini_api("multiplexed")]
fn multiplexed(action: Action) -> Value {
    match action {
        Action::Open { url } => serde_json::json!({ "opened": url }),
        Action::Close => serde_json::json!({ "closed": true }),
        Action::Count(count) => serde_json::json!({ "count": count }),
    }
}

/// A real multiplexed API: a handler per method, found by `data.methodName` with a scan.
#[derive(serde::Deserialize)]
struct WalletOpen {
    url: String,
}

#[mini_api("wallet", method = "open")]
fn wallet_open(open: WalletOpen) -> Value {
    serde_json::json!({ "opened": open.url })
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WalletCount {
    #[serde(rename = "methodName")]
    _method: String,
    n: u8,
}

#[mini_api("wallet", method = "count")]
async fn wallet_count(count: WalletCount) -> Value {
    serde_json::json!({ "count": count.n })
}

/// Restricted, without data: answers only callers a grant names.
#[mini_api("wallet", method = "sign", restricted)]
fn wallet_sign() -> Value {
    serde_json::json!({ "signed": true })
}

/// Data keyed by the mini program: its keys are the caller's text, never a log line's.
#[mini_api("counts")]
fn counts(counts: HashMap<String, u32>) -> Value {
    serde_json::json!({ "count": counts.len() })
}

/// A struct with map-keyed data inside it: a failure's path names `balances`, not the key.
#[derive(serde::Deserialize)]
struct Ledger {
    #[serde(rename = "balances")]
    _balances: HashMap<String, u8>,
}

#[mini_api("ledger")]
fn ledger(_ledger: Ledger) {}

/// The one `appId` the policies grant.
const GRANTED: &str = "wx_granted";
/// An `appId` granted `echo`, but only as version type 0.
const VERSIONED: &str = "wx_versioned";
/// The key cap of [`capped`].
const CAPPED_KEYS: usize = 4;
/// The most characters a fail reply's reason may have: a prefix of at most 64 characters,
/// `:fail `, and a reason whose echo of caller text is bounded (data mismatches quote at most
/// 500 characters; names and keys at most 64).
const MAX_FAIL_CHARS: usize = 600;
/// The refusal of a call whose host-stated `stateEvent` has a NUL.
const NUL_STATE_EVENT: &str = ":fail invalid call: `stateEvent` contains a NUL character";

/// No access policy: `guarded` answers nobody.
fn plain() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::builder().build().expect("consistent handlers"))
}

/// A unified call may have at most [`CAPPED_KEYS`] top-level keys.
fn capped() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::builder()
            .limits(Limits::default().with_max_call_keys(CAPPED_KEYS))
            .build()
            .expect("consistent handlers")
    })
}

/// Default deny: [`GRANTED`] may call everything, [`VERSIONED`] `echo` as version type 0.
fn deny() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let policy = AccessPolicy::new()
            .deny_by_default()
            .grant(GRANTED, ["*"])
            .with_grant(Grant::new(VERSIONED, ["echo"]).app_ver_types([0]));
        Registry::builder()
            .access_policy(policy)
            .build()
            .expect("consistent handlers")
    })
}

/// The registry the C ABI serves: [`GRANTED`] may call `guarded`; at most 16 top-level keys.
fn ffi_registry() -> Result<Registry, BuildError> {
    Registry::builder()
        .access_policy(AccessPolicy::new().grant(GRANTED, ["guarded"]))
        .limits(Limits::default().with_max_call_keys(16))
        .build()
}

tcmpp_ffi::export_c_abi!(build = ffi_registry);

// The exported functions, through their C symbols, as a host links them.
unsafe extern "C" {
    fn tcmpp_dispatch(
        api_name: *const c_char,
        call_json: *const c_char,
        caller_json: *const c_char,
        flags: u32,
        on_reply: tcmpp_ffi::ReplyCallback,
        on_progress: tcmpp_ffi::ProgressCallback,
        context: *mut c_void,
    ) -> i32;
    fn tcmpp_dispatch_sync(
        api_name: *const c_char,
        call_json: *const c_char,
        caller_json: *const c_char,
        flags: u32,
        status_out: *mut i32,
    ) -> *mut c_char;
    fn tcmpp_string_free(string: *mut c_char);
}

/// One fuzz input, taken apart.
struct Parts<'a> {
    call: &'a [u8],
    caller_json: Option<&'a [u8]>,
    options: u8,
    reported: Option<&'a [u8]>,
}

impl<'a> Parts<'a> {
    fn of(bytes: &'a [u8]) -> Self {
        let mut parts = bytes.splitn(3, |&byte| byte == 0);
        let call = parts.next().unwrap_or_default();
        // An empty part is no caller at all: NULL, the usual case.
        let caller_json = parts.next().filter(|json| !json.is_empty());
        let tail = parts.next().unwrap_or_default();
        // Without a tail, the length picks the options, so every input reaches some flags.
        let options = tail.first().copied().unwrap_or(bytes.len() as u8);
        let reported = match (options >> 4) & 3 {
            0 => None,
            1 => Some(&b"typed"[..]),
            2 => Some(&b"report"[..]),
            // Up to the next NUL, the end of a C string.
            _ => tail
                .get(1..)
                .unwrap_or_default()
                .split(|&byte| byte == 0)
                .next(),
        };
        Parts {
            call,
            caller_json,
            options,
            reported,
        }
    }
}

/// What `caller_json` states, read as the C ABI documents it, for the Rust entries.
#[derive(Default)]
struct Stated {
    app_info: Option<AppInfo>,
    web_view_id: Option<i64>,
    state_event: Option<String>,
}

impl Stated {
    fn of(caller_json: Option<&[u8]>) -> Self {
        let object = caller_json
            .and_then(|json| serde_json::from_slice::<Value>(json).ok())
            .and_then(|value| match value {
                Value::Object(object) => Some(object),
                _ => None,
            })
            .unwrap_or_default();
        Stated {
            app_info: object
                .get("appInfo")
                .and_then(|app| serde_json::from_value(app.clone()).ok()),
            web_view_id: object.get("webviewId").and_then(Value::as_i64),
            state_event: object
                .get("stateEvent")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }

    fn onto(&self, mut caller: Caller) -> Caller {
        if let Some(app_info) = &self.app_info {
            caller = caller.with_app_info(app_info.clone());
        }
        if let Some(web_view_id) = self.web_view_id {
            caller = caller.with_web_view_id(web_view_id);
        }
        if let Some(state_event) = &self.state_event {
            caller = caller.with_state_event(state_event.clone());
        }
        caller
    }

    /// Whether a grant of [`deny`] names this caller.
    fn invited(&self) -> bool {
        let app = self.app_info.as_ref();
        match app.and_then(|app| app.app_id.as_deref()) {
            Some(GRANTED) => true,
            Some(VERSIONED) => app.and_then(|app| app.app_ver_type) == Some(0),
            _ => false,
        }
    }
}

/// The `errMsg` of a routable callback reply, checked: it routes, and a failure's echo of
/// caller text is bounded.
fn err_msg(reply: &str) -> String {
    check(reply);
    let parsed: Value = serde_json::from_str(reply).expect("a reply is JSON");
    let err_msg = parsed["errMsg"].as_str().expect("errMsg").to_owned();
    if let Some((_, reason)) = err_msg.split_once(":fail ") {
        bound(reason);
    }
    err_msg
}

/// A failure's reason is bounded, whatever the caller sent.
fn bound(reason: &str) {
    let chars = reason.chars().count();
    assert!(
        chars <= MAX_FAIL_CHARS,
        "a fail reply of {chars} characters: {}…",
        reason.chars().take(200).collect::<String>()
    );
}

/// A reply to untrusted text: routable, and never `whoCalls` answered.
fn check_untrusted(reply: &str) {
    let err_msg = err_msg(reply);
    assert!(
        err_msg != "whoCalls:ok",
        "untrusted text was believed: {reply}"
    );
}

/// A rendering in the form its kind asks for: callback text that routes as `kind` says, or
/// bare text that is the result without an `errMsg`, `{"message":…}` or `{}`.
fn check_rendered(rendered: &RenderedReply, rendering: Rendering) {
    check_kind_and_text(rendered.kind, &rendered.text, rendering);
}

fn check_kind_and_text(kind: ReplyKind, text: &str, rendering: Rendering) {
    let parsed: Map<String, Value> =
        serde_json::from_str(text).expect("a rendered reply is a JSON object");
    match rendering {
        Rendering::Bare => match kind {
            ReplyKind::Success => assert!(
                !parsed.contains_key("errMsg"),
                "a bare result keeps an errMsg: {text}"
            ),
            ReplyKind::Fail => {
                let message = parsed["message"]
                    .as_str()
                    .expect("a bare failure's message");
                bound(message);
            }
            ReplyKind::Cancel => {}
        },
        _ => {
            let err_msg = err_msg(text);
            let outcome = err_msg.split_once(':').map(|(_, outcome)| outcome);
            let routed = match outcome {
                Some("ok") => ReplyKind::Success,
                Some("cancel") => ReplyKind::Cancel,
                _ => ReplyKind::Fail,
            };
            assert_eq!(routed, kind, "{text}");
        }
    }
}

fn callback(dispatch: tcmpp_core::dispatch::PendingCall<'_>) -> String {
    block_on(dispatch.rendered(Rendering::Callback)).text
}

/// How many top-level keys `text` has, duplicates included, when it is a JSON object.
fn top_level_keys(text: &str) -> Option<usize> {
    struct Count;
    impl<'de> Visitor<'de> for Count {
        type Value = usize;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut keys = 0;
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                keys += 1;
            }
            Ok(keys)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let keys = deserializer.deserialize_map(Count).ok()?;
    deserializer.end().ok()?;
    Some(keys)
}

thread_local! {
    /// What the subscriber wrote on this thread since [`logged_during`] started.
    static LOGGED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes log lines into [`LOGGED`].
struct ThreadLog;

impl std::io::Write for ThreadLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOGGED.with(|logged| logged.borrow_mut().extend_from_slice(bytes));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What `run` logged on this thread, at DEBUG (every refusal and answer is logged there).
fn logged_during(run: impl FnOnce()) -> String {
    static SUBSCRIBER: OnceLock<()> = OnceLock::new();
    SUBSCRIBER.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(|| ThreadLog)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
    });
    LOGGED.with(|logged| logged.borrow_mut().clear());
    run();
    LOGGED.with(|logged| String::from_utf8_lossy(&logged.borrow()).into_owned())
}

/// The strings of `text` (keys and values, at any depth) that no log line the program writes
/// could hold by itself: six characters or more, with one of `~ ^ | @ #`, which no message,
/// field or timestamp of the log format has. A mini program's marker, as the fuzzer finds it.
fn markers(text: &str) -> Vec<String> {
    fn consider(text: &str, found: &mut Vec<String>) {
        if text.chars().count() >= 6 && text.contains(['~', '^', '|', '@', '#']) {
            found.push(text.to_owned());
        }
    }
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::String(text) => consider(text, found),
            Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
            Value::Object(map) => {
                for (key, value) in map {
                    consider(key, found);
                    walk(value, found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        walk(&value, &mut found);
    }
    found
}

/// Every Rust entry, with the call text alone.
fn rust_entries(bytes: &[u8]) {
    let registry = plain();
    check_untrusted(&callback(registry.call(bytes)));
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // Nothing the mini program wrote reaches a log line, on any entry that does not believe
    // the text (believed text's `appId` is logged by design).
    let logs = logged_during(|| untrusted_entries(text));
    for marker in markers(text) {
        // Logged lines escape what they quote; a marker is found as written or escaped.
        let escaped = marker.escape_debug().to_string();
        assert!(
            !logs.contains(&marker) && !logs.contains(&escaped),
            "a log line holds the caller's {marker:?}:\n{logs}"
        );
    }
    // Text the host says is its SDK's own: the caller is read from it.
    err_msg(&callback(
        registry.call(text).caller(&Caller::trust_call_text()),
    ));
}

/// The entries that do not believe the call text, with what each must answer.
fn untrusted_entries(text: &str) {
    let registry = plain();
    check_untrusted(&block_on(registry.dispatch_json(text)));
    check_untrusted(&callback(registry.call(text).wire(Wire::Named("typed"))));
    check_untrusted(&callback(registry.call(text).wire(Wire::Named("whoCalls"))));
    check_untrusted(&callback(registry.call(text).wire(Wire::Legacy("typed"))));
    check_untrusted(&callback(
        registry.call(text).wire(Wire::Legacy("whoCalls")),
    ));
    // The legacy wire to the APIs whose data is map-keyed, and to the multiplexed one.
    for name in ["counts", "ledger", "wallet", "guarded"] {
        let reply = callback(registry.call(text).wire(Wire::Legacy(name)));
        check_untrusted(&reply);
        no_restricted_method_listed(&reply);
    }
    let bare = block_on(registry.call(text).rendered(Rendering::Bare));
    check_rendered(&bare, Rendering::Bare);
    let reply = block_on(registry.call(text).reply());
    assert_eq!(reply.kind(), bare.kind, "the reply and its rendering agree");
    no_reply_keys(&reply);
    let rendered = callback(registry.call(text));
    no_restricted_method_listed(&rendered);
    // A call the host read first goes the same way as its text.
    if let Ok(call) = MiniApiCall::from_json(text, Wire::Unified) {
        let reply = block_on(registry.call(call.clone()).reply());
        no_reply_keys(&reply);
        check_untrusted(&callback(registry.call(call)));
    }
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
        if let Ok(call) = MiniApiCall::from_map(map, Wire::Unified) {
            check_untrusted(&callback(registry.call(call)));
        }
    }

    // The key cap: no call of more top-level keys than the cap is answered.
    let keys = top_level_keys(text);
    for wire in [Wire::Unified, Wire::Named("echo")] {
        let capped = block_on(capped().call(text).wire(wire).reply());
        if capped.is_success() {
            assert!(
                keys.is_some_and(|keys| keys <= CAPPED_KEYS),
                "a call of {keys:?} keys was answered under a cap of {CAPPED_KEYS}"
            );
        }
    }
}

/// A success's map holds no `errMsg` or `errCode` of the handler's: the reply's own route it.
fn no_reply_keys(reply: &tcmpp_core::Reply) {
    if let Some(result) = reply.result() {
        assert!(
            !result.contains_key("errMsg") && !result.contains_key("errCode"),
            "a success keeps the handler's errMsg or errCode: {result:?}"
        );
    }
}

/// The restricted `wallet.sign` is listed to no caller of [`plain`], which grants nobody: a
/// refusal reveals no method the caller may not call. (`"sign"` quoted whole is no echo of an
/// unknown method: the method `sign` is known.)
fn no_restricted_method_listed(reply: &str) {
    if reply.starts_with(r#"{"errMsg":"wallet:fail invalid data"#) {
        assert!(!reply.contains(r#"\"sign\""#), "{reply}");
    }
}

/// Every Rust entry, with the caller the host states.
fn stated_entries(text: &str, stated: &Stated) {
    let nul = stated
        .state_event
        .as_deref()
        .is_some_and(|event| event.contains('\0'));
    let expected_event = stated.state_event.clone();
    let sink = move |event: ProgressEvent<'_>| {
        assert_eq!(
            event.state_event,
            expected_event.as_deref(),
            "a progress event carries the stated stateEvent"
        );
    };
    let caller = stated.onto(Caller::new());
    for registry in [plain(), deny()] {
        let rendered = block_on(
            registry
                .call(text)
                .caller(&caller)
                .progress(sink.clone())
                .rendered(Rendering::Callback),
        );
        check_rendered(&rendered, Rendering::Callback);
        let err_msg = err_msg(&rendered.text);
        if nul {
            assert!(
                err_msg.ends_with(NUL_STATE_EVENT),
                "a stateEvent with a NUL was not refused: {err_msg}"
            );
        }
        if std::ptr::eq(registry, deny()) && !stated.invited() {
            // Under default deny, an uninvited caller learns nothing: not what exists, and
            // nothing is answered.
            assert_ne!(rendered.kind, ReplyKind::Success, "{err_msg}");
            assert!(!err_msg.contains("unknown API"), "{err_msg}");
        }
    }
    // The host's values over the text's: the stated `stateEvent` is the one events carry.
    let trusted = stated.onto(Caller::trust_call_text());
    let progress_text_sink = |event: ProgressEvent<'_>| {
        assert!(
            !event.state_event.unwrap_or_default().contains('\0'),
            "a stateEvent with a NUL reached a sink"
        );
    };
    let rendered = block_on(
        plain()
            .call(text)
            .caller(&trusted)
            .progress(progress_text_sink)
            .rendered(Rendering::Bare),
    );
    check_rendered(&rendered, Rendering::Bare);
    if nul {
        assert_eq!(rendered.kind, ReplyKind::Fail);
    }
}

/// One call through the C ABI, as `tcmpp_dispatch`'s host sees it.
#[derive(Default)]
struct Pending {
    flags: u32,
    replies: Vec<(i32, String)>,
    progress: Vec<Option<String>>,
}

/// The calls in flight, by the id passed as `context`.
fn pending() -> &'static (Mutex<HashMap<usize, Pending>>, Condvar) {
    static PENDING: OnceLock<(Mutex<HashMap<usize, Pending>>, Condvar)> = OnceLock::new();
    PENDING.get_or_init(Default::default)
}

/// Reads a string the C ABI passed to a callback, freeing it when it was handed over.
///
/// # Safety
///
/// `string` is NULL or valid; handed over when `flags` say so.
unsafe fn take(string: *const c_char, flags: u32) -> Option<String> {
    if string.is_null() {
        return None;
    }
    let text = unsafe { CStr::from_ptr(string) }
        .to_str()
        .expect("the C ABI passes UTF-8")
        .to_owned();
    if flags & tcmpp_ffi::HOST_FREES_STRINGS != 0 {
        unsafe { tcmpp_string_free(string.cast_mut()) };
    }
    Some(text)
}

unsafe extern "C" fn on_reply(context: *mut c_void, status: i32, reply_json: *const c_char) {
    let (calls, arrived) = pending();
    let mut calls = calls.lock().unwrap();
    let Some(call) = calls.get_mut(&(context as usize)) else {
        panic!("a reply for a call already answered");
    };
    let text = unsafe { take(reply_json, call.flags) }.expect("a reply is never NULL");
    call.replies.push((status, text));
    arrived.notify_all();
}

unsafe extern "C" fn on_progress(
    context: *mut c_void,
    state_event: *const c_char,
    payload_json: *const c_char,
) {
    let (calls, _) = pending();
    let mut calls = calls.lock().unwrap();
    let call = calls
        .get_mut(&(context as usize))
        .expect("progress for a call already answered");
    assert!(call.replies.is_empty(), "progress after the reply");
    let state_event = unsafe { take(state_event, call.flags) };
    let payload = unsafe { take(payload_json, call.flags) }.expect("a payload is never NULL");
    serde_json::from_str::<Value>(&payload).expect("a payload is JSON");
    call.progress.push(state_event);
}

/// A status and the text that came with it, in the rendering `flags` ask for, agree.
fn check_answer(status: i32, text: &str, flags: u32) {
    let kind = match status {
        tcmpp_ffi::STATUS_SUCCESS => ReplyKind::Success,
        tcmpp_ffi::STATUS_FAIL => ReplyKind::Fail,
        tcmpp_ffi::STATUS_CANCEL => ReplyKind::Cancel,
        other => panic!("status {other}"),
    };
    let rendering = if flags & tcmpp_ffi::RENDER_BARE != 0 {
        Rendering::Bare
    } else {
        Rendering::Callback
    };
    check_kind_and_text(kind, text, rendering);
}

/// Whether `text` is `whoCalls`' result: only a caller with an app and a web view gets it.
fn is_who_calls_result(text: &str) -> bool {
    serde_json::from_str::<Map<String, Value>>(text)
        .is_ok_and(|object| object.contains_key("app") && object.contains_key("webView"))
}

/// The call through `tcmpp_dispatch` and `tcmpp_dispatch_sync`.
fn c_abi(parts: &Parts<'_>, stated: &Stated) {
    static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    // Bit 6 of the options sets a flag bit the library does not know: always a fail reply.
    let unknown_flag = parts.options & 0x40 != 0;
    let flags = u32::from(parts.options & 0x0f) | if unknown_flag { 0x10 } else { 0 };
    let from_call_text = flags & tcmpp_ffi::CALLER_FROM_CALL_TEXT != 0;
    let call = CString::new(parts.call).expect("split at NUL");
    let caller_json = parts
        .caller_json
        .map(|json| CString::new(json).expect("split at NUL"));
    let reported = parts
        .reported
        .map(|name| CString::new(name).expect("split at NUL"));
    let pointer =
        |string: &Option<CString>| string.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());

    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (calls, arrived) = pending();
    calls.lock().unwrap().insert(
        id,
        Pending {
            flags,
            ..Pending::default()
        },
    );
    let accepted = unsafe {
        tcmpp_dispatch(
            pointer(&reported),
            call.as_ptr(),
            pointer(&caller_json),
            flags,
            Some(on_reply),
            Some(on_progress),
            id as *mut c_void,
        )
    };
    assert_eq!(accepted, tcmpp_ffi::DISPATCH_ACCEPTED);
    let answered = {
        let guard = calls.lock().unwrap();
        let (mut guard, timeout) = arrived
            .wait_timeout_while(guard, Duration::from_secs(10), |calls| {
                calls[&id].replies.is_empty()
            })
            .unwrap();
        assert!(!timeout.timed_out(), "no reply within 10 s");
        // Removed: a second reply would find no call, and abort.
        guard.remove(&id).expect("the call is pending")
    };
    let [(status, text)] = answered.replies.as_slice() else {
        panic!("{} replies to one call", answered.replies.len());
    };
    check_answer(*status, text, flags);
    if unknown_flag {
        assert_eq!(
            *status,
            tcmpp_ffi::STATUS_FAIL,
            "an unknown flag bit answered: {text}"
        );
        assert!(text.contains("unknown flag bits 0x10"), "{text}");
    }
    if *status == tcmpp_ffi::STATUS_SUCCESS && is_who_calls_result(text) {
        assert!(
            from_call_text || (stated.app_info.is_some() && stated.web_view_id.is_some()),
            "whoCalls answered a caller nobody stated: {text}"
        );
    }
    for state_event in &answered.progress {
        if stated.state_event.is_some() {
            assert_eq!(
                state_event, &stated.state_event,
                "progress under the stated stateEvent"
            );
        } else if !from_call_text {
            assert_eq!(
                state_event, &None,
                "progress under a stateEvent nobody stated"
            );
        }
    }

    let mut status = -1;
    let text = unsafe {
        tcmpp_dispatch_sync(
            pointer(&reported),
            call.as_ptr(),
            pointer(&caller_json),
            flags,
            &mut status,
        )
    };
    assert!(!text.is_null(), "tcmpp_dispatch_sync returns a reply");
    let reply = unsafe { CStr::from_ptr(text) }
        .to_str()
        .expect("UTF-8")
        .to_owned();
    unsafe { tcmpp_string_free(text) };
    check_answer(status, &reply, flags);
    if unknown_flag {
        assert_eq!(
            status,
            tcmpp_ffi::STATUS_FAIL,
            "an unknown flag bit answered: {reply}"
        );
    }
}

fuzz_target!(|bytes: &[u8]| {
    // The Rust entries take the whole input: a NUL in call text is the C ABI's limit only.
    rust_entries(bytes);
    let parts = Parts::of(bytes);
    let stated = Stated::of(parts.caller_json);
    if let Ok(text) = std::str::from_utf8(parts.call) {
        stated_entries(text, &stated);
    }
    c_abi(&parts, &stated);
});
