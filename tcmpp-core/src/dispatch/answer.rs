//! A dispatched call on its way to its one reply: ready at once, or an `async fn` handler
//! polled under its timeout with its panics contained.

use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::deadline::Deadline;
use super::nesting::Nested;
use super::observe::{Watch, quietly};
use crate::handler::{BoxReplyFuture, HandlerReply};
use crate::reply::{FailureKind, Reply};

/// The reason a synchronous call to an `async fn` handler that is not done on its first poll
/// fails.
const NOT_SYNC: &str = "this API is asynchronous and did not answer at once, so it cannot answer a synchronous call: call it without `sync: true`";

/// A dispatched call on its way to its one reply; what every reply future drives.
pub(super) struct InFlight {
    // Dropped by `InFlight`'s `Drop`, out of line: the stage's drop glue is the reply's and the
    // handler's future's, and every codegen unit that drops a reply future (a host's crate
    // drops one in several, in the task it spawns) had a copy of it of its own.
    stage: ManuallyDrop<Stage>,
}

enum Stage {
    /// The reply is known: a plain `fn` ran, or the call was refused.
    Ready(HandlerReply),
    /// An `async fn` handler is running.
    Running(Running),
    /// The reply has been taken.
    Answered,
}

/// An `async fn` handler on its way to a reply.
pub(super) struct Running {
    pub(super) future: BoxReplyFuture,
    pub(super) timeout: Option<Duration>,
    /// Armed only when the handler does not finish on its first poll, so fast handlers never
    /// touch the timer.
    pub(super) deadline: Option<Deadline>,
    pub(super) watch: Watch,
}

impl InFlight {
    /// A reply known now; logged where it was decided, or by `watch` here.
    pub(super) fn ready(reply: Reply) -> Self {
        InFlight {
            stage: ManuallyDrop::new(Stage::Ready(HandlerReply::Reply(reply))),
        }
    }

    /// A reply known now, logged through the call's `watch`.
    pub(super) fn finished(watch: Watch, reply: HandlerReply) -> Self {
        watch.log(&reply);
        InFlight {
            stage: ManuallyDrop::new(Stage::Ready(reply)),
        }
    }

    pub(super) fn running(running: Running) -> Self {
        InFlight {
            stage: ManuallyDrop::new(Stage::Running(running)),
        }
    }

    pub(super) fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<HandlerReply> {
        match &mut *self.stage {
            Stage::Ready(_) => Poll::Ready(self.take_ready()),
            Stage::Running(running) => {
                let reply = std::task::ready!(running.poll_reply(cx));
                // Logging cannot panic (it is contained), and neither can dropping the running
                // state; both happen in place, and the call is answered before the reply leaves.
                running.watch.log(&reply);
                *self.stage = Stage::Answered;
                Poll::Ready(reply)
            }
            Stage::Answered => panic!("a reply future polled after it returned its reply"),
        }
    }

    #[inline]
    fn take_ready(&mut self) -> HandlerReply {
        match std::mem::replace(&mut *self.stage, Stage::Answered) {
            Stage::Ready(reply) => reply,
            _ => unreachable!("taken only when ready"),
        }
    }

    /// The reply, taken, if it is already known without polling.
    #[inline]
    pub(super) fn take_now(&mut self) -> Option<HandlerReply> {
        match *self.stage {
            Stage::Ready(_) => Some(self.take_ready()),
            _ => None,
        }
    }

    /// The reply at once, for a synchronous call. A running handler is polled once, as
    /// deno_core polls an async op before parking it: a future that is done at once answers.
    /// One that is not is dropped, and the call fails.
    pub(super) fn now_or_fail(mut self) -> HandlerReply {
        match &mut *self.stage {
            Stage::Ready(_) => self.take_ready(),
            Stage::Running(running) => {
                let reply = running.poll_once().unwrap_or_else(|| {
                    running.drop_future();
                    HandlerReply::Reply(Reply::fail(FailureKind::NotSynchronous, NOT_SYNC))
                });
                running.watch.log(&reply);
                *self.stage = Stage::Answered;
                reply
            }
            Stage::Answered => panic!("a reply future used after it returned its reply"),
        }
    }

    pub(super) fn stage_name(&self) -> &'static str {
        match &*self.stage {
            Stage::Ready(_) => "ready",
            Stage::Running(_) => "running",
            Stage::Answered => "answered",
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // An answered call, the common case, has nothing to drop. `Answered` is what is left in
        // place, and it owns nothing, so that not dropping it leaks nothing.
        if !matches!(*self.stage, Stage::Answered) {
            drop_stage(std::mem::replace(&mut *self.stage, Stage::Answered));
        }
    }
}

/// Drops a call's stage that was not answered: the one copy of its drop glue.
#[inline(never)]
fn drop_stage(stage: Stage) {
    drop(stage);
}

impl Running {
    /// Polls the handler's future, turning a panic into its fail reply.
    fn poll_future(&mut self, cx: &mut Context<'_>) -> Poll<HandlerReply> {
        match self.poll_caught(cx) {
            Ok(poll) => poll,
            Err(payload) => {
                let reply = self.watch.panicked(payload);
                self.drop_future();
                Poll::Ready(HandlerReply::Reply(reply))
            }
        }
    }

    /// Polls the handler's future in its span, counted as one nested handler body (a poll runs
    /// the handler's code, which may dispatch again), with a panic caught.
    fn poll_caught(&mut self, cx: &mut Context<'_>) -> std::thread::Result<Poll<HandlerReply>> {
        panic::catch_unwind(AssertUnwindSafe(|| {
            let _entered = self.watch.span.enter();
            let _nested = Nested::enter_admitted();
            self.future.as_mut().poll(cx)
        }))
    }

    /// One poll with a waker that does nothing, and no timer armed: `None` when not done.
    /// The first poll of a synchronous call. A handler that uses Tokio (a timer, `spawn`) where
    /// no Tokio runtime is entered panics on it: such a handler cannot answer at once, which is
    /// what the call is told (`None`), not that the handler has a bug. Hosts that run a runtime
    /// make the first poll inside it (`Handle::enter`), where timers and `spawn` work.
    fn poll_once(&mut self) -> Option<HandlerReply> {
        match self.poll_caught(&mut Context::from_waker(Waker::noop())) {
            Ok(Poll::Ready(reply)) => Some(reply),
            Ok(Poll::Pending) => None,
            Err(payload) if needs_tokio(payload.as_ref()) => None,
            Err(payload) => {
                let reply = self.watch.panicked(payload);
                self.drop_future();
                Some(HandlerReply::Reply(reply))
            }
        }
    }

    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<HandlerReply> {
        if let Poll::Ready(reply) = self.poll_future(cx) {
            return Poll::Ready(reply);
        }
        let Some(timeout) = self.timeout else {
            return Poll::Pending;
        };
        let deadline = &mut self.deadline;
        let expired = quietly(|| match deadline {
            Some(deadline) => Some(deadline.passed(cx)),
            None => Deadline::arm(timeout).map(|armed| deadline.insert(armed).passed(cx)),
        })
        .flatten();
        match expired {
            Some(false) => return Poll::Pending,
            Some(true) => {}
            None => {
                // The timer thread could not run (a thread limit, say): serve the call without
                // a timeout rather than fail it.
                self.timeout = None;
                self.deadline = None;
                quietly(|| tracing::warn!("mini API timeout disabled: the timer is unavailable"));
                return Poll::Pending;
            }
        }
        self.drop_future();
        Poll::Ready(HandlerReply::Reply(Reply::fail(
            FailureKind::Timeout,
            // Printed as a `u64`, the only `u128` the library would print otherwise (its
            // formatting code is about 1 KB of a mobile build); no timeout reaches the limit.
            format!(
                "timeout after {} ms",
                u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX)
            ),
        )))
    }

    /// Drops the handler's future now, catching a panic in its `Drop`.
    fn drop_future(&mut self) {
        let future = std::mem::replace(&mut self.future, Box::pin(std::future::pending()));
        quietly(move || drop(future));
    }
}

impl Drop for Running {
    /// A reply future dropped before its reply (a host that gives up) drops the handler's
    /// future: a panic there stays here.
    fn drop(&mut self) {
        self.drop_future();
    }
}

/// Whether a panic is Tokio's for a future polled outside its runtime: "there is no reactor
/// running, must be called from the context of a Tokio 1.x runtime" (timers, `spawn`, I/O).
/// Matched by text because tcmpp-core does not depend on Tokio.
fn needs_tokio(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied());
    // The library's plain scan, not `str::contains`, whose searcher this cold check would
    // inline.
    message.is_some_and(|message| crate::data::after_last(message, "Tokio 1.x runtime").is_some())
}
