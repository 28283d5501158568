//! The registry as a `tower::Service`, so that tower's own layers wrap it unchanged.
//!
//! Enabled by the `tower` feature. [`RegistryService`] is a `tower::Service<MiniApiCall>` (the
//! caller unknown), or with [`RegistryService::stated`] a `tower::Service<StatedCall>` (the
//! caller as the host states it), whose response is the call's [`Reply`] and whose error is
//! [`Infallible`]: tower's layers (`ConcurrencyLimit`, `RateLimit`, `Timeout`, `LoadShed`,
//! `Buffer`) wrap it as they wrap any service. They add errors of their own (a timeout, an
//! overload), and may panic or drop a call; [`FailOnError`] as the outermost layer turns each
//! of those into a fail reply, so that the stack again answers every call with exactly one
//! [`Reply`].
//!
//! ```
//! use tcmpp_core::tower::{FailOnError, RegistryService};
//! use tcmpp_core::{mini_api, MiniApiCall, Registry};
//! use tower::{Service, ServiceBuilder, ServiceExt};
//!
//! #[mini_api("towerPing")]
//! fn tower_ping() {}
//!
//! # futures_executor::block_on(async {
//! let registry = Registry::builder().build()?;
//! let mut service = ServiceBuilder::new()
//!     .layer_fn(FailOnError::new)
//!     .load_shed()
//!     .concurrency_limit(64)
//!     .service(RegistryService::new(registry));
//! let call = MiniApiCall::new("towerPing", serde_json::Value::Null);
//! let reply = service.ready().await.unwrap().call(call).await.unwrap();
//! assert!(reply.is_success());
//! # Ok::<_, tcmpp_core::BuildError>(())
//! # }).unwrap();
//! ```
//!
//! Tower's layers see each call before anything else: before its API is looked up and its
//! caller checked, so a tower rate limit also counts calls that the access policy refuses. The
//! registry's own layers ([`RegistryBuilder::layer`](crate::registry::RegistryBuilder::layer)) run after
//! the access check and see the API's [`ApiInfo`](crate::registry::ApiInfo); use them for what depends on
//! the API or the caller.

use std::convert::Infallible;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use tower_service::Service;

use crate::call::{Caller, MiniApiCall};
use crate::dispatch::ReplyFuture;
use crate::panics::quietly;
use crate::registry::Registry;
use crate::reply::{FailureKind, Reply};

/// A [`Registry`] as a `tower::Service<R>`: every call dispatched through
/// [`Registry::call`](crate::Registry::call), and answered with its [`Reply`].
///
/// `R` is [`MiniApiCall`] ([`new`](RegistryService::new)), for calls whose caller is unknown,
/// or [`StatedCall`] ([`stated`](RegistryService::stated)), for calls with the caller the host
/// states: one request type per service, so that `ServiceExt::ready` needs no annotation.
///
/// Always ready, never an error, cheap to clone (clones share the registry).
pub struct RegistryService<R = MiniApiCall> {
    registry: Registry,
    request: PhantomData<fn(R)>,
}

impl RegistryService<MiniApiCall> {
    /// The service of `registry`, for calls whose caller is unknown.
    pub fn new(registry: Registry) -> Self {
        RegistryService {
            registry,
            request: PhantomData,
        }
    }
}

impl RegistryService<StatedCall> {
    /// The service of `registry`, for calls with the caller the host states ([`StatedCall`]).
    pub fn stated(registry: Registry) -> Self {
        RegistryService {
            registry,
            request: PhantomData,
        }
    }
}

impl<R> RegistryService<R> {
    /// The registry it dispatches to.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

impl<R> Clone for RegistryService<R> {
    fn clone(&self) -> Self {
        RegistryService {
            registry: self.registry.clone(),
            request: PhantomData,
        }
    }
}

impl<R> fmt::Debug for RegistryService<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryService")
            .field("registry", &self.registry)
            .field("request", &std::any::type_name::<R>())
            .finish()
    }
}

/// A call with its caller as the host states it ([`Caller`]): the request of a
/// [`RegistryService`] for calls whose caller is known.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StatedCall {
    /// What the mini program sent.
    pub call: MiniApiCall,
    /// Who calls, as the host's SDK knows it.
    pub caller: Caller,
}

impl StatedCall {
    /// `call`, made by `caller`.
    pub fn new(call: MiniApiCall, caller: Caller) -> Self {
        StatedCall { call, caller }
    }
}

impl Service<MiniApiCall> for RegistryService<MiniApiCall> {
    type Response = Reply;
    type Error = Infallible;
    type Future = Answered;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, call: MiniApiCall) -> Answered {
        Answered(self.registry.call(call).reply())
    }
}

impl Service<StatedCall> for RegistryService<StatedCall> {
    type Response = Reply;
    type Error = Infallible;
    type Future = Answered;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: StatedCall) -> Answered {
        Answered(
            self.registry
                .call(request.call)
                .caller(&request.caller)
                .reply(),
        )
    }
}

/// The reply of a [`RegistryService`], which never fails.
#[must_use = "the reply arrives only when the future is polled"]
#[derive(Debug)]
pub struct Answered(ReplyFuture<Reply>);

impl Future for Answered {
    type Output = Result<Reply, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(Ok)
    }
}

/// Turns what a tower stack can do besides answering into fail replies: its errors, a failed
/// `poll_ready`, and panics in `call` or in its future. The outermost layer of a stack around a
/// [`RegistryService`], so that every call ends in exactly one [`Reply`].
///
/// An error becomes a fail reply of kind [`FailureKind::Middleware`] whose message is the
/// error's (tower's timeout says `request timed out`, its load shedding `service overloaded`);
/// a panic, one of kind [`FailureKind::Panic`] that shows no panic message.
///
/// Use it with `ServiceBuilder::layer_fn(FailOnError::new)`.
#[derive(Clone, Debug)]
pub struct FailOnError<S> {
    inner: S,
    /// A failure of `poll_ready`, kept for the call that follows: the caller was told the
    /// service is ready, so the call is answered with it.
    not_ready: Option<Reply>,
}

impl<S> FailOnError<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        FailOnError {
            inner,
            not_ready: None,
        }
    }
}

/// The fail reply of an error of a tower layer.
fn error_reply(error: &(dyn Error + Send + Sync)) -> Reply {
    Reply::fail(FailureKind::Middleware, error.to_string())
}

fn panic_reply(payload: Box<dyn std::any::Any + Send>) -> Reply {
    quietly(move || drop(payload));
    quietly(|| tracing::error!(outcome = "panic", "mini API tower layer panicked"));
    Reply::fail(FailureKind::Panic, "internal error: a layer panicked")
}

impl<S, R> Service<R> for FailOnError<S>
where
    S: Service<R, Response = Reply>,
    S::Error: Into<Box<dyn Error + Send + Sync>>,
{
    type Response = Reply;
    type Error = Infallible;
    type Future = FailOnErrorFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        if self.not_ready.is_some() {
            return Poll::Ready(Ok(()));
        }
        let inner = &mut self.inner;
        match panic::catch_unwind(AssertUnwindSafe(|| inner.poll_ready(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(Ok(()))) => Poll::Ready(Ok(())),
            Ok(Poll::Ready(Err(error))) => {
                self.not_ready = Some(error_reply(&*error.into()));
                Poll::Ready(Ok(()))
            }
            Err(payload) => {
                self.not_ready = Some(panic_reply(payload));
                Poll::Ready(Ok(()))
            }
        }
    }

    fn call(&mut self, request: R) -> Self::Future {
        if let Some(reply) = self.not_ready.take() {
            return FailOnErrorFuture::ready(reply);
        }
        let inner = &mut self.inner;
        match panic::catch_unwind(AssertUnwindSafe(|| inner.call(request))) {
            Ok(future) => FailOnErrorFuture {
                state: Some(Inner::Running(Box::pin(future))),
            },
            Err(payload) => FailOnErrorFuture::ready(panic_reply(payload)),
        }
    }
}

/// The reply of a [`FailOnError`] stack: the inner reply, or the fail reply of its error or
/// panic.
#[must_use = "the reply arrives only when the future is polled"]
pub struct FailOnErrorFuture<F> {
    state: Option<Inner<F>>,
}

enum Inner<F> {
    Ready(Reply),
    Running(Pin<Box<F>>),
}

impl<F> FailOnErrorFuture<F> {
    fn ready(reply: Reply) -> Self {
        FailOnErrorFuture {
            state: Some(Inner::Ready(reply)),
        }
    }
}

impl<F, E> Future for FailOnErrorFuture<F>
where
    F: Future<Output = Result<Reply, E>>,
    E: Into<Box<dyn Error + Send + Sync>>,
{
    type Output = Result<Reply, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let reply = match self.state.as_mut() {
            Some(Inner::Running(future)) => {
                match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                    Ok(Poll::Pending) => return Poll::Pending,
                    Ok(Poll::Ready(Ok(reply))) => reply,
                    Ok(Poll::Ready(Err(error))) => error_reply(&*error.into()),
                    Err(payload) => panic_reply(payload),
                }
            }
            Some(Inner::Ready(_)) => match self.state.take() {
                Some(Inner::Ready(reply)) => return Poll::Ready(Ok(reply)),
                _ => unreachable!("matched as ready"),
            },
            None => panic!("a `FailOnErrorFuture` polled after it returned its reply"),
        };
        // Dropped here, with a panic in its `Drop` contained, rather than with this future.
        let done = self.state.take();
        quietly(move || drop(done));
        Poll::Ready(Ok(reply))
    }
}

impl<F> fmt::Debug for FailOnErrorFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            Some(Inner::Ready(_)) => "ready",
            Some(Inner::Running(_)) => "running",
            None => "done",
        };
        f.debug_struct("FailOnErrorFuture")
            .field("state", &state)
            .finish()
    }
}
