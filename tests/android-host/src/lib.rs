//! Handlers an Android app calls through the shipped Kotlin bridge (`TcmppBridge`): the native
//! library the JVM loads, exported with one line. `tests/android/BridgeTest.kt` drives it on a
//! real JVM.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::{AccessPolicy, ApiError, AppInfo, Progress, Registry, State, WebViewId, mini_api};

/// The host's name, given as state when the registry is built.
pub struct HostName(pub &'static str);

/// Builds the registry the bridge serves: state for `aPing`, and a policy that lets
/// `wx_wallet`, and only it, call the `restricted` API `transfer`.
pub fn build_registry() -> Result<Registry, tcmpp_core::BuildError> {
    Registry::builder()
        .state(HostName("android-host"))
        .access_policy(AccessPolicy::new().grant("wx_wallet", ["transfer"]))
        .build()
}

tcmpp_ffi::export_jni!(build = build_registry);

// The C ABI too (each macro builds its own registry), so that `benches/c/seed_calls.c` counts
// the instructions of the seed call the JVM benchmark makes, through C.
tcmpp_ffi::export_c_abi!(build = build_registry);

/// What the mini program sends to the seed API.
#[derive(Deserialize)]
pub struct Person {
    /// A name.
    pub name: String,
    /// An age.
    pub age: u32,
}

/// What the seed API answers.
#[derive(Serialize)]
pub struct Greeting {
    /// `"success"`.
    pub result: &'static str,
    /// `"myApiHandler"`.
    pub method: &'static str,
}

/// The seed call of Tencent's page (the benchmark's handler).
#[mini_api("myApiName")]
pub async fn my_api(person: Person) -> Result<Greeting, ApiError> {
    if person.name.is_empty() || person.age > 200 {
        return Err(ApiError::new("implausible person"));
    }
    Ok(Greeting {
        result: "success",
        method: "myApiHandler",
    })
}

/// The data of `aEcho`.
#[derive(Deserialize)]
pub struct Numbered {
    /// Echoed back, so that each reply can be matched with its call.
    pub n: u64,
}

/// Echoes `n`; every 100th call waits for a timer first, so that it is answered from a
/// runtime worker thread rather than at once.
#[mini_api("aEcho")]
pub async fn a_echo(numbered: Numbered) -> Value {
    if numbered.n % 100 == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    json!({ "n": numbered.n })
}

/// Fails with a code.
#[mini_api("aFail")]
pub async fn a_fail() -> Result<(), ApiError> {
    tokio::task::yield_now().await;
    Err(ApiError::new("out of stock").with_code(1001))
}

/// The user backed out.
#[mini_api("aCancel")]
pub async fn a_cancel() -> Result<(), ApiError> {
    Err(ApiError::cancelled())
}

/// iOS's `doSubscribe` in Tencent's demo sends strings: `"1"` to `"9"`, then the reply.
#[mini_api("aSubscribe")]
pub async fn a_subscribe(progress: Progress<String>) -> Value {
    for state in 1..=9 {
        let _ = progress.send(state.to_string());
        tokio::task::yield_now().await;
    }
    json!({ "states": 9 })
}

/// What Android's `req.failSync(JSONObject, msg)` puts beside `errMsg`.
#[derive(Serialize)]
pub struct SyncFailure {
    /// A key the page reads.
    pub key: &'static str,
}

/// Fails with a body, as `failSync` does; a plain `fn`, answered by the plugin's
/// `dispatchSync`.
#[mini_api("aFailSync")]
pub fn a_fail_sync() -> Result<(), ApiError> {
    Err(ApiError::new("not supported")
        .with_code(-1)
        .with_body(SyncFailure { key: "value" }))
}

/// The data of `aProgress`.
#[derive(Deserialize)]
pub struct Steps {
    /// How many progress events to send.
    pub steps: u32,
}

/// Sends `steps` progress events, waiting between them, then answers.
#[mini_api("aProgress")]
pub async fn a_progress(steps: Steps, progress: Progress) -> Result<Value, ApiError> {
    for step in 1..=steps.steps {
        progress.send(json!({ "step": step }))?;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(json!({ "steps": steps.steps }))
}

/// One method of the multiplexed `aWallet`, chosen by `data.methodName`.
#[mini_api("aWallet", method = "connect")]
pub fn a_wallet_connect() -> Value {
    json!({ "address": "0xa11ce" })
}

/// Another method of `aWallet`, with data of its own.
#[mini_api("aWallet", method = "language")]
pub fn a_wallet_language(data: Language) -> Value {
    json!({ "language": data.fallback })
}

/// The data of `aWallet`'s `language` method.
#[derive(Deserialize)]
pub struct Language {
    /// The language to answer with.
    pub fallback: String,
}

/// A plain `fn`: answers synchronous calls.
#[mini_api("aPing")]
pub fn a_ping(host: State<HostName>) -> Value {
    json!({ "pong": host.0 })
}

/// A handler that panics: the caller gets a fail reply, and nothing unwinds into the JVM.
#[mini_api("aPanic")]
pub fn a_panic() {
    panic!("a bug in a handler");
}

/// An `async fn` that is not done on its first poll: it cannot answer a synchronous call.
#[mini_api("aYield")]
pub async fn a_yield() -> Value {
    tokio::task::yield_now().await;
    json!({ "yielded": true })
}

/// How many `aSlow` futures were dropped before they finished.
static SLOW_DROPPED: AtomicU64 = AtomicU64::new(0);

/// Counts its own drop when it did not finish. Taken as a context parameter, so that it is made
/// when the call is dispatched and moves into the handler's future: a future dropped before its
/// first poll (cancelled at once, on a loaded machine) is counted too.
pub struct CountsDrop {
    finished: bool,
}

impl FromContext for CountsDrop {
    fn from_context(_: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(CountsDrop { finished: false })
    }
}

impl Drop for CountsDrop {
    fn drop(&mut self) {
        if !self.finished {
            SLOW_DROPPED.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Takes a minute, unless its future is dropped first (the caller cancelled).
#[mini_api("aSlow")]
pub async fn a_slow(#[context] mut guard: CountsDrop) -> Value {
    tokio::time::sleep(Duration::from_secs(60)).await;
    guard.finished = true;
    json!({ "slept": true })
}

/// How many `aSlow` futures were dropped unfinished: what cancelling a coroutine must do.
#[mini_api("aSlowDropped")]
pub fn a_slow_dropped() -> Value {
    json!({ "dropped": SLOW_DROPPED.load(Ordering::SeqCst) })
}

/// The `stateEvent` the call is routed by, as the handler sees it (`None` without one).
pub struct StateEvent(pub Option<String>);

impl FromContext for StateEvent {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(StateEvent(cx.state_event().map(str::to_owned)))
    }
}

/// Who is calling, as the handler sees it: what forged call text must not reach.
#[mini_api("aWho")]
pub fn a_who(
    app: Option<AppInfo>,
    web_view: Option<WebViewId>,
    #[context] event: StateEvent,
) -> Value {
    json!({
        "appId": app.as_ref().and_then(|app| app.app_id.clone()),
        "name": app.and_then(|app| app.name),
        "webviewId": web_view.map(|id| id.0),
        "stateEvent": event.0,
    })
}

/// Moves money: granted to `wx_wallet` alone, so that forging its `appInfo` would pay.
#[mini_api("transfer", restricted)]
pub fn transfer(app: AppInfo) -> Value {
    json!({ "transferredBy": app.app_id })
}

/// What a declined payment's fail body carries, as Luffa's `{status: -1, uuid}` does.
#[derive(Serialize)]
pub struct Declined {
    /// `-1`: declined.
    pub status: i32,
    /// The payment's id.
    pub uuid: &'static str,
}

/// A payment the user declines: a fail reply with a code and a body, answered from a runtime
/// worker (the generated plugin's asynchronous path).
#[mini_api("requestPay")]
pub async fn request_pay() -> Result<(), ApiError> {
    tokio::task::yield_now().await;
    Err(ApiError::new("declined")
        .with_code(1001)
        .with_body(Declined {
            status: -1,
            uuid: "u2",
        }))
}

/// The caller as the handler sees it, every field: what the generated plugin states.
#[mini_api("aCaller")]
pub async fn a_caller(app: AppInfo, web_view: WebViewId, api: tcmpp_core::ApiName) -> Value {
    json!({ "app": app, "webviewId": web_view.0, "api": api.0 })
}

/// Waits for a Tokio timer before it answers: a synchronous call cannot wait for it, and says
/// so, whether or not a runtime is there for its first poll.
#[mini_api("aSleepy")]
pub async fn a_sleepy() -> Value {
    tokio::time::sleep(Duration::from_millis(1)).await;
    json!({ "slept": true })
}

/// How many tasks `aSpawns` spawned have run.
static SPAWNED_RAN: AtomicU64 = AtomicU64::new(0);

/// Spawns a Tokio task and answers at once: a synchronous call works where the first poll runs
/// inside a runtime, and the task runs there.
#[mini_api("aSpawns")]
pub async fn a_spawns() -> Value {
    drop(tokio::spawn(async {
        SPAWNED_RAN.fetch_add(1, Ordering::SeqCst);
    }));
    json!({ "spawned": true })
}

/// How many tasks `aSpawns` spawned have run.
#[mini_api("aSpawnedRan")]
pub fn a_spawned_ran() -> Value {
    json!({ "ran": SPAWNED_RAN.load(Ordering::SeqCst) })
}
