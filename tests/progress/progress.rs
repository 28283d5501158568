//! Progress events: a handler's intermediate results reach the host's sink in order, before
//! the reply, and never after it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tcmpp_core::progress::{Delivery, ProgressError, ProgressEvent};
use tcmpp_core::reply::{Rendering, ReplyKind};
use tcmpp_core::{Caller, MiniApiCall, Progress, Registry, Wire, mini_api};

/// What a host saw, in order: progress events and the reply.
type Journal = Arc<Mutex<Vec<String>>>;

fn recording_sink(journal: &Journal) -> impl Fn(ProgressEvent<'_>) + Clone + Send + Sync + 'static {
    let journal = journal.clone();
    move |event| {
        journal.lock().unwrap().push(format!(
            "{} {} {}",
            event.api_name,
            event.state_event.unwrap_or("-"),
            event.payload_json()
        ));
    }
}

#[mini_api("progressSteps")]
async fn progress_steps(progress: Progress) -> Result<serde_json::Value, ProgressError> {
    for step in 1..=3 {
        progress.send(json!({ "step": step }))?;
        tokio::task::yield_now().await;
    }
    Ok(json!({ "done": true }))
}

#[mini_api("progressSyncSteps")]
fn progress_sync_steps(progress: Progress) -> Result<(), ProgressError> {
    progress.send(json!({ "step": "a" }))?;
    progress.send(())?;
    Ok(())
}

/// Keeps the handler's `Progress` after the handler has answered.
static KEPT: Mutex<Option<Progress>> = Mutex::new(None);

#[mini_api("progressKept")]
async fn progress_kept(progress: Progress) -> serde_json::Value {
    let open = progress.is_open();
    *KEPT.lock().unwrap() = Some(progress);
    json!({ "openWhileRunning": open })
}

#[mini_api("progressReport")]
async fn progress_report(progress: Progress) -> serde_json::Value {
    // A map whose keys are not strings has no JSON form: the one payload `send` refuses.
    let unserializable = progress
        .send(BTreeMap::from([(vec![1_u8], 1)]))
        .unwrap_err();
    let sent = progress.send(json!({ "ok": 1 }));
    let sent_array = progress.send(json!([1, 2]));
    json!({
        "unserializable": unserializable.to_string(),
        "sent": format!("{sent:?}"),
        "sentArray": format!("{sent_array:?}"),
        "open": progress.is_open(),
    })
}

fn registry() -> Registry {
    Registry::builder().build().expect("the registry builds")
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn events_arrive_in_order_before_the_reply() {
    let registry = registry();
    let journal = Journal::default();
    // The host states the call's stateEvent, as its SDK knows it.
    let reply = block_on(
        registry
            .call(r#"{"stateEvent":"evt7","api_name":"progressSteps","data":{},"webviewId":1}"#)
            .caller(&Caller::new().with_state_event("evt7").with_web_view_id(1))
            .progress(recording_sink(&journal))
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.kind, ReplyKind::Success);
    journal
        .lock()
        .unwrap()
        .push(format!("reply {}", reply.text));
    assert_eq!(
        *journal.lock().unwrap(),
        [
            r#"progressSteps evt7 {"step":1}"#,
            r#"progressSteps evt7 {"step":2}"#,
            r#"progressSteps evt7 {"step":3}"#,
            r#"reply {"done":true,"errMsg":"progressSteps:ok"}"#,
        ]
    );
}

#[test]
fn a_plain_fn_handler_sends_progress_during_a_sync_dispatch() {
    let registry = registry();
    let journal = Journal::default();
    let reply = registry
        .call(MiniApiCall::new(
            "progressSyncSteps",
            serde_json::Value::Null,
        ))
        .progress(recording_sink(&journal))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
    // A call built by hand carries no stateEvent unless the host gives it one.
    assert_eq!(
        *journal.lock().unwrap(),
        [
            r#"progressSyncSteps - {"step":"a"}"#,
            "progressSyncSteps - null"
        ]
    );
    journal.lock().unwrap().clear();
    // The caller stated beside the call gives it one; in every rendering.
    let caller = Caller::new().with_state_event("stated");
    let reply = registry
        .call(MiniApiCall::new(
            "progressSyncSteps",
            serde_json::Value::Null,
        ))
        .caller(&caller)
        .progress(recording_sink(&journal))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
    let reply = registry
        .call(MiniApiCall::new(
            "progressSyncSteps",
            serde_json::Value::Null,
        ))
        .caller(&caller)
        .progress(recording_sink(&journal))
        .rendered(Rendering::Bare)
        .now_or_fail();
    assert_eq!(
        (reply.kind, reply.text.as_str()),
        (ReplyKind::Success, "{}")
    );
    assert_eq!(
        *journal.lock().unwrap(),
        [
            r#"progressSyncSteps stated {"step":"a"}"#,
            "progressSyncSteps stated null",
            r#"progressSyncSteps stated {"step":"a"}"#,
            "progressSyncSteps stated null",
        ]
    );
}

#[test]
fn the_state_event_in_call_text_is_believed_only_when_the_host_says_so() {
    let registry = registry();
    let text = r#"{"api_name":"progressSyncSteps","stateEvent":"fromText"}"#;
    let journal = Journal::default();
    // Untrusted text: its stateEvent is ignored.
    let reply = registry
        .call(text)
        .progress(recording_sink(&journal))
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(reply.text, r#"{"errMsg":"progressSyncSteps:ok"}"#);
    // The host's own SDK rendered the text.
    let reply = registry
        .call(text)
        .caller(&Caller::trust_call_text())
        .progress(recording_sink(&journal))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
    // What the host states wins over the text's.
    let reply = registry
        .call(text.as_bytes())
        .caller(&Caller::trust_call_text().with_state_event("stated"))
        .progress(recording_sink(&journal))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
    // A legacy call carries none: its keys are data.
    let reply = registry
        .call(r#"{"stateEvent":"inData"}"#)
        .wire(Wire::Legacy("progressSyncSteps"))
        .caller(&Caller::trust_call_text())
        .progress(recording_sink(&journal))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
    assert_eq!(
        *journal.lock().unwrap(),
        [
            r#"progressSyncSteps - {"step":"a"}"#,
            "progressSyncSteps - null",
            r#"progressSyncSteps fromText {"step":"a"}"#,
            "progressSyncSteps fromText null",
            r#"progressSyncSteps stated {"step":"a"}"#,
            "progressSyncSteps stated null",
            r#"progressSyncSteps - {"step":"a"}"#,
            "progressSyncSteps - null",
        ]
    );
    // The text's stateEvent is still checked for its type.
    let reply = registry
        .call(r#"{"api_name":"progressSyncSteps","stateEvent":7}"#)
        .progress(recording_sink(&journal))
        .reply()
        .now_or_fail();
    assert_eq!(
        reply.failure().map(|failure| failure.message()),
        Some("invalid call: `stateEvent` must be a string, found a number")
    );
    assert_eq!(journal.lock().unwrap().len(), 8);
}

#[test]
fn an_event_sent_after_the_reply_is_refused_not_delivered() {
    let registry = registry();
    let journal = Journal::default();
    let reply = block_on(
        registry
            .call(r#"{"api_name":"progressKept","stateEvent":"k"}"#)
            .progress(recording_sink(&journal))
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["openWhileRunning"], true);
    let kept = KEPT
        .lock()
        .unwrap()
        .take()
        .expect("the handler kept its Progress");
    assert!(!kept.is_open());
    assert_eq!(
        kept.send(json!({ "late": true })),
        Err(ProgressError::Closed)
    );
    assert!(journal.lock().unwrap().is_empty());
}

#[test]
fn progress_without_a_sink_is_dropped_not_an_error() {
    let registry = registry();
    let reply = block_on(registry.call(r#"{"api_name":"progressReport"}"#).reply());
    let result = reply.result().expect("a success");
    assert_eq!(result["sent"], "Ok(NoListener)");
    assert_eq!(result["sentArray"], "Ok(NoListener)");
    assert_eq!(result["open"], false);
    assert_eq!(
        result["unserializable"],
        "invalid progress payload: key must be a string"
    );
    // With a sink, the same sends are delivered, an array included.
    let journal = Journal::default();
    let reply = block_on(
        registry
            .call(r#"{"api_name":"progressReport"}"#)
            .progress(recording_sink(&journal))
            .reply(),
    );
    let result = reply.result().expect("a success");
    assert_eq!(result["sent"], "Ok(Delivered)");
    assert_eq!(result["open"], true);
    assert_eq!(
        *journal.lock().unwrap(),
        [r#"progressReport - {"ok":1}"#, "progressReport - [1,2]"]
    );
}

#[test]
fn a_handler_that_uses_question_mark_on_send_is_not_failed_when_nobody_listens() {
    let registry = registry();
    // `progressSteps` propagates a send error with `?`: with no sink nothing is an error (the
    // web-view JS SDK's calls never have a progress callback), so the call succeeds.
    let reply = block_on(registry.dispatch_json(r#"{"api_name":"progressSteps"}"#));
    assert_eq!(reply, r#"{"done":true,"errMsg":"progressSteps:ok"}"#);
}

/// iOS's `doSubscribe` in Tencent's demo: nine string states, `"1"` to `"9"`, then the reply.
#[mini_api("iosSubscribe")]
async fn ios_subscribe(progress: Progress<String>) -> Result<serde_json::Value, ProgressError> {
    let mut delivered = 0;
    for state in 1..=9 {
        if progress.send(state.to_string())?.is_delivered() {
            delivered += 1;
        }
    }
    Ok(json!({ "delivered": delivered }))
}

#[test]
fn string_progress_as_ios_sends_it_arrives_in_order_through_both_entries() {
    let registry = registry();
    let caller = Caller::new().with_state_event("onSubscribe");
    let expected: Vec<String> = (1..=9)
        .map(|state| format!(r#"iosSubscribe onSubscribe "{state}""#))
        .collect();
    // The JSON entry.
    let journal = Journal::default();
    let reply = block_on(
        registry
            .call(r#"{"stateEvent":"onSubscribe","api_name":"iosSubscribe","webviewId":4}"#)
            .caller(&caller)
            .progress(recording_sink(&journal))
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.text, r#"{"delivered":9,"errMsg":"iosSubscribe:ok"}"#);
    assert_eq!(*journal.lock().unwrap(), expected);
    // The typed entry.
    let journal = Journal::default();
    let reply = block_on(
        registry
            .call(MiniApiCall::new("iosSubscribe", serde_json::Value::Null))
            .caller(&caller)
            .progress(recording_sink(&journal))
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["delivered"], 9);
    assert_eq!(*journal.lock().unwrap(), expected);
    // Nobody listens: all nine are dropped, and the call succeeds.
    let reply = block_on(registry.dispatch_json(r#"{"api_name":"iosSubscribe"}"#));
    assert_eq!(reply, r#"{"delivered":0,"errMsg":"iosSubscribe:ok"}"#);
}

#[test]
fn delivery_says_whether_the_sink_took_the_event() {
    assert!(Delivery::Delivered.is_delivered());
    assert!(!Delivery::NoListener.is_delivered());
}

#[test]
fn each_call_has_its_own_channel() {
    let registry = registry();
    let journal = Journal::default();
    // One sink for both calls; the host's SDK rendered their text, stateEvent included.
    let sink = recording_sink(&journal);
    let dispatch = |text: &str| {
        block_on(
            registry
                .call(text)
                .caller(&Caller::trust_call_text())
                .progress(sink.clone())
                .rendered(Rendering::Callback),
        )
        .text
    };
    // The first call is answered (and its channel closed) before the second starts.
    let first = dispatch(r#"{"api_name":"progressSteps","stateEvent":"one"}"#);
    let second = dispatch(r#"{"api_name":"progressSteps","stateEvent":"two"}"#);
    assert!(first.contains(":ok") && second.contains(":ok"));
    let journal = journal.lock().unwrap();
    assert_eq!(journal.len(), 6);
    assert!(journal[..3].iter().all(|line| line.contains(" one ")));
    assert!(journal[3..].iter().all(|line| line.contains(" two ")));
}

/// Keeps the `Progress` of a handler that never answers.
static KEPT_BY_STUCK: Mutex<Option<Progress>> = Mutex::new(None);

#[mini_api("progressStuck")]
async fn progress_stuck(progress: Progress) {
    *KEPT_BY_STUCK.lock().unwrap() = Some(progress);
    std::future::pending::<()>().await;
}

#[test]
fn a_dropped_reply_future_closes_the_channel() {
    let registry = registry();
    let journal = Journal::default();
    let mut future = Box::pin(
        registry
            .call(r#"{"api_name":"progressStuck"}"#)
            .progress(recording_sink(&journal))
            .rendered(Rendering::Callback),
    );
    // Run the handler until it waits, then give up on the call (a host timeout, say).
    let waker = std::task::Waker::noop();
    let polled = future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(waker));
    assert!(polled.is_pending());
    let kept = KEPT_BY_STUCK
        .lock()
        .unwrap()
        .take()
        .expect("the handler kept its Progress");
    assert!(kept.is_open());
    drop(future);
    assert_eq!(kept.send(json!({})), Err(ProgressError::Closed));
    assert!(journal.lock().unwrap().is_empty());
}

/// Keeps the `Progress` of a handler that times out.
static KEPT_BY_SLOW: Mutex<Option<Progress>> = Mutex::new(None);

#[mini_api("progressSlow", timeout_ms = 20)]
async fn progress_slow(progress: Progress) {
    progress.send(json!({ "started": true })).unwrap();
    *KEPT_BY_SLOW.lock().unwrap() = Some(progress);
    std::future::pending::<()>().await;
}

#[test]
fn a_timed_out_call_refuses_later_events() {
    let registry = registry();
    let journal = Journal::default();
    let reply = block_on(
        registry
            .call(r#"{"api_name":"progressSlow","stateEvent":"s"}"#)
            .caller(&Caller::new().with_state_event("s"))
            .progress(recording_sink(&journal))
            .rendered(Rendering::Callback),
    );
    assert_eq!(
        reply.text,
        r#"{"errMsg":"progressSlow:fail timeout after 20 ms"}"#
    );
    let kept = KEPT_BY_SLOW
        .lock()
        .unwrap()
        .take()
        .expect("the handler kept its Progress");
    assert_eq!(
        kept.send(json!({ "late": true })),
        Err(ProgressError::Closed)
    );
    assert_eq!(
        *journal.lock().unwrap(),
        [r#"progressSlow s {"started":true}"#]
    );
}

#[mini_api("progressAtOnce")]
async fn progress_at_once(progress: Progress) -> Result<serde_json::Value, ProgressError> {
    progress.send(json!({ "step": 1 }))?;
    Ok(json!({ "done": true }))
}

/// Keeps the `Progress` of a handler that waits, as a synchronous call polls it once.
static KEPT_BY_WAITING: Mutex<Option<Progress>> = Mutex::new(None);

#[mini_api("progressThenWait")]
async fn progress_then_wait(progress: Progress) {
    progress.send(json!({ "before": "waiting" })).unwrap();
    *KEPT_BY_WAITING.lock().unwrap() = Some(progress);
    std::future::pending::<()>().await;
}

#[test]
fn an_async_handler_done_on_its_first_poll_sends_progress_during_a_sync_call() {
    let registry = registry();
    let journal = Journal::default();
    let reply = registry
        .call(r#"{"api_name":"progressAtOnce"}"#)
        .caller(&Caller::new().with_state_event("now"))
        .progress(recording_sink(&journal))
        .rendered(Rendering::Callback)
        .now_or_fail();
    journal
        .lock()
        .unwrap()
        .push(format!("reply {}", reply.text));
    assert_eq!(
        *journal.lock().unwrap(),
        [
            r#"progressAtOnce now {"step":1}"#,
            r#"reply {"done":true,"errMsg":"progressAtOnce:ok"}"#,
        ]
    );
}

#[test]
fn a_sync_call_that_drops_a_waiting_handler_closes_its_channel() {
    let registry = registry();
    let journal = Journal::default();
    let reply = registry
        .call(MiniApiCall::new(
            "progressThenWait",
            serde_json::Value::Null,
        ))
        .caller(&Caller::new().with_state_event("w"))
        .progress(recording_sink(&journal))
        .reply()
        .now_or_fail();
    assert_eq!(
        reply.failure().map(|failure| failure.message()),
        Some(
            "this API is asynchronous and did not answer at once, so it cannot answer a synchronous call: call it without `sync: true`"
        )
    );
    let kept = KEPT_BY_WAITING
        .lock()
        .unwrap()
        .take()
        .expect("the handler kept its Progress");
    assert!(!kept.is_open());
    assert_eq!(
        kept.send(json!({ "late": true })),
        Err(ProgressError::Closed)
    );
    // What it sent on its first poll arrived, before the fail reply.
    assert_eq!(
        *journal.lock().unwrap(),
        [r#"progressThenWait w {"before":"waiting"}"#]
    );
}
