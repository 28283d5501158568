//! The one future every dispatch returns, whatever form its reply takes.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::answer::InFlight;
use crate::handler::HandlerReply;
use crate::reply::{RenderedReply, Rendering, Reply, ReplyFormat};

/// The reply to a dispatched call, once the handler is done, as `T`: a [`Reply`], a
/// [`RenderedReply`], or the callback object's text ([`String`]).
///
/// `Send`, `'static` and independent of any async runtime: the call's text was read, its data
/// decoded and a plain `fn` handler run when it was dispatched; polling drives an `async fn`
/// handler to its reply. Dropping the future drops the handler's future. Polling it again after
/// it has yielded its reply panics, as with most futures.
///
/// For a synchronous call (`sync: true`), take the reply at once with
/// [`now_or_fail`](Self::now_or_fail).
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct ReplyFuture<T = Reply> {
    started: Started,
    output: PhantomData<fn() -> T>,
}

/// A dispatched call and how its reply is to be rendered: what every [`ReplyFuture`] holds,
/// whatever it yields, so that dispatch builds it in place, once.
pub(super) struct Started {
    pub(super) in_flight: InFlight,
    /// The form the reply is taken in, chosen once when the call was made; the handler got a
    /// copy of it.
    pub(super) format: ReplyFormat,
}

/// The forms a [`ReplyFuture`] yields a reply in: [`Reply`], [`RenderedReply`], or [`String`]
/// (the callback object's text). Sealed: only those three.
pub trait ReplyForm: sealed::Sealed + Sized {
    #[doc(hidden)]
    fn from_handler(reply: HandlerReply, format: &ReplyFormat) -> Self;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::reply::Reply {}
    impl Sealed for crate::reply::RenderedReply {}
    impl Sealed for String {}

    /// The forms that render an `errMsg`, and so have a prefix.
    pub trait RendersErrMsg: super::ReplyForm {}
    impl RendersErrMsg for crate::reply::RenderedReply {}
    impl RendersErrMsg for String {}
}

impl ReplyForm for Reply {
    #[inline]
    fn from_handler(reply: HandlerReply, _: &ReplyFormat) -> Self {
        reply.into_reply()
    }
}

impl ReplyForm for RenderedReply {
    fn from_handler(reply: HandlerReply, format: &ReplyFormat) -> Self {
        match reply {
            HandlerReply::Rendered(text) => {
                RenderedReply::new(crate::reply::ReplyKind::Success, text)
            }
            reply => reply
                .into_reply()
                .into_rendered(format.rendering(), format.prefix()),
        }
    }
}

impl ReplyForm for String {
    fn from_handler(reply: HandlerReply, format: &ReplyFormat) -> Self {
        // Only `Registry::dispatch_json` yields a `String`, and it asks for the callback text.
        debug_assert_eq!(format.rendering(), Rendering::Callback);
        RenderedReply::from_handler(reply, format).text
    }
}

impl<T: ReplyForm> ReplyFuture<T> {
    #[inline]
    pub(super) fn new(started: Started) -> Self {
        ReplyFuture {
            started,
            output: PhantomData,
        }
    }

    /// The reply, if it is known without polling: for plain-`fn` handlers and for calls refused
    /// before their handler ran (behind [layers](crate::registry::RegistryBuilder::layer), for those
    /// refused before the layers only: the layers' reply comes from a poll). `Some` takes the reply, as a poll that yields it does: the
    /// future must not be polled after that. `None` leaves the future to be polled (or dropped,
    /// which drops the handler's future). It never polls: for a synchronous call, use
    /// [`now_or_fail`](Self::now_or_fail).
    pub fn try_now(&mut self) -> Option<T> {
        let started = &mut self.started;
        let reply = started.in_flight.take_now()?;
        Some(T::from_handler(reply, &started.format))
    }

    /// The reply at once, for a synchronous call (`sync: true`), with no executor: a plain
    /// `fn` handler's reply, the fail reply of a call refused before its handler ran, or an
    /// `async fn` handler's reply when its future is done on its first poll. An `async fn`
    /// handler that is not done then is dropped, and the call fails with a reply that says to
    /// call it without `sync: true`.
    ///
    /// ```
    /// use tcmpp_core::{mini_api, Registry};
    ///
    /// #[mini_api("nowSync")]
    /// fn now_sync() -> serde_json::Value { serde_json::json!({ "now": 1 }) }
    ///
    /// #[mini_api("readyAsync")]
    /// async fn ready_async() -> serde_json::Value { serde_json::json!({ "ready": true }) }
    ///
    /// #[mini_api("laterAsync")]
    /// async fn later_async() { std::future::pending::<()>().await }
    ///
    /// let registry = Registry::builder().build()?;
    /// let reply = registry.call(r#"{"api_name":"nowSync"}"#).reply().now_or_fail();
    /// assert_eq!(reply.result().unwrap()["now"], 1);
    /// let reply = registry.call(r#"{"api_name":"readyAsync"}"#).reply().now_or_fail();
    /// assert_eq!(reply.result().unwrap()["ready"], true);
    /// let reply = registry.call(r#"{"api_name":"laterAsync"}"#).reply().now_or_fail();
    /// assert!(reply.failure().unwrap().message().contains("synchronous"));
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    pub fn now_or_fail(self) -> T {
        let Started { in_flight, format } = self.started;
        T::from_handler(in_flight.now_or_fail(), &format)
    }
}

impl<T: sealed::RendersErrMsg> ReplyFuture<T> {
    /// The `errMsg` prefix the reply is rendered with: the API name, a fixed prefix, or
    /// `invokeNativePlugin` for a call too broken to name its API. Only the rendered forms
    /// ([`RenderedReply`], [`String`]) have one: a [`Reply`] carries no `errMsg`.
    ///
    /// For a host that names a call, as a callback-based SDK does, before the reply exists;
    /// a host that refuses a call itself, before dispatching it, asks
    /// [`Registry::errmsg_prefix_for`](crate::Registry::errmsg_prefix_for) instead.
    pub fn prefix(&self) -> &str {
        self.started.format.prefix()
    }
}

impl<T: ReplyForm> Future for ReplyFuture<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let started = &mut self.started;
        started
            .in_flight
            .poll_reply(cx)
            .map(|reply| T::from_handler(reply, &started.format))
    }
}

impl<T> fmt::Debug for ReplyFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyFuture")
            .field("stage", &self.started.in_flight.stage_name())
            .field("format", &self.started.format)
            .finish()
    }
}
