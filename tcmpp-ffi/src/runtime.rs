//! The runtime `async fn` handlers run on: a Tokio multi-thread runtime (one worker per core,
//! threads named `tcmpp-worker`), started on the first asynchronous dispatch that needs it and
//! living until the process exits, or until the Android bridge shuts it down (its workers are
//! attached to the JVM, which waits for them to end before it exits); the next dispatch then
//! starts a new one.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::runtime::{Builder, Handle, Runtime};

/// The running runtime, if one is. A `Mutex`, not an `RwLock`: held only to clone a handle (or
/// while the first runtime starts), and the library's only `RwLock` writes were this one's and
/// the caller handles', whose contended path is code of its own.
static RUNTIME: Mutex<Option<Runtime>> = Mutex::new(None);

/// A handle to the runtime, starting it first if none runs; or why it cannot start, as the
/// whole message of the call's internal error.
pub(crate) fn handle() -> Result<Handle, String> {
    // A poisoned lock only means a panic elsewhere; the `Option` inside is still whole. Held
    // while a runtime starts, so that calls meanwhile wait for it rather than start another.
    let mut running = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(runtime) = running.as_ref() {
        return Ok(runtime.handle().clone());
    }
    // No code to drop a runtime in a library without `shutdown` (the C ABI's; about 5 KB):
    // while a runtime is a local here, nothing runs that could unwind and drop it (the builder,
    // whose drop could, is dropped last), and `running`, `None` here, is replaced without a
    // drop (forgetting `None` forgets nothing).
    let mut builder = Builder::new_multi_thread();
    builder.enable_all().thread_name("tcmpp-worker");
    let runtime = builder
        .build()
        .map_err(|error| format!("internal error: cannot start the async runtime: {error}"))?;
    // The handle taken before the runtime moves in: no search of `running` for what was just
    // put there, nor a refusal for its not being there.
    let handle = runtime.handle().clone();
    std::mem::forget(running.replace(runtime));
    Ok(handle)
}

/// Stops the runtime, if one runs: its tasks are dropped (each call still gets its one reply, a
/// fail reply) and its threads end, waiting at most `timeout` for them. Whether it stopped in
/// time.
#[cfg_attr(not(feature = "jni"), allow(dead_code))]
pub(crate) fn shutdown(timeout: Duration) -> bool {
    let runtime = RUNTIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    match runtime {
        Some(runtime) => {
            let started = std::time::Instant::now();
            runtime.shutdown_timeout(timeout);
            started.elapsed() < timeout
        }
        None => true,
    }
}
