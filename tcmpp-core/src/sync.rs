//! Synchronous calls: `wx.invokeNativePlugin({ api_name, sync: true })` wants its answer at once.
//!
//! A plain-`fn` handler's reply is known when the call is dispatched, so it answers a
//! synchronous call without any executor. An `async fn` handler cannot: rather than block the
//! caller's thread (often the mini program's JavaScript thread) on an executor, a synchronous
//! call to it gets a fail reply that says so.

use crate::call::MiniApiCall;
use crate::dispatch::{CallbackFuture, ReplyFuture, WithKind};
use crate::registry::Registry;
use crate::reply::{FailureKind, Reply, ReplyKind};

/// The reason a synchronous call to an `async fn` handler fails.
const NOT_SYNC: &str =
    "this API is asynchronous and cannot answer a synchronous call: call it without `sync: true`";

impl ReplyFuture {
    /// The reply at once, for a synchronous call: the plain-`fn` handler's reply (or the fail
    /// reply of a call refused before its handler ran); a fail reply when the handler is an
    /// `async fn`, whose future is dropped without being polled, so its body never runs.
    ///
    /// ```
    /// use tcmpp_core::{mini_api, Registry};
    ///
    /// #[mini_api("nowSync")]
    /// fn now_sync() -> serde_json::Value { serde_json::json!({ "now": 1 }) }
    ///
    /// #[mini_api("laterAsync")]
    /// async fn later_async() {}
    ///
    /// let registry = Registry::builder().build()?;
    /// let reply = registry.dispatch_json_bare(r#"{"api_name":"nowSync"}"#).now_or_fail();
    /// assert_eq!(reply.result().unwrap()["now"], 1);
    /// let reply = registry.dispatch_json_bare(r#"{"api_name":"laterAsync"}"#).now_or_fail();
    /// assert!(reply.failure().unwrap().message().contains("synchronous"));
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    pub fn now_or_fail(self) -> Reply {
        self.try_now()
            .unwrap_or_else(|_pending| Reply::fail(FailureKind::InvalidCall, NOT_SYNC))
    }
}

impl CallbackFuture {
    /// [`ReplyFuture::now_or_fail`], rendered in WeChat's callback convention.
    pub fn now_or_fail(self) -> String {
        self.with_kind().now_or_fail().1
    }
}

impl WithKind {
    /// [`ReplyFuture::now_or_fail`], rendered in WeChat's callback convention, with how the
    /// call ended.
    pub fn now_or_fail(self) -> (ReplyKind, String) {
        self.try_now().unwrap_or_else(|pending| {
            let reply = Reply::fail(FailureKind::InvalidCall, NOT_SYNC);
            (reply.kind(), reply.to_callback_json(pending.prefix()))
        })
    }
}

impl Registry {
    /// Dispatches a synchronous call (`sync: true`) and returns its reply at once, with no
    /// executor; see [`ReplyFuture::now_or_fail`].
    pub fn dispatch_sync(&self, call: MiniApiCall) -> Reply {
        self.dispatch(call).now_or_fail()
    }

    /// [`dispatch_json`](Self::dispatch_json) for a synchronous call: the rendered reply at
    /// once; see [`ReplyFuture::now_or_fail`].
    ///
    /// ```
    /// use tcmpp_core::{mini_api, Registry};
    ///
    /// #[mini_api("version")]
    /// fn version() -> serde_json::Value { serde_json::json!({ "version": "1.0" }) }
    ///
    /// let registry = Registry::builder().build()?;
    /// assert_eq!(
    ///     registry.dispatch_json_sync(r#"{"api_name":"version"}"#),
    ///     r#"{"version":"1.0","errMsg":"version:ok"}"#,
    /// );
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    pub fn dispatch_json_sync(&self, json: &str) -> String {
        self.dispatch_json(json).now_or_fail()
    }

    /// [`dispatch_json_bare`](Self::dispatch_json_bare) for a synchronous call: the bare reply
    /// at once; see [`ReplyFuture::now_or_fail`].
    pub fn dispatch_json_bare_sync(&self, json: &str) -> Reply {
        self.dispatch_json_bare(json).now_or_fail()
    }
}
