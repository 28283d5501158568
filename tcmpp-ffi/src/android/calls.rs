//! The calls still running on the runtime, by id, so that Kotlin can cancel one: cancelling
//! drops the handler's future. An id is never reused, so cancelling a call that has been
//! answered meanwhile does nothing.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::sync::oneshot;

/// The running calls' cancel signals.
static RUNNING: LazyLock<Mutex<HashMap<i64, oneshot::Sender<()>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The next call's id; 0 means "answered at once" to Kotlin, so ids start at 1.
static NEXT_ID: AtomicI64 = AtomicI64::new(1);

/// Registers a call that goes on to the runtime: its id, and the future that is done when the
/// host cancels it.
pub(super) fn register() -> (i64, Cancelled) {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let (sender, receiver) = oneshot::channel();
    RUNNING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id, sender);
    (id, Cancelled { id, receiver })
}

/// Cancels the call `id`, if it still runs.
pub(super) fn cancel(id: i64) {
    let sender = RUNNING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&id);
    if let Some(sender) = sender {
        // The task may have ended meanwhile; then there is nothing to cancel.
        let _ = sender.send(());
    }
}

/// Done when the host cancels the call; unregisters it when dropped, that is when the call's
/// task ends either way.
pub(super) struct Cancelled {
    id: i64,
    receiver: oneshot::Receiver<()>,
}

impl Future for Cancelled {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match Pin::new(&mut self.receiver).poll(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(()),
            // The sender is dropped only by `cancel` after sending, or when unregistered below,
            // after which this is not polled: not a cancellation.
            Poll::Ready(Err(_)) | Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Cancelled {
    fn drop(&mut self) {
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_call_is_unregistered_and_an_answered_one_too() {
        let (cancelled_id, cancelled) = register();
        let (answered_id, answered) = register();
        assert_ne!(cancelled_id, answered_id);
        cancel(cancelled_id);
        assert_eq!(futures_now(cancelled), Some(()));
        drop(answered);
        let running = RUNNING.lock().unwrap();
        assert!(!running.contains_key(&cancelled_id));
        assert!(!running.contains_key(&answered_id));
    }

    /// Polls once, without a runtime.
    fn futures_now(future: Cancelled) -> Option<()> {
        let mut future = std::pin::pin!(future);
        let waker = std::task::Waker::noop();
        match future.as_mut().poll(&mut Context::from_waker(waker)) {
            Poll::Ready(()) => Some(()),
            Poll::Pending => None,
        }
    }
}
