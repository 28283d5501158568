//! Middleware: layers around every call, for rate limits, metrics, audit logs and checks that
//! depend on the app's state, without touching a handler.
//!
//! A layer is a [`tower_layer::Layer`] given to
//! [`RegistryBuilder::layer`](crate::registry::RegistryBuilder::layer): it wraps the rest of the stack, a
//! [`Next`], in an [`ApiService`] of its own. That service sees each call as an
//! [`ApiRequest`] (the API's [`ApiInfo`](crate::registry::ApiInfo), the caller's
//! [`AppInfo`](crate::AppInfo) and web view id as the host stated them, the registry's state)
//! and may
//!
//! - refuse it: answer an [`ApiResponse`] of its own (a fail reply from an
//!   [`ApiError`](crate::ApiError), [`ApiResponse::fail`], or a cancel) without calling the
//!   inner service;
//! - hand the handler a typed value with [`ApiRequest::insert_extension`], which the handler
//!   takes as an [`Extension<T>`](crate::Extension) parameter;
//! - observe the reply: await the inner future and read the response's
//!   [`kind`](ApiResponse::kind) and [`failure`](ApiResponse::failure), and time it;
//! - answer something else instead.
//!
//! The [`Layer`] trait, and helpers such as `layer_fn`, are `tower-layer`'s: add
//! `tower-layer = "0.3"` to your `Cargo.toml` beside this crate, as axum and tonic users do.
//! This crate does not re-export them, so that its versions do not follow tower-layer's.
//!
//! ```
//! use std::sync::atomic::{AtomicBool, Ordering};
//!
//! use tcmpp_core::middleware::{ApiRequest, ApiResponse, ApiService, Next, NextFuture};
//! use tower_layer::Layer;
//! use tcmpp_core::{mini_api, Registry};
//!
//! #[mini_api("transfer")]
//! fn transfer() -> serde_json::Value {
//!     serde_json::json!({ "done": true })
//! }
//!
//! /// Whether someone is signed in to the super app: the app's own state.
//! struct Session(AtomicBool);
//!
//! /// Refuses every call while nobody is signed in.
//! struct RequireSignIn;
//!
//! impl Layer<Next> for RequireSignIn {
//!     type Service = SignedIn;
//!     fn layer(&self, inner: Next) -> SignedIn {
//!         SignedIn(inner)
//!     }
//! }
//!
//! struct SignedIn(Next);
//!
//! impl ApiService for SignedIn {
//!     type Future = NextFuture;
//!     fn call(&self, request: ApiRequest<'_>) -> NextFuture {
//!         let signed_in = request
//!             .context()
//!             .state::<Session>()
//!             .is_some_and(|session| session.0.load(Ordering::Relaxed));
//!         if signed_in {
//!             self.0.call(request)
//!         } else {
//!             NextFuture::answer(ApiResponse::fail("sign in first"))
//!         }
//!     }
//! }
//!
//! let registry = Registry::builder()
//!     .state(Session(AtomicBool::new(false)))
//!     .layer(RequireSignIn)
//!     .build()?;
//! let refused = registry.dispatch_json(r#"{"api_name":"transfer"}"#).now_or_fail();
//! assert_eq!(refused, r#"{"errMsg":"transfer:fail sign in first"}"#);
//! # Ok::<_, tcmpp_core::BuildError>(())
//! ```
//!
//! # Where layers run
//!
//! A call goes through these steps, in order; each can end it with its one reply:
//!
//! 1. **Read**: the size and nesting limits, then the call text is read. Text that is not a
//!    call, or whose `data` is not JSON, is refused here: layers never see a malformed call.
//! 2. **Look-up**: a call to an API that no handler serves is refused; layers see only
//!    registered APIs, each with its [`ApiInfo`](crate::registry::ApiInfo).
//! 3. **Access**: the [`AccessPolicy`](crate::AccessPolicy). A caller it refuses is refused
//!    before any layer runs, so that refusals stay as cheap as a scan of the call (a hostile
//!    flood costs no layer's work), and so that under default deny a layer cannot tell an
//!    uninvited caller that an API exists (a rate limit's refusal would).
//! 4. **Layers**, outermost first: the first layer given to
//!    [`RegistryBuilder::layer`](crate::registry::RegistryBuilder::layer) sees the call first and the
//!    reply last, as with `tower::ServiceBuilder`.
//! 5. **Handler**: its context parameters (with the layers' extensions), its data decoded
//!    straight from the call's text, its body.
//!
//! # Timeouts
//!
//! The API's timeout (its `timeout_ms`, or the registry's
//! [`Limits::with_timeout`](crate::limits::Limits::with_timeout)) covers the whole stack, layers
//! included: it counts from the first poll of the stack's future that does not finish it, and
//! when it runs out the stack's future is dropped (dropping every layer's future and the
//! handler's) and the call fails with `timeout after N ms`. A layer that never answers is
//! answered by the timeout; with no timeout set, by nothing, as a handler that never answers is.
//!
//! # Exactly one reply
//!
//! Whatever a layer does, the call ends in exactly one reply:
//!
//! - a panic in a layer's `call` or its future is contained where the layer outside it (or the
//!   registry, for the outermost) called it, and becomes a fail reply of kind
//!   [`Panic`](crate::reply::FailureKind::Panic), logged with its message, shown to the mini program
//!   only with [`expose_panic_messages`](crate::registry::RegistryBuilder::expose_panic_messages). A
//!   handler's panic becomes that reply inside the innermost layer, so every layer observes it;
//! - an error is a response ([`ApiResponse::from`] an [`ApiError`](crate::ApiError)): a fail
//!   reply of kind [`Middleware`](crate::reply::FailureKind::Middleware), or a cancel;
//! - a layer that drops the inner future, or never calls the inner service, answers with
//!   whatever its own future yields; one that never yields is answered by the timeout;
//! - the response is one value, handed out once: the inner service cannot be called twice with
//!   one request (it is moved), and the registry ends the call when the outermost future yields.
//!   Progress events stop at the reply.
//!
//! # Synchronous calls
//!
//! A plain `fn` handler's reply is ready when [`Next::call`] returns, and a [`NextFuture`] is
//! done on its first poll; a layer whose future only awaits it (and other futures that are
//! ready) is done on its first poll too, so
//! [`now_or_fail`](crate::dispatch::ReplyFuture::now_or_fail) still answers a synchronous call. A layer
//! that awaits something that is not ready makes every call through it asynchronous, and a
//! synchronous call fails with [`NotSynchronous`](crate::reply::FailureKind::NotSynchronous).
//! [`try_now`](crate::dispatch::ReplyFuture::try_now), which never polls, answers calls through layers
//! only when they were refused before the layers.
//!
//! # Tower
//!
//! With the `tower` feature, `tcmpp_core::tower` makes the whole registry a
//! `tower::Service<MiniApiCall>`, so that tower's own layers (concurrency limit, rate limit,
//! timeout, load shedding) wrap it unchanged. Those need `poll_ready` and `&mut self`, which the
//! registry's layers do without; the registry's layers see the [`ApiInfo`](crate::registry::ApiInfo) and
//! run after the access check, tower's see the call before anything.

mod next;
mod request;
mod response;
mod service;

use std::sync::Arc;

use tower_layer::Layer;

pub use next::{Next, NextFuture};
pub use request::ApiRequest;
pub use response::ApiResponse;
pub use service::ApiService;
pub(crate) use service::ErasedService;

/// A layer given to a registry's builder, waiting for the rest of the stack.
// `Send + Sync` so that the builder that holds them stays so, like everything else it holds.
type PendingLayer = Box<dyn FnOnce(Next) -> Arc<dyn ErasedService> + Send + Sync>;

/// The layers given to a registry's builder, outermost first.
#[derive(Default)]
pub(crate) struct Layers {
    layers: Vec<PendingLayer>,
}

impl Layers {
    pub(crate) fn push<L>(&mut self, layer: L)
    where
        L: Layer<Next> + Send + Sync + 'static,
        L::Service: ApiService,
    {
        self.layers
            .push(Box::new(move |next| Arc::new(layer.layer(next))));
    }

    /// The outermost service of the stack, or `None` when there is no layer, so that a registry
    /// without layers calls its handlers as directly as before.
    pub(crate) fn build(self, expose_panic_messages: bool) -> Option<Arc<dyn ErasedService>> {
        let mut stack = None;
        for layer in self.layers.into_iter().rev() {
            let next = match stack.take() {
                None => Next::handler(expose_panic_messages),
                Some(inner) => Next::layer(inner, expose_panic_messages),
            };
            stack = Some(layer(next));
        }
        stack
    }
}
