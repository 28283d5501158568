//! Synchronous calls (`sync: true`): `now_or_fail` answers at once, without an executor. A
//! plain-`fn` handler answers; an `async fn` handler is polled once, eagerly, and answers when
//! its future is done on that poll; one that waits is dropped, its body never continued, and
//! the call gets a fail reply.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};
use tcmpp_core::reply::{FailureKind, RenderedReply, Rendering, ReplyKind};
use tcmpp_core::{MiniApiCall, Registry, Reply, State, mini_api};

#[derive(Deserialize)]
struct Sum {
    a: i64,
    b: i64,
}

#[mini_api("syncSum")]
fn sync_sum(sum: Sum) -> serde_json::Value {
    json!({ "sum": sum.a + sum.b })
}

/// Done on its first poll: what it awaits never waits.
#[mini_api("readyAsync")]
async fn ready_async(sum: Sum) -> serde_json::Value {
    let sum = std::future::ready(sum.a + sum.b).await;
    json!({ "sum": sum })
}

static ASYNC_BODY_RAN: AtomicBool = AtomicBool::new(false);

#[mini_api("asyncOnly")]
async fn async_only() {
    ASYNC_BODY_RAN.store(true, Ordering::SeqCst);
}

/// What the waiting handlers record: how often their body started, went on past the point
/// where it waits, and had its future dropped.
#[derive(Default)]
struct Probes {
    started: AtomicUsize,
    continued: AtomicUsize,
    dropped: AtomicUsize,
}

/// Records the drop of the future that holds it.
struct DropGuard(State<Probes>);

impl DropGuard {
    fn new(probes: &State<Probes>) -> Self {
        probes.started.fetch_add(1, Ordering::SeqCst);
        DropGuard(probes.clone())
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

#[mini_api("waitsForever")]
async fn waits_forever(probes: State<Probes>) {
    let _guard = DropGuard::new(&probes);
    std::future::pending::<()>().await;
    probes.continued.fetch_add(1, Ordering::SeqCst);
}

/// Waits on tokio's timer, which needs a tokio runtime.
#[mini_api("sleepsOnTokio")]
async fn sleeps_on_tokio(probes: State<Probes>) {
    let _guard = DropGuard::new(&probes);
    tokio::time::sleep(Duration::from_secs(10)).await;
    probes.continued.fetch_add(1, Ordering::SeqCst);
}

/// Waits on the runtime-independent timer.
#[mini_api("sleepsOnTimer")]
async fn sleeps_on_timer(probes: State<Probes>) {
    let _guard = DropGuard::new(&probes);
    futures_timer::Delay::new(Duration::from_secs(10)).await;
    probes.continued.fetch_add(1, Ordering::SeqCst);
}

#[mini_api("panicsAtOnce")]
async fn panics_at_once() -> serde_json::Value {
    panic!("deliberate panic on the first poll")
}

/// The reason an `async fn` handler that waits fails a synchronous call.
const NOT_SYNC: &str = "this API is asynchronous and did not answer at once, so it cannot answer a synchronous call: call it without `sync: true`";

const PANICKED: &str = "internal error: the handler panicked";

fn registry() -> Registry {
    Registry::builder()
        .state(Probes::default())
        .build()
        .expect("the registry builds")
}

/// A registry and the probes its handlers record into.
fn probed() -> (Registry, Arc<Probes>) {
    let probes = Arc::new(Probes::default());
    let registry = Registry::builder()
        .shared_state(probes.clone())
        .build()
        .expect("the registry builds");
    (registry, probes)
}

/// How a rendered reply ended, and its text.
fn parts(rendered: &RenderedReply) -> (ReplyKind, &str) {
    (rendered.kind, rendered.text.as_str())
}

fn counts(probes: &Probes) -> (usize, usize, usize) {
    (
        probes.started.load(Ordering::SeqCst),
        probes.continued.load(Ordering::SeqCst),
        probes.dropped.load(Ordering::SeqCst),
    )
}

/// A call of `api` with `data`, answered synchronously in every form it can take: a `Reply`,
/// the callback and the bare rendering, and `dispatch_json`'s callback text.
struct SyncAnswers {
    reply: Reply,
    callback: RenderedReply,
    bare: RenderedReply,
    text: String,
}

fn answer_sync(registry: &Registry, api: &str, data: Value) -> SyncAnswers {
    let text = json!({ "api_name": api, "data": data }).to_string();
    SyncAnswers {
        reply: registry
            .call(MiniApiCall::new(api, data))
            .reply()
            .now_or_fail(),
        callback: registry
            .call(&text)
            .rendered(Rendering::Callback)
            .now_or_fail(),
        bare: registry.call(&text).rendered(Rendering::Bare).now_or_fail(),
        text: registry.dispatch_json(&text).now_or_fail(),
    }
}

/// Asserts that every form of a synchronous answer is the fail reply of `kind` with `message`.
fn assert_failed_sync(answers: &SyncAnswers, api: &str, kind: FailureKind, message: &str) {
    let failure = answers.reply.failure().expect("a fail reply");
    assert_eq!(
        (failure.kind(), failure.message()),
        (kind, message),
        "{api}"
    );
    let callback = json!({ "errMsg": format!("{api}:fail {message}") }).to_string();
    assert_eq!(
        parts(&answers.callback),
        (ReplyKind::Fail, callback.as_str()),
        "{api}"
    );
    assert_eq!(answers.text, callback, "{api}");
    assert_eq!(answers.bare.kind, ReplyKind::Fail, "{api}");
    assert_eq!(
        answers.bare.text,
        json!({ "message": message }).to_string(),
        "{api}"
    );
}

#[test]
fn a_plain_fn_handler_answers_a_sync_call_at_once() {
    let registry = registry();
    let reply = registry
        .call(MiniApiCall::new("syncSum", json!({ "a": 2, "b": 40 })))
        .reply()
        .now_or_fail();
    assert_eq!(reply.result().unwrap()["sum"], 42);
    assert_eq!(
        registry
            .dispatch_json(r#"{"api_name":"syncSum","data":{"a":1,"b":1}}"#)
            .now_or_fail(),
        r#"{"sum":2,"errMsg":"syncSum:ok"}"#
    );
    let bare = registry
        .call(r#"{"api_name":"syncSum","data":{"a":1}}"#)
        .reply()
        .now_or_fail();
    assert_eq!(bare.failure().unwrap().kind(), FailureKind::InvalidData);
    let rendered = registry
        .call(r#"{"api_name":"syncSum","data":{"a":1}}"#)
        .rendered(Rendering::Bare)
        .now_or_fail();
    assert_eq!(
        parts(&rendered),
        (
            ReplyKind::Fail,
            r#"{"message":"invalid data: missing field `b`"}"#
        )
    );
}

/// An `async fn` handler that is done on its first poll answered a synchronous call with a
/// fail reply before the eager first poll; now it answers, and its body runs.
#[test]
fn an_async_handler_done_on_its_first_poll_answers_a_sync_call() {
    let registry = registry();
    let rendered = registry
        .dispatch_json(r#"{"api_name":"asyncOnly"}"#)
        .now_or_fail();
    assert_eq!(rendered, r#"{"errMsg":"asyncOnly:ok"}"#);
    assert!(ASYNC_BODY_RAN.load(Ordering::SeqCst));
    let reply = registry
        .call(MiniApiCall::new("asyncOnly", serde_json::Value::Null))
        .reply()
        .now_or_fail();
    assert_eq!(reply, Reply::Success(serde_json::Map::new()));
}

#[test]
fn an_async_handler_done_on_its_first_poll_answers_in_every_form() {
    let registry = registry();
    let answers = answer_sync(&registry, "readyAsync", json!({ "a": 2, "b": 40 }));
    assert_eq!(answers.reply.result().unwrap()["sum"], 42);
    assert_eq!(
        parts(&answers.callback),
        (ReplyKind::Success, r#"{"sum":42,"errMsg":"readyAsync:ok"}"#)
    );
    assert_eq!(answers.text, answers.callback.text);
    assert_eq!(parts(&answers.bare), (ReplyKind::Success, r#"{"sum":42}"#));
    // Each rendering is the `Reply`'s: the bare text exactly; the callback object too, but
    // the rendered text writes `errMsg` last where the `Reply`'s map sorts it among the keys.
    let parse = |text: &str| serde_json::from_str::<Value>(text).expect("JSON");
    assert_eq!(
        parse(&answers.callback.text),
        parse(&answers.reply.to_callback_json("readyAsync"))
    );
    assert_eq!(answers.bare.text, answers.reply.to_bare_json());
    // Its data is decoded before the poll: data that does not fit fails as usual.
    let answers = answer_sync(&registry, "readyAsync", json!({ "a": 2 }));
    assert_failed_sync(
        &answers,
        "readyAsync",
        FailureKind::InvalidData,
        "invalid data: missing field `b`",
    );
}

#[test]
fn try_now_does_not_poll_but_now_or_fail_does() {
    let registry = registry();
    let future = registry
        .call(r#"{"api_name":"readyAsync","data":{"a":1,"b":2}}"#)
        .rendered(Rendering::Callback);
    assert_eq!(future.prefix(), "readyAsync");
    let mut future = future;
    assert!(
        future.try_now().is_none(),
        "an async fn's reply is not known before it is polled"
    );
    assert_eq!(
        future.now_or_fail().text,
        r#"{"sum":3,"errMsg":"readyAsync:ok"}"#
    );
}

#[test]
fn an_async_handler_that_waits_fails_a_sync_call_and_is_dropped() {
    let (registry, probes) = probed();
    let answers = answer_sync(&registry, "waitsForever", Value::Null);
    assert_failed_sync(
        &answers,
        "waitsForever",
        FailureKind::NotSynchronous,
        NOT_SYNC,
    );
    // Four calls: each body started, waited, and had its future dropped, never to go on.
    assert_eq!(counts(&probes), (4, 0, 4));
}

#[test]
fn a_sync_call_does_not_wait_for_a_timer() {
    let (registry, probes) = probed();
    let started = Instant::now();
    let answers = answer_sync(&registry, "sleepsOnTimer", Value::Null);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a sync call answers at once"
    );
    assert_failed_sync(
        &answers,
        "sleepsOnTimer",
        FailureKind::NotSynchronous,
        NOT_SYNC,
    );
    assert_eq!(counts(&probes), (4, 0, 4));
    // Nothing is left behind that continues the body later.
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(counts(&probes), (4, 0, 4));
}

#[tokio::test]
async fn a_handler_sleeping_on_tokio_fails_a_sync_call_inside_a_runtime() {
    let (registry, probes) = probed();
    let started = Instant::now();
    let answers = answer_sync(&registry, "sleepsOnTokio", Value::Null);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_failed_sync(
        &answers,
        "sleepsOnTokio",
        FailureKind::NotSynchronous,
        NOT_SYNC,
    );
    assert_eq!(counts(&probes), (4, 0, 4));
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(counts(&probes), (4, 0, 4));
    // The same handler, awaited, is polled again when its timer fires: it is not dropped
    // before its reply.
    let mut future = registry
        .call(MiniApiCall::new("sleepsOnTokio", Value::Null))
        .reply();
    let polled =
        std::future::poll_fn(|cx| std::task::Poll::Ready(std::pin::Pin::new(&mut future).poll(cx)))
            .await;
    assert!(polled.is_pending());
    assert_eq!(counts(&probes), (5, 0, 4));
    drop(future);
    assert_eq!(counts(&probes), (5, 0, 5));
}

#[test]
fn a_panic_on_the_first_poll_is_the_panic_fail_reply() {
    let registry = registry();
    let answers = answer_sync(&registry, "panicsAtOnce", Value::Null);
    assert_failed_sync(&answers, "panicsAtOnce", FailureKind::Panic, PANICKED);
    // The registry keeps serving.
    let answers = answer_sync(&registry, "readyAsync", json!({ "a": 1, "b": 1 }));
    assert!(answers.reply.is_success());
}

#[test]
fn sync_calls_that_cannot_reach_a_handler_fail_as_usual() {
    let registry = registry();
    assert_eq!(
        registry
            .dispatch_json(r#"{"api_name":"noSuchApi"}"#)
            .now_or_fail(),
        r#"{"errMsg":"noSuchApi:fail unknown API: no handler is registered for \"noSuchApi\""}"#
    );
    let broken = registry.call("{not json").reply().now_or_fail();
    assert_eq!(broken.failure().unwrap().kind(), FailureKind::InvalidCall);
    let bare = registry
        .call("{not json")
        .rendered(Rendering::Bare)
        .now_or_fail();
    assert_eq!(bare.kind, ReplyKind::Fail);
    assert!(
        bare.text
            .starts_with(r#"{"message":"invalid call: not valid JSON: "#),
        "{}",
        bare.text
    );
}
