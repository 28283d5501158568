//! Dispatch keeps nothing: after a thousand calls of every kind, each byte they allocated has
//! been freed again, the timeouts' armed and disarmed included. Its own test binary, with one
//! test, so that the allocator it counts through sees no other test's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use futures_executor::block_on;
use serde_json::{Value, json};
use tcmpp_core::{Caller, MiniApiCall, Registry, mini_api};
// `linkedEcho`: an `async fn` with struct data and a struct result.
use tcmpp_test_handlers as _;

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only a counter is added.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System.alloc`'s.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System.dealloc`'s.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
}

#[path = "../support/yield_once.rs"]
mod yield_once;
use yield_once::YieldOnce;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[mini_api("leakYield")]
async fn leak_yield() -> Value {
    YieldOnce::new().await;
    json!({ "yielded": true })
}

/// Never answers: its timeout passes, and the call fails.
#[mini_api("leakTimeout", timeout_ms = 1)]
async fn leak_timeout() {
    std::future::pending::<()>().await;
}

/// Every kind of call once: typed (with other keys, with other keys added and removed again,
/// and with data that does not fit), text (accepted, unknown API, malformed data, broken text),
/// a caller stated by the host, and two that arm a timeout: one answered before it passes, and
/// one it fails.
fn every_kind_of_call(registry: &Registry, caller: &Caller) -> usize {
    let data = json!({ "text": "kka" });
    let mut replies = 0;
    let mut with_extra = MiniApiCall::new("linkedEcho", data.clone());
    with_extra.extra.insert("from".into(), Value::from("page"));
    let mut emptied = MiniApiCall::new("linkedEcho", data.clone());
    emptied.extra.insert("from".into(), Value::from("page"));
    emptied.extra.remove("from");
    let misfit = MiniApiCall::new("linkedEcho", json!({ "text": 7 }));
    for call in [with_extra, emptied, misfit] {
        replies += usize::from(block_on(registry.call(call).caller(caller).reply()).is_success());
    }
    for text in [
        r#"{"api_name":"linkedEcho","data":{"text":"kka"},"webviewId":4}"#,
        r#"{"api_name":"noSuchApi","data":{"text":"kka"}}"#,
        r#"{"api_name":"linkedEcho","data":{"text":}}"#,
        r#"{"api_name":"linkedEcho","data""#,
    ] {
        replies += block_on(registry.dispatch_json(text)).len();
    }
    let answered = block_on(registry.dispatch_json(r#"{"api_name":"leakYield"}"#));
    assert_eq!(answered, r#"{"yielded":true,"errMsg":"leakYield:ok"}"#);
    let timed_out = block_on(registry.dispatch_json(r#"{"api_name":"leakTimeout"}"#));
    assert_eq!(
        timed_out,
        r#"{"errMsg":"leakTimeout:fail timeout after 1 ms"}"#
    );
    replies + answered.len() + timed_out.len()
}

#[test]
fn a_thousand_calls_of_every_kind_leave_nothing_allocated() {
    let registry = Registry::builder().build().expect("the handler registers");
    let caller = Caller::new().with_web_view_id(4);
    // Once first: whatever is made once and kept (lazily initialized statics) is made now.
    every_kind_of_call(&registry, &caller);
    let before = LIVE.load(Ordering::Relaxed);
    let mut replies = 0;
    for _ in 0..1_000 {
        replies += every_kind_of_call(&registry, &caller);
    }
    let after = LIVE.load(Ordering::Relaxed);
    assert!(replies > 0);
    // A leak of one byte a call would be 1,000 bytes; allow a little for the harness's own.
    assert!(
        after - before < 512,
        "{} bytes still allocated after 9,000 calls",
        after - before
    );
}
