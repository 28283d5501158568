//! Limits, timeouts, panics and access control: every call answered, bad input refused,
//! callers checked.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_executor::block_on;
use serde_json::{Value, json};
use tcmpp_core::access::Grant;
use tcmpp_core::limits::Limits;
use tcmpp_core::limits::{DEFAULT_MAX_CALL_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_TIMEOUT};
use tcmpp_core::registry::BuildProblem;
use tcmpp_core::reply::{FailureKind, Rendering, ReplyKind};
use tcmpp_core::{
    AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Reply, State, Wire, mini_api,
};

// ---- handlers ------------------------------------------------------------------------------

#[mini_api("echo")]
fn echo(data: Value) -> Value {
    json!({ "echo": data })
}

/// Sleeps on the runtime-independent timer, so it works under any executor.
#[mini_api("sleepy", timeout_ms = 50)]
async fn sleepy(millis: u64) {
    futures_timer::Delay::new(Duration::from_millis(millis)).await;
}

#[mini_api("usesDefaultTimeout")]
async fn uses_default_timeout(millis: u64) {
    futures_timer::Delay::new(Duration::from_millis(millis)).await;
}

/// Records whether its future was dropped, to prove that a timed-out handler is cancelled.
struct DropProbe(Arc<AtomicBool>);

impl Drop for DropProbe {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct Probes {
    dropped: Arc<AtomicBool>,
    finished: AtomicUsize,
}

#[mini_api("neverEnds", timeout_ms = 30)]
async fn never_ends(probes: State<Probes>) {
    let _probe = DropProbe(probes.dropped.clone());
    std::future::pending::<()>().await;
    probes.finished.fetch_add(1, Ordering::SeqCst);
}

#[mini_api("panics")]
fn panics() {
    panic!("database password is hunter2");
}

#[mini_api("secret", restricted)]
fn secret() -> Value {
    json!({ "secret": 42 })
}

#[mini_api("open")]
fn open() -> Value {
    json!({ "open": true })
}

fn probes() -> Probes {
    Probes {
        dropped: Arc::new(AtomicBool::new(false)),
        finished: AtomicUsize::new(0),
    }
}

fn registry() -> Registry {
    Registry::builder().state(probes()).build().unwrap()
}

fn failure(reply: &Reply) -> (FailureKind, &str) {
    match reply {
        Reply::Fail(failure) => (failure.kind(), failure.message()),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn app(app_id: &str, ver_type: Option<i64>) -> AppInfo {
    let mut app = AppInfo::with_app_id(app_id);
    app.app_ver_type = ver_type;
    app
}

/// A caller the host states: the mini program `app_id`, of version type `ver_type`.
fn caller_of(app_id: &str, ver_type: Option<i64>) -> Caller {
    Caller::new().with_app_info(app(app_id, ver_type))
}

/// The reply to a call of `api` without data, from `caller`.
fn dispatch_as(registry: &Registry, api: &str, caller: &Caller) -> Reply {
    block_on(
        registry
            .call(MiniApiCall::new(api, Value::Null))
            .caller(caller)
            .reply(),
    )
}

/// The reply to `call`, dispatched as the host built it.
fn dispatch(registry: &Registry, call: MiniApiCall) -> Reply {
    block_on(registry.call(call).reply())
}

/// The reason a call whose text carries `appInfo` is refused, unless the host said to believe
/// the text.
const APP_INFO_REFUSED: &str = "invalid call: `appInfo` in the call text is not believed: the host states the caller beside the call, or, when the text is its own SDK's rendering, says to believe it with `Caller::trust_call_text()`";

/// The callback text of `call`, from the caller the host states.
fn callback_from(registry: &Registry, call: &str, caller: Caller) -> String {
    block_on(
        registry
            .call(call)
            .caller(&caller)
            .rendered(Rendering::Callback),
    )
    .text
}

/// The callback text of `call`, read with `wire`.
fn callback(registry: &Registry, call: &str, wire: Wire<'_>) -> String {
    block_on(registry.call(call).wire(wire).rendered(Rendering::Callback)).text
}

// ---- limits --------------------------------------------------------------------------------

#[test]
fn limits_have_safe_defaults() {
    assert_eq!(DEFAULT_MAX_CALL_BYTES, 4 * 1024 * 1024);
    assert_eq!(DEFAULT_MAX_DEPTH, 64);
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(30));
    let deep = format!(
        r#"{{"api_name":"echo","data":{}{}}}"#,
        "[".repeat(64),
        "]".repeat(64)
    );
    let reply = block_on(registry().dispatch_json(&deep));
    assert_eq!(
        reply,
        r#"{"errMsg":"echo:fail invalid call: nested deeper than the limit of 64 levels"}"#
            .replace("echo:", "invokeNativePlugin:")
    );
    let shallow = format!(
        r#"{{"api_name":"echo","data":{}{}}}"#,
        "[".repeat(63),
        "]".repeat(63)
    );
    assert!(block_on(registry().dispatch_json(&shallow)).contains("echo:ok"));
}

#[test]
fn an_oversized_call_is_refused_naming_the_limit() {
    let registry = Registry::builder()
        .state(probes())
        .limits(Limits::default().with_max_call_bytes(64))
        .build()
        .unwrap();
    let text = format!(r#"{{"api_name":"echo","data":"{}"}}"#, "x".repeat(100));
    let reply = block_on(registry.call(&text).reply());
    let expected = format!(
        "invalid call: {} bytes is over the limit of 64 bytes",
        text.len()
    );
    assert_eq!(
        failure(&reply),
        (FailureKind::LimitExceeded, expected.as_str())
    );
    let named = callback(&registry, &text, Wire::Named("echo"));
    assert_eq!(named, format!(r#"{{"errMsg":"echo:fail {expected}"}}"#));
    let bytes = block_on(registry.call(text.as_bytes()).rendered(Rendering::Callback));
    assert_eq!(bytes.kind, ReplyKind::Fail);
    assert!(
        bytes.text.contains("over the limit of 64 bytes"),
        "{}",
        bytes.text
    );
    // A legacy call is refused before it is read, named after the reported API.
    let legacy_text = format!(r#"{{"x":"{}"}}"#, "x".repeat(100));
    let legacy = callback(&registry, &legacy_text, Wire::Legacy("echo"));
    assert_eq!(
        legacy,
        format!(
            r#"{{"errMsg":"echo:fail invalid call: {} bytes is over the limit of 64 bytes"}}"#,
            legacy_text.len()
        )
    );
    // Within the limit, the same registry answers.
    assert_eq!(
        block_on(registry.dispatch_json(r#"{"api_name":"echo","data":1}"#)),
        r#"{"echo":1,"errMsg":"echo:ok"}"#
    );
}

#[test]
fn the_nesting_limit_is_configurable_and_ignores_brackets_in_strings() {
    let registry = Registry::builder()
        .state(probes())
        .limits(Limits::default().with_max_depth(3))
        .build()
        .unwrap();
    let ok = block_on(registry.dispatch_json(r#"{"api_name":"echo","data":{"a":["[[[[{{{{"]}}"#));
    assert!(ok.contains("echo:ok"), "{ok}");
    let deep = block_on(
        registry
            .call(r#"{"api_name":"echo","data":{"a":[[1]]}}"#)
            .reply(),
    );
    assert_eq!(
        failure(&deep),
        (
            FailureKind::LimitExceeded,
            "invalid call: nested deeper than the limit of 3 levels"
        )
    );
}

#[test]
fn invalid_utf8_is_a_fail_reply() {
    let bytes: &[u8] = b"{\"api_name\":\"echo\",\"data\":\"\xff\"}";
    let reply = block_on(registry().call(bytes).rendered(Rendering::Callback));
    assert_eq!(reply.kind, ReplyKind::Fail);
    assert_eq!(
        reply.text,
        r#"{"errMsg":"invokeNativePlugin:fail invalid call: not valid UTF-8 (at byte 27)"}"#
    );
    // With the name reported beside the bytes, the reply is named after it.
    let named = block_on(
        registry()
            .call(bytes)
            .wire(Wire::Named("echo"))
            .rendered(Rendering::Callback),
    );
    assert_eq!(
        named.text,
        r#"{"errMsg":"echo:fail invalid call: not valid UTF-8 (at byte 27)"}"#
    );
    let good: &[u8] = br#"{"api_name":"echo","data":"ok"}"#;
    let good = block_on(registry().call(good).rendered(Rendering::Callback));
    assert_eq!(good.text, r#"{"echo":"ok","errMsg":"echo:ok"}"#);
}

// ---- timeouts ------------------------------------------------------------------------------

#[test]
fn a_handler_past_its_timeout_fails_and_is_dropped() {
    let probes = probes();
    let dropped = probes.dropped.clone();
    let registry = Registry::builder().state(probes).build().unwrap();
    let started = Instant::now();
    let reply = block_on(registry.dispatch_json(r#"{"api_name":"neverEnds"}"#));
    assert_eq!(reply, r#"{"errMsg":"neverEnds:fail timeout after 30 ms"}"#);
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert!(
        dropped.load(Ordering::SeqCst),
        "the handler's future was dropped"
    );
}

#[test]
fn the_attribute_timeout_overrides_the_default_and_fast_handlers_pass() {
    let registry = registry();
    assert_eq!(
        registry.get("sleepy").unwrap().timeout,
        Some(Duration::from_millis(50))
    );
    assert_eq!(registry.get("usesDefaultTimeout").unwrap().timeout, None);
    let slow = dispatch(&registry, MiniApiCall::new("sleepy", json!(500)));
    assert_eq!(
        failure(&slow),
        (FailureKind::Timeout, "timeout after 50 ms")
    );
    let fast = dispatch(&registry, MiniApiCall::new("sleepy", json!(1)));
    assert!(fast.is_success(), "{fast:?}");
}

#[test]
fn the_registry_default_timeout_applies_and_can_be_turned_off() {
    let short = Registry::builder()
        .state(probes())
        .limits(Limits::default().with_timeout(Some(Duration::from_millis(20))))
        .build()
        .unwrap();
    let reply = dispatch(&short, MiniApiCall::new("usesDefaultTimeout", json!(300)));
    assert_eq!(
        failure(&reply),
        (FailureKind::Timeout, "timeout after 20 ms")
    );
    // The per-API timeout still wins over the registry's.
    let reply = dispatch(&short, MiniApiCall::new("sleepy", json!(35)));
    assert!(reply.is_success(), "{reply:?}");
    let unlimited = Registry::builder()
        .state(probes())
        .limits(Limits::default().with_timeout(None))
        .build()
        .unwrap();
    let reply = dispatch(
        &unlimited,
        MiniApiCall::new("usesDefaultTimeout", json!(40)),
    );
    assert!(reply.is_success(), "{reply:?}");
}

#[tokio::test]
async fn timeouts_work_under_tokio_too() {
    let reply = registry()
        .call(MiniApiCall::new("sleepy", json!(10_000)))
        .await;
    assert_eq!(
        failure(&reply),
        (FailureKind::Timeout, "timeout after 50 ms")
    );
}

#[test]
fn dropping_a_reply_future_drops_the_handler() {
    let probes = probes();
    let dropped = probes.dropped.clone();
    let registry = Registry::builder().state(probes).build().unwrap();
    let mut future = registry
        .call(MiniApiCall::new("neverEnds", Value::Null))
        .reply();
    // One poll starts the handler's body, which then waits forever.
    let poll = std::pin::Pin::new(&mut future)
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
    assert!(poll.is_pending());
    assert!(!dropped.load(Ordering::SeqCst));
    drop(future);
    assert!(dropped.load(Ordering::SeqCst));
}

// ---- panics --------------------------------------------------------------------------------

#[test]
fn panic_messages_are_hidden_unless_exposed() {
    let hidden = block_on(registry().dispatch_json(r#"{"api_name":"panics"}"#));
    assert_eq!(
        hidden,
        r#"{"errMsg":"panics:fail internal error: the handler panicked"}"#
    );
    let exposed = Registry::builder()
        .state(probes())
        .expose_panic_messages(true)
        .build()
        .unwrap();
    let shown = block_on(exposed.dispatch_json(r#"{"api_name":"panics"}"#));
    assert_eq!(
        shown,
        r#"{"errMsg":"panics:fail internal error: the handler panicked: database password is hunter2"}"#
    );
}

// ---- access control ------------------------------------------------------------------------

#[test]
fn a_restricted_api_refuses_everyone_without_a_grant() {
    let registry = registry();
    assert!(registry.get("secret").unwrap().restricted);
    for caller in [Caller::new(), caller_of("wx_any", None)] {
        let reply = dispatch_as(&registry, "secret", &caller);
        assert_eq!(
            failure(&reply),
            (FailureKind::PermissionDenied, "permission denied")
        );
    }
    // Call text, with the caller the host states.
    let json = callback_from(
        &registry,
        r#"{"api_name":"secret"}"#,
        Caller::new().with_app_info(app("wx_any", None)),
    );
    assert_eq!(json, r#"{"errMsg":"secret:fail permission denied"}"#);
    // The same caller read from the host's own rendering of the call.
    let text = r#"{"api_name":"secret","appInfo":{"appId":"wx_any"}}"#;
    let json = callback_from(&registry, text, Caller::trust_call_text());
    assert_eq!(json, r#"{"errMsg":"secret:fail permission denied"}"#);
    // Text that names its own caller is refused before any access check.
    assert_eq!(
        block_on(registry.dispatch_json(text)),
        format!(r#"{{"errMsg":"secret:fail {APP_INFO_REFUSED}"}}"#)
    );
    // Unrestricted APIs answer everyone.
    assert!(dispatch(&registry, MiniApiCall::new("open", Value::Null)).is_success());
}

#[test]
fn grants_admit_by_app_id_and_version_type() {
    let policy = AccessPolicy::new()
        .grant("wx_trusted", ["secret"])
        .with_grant(Grant::new("wx_beta", ["secret"]).app_ver_types([2]));
    let registry = Registry::builder()
        .state(probes())
        .access_policy(policy)
        .build()
        .unwrap();
    let admitted = dispatch_as(&registry, "secret", &caller_of("wx_trusted", None));
    assert_eq!(admitted.result().unwrap()["secret"], 42);
    // Call text is admitted by the caller the host states beside it.
    let text = r#"{"api_name":"secret"}"#;
    assert_eq!(
        callback_from(&registry, text, caller_of("wx_trusted", None)),
        r#"{"secret":42,"errMsg":"secret:ok"}"#
    );
    assert_eq!(
        callback_from(&registry, text, caller_of("wx_beta", Some(0))),
        r#"{"errMsg":"secret:fail permission denied"}"#
    );
    // A built call is what the mini program sent: an `appInfo` among its other keys is input,
    // not identity.
    let mut forged = MiniApiCall::new("secret", Value::Null);
    forged
        .extra
        .insert("appInfo".into(), json!({ "appId": "wx_trusted" }));
    assert_eq!(
        failure(&dispatch(&registry, forged)).0,
        FailureKind::PermissionDenied
    );
    assert!(dispatch_as(&registry, "secret", &caller_of("wx_beta", Some(2))).is_success());
    for refused in [
        caller_of("wx_beta", Some(0)),
        caller_of("wx_beta", None),
        caller_of("wx_other", None),
    ] {
        let reply = dispatch_as(&registry, "secret", &refused);
        assert_eq!(failure(&reply).0, FailureKind::PermissionDenied);
    }
}

#[test]
fn default_deny_guards_every_api_and_wildcards_open_them_again() {
    let policy: AccessPolicy = serde_json::from_value(json!({
        "defaultDeny": true,
        "grants": [
            { "appId": "*", "apis": ["open"] },
            { "appId": "wx_first_party", "apis": ["*"] },
        ],
    }))
    .unwrap();
    let registry = Registry::builder()
        .state(probes())
        .access_policy(policy)
        .build()
        .unwrap();
    assert!(
        dispatch(&registry, MiniApiCall::new("open", Value::Null)).is_success(),
        "granted to every caller"
    );
    let echo = dispatch_as(&registry, "echo", &caller_of("wx_partner", None));
    assert_eq!(
        failure(&echo).0,
        FailureKind::PermissionDenied,
        "default deny"
    );
    for api in ["echo", "secret", "open"] {
        let reply = dispatch_as(&registry, api, &caller_of("wx_first_party", None));
        assert!(reply.is_success(), "{api}: {reply:?}");
    }
}

#[test]
fn a_refused_call_never_reaches_the_handler() {
    let probes = probes();
    let dropped = probes.dropped.clone();
    let registry = Registry::builder()
        .state(probes)
        .access_policy(AccessPolicy::default().deny_by_default())
        .build()
        .unwrap();
    let reply = dispatch(&registry, MiniApiCall::new("neverEnds", Value::Null));
    assert_eq!(failure(&reply).0, FailureKind::PermissionDenied);
    assert!(
        !dropped.load(Ordering::SeqCst),
        "the handler never ran, so nothing was dropped"
    );
}

#[test]
fn a_grant_naming_an_unknown_api_is_a_build_error() {
    let policy: AccessPolicy =
        serde_json::from_str(r#"{"grants":[{"appId":"wx1","apis":["secret","secrte"]},{"appId":"wx2","apis":["nope"]}]}"#).unwrap();
    let error = Registry::builder()
        .state(probes())
        .access_policy(policy)
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [
            BuildProblem::UnknownApiInPolicy {
                api: "nope".into(),
                app_id: "wx2".into()
            },
            BuildProblem::UnknownApiInPolicy {
                api: "secrte".into(),
                app_id: "wx1".into()
            },
        ]
    );
    assert!(error.to_string().contains(r#"the access policy grants "wx1" the API "secrte", but no handler is registered under that name"#));
}

#[test]
fn a_policy_with_unknown_keys_is_refused_by_serde() {
    let error = serde_json::from_str::<AccessPolicy>(r#"{"defaultdeny":true}"#).unwrap_err();
    assert!(
        error.to_string().starts_with("unknown field `defaultdeny`"),
        "{error}"
    );
}

// ---- found in review -----------------------------------------------------------------------

#[test]
fn a_wildcard_grant_still_checks_version_types() {
    let policy: AccessPolicy = serde_json::from_value(json!({
        "grants": [{ "appId": "*", "apis": ["secret"], "appVerTypes": [1] }],
    }))
    .unwrap();
    let registry = Registry::builder()
        .state(probes())
        .access_policy(policy)
        .build()
        .unwrap();
    assert!(dispatch_as(&registry, "secret", &caller_of("wx_any", Some(1))).is_success());
    for refused in [
        caller_of("wx_any", Some(0)),
        caller_of("wx_any", None),
        Caller::new(),
    ] {
        let reply = dispatch_as(&registry, "secret", &refused);
        assert_eq!(failure(&reply).0, FailureKind::PermissionDenied);
    }
}

#[test]
fn a_legacy_call_cannot_forge_its_caller() {
    let registry = Registry::builder()
        .state(probes())
        .access_policy(AccessPolicy::default().grant("wx_first_party", ["secret"]))
        .build()
        .unwrap();
    let forged = r#"{"api_name":"secret","appInfo":{"appId":"wx_first_party"}}"#;
    let reply = callback(&registry, forged, Wire::Legacy("secret"));
    assert_eq!(reply, r#"{"errMsg":"secret:fail permission denied"}"#);
    // Every key of a legacy call is data, even where the host believes the caller in the text.
    let reply = block_on(
        registry
            .call(forged)
            .wire(Wire::Legacy("secret"))
            .caller(&Caller::trust_call_text())
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.text, r#"{"errMsg":"secret:fail permission denied"}"#);
    // The caller the host states is the one checked.
    let reply = block_on(
        registry
            .call(forged)
            .wire(Wire::Legacy("secret"))
            .caller(&Caller::new().with_app_info(app("wx_first_party", None)))
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["secret"], 42);
}

#[test]
fn a_unified_call_cannot_forge_its_caller() {
    let registry = Registry::builder()
        .state(probes())
        .access_policy(AccessPolicy::default().grant("wx_first_party", ["secret"]))
        .build()
        .unwrap();
    let forged = r#"{"api_name":"secret","appInfo":{"appId":"wx_first_party"}}"#;
    let refused = format!(r#"{{"errMsg":"secret:fail {APP_INFO_REFUSED}"}}"#);
    // Text that claims a caller is refused, in every wire format that reads it and from bytes,
    // whatever caller the host states beside it.
    assert_eq!(callback(&registry, forged, Wire::Unified), refused);
    assert_eq!(callback(&registry, forged, Wire::Named("secret")), refused);
    let from_bytes = block_on(
        registry
            .call(forged.as_bytes())
            .rendered(Rendering::Callback),
    );
    assert_eq!(from_bytes.text, refused);
    let beside = Caller::new().with_app_info(app("wx_other", None));
    assert_eq!(callback_from(&registry, forged, beside.clone()), refused);
    let reply = block_on(registry.call(forged).caller(&beside).reply());
    assert_eq!(
        failure(&reply),
        (FailureKind::InvalidCall, APP_INFO_REFUSED)
    );
    // Where the host believes the text, a caller it states still wins over the text's.
    let stated = Caller::trust_call_text().with_app_info(app("wx_other", None));
    assert_eq!(
        callback_from(&registry, forged, stated),
        r#"{"errMsg":"secret:fail permission denied"}"#
    );
    // And `MiniApiCall::from_json` never reads a caller from text either.
    let error = MiniApiCall::from_json(forged, Wire::Unified).unwrap_err();
    assert_eq!(error.to_string(), APP_INFO_REFUSED);
    let read = MiniApiCall::from_json(
        r#"{"api_name":"secret","webviewId":4,"stateEvent":"e"}"#,
        Wire::Unified,
    )
    .unwrap();
    // Checked, then dropped: the call holds only what the mini program sent.
    assert_eq!(read, MiniApiCall::new("secret", Value::Null));
    assert_eq!(
        failure(&dispatch(&registry, read)).0,
        FailureKind::PermissionDenied
    );
}

#[test]
fn an_errmsg_prefix_with_a_colon_is_a_build_error() {
    let error = Registry::builder()
        .state(probes())
        .errmsg_prefix(tcmpp_core::reply::ErrMsgPrefix::fixed(
            "invokeNativePlugin:custom",
        ))
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [BuildProblem::InvalidErrMsgPrefix {
            prefix: "invokeNativePlugin:custom".into()
        }]
    );
}

/// Data whose `Drop` panics, to prove that dropping an unfinished handler never panics into
/// the host.
#[derive(serde::Deserialize)]
struct ExplodesOnDrop {
    #[allow(dead_code)]
    armed: bool,
}

impl Drop for ExplodesOnDrop {
    fn drop(&mut self) {
        if self.armed {
            panic!("deliberate panic in Drop");
        }
    }
}

#[mini_api("holdsExplosive")]
async fn holds_explosive(explosive: ExplodesOnDrop) {
    let _held = explosive;
    std::future::pending::<()>().await;
}

#[test]
fn dropping_an_unfinished_handler_whose_drop_panics_stays_contained() {
    let registry = registry();
    let call = r#"{"api_name":"holdsExplosive","data":{"armed":true}}"#;
    // A synchronous call polls the handler once, then drops it, since it waits.
    let reply = registry.dispatch_json(call).now_or_fail();
    assert_eq!(
        reply,
        r#"{"errMsg":"holdsExplosive:fail this API is asynchronous and did not answer at once, so it cannot answer a synchronous call: call it without `sync: true`"}"#
    );
    // As does one that was never polled: dropped with its data, before its body ran.
    drop(registry.dispatch_json(call));
    // A host that gives up drops a started one.
    let mut future = registry.dispatch_json(call);
    let poll = std::pin::Pin::new(&mut future)
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
    assert!(poll.is_pending());
    drop(future);
    // And a timeout drops it too.
    let short = Registry::builder()
        .state(probes())
        .limits(Limits::default().with_timeout(Some(Duration::from_millis(10))))
        .build()
        .unwrap();
    let reply = block_on(short.dispatch_json(call));
    assert_eq!(
        reply,
        r#"{"errMsg":"holdsExplosive:fail timeout after 10 ms"}"#
    );
}

#[test]
fn a_call_with_many_unknown_keys_is_read_once_and_duplicates_are_still_found() {
    let keys: String = (0..100_000).map(|i| format!(r#","k{i}":0"#)).collect();
    let call = format!(r#"{{"api_name":"echo","data":1{keys}}}"#);
    // By default, a unified call is refused at its 65th top-level key.
    let refused = registry().call(call.as_str()).reply().now_or_fail();
    assert_eq!(
        failure(&refused),
        (
            FailureKind::LimitExceeded,
            "invalid call: more than 64 top-level keys, the registry's limit"
        )
    );
    // A registry that allows them reads them once, and still finds a duplicate among them.
    let roomy = Registry::builder()
        .state(probes())
        .limits(Limits::default().with_max_call_keys(200_000))
        .build()
        .unwrap();
    assert_eq!(
        block_on(roomy.dispatch_json(&call)),
        r#"{"echo":1,"errMsg":"echo:ok"}"#
    );
    let duplicated = format!(r#"{{"api_name":"echo"{keys},"k99999":1}}"#);
    assert_eq!(
        block_on(roomy.dispatch_json(&duplicated)),
        r#"{"errMsg":"invokeNativePlugin:fail invalid call: duplicate key `k99999`"}"#
    );
    // The limit counts every top-level key, the envelope's too, and only a unified call's.
    let at_limit: String = (0..60).map(|i| format!(r#","k{i}":0"#)).collect();
    let small = Registry::builder().state(probes()).build().unwrap();
    let four_and_sixty =
        format!(r#"{{"api_name":"echo","data":1,"webviewId":1,"stateEvent":"e"{at_limit}}}"#);
    assert!(
        small
            .call(four_and_sixty.as_str())
            .reply()
            .now_or_fail()
            .is_success()
    );
    let legacy: String = (0..1_000).map(|i| format!(r#""k{i}":0,"#)).collect();
    let legacy = format!("{{{legacy}\"last\":0}}");
    let reply = small
        .call(legacy.as_str())
        .wire(Wire::Legacy("echo"))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
}
