//! 100,000 calls from several threads and tasks at once, mixing success, failure, panic and
//! timeout: every call gets exactly one reply, and it is the reply to that call.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tcmpp_core::reply::FailureKind;
use tcmpp_core::{ApiError, MiniApiCall, Registry, Reply, mini_api};

const CALLS: usize = 100_000;
const THREADS: usize = 4;
/// Calls `0..THREADED` go through OS threads with a blocking executor, the rest through tokio tasks.
const THREADED: usize = 40_000;
const PANIC_MARKER: &str = "deliberate panic from the concurrency test";

#[derive(Deserialize)]
struct Work {
    id: u64,
}

#[mini_api("work", timeout_ms = 5)]
async fn work(work: Work) -> Result<Value, ApiError> {
    match expected_kind(work.id) {
        Kind::Success => Ok(json!({ "id": work.id })),
        Kind::Fail => {
            Err(ApiError::new(format!("call {} failed", work.id)).with_code(work.id as i64))
        }
        Kind::Panic => panic!("{PANIC_MARKER}"),
        Kind::Timeout => {
            futures_timer::Delay::new(Duration::from_secs(5)).await;
            Ok(json!({ "id": work.id, "late": true }))
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Success,
    Fail,
    Panic,
    Timeout,
}

fn expected_kind(id: u64) -> Kind {
    match id % 50 {
        0 => Kind::Timeout,
        1..=12 => Kind::Panic,
        13..=30 => Kind::Fail,
        _ => Kind::Success,
    }
}

fn check(id: u64, reply: &Reply) {
    match (expected_kind(id), reply) {
        (Kind::Success, Reply::Success(map)) => assert_eq!(map["id"], json!(id)),
        (Kind::Fail, Reply::Fail(failure)) => {
            assert_eq!(failure.kind(), FailureKind::Handler);
            assert_eq!(failure.message(), format!("call {id} failed"));
            assert_eq!(failure.code(), Some(id as i64));
        }
        (Kind::Panic, Reply::Fail(failure)) => assert_eq!(failure.kind(), FailureKind::Panic),
        (Kind::Timeout, Reply::Fail(failure)) => {
            assert_eq!(
                (failure.kind(), failure.message()),
                (FailureKind::Timeout, "timeout after 5 ms")
            );
        }
        (kind, reply) => panic!("call {id}: expected {kind:?}, got {reply:?}"),
    }
}

fn silence_deliberate_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let deliberate = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|message| message == PANIC_MARKER);
        if !deliberate {
            default_hook(info);
        }
    }));
}

#[test]
fn every_call_gets_exactly_its_own_reply() {
    silence_deliberate_panics();
    let registry = Registry::builder().build().unwrap();
    let replies: Arc<Vec<AtomicU8>> = Arc::new((0..CALLS).map(|_| AtomicU8::new(0)).collect());
    let record = |replies: &[AtomicU8], id: u64, reply: &Reply| {
        check(id, reply);
        replies[id as usize].fetch_add(1, Ordering::SeqCst);
    };

    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let registry = registry.clone();
            let replies = replies.clone();
            scope.spawn(move || {
                for id in (thread..THREADED).step_by(THREADS) {
                    let id = id as u64;
                    // Half as parsed calls, half as JSON text.
                    let reply = if id % 2 == 0 {
                        futures_executor::block_on(
                            registry
                                .call(MiniApiCall::new("work", json!({ "id": id })))
                                .reply(),
                        )
                    } else {
                        let text = format!(r#"{{"api_name":"work","data":{{"id":{id}}}}}"#);
                        futures_executor::block_on(registry.call(&text).reply())
                    };
                    record(&replies, id, &reply);
                }
            });
        }

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut tasks = tokio::task::JoinSet::new();
            for id in THREADED..CALLS {
                let registry = registry.clone();
                tasks.spawn(async move {
                    let id = id as u64;
                    (
                        id,
                        registry
                            .call(MiniApiCall::new("work", json!({ "id": id })))
                            .await,
                    )
                });
            }
            while let Some(joined) = tasks.join_next().await {
                let (id, reply) = joined.expect("dispatch never panics");
                record(&replies, id, &reply);
            }
        });
    });

    let lost: Vec<usize> = (0..CALLS)
        .filter(|&id| replies[id].load(Ordering::SeqCst) == 0)
        .collect();
    let duplicated: Vec<usize> = (0..CALLS)
        .filter(|&id| replies[id].load(Ordering::SeqCst) > 1)
        .collect();
    assert!(
        lost.is_empty(),
        "{} calls got no reply, first {:?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
    assert!(
        duplicated.is_empty(),
        "{} calls got several replies",
        duplicated.len()
    );
}
