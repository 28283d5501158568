//! The service a layer wraps: one trait, taken by `&self`, and its erased form that the
//! registry stores.

use std::future::Future;

use super::{ApiRequest, ApiResponse};
use crate::handler::BoxReplyFuture;

/// A service that answers mini API calls: what a layer of the registry wraps and returns.
///
/// Taken by `&self`, as jsonrpsee's `RpcServiceT` is, not by `&mut self` as `tower::Service`
/// is: the registry is shared by every thread that dispatches, so a service is called
/// concurrently and keeps whatever state it needs behind its own `Arc`s and locks; there is no
/// `poll_ready`, no clone per call, and no lock around the stack. (For tower's own layers,
/// which need `poll_ready`, see the `tower` feature's `tcmpp_core::tower`.)
///
/// `call` must hand the request to its inner service, if at all, before it returns: the
/// request borrows the call's text, which is why the call's data is decoded straight from that
/// text with no copy. What comes after, in the returned future, is free: awaiting the inner
/// future, observing its [`ApiResponse`], answering something else. A future that is done on
/// its first poll keeps a plain `fn` handler synchronous: `now_or_fail` still answers.
///
/// ```
/// use std::future::Future;
/// use std::time::Instant;
///
/// use tcmpp_core::middleware::{ApiRequest, ApiResponse, ApiService, Next};
/// use tower_layer::Layer;
///
/// /// Logs how long each call took.
/// struct Timed<S>(S);
///
/// impl<S: ApiService> ApiService for Timed<S> {
///     type Future = std::pin::Pin<Box<dyn Future<Output = ApiResponse> + Send>>;
///
///     fn call(&self, request: ApiRequest<'_>) -> Self::Future {
///         let name = request.api().name;
///         let started = Instant::now();
///         let inner = self.0.call(request);
///         Box::pin(async move {
///             let response = inner.await;
///             eprintln!("{name}: {:?} in {:?}", response.kind(), started.elapsed());
///             response
///         })
///     }
/// }
///
/// struct Timing;
///
/// impl Layer<Next> for Timing {
///     type Service = Timed<Next>;
///     fn layer(&self, inner: Next) -> Timed<Next> {
///         Timed(inner)
///     }
/// }
/// # let _ = tcmpp_core::Registry::builder().layer(Timing).build().unwrap();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a service of mini API calls",
    label = "a layer of the registry must return an `ApiService`",
    note = "implement `tcmpp_core::middleware::ApiService` for the service your layer returns: `fn call(&self, request: ApiRequest<'_>) -> Self::Future`, where the future yields an `ApiResponse`"
)]
pub trait ApiService: Send + Sync + 'static {
    /// The future of the response: `Send` and `'static`, as the registry's reply futures are.
    type Future: Future<Output = ApiResponse> + Send + 'static;

    /// Answers one call.
    fn call(&self, request: ApiRequest<'_>) -> Self::Future;
}

impl<S: ApiService + ?Sized> ApiService for Box<S> {
    type Future = S::Future;

    fn call(&self, request: ApiRequest<'_>) -> S::Future {
        (**self).call(request)
    }
}

impl<S: ApiService + ?Sized> ApiService for std::sync::Arc<S> {
    type Future = S::Future;

    fn call(&self, request: ApiRequest<'_>) -> S::Future {
        (**self).call(request)
    }
}

/// A layered service with its future boxed: what the registry stores, so that neither the
/// registry nor its builder is generic over the stack of layers.
pub(crate) trait ErasedService: Send + Sync + 'static {
    fn call_boxed(&self, request: ApiRequest<'_>) -> BoxReplyFuture;
}

impl<S: ApiService> ErasedService for S {
    fn call_boxed(&self, request: ApiRequest<'_>) -> BoxReplyFuture {
        let future = self.call(request);
        Box::pin(async move { future.await.into_handler_reply() })
    }
}
