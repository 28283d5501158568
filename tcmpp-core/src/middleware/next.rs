//! The rest of the stack, as a layer sees it: the next layer, or the handler itself.

use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::{ApiRequest, ApiResponse, ApiService, ErasedService};
use crate::context::Extensions;
use crate::handler::{BoxReplyFuture, HandlerReply, Outcome};
use crate::panics::{Panicked, panic_reply, quietly};

/// What a layer of the registry wraps: the layers inside it, then the handler.
///
/// Calling it runs the rest of the stack at once, up to the handler: its context parameters
/// are extracted, its data decoded and, for a plain `fn`, its body run; the [`NextFuture`]
/// drives an `async fn` handler. A panic inside (in an inner layer or the handler) is contained
/// here and becomes a fail reply of kind [`Panic`](crate::reply::FailureKind::Panic), which the layer
/// observes like any other.
#[derive(Clone)]
pub struct Next {
    inner: Inner,
    expose_panic_messages: bool,
}

#[derive(Clone)]
enum Inner {
    Handler,
    Layer(Arc<dyn ErasedService>),
}

impl Next {
    /// The handler itself, for the innermost layer.
    pub(crate) fn handler(expose_panic_messages: bool) -> Self {
        Next {
            inner: Inner::Handler,
            expose_panic_messages,
        }
    }

    /// A layered service, for the layer outside it.
    pub(crate) fn layer(service: Arc<dyn ErasedService>, expose_panic_messages: bool) -> Self {
        Next {
            inner: Inner::Layer(service),
            expose_panic_messages,
        }
    }

    fn panicked(&self, payload: Box<dyn std::any::Any + Send>, what: Panicked) -> NextFuture {
        let reply = panic_reply(
            payload,
            &tracing::Span::current(),
            self.expose_panic_messages,
            what,
        );
        NextFuture::ready(HandlerReply::Reply(reply), self.expose_panic_messages)
    }
}

impl ApiService for Next {
    type Future = NextFuture;

    fn call(&self, request: ApiRequest<'_>) -> NextFuture {
        let expose = self.expose_panic_messages;
        match &self.inner {
            Inner::Handler => {
                match panic::catch_unwind(AssertUnwindSafe(|| run_handler(request))) {
                    Ok(Outcome::Ready(reply)) => NextFuture::ready(reply, expose),
                    Ok(Outcome::Running(future)) => {
                        NextFuture::running(future, expose, Panicked::Handler)
                    }
                    Err(payload) => self.panicked(payload, Panicked::Handler),
                }
            }
            Inner::Layer(service) => {
                match panic::catch_unwind(AssertUnwindSafe(|| service.call_boxed(request))) {
                    Ok(future) => NextFuture::running(future, expose, Panicked::Layer),
                    Err(payload) => self.panicked(payload, Panicked::Layer),
                }
            }
        }
    }
}

/// Runs the handler on the request: extracts its context parameters (with the extensions the
/// layers inserted), decodes its data, and runs a plain `fn`'s body or starts an `async fn`'s.
fn run_handler(request: ApiRequest<'_>) -> Outcome {
    let ApiRequest {
        entry,
        mut invocation,
        extensions,
        ..
    } = request;
    // The context borrows the map for the extraction; the map, the program's values, is
    // dropped after the handler returns or unwinds, a panic in a value's `Drop` contained.
    let extensions = DroppedQuietly(Some(extensions));
    invocation.cx.extensions = extensions.0.as_ref();
    (entry.handler)(invocation)
}

/// Extensions whose values are dropped with any panic of theirs contained, even while a
/// handler's panic unwinds (a second panic then would abort the process).
struct DroppedQuietly(Option<Extensions>);

impl Drop for DroppedQuietly {
    fn drop(&mut self) {
        let extensions = self.0.take();
        quietly(move || drop(extensions));
    }
}

impl fmt::Debug for Next {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let next = match self.inner {
            Inner::Handler => "handler",
            Inner::Layer(_) => "layer",
        };
        f.debug_struct("Next").field("next", &next).finish()
    }
}

/// The response of the rest of the stack: ready at once for a plain `fn` handler (so that a
/// layer that only awaits it stays synchronous), or the `async fn` handler or inner layer
/// running. A panic while it is polled becomes a fail reply.
#[must_use = "the response arrives only when the future is polled"]
pub struct NextFuture {
    state: State,
    expose_panic_messages: bool,
}

enum State {
    Ready(HandlerReply),
    Running(BoxReplyFuture, Panicked),
    Done,
}

impl NextFuture {
    /// A future that yields `response` on its first poll: for a layer whose future is a
    /// `NextFuture` and that answers a call itself.
    pub fn answer(response: ApiResponse) -> Self {
        NextFuture::ready(response.into_handler_reply(), false)
    }

    fn ready(reply: HandlerReply, expose_panic_messages: bool) -> Self {
        NextFuture {
            state: State::Ready(reply),
            expose_panic_messages,
        }
    }

    fn running(future: BoxReplyFuture, expose_panic_messages: bool, what: Panicked) -> Self {
        NextFuture {
            state: State::Running(future, what),
            expose_panic_messages,
        }
    }
}

impl Future for NextFuture {
    type Output = ApiResponse;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ApiResponse> {
        let expose = self.expose_panic_messages;
        let reply = match &mut self.state {
            State::Ready(_) => match std::mem::replace(&mut self.state, State::Done) {
                State::Ready(reply) => reply,
                _ => unreachable!("matched as ready"),
            },
            State::Running(future, what) => {
                let what = *what;
                match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                    Ok(Poll::Pending) => return Poll::Pending,
                    Ok(Poll::Ready(reply)) => {
                        self.finish();
                        reply
                    }
                    Err(payload) => {
                        self.finish();
                        let reply = panic_reply(payload, &tracing::Span::current(), expose, what);
                        HandlerReply::Reply(reply)
                    }
                }
            }
            State::Done => panic!("a `NextFuture` polled after it returned its response"),
        };
        Poll::Ready(ApiResponse::from_handler(reply))
    }
}

impl NextFuture {
    /// Drops what ran, catching a panic in its `Drop`.
    fn finish(&mut self) {
        let state = std::mem::replace(&mut self.state, State::Done);
        quietly(move || drop(state));
    }
}

impl fmt::Debug for NextFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Ready(_) => "ready",
            State::Running(..) => "running",
            State::Done => "done",
        };
        f.debug_struct("NextFuture").field("state", &state).finish()
    }
}
