//! Handlers a C host calls through the exported ABI: the crate a super app links, built as a
//! `cdylib` (Android, Flutter) and a `staticlib` (iOS). `tests/c/host_test.c` drives it.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::{AccessPolicy, ApiError, AppInfo, Progress, Registry, State, WebViewId, mini_api};

/// The host's name, given as state when the registry is built.
pub struct HostName(pub &'static str);

// Luffa's multiplexed `luffaWebRequest`, the handlers the Rust tests dispatch too.
#[path = "../../support/luffa.rs"]
mod luffa;

/// Builds the registry the C ABI serves, with the state its handlers need and a policy that
/// lets `wx_wallet`, and only it, call the `restricted` API `transfer` and the `restricted`
/// method `signMessageV2` of `luffaWebRequest`.
pub fn build_registry() -> Result<Registry, tcmpp_core::BuildError> {
    Registry::builder()
        .state(HostName("c-host"))
        .access_policy(
            AccessPolicy::new().grant("wx_wallet", ["transfer", "luffaWebRequest.signMessageV2"]),
        )
        .build()
}

tcmpp_ffi::export_c_abi!(build = build_registry);

/// The data of `cEcho`.
#[derive(Deserialize)]
pub struct Numbered {
    /// Echoed back, so that each reply can be matched with its call.
    pub n: u64,
}

/// Echoes `n` from an async handler, after a timer (the runtime's timers work).
#[mini_api("cEcho")]
pub async fn c_echo(numbered: Numbered) -> Value {
    if numbered.n % 1000 == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    json!({ "n": numbered.n })
}

/// Fails with a code.
#[mini_api("cFail")]
pub async fn c_fail() -> Result<(), ApiError> {
    Err(ApiError::new("out of stock").with_code(1001))
}

/// The user backed out.
#[mini_api("cCancel")]
pub async fn c_cancel() -> Result<(), ApiError> {
    Err(ApiError::cancelled())
}

/// The data of `cProgress`.
#[derive(Deserialize)]
pub struct Steps {
    /// How many progress events to send.
    pub steps: u32,
}

/// Sends `steps` progress events, yielding between them, then answers.
#[mini_api("cProgress")]
pub async fn c_progress(steps: Steps, progress: Progress) -> Result<Value, ApiError> {
    for step in 1..=steps.steps {
        progress.send(json!({ "step": step }))?;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(json!({ "steps": steps.steps }))
}

/// iOS's `doSubscribe` in Tencent's demo: nine string states, `"1"` to `"9"`, then the reply.
#[mini_api("cSubscribe")]
pub async fn c_subscribe(progress: Progress<String>) -> Value {
    for state in 1..=9 {
        let _ = progress.send(state.to_string());
        tokio::task::yield_now().await;
    }
    json!({ "states": 9 })
}

/// The data Android's `req.failSync(JSONObject, msg)` puts in the fail object.
#[derive(Serialize)]
pub struct SyncFailure {
    /// A key the page reads beside `errMsg`.
    pub key: &'static str,
}

/// Fails with a body, as Android's `failSync` does; a plain `fn`, for synchronous calls.
#[mini_api("cFailSync")]
pub fn c_fail_sync() -> Result<(), ApiError> {
    Err(ApiError::new("not supported")
        .with_code(-1)
        .with_body(SyncFailure { key: "value" }))
}

/// A plain `fn`: answers synchronous calls.
#[mini_api("cPing")]
pub fn c_ping(host: State<HostName>) -> Value {
    json!({ "pong": host.0 })
}

/// A handler that panics: the host gets a fail reply, and nothing unwinds into C.
#[mini_api("cPanic")]
pub fn c_panic() {
    panic!("a bug in a handler");
}

/// An `async fn` that is not done on its first poll: it cannot answer a synchronous call.
#[mini_api("cYield")]
pub async fn c_yield() -> Value {
    tokio::task::yield_now().await;
    json!({ "yielded": true })
}

/// The `stateEvent` the call is routed by, as the handler sees it (`None` without one).
pub struct StateEvent(pub Option<String>);

impl FromContext for StateEvent {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(StateEvent(cx.state_event().map(str::to_owned)))
    }
}

/// Who is calling, as the handler sees it: what forged call text must not reach.
#[mini_api("cWho")]
pub fn c_who(
    app: Option<AppInfo>,
    web_view: Option<WebViewId>,
    #[context] event: StateEvent,
) -> Value {
    json!({
        "appId": app.and_then(|app| app.app_id),
        "webviewId": web_view.map(|id| id.0),
        "stateEvent": event.0,
    })
}

/// A result a `serde_json::Value` cannot hold exactly.
#[derive(Serialize)]
pub struct Huge {
    /// `u128::MAX`, beyond 64 bits.
    pub max: u128,
}

/// Answers `u128::MAX`, which must reach the host as written, in both renderings.
#[mini_api("cHuge")]
pub fn c_huge() -> Huge {
    Huge { max: u128::MAX }
}

/// Moves money: granted to `wx_wallet` alone, so that forging its `appInfo` would pay.
#[mini_api("transfer", restricted)]
pub fn transfer(app: AppInfo) -> Value {
    json!({ "transferredBy": app.app_id })
}
