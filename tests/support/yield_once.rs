//! A future that is pending once: a handler that awaits it is not done on its first poll (so it
//! cannot answer a synchronous call, its timeout is armed, and what follows it runs on a later
//! poll). Shared by the tests that need one (`#[path]`-included).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Returns `Pending` once, waking its task at once, then `Ready`.
pub(crate) struct YieldOnce(bool);

impl YieldOnce {
    /// A future not yet polled.
    pub(crate) fn new() -> Self {
        YieldOnce(false)
    }
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
