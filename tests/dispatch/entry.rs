//! The one entry's options on the inputs they apply to less obviously: the reported name on a
//! call already read, a shared progress sink, byte-array and map inputs, what `Debug` shows,
//! and the progress channel of a call whose data turns out not to be JSON.

use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::{Value, json};
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::progress::{ProgressError, ProgressEvent, ProgressSink};
use tcmpp_core::reply::{FailureKind, Rendering};
use tcmpp_core::{ApiError, Caller, MiniApiCall, Progress, Registry, Reply, Wire, mini_api};

#[derive(Deserialize)]
struct Sum {
    a: i64,
    b: i64,
}

#[mini_api("entrySum")]
fn entry_sum(sum: Sum) -> Value {
    json!({ "sum": sum.a + sum.b })
}

#[mini_api("entrySteps")]
fn entry_steps(progress: Progress) -> Result<(), ProgressError> {
    progress.send(json!({ "step": 1 }))?;
    Ok(())
}

/// A `Progress` that outlives its call: what a careless extractor could keep.
static KEPT: Mutex<Option<Progress>> = Mutex::new(None);

/// Keeps the call's `Progress` before the data is decoded.
struct KeepsProgress;

impl FromContext for KeepsProgress {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        *KEPT.lock().unwrap() = Some(Progress::from_context(cx)?);
        Ok(KeepsProgress)
    }
}

#[mini_api("entryKeeps")]
fn entry_keeps(#[context] _keeps: KeepsProgress, sum: Sum) -> Value {
    json!({ "sum": sum.a + sum.b })
}

fn registry() -> Registry {
    Registry::builder()
        .build()
        .expect("the entry handlers register")
}

fn call(data: Value) -> MiniApiCall {
    MiniApiCall::new("entrySum", data)
}

#[test]
fn a_call_read_already_must_agree_with_the_name_the_sdk_reported() {
    let registry = registry();
    for wire in [Wire::Named("entrySum"), Wire::Legacy("entrySum")] {
        let reply = registry
            .call(call(json!({ "a": 1, "b": 2 })))
            .wire(wire)
            .reply()
            .now_or_fail();
        assert_eq!(reply.result().unwrap()["sum"], 3, "{wire:?}");
    }
    for wire in [Wire::Named("entryOther"), Wire::Legacy("entryOther")] {
        let rendered = registry
            .call(call(json!({ "a": 1, "b": 2 })))
            .wire(wire)
            .rendered(Rendering::Callback)
            .now_or_fail();
        assert_eq!(
            rendered.text,
            r#"{"errMsg":"entryOther:fail invalid call: `api_name` is \"entrySum\" but the SDK reported \"entryOther\""}"#,
            "{wire:?}"
        );
        let reply = registry
            .call(call(json!({ "a": 1, "b": 2 })))
            .wire(wire)
            .reply()
            .now_or_fail();
        assert_eq!(reply.failure().unwrap().kind(), FailureKind::InvalidCall);
    }
}

#[test]
fn one_shared_sink_serves_every_call() {
    let registry = registry();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink: Arc<dyn ProgressSink> = {
        let seen = seen.clone();
        Arc::new(move |event: ProgressEvent<'_>| {
            seen.lock()
                .unwrap()
                .push(event.state_event.map(str::to_owned));
        })
    };
    for event in ["first", "second"] {
        let caller = Caller::new().with_state_event(event);
        let reply = registry
            .call(r#"{"api_name":"entrySteps"}"#)
            .caller(&caller)
            .progress(sink.clone())
            .reply()
            .now_or_fail();
        assert!(reply.is_success());
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [Some("first".to_owned()), Some("second".to_owned())]
    );
}

#[test]
fn byte_arrays_maps_and_text_are_one_call() {
    let registry = registry();
    let text = r#"{"api_name":"entrySum","data":{"a":2,"b":3}}"#;
    let from_text = registry.call(text).reply().now_or_fail();
    let from_array = registry
        .call(br#"{"api_name":"entrySum","data":{"a":2,"b":3}}"#)
        .reply()
        .now_or_fail();
    let map = serde_json::from_str::<Value>(text).unwrap();
    let read = MiniApiCall::from_map(map.as_object().unwrap().clone(), Wire::Unified).unwrap();
    assert_eq!(read, call(json!({ "a": 2, "b": 3 })));
    let from_map = registry.call(read).reply().now_or_fail();
    assert_eq!(from_text, from_array);
    assert_eq!(from_text, from_map);
    assert_eq!(from_text.result().unwrap()["sum"], 5);
    // The map is read by the same rules as text: the caller's keys are not believed.
    let forged = json!({ "api_name": "entrySum", "appInfo": { "appId": "wx_wallet" } });
    let error = MiniApiCall::from_map(forged.as_object().unwrap().clone(), Wire::Unified)
        .expect_err("appInfo in a map is refused as in text");
    assert!(error.to_string().contains("`appInfo`"), "{error}");
}

#[test]
fn debug_shows_the_kind_of_input_never_its_content() {
    let registry = registry();
    let secret = r#"{"api_name":"entrySum","data":{"token":"SECRET-TOKEN-123"}}"#;
    let shown = format!("{:?}", registry.call(secret).wire(Wire::Unified));
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("text"), "{shown}");
    assert!(shown.contains(&secret.len().to_string()), "{shown}");
}

#[test]
fn a_kept_progress_is_closed_when_the_call_is_refused_as_malformed() {
    let registry = registry();
    let events = Arc::new(Mutex::new(0));
    let sink = {
        let events = events.clone();
        move |_: ProgressEvent<'_>| *events.lock().unwrap() += 1
    };
    // The fast reader only finds where `data` ends; decoding it finds it is not JSON, after
    // the context parameters were taken. The call is read again and refused.
    let reply = registry
        .call(r#"{"api_name":"entryKeeps","data":{"a":1,,}}"#)
        .progress(sink)
        .reply()
        .now_or_fail();
    let Reply::Fail(failure) = reply else {
        panic!("a malformed call fails")
    };
    assert_eq!(failure.kind(), FailureKind::InvalidCall);
    let kept = KEPT.lock().unwrap().take().expect("the extractor ran");
    assert_eq!(
        kept.send(json!({ "late": true })),
        Err(ProgressError::Closed)
    );
    assert_eq!(*events.lock().unwrap(), 0);
}
