//! A rate limit per mini program: `cargo run --example rate_limit`.
//!
//! A layer of the registry counts each `appId`'s calls in a fixed window and refuses the calls
//! over the limit with `errCode` 429, before their data is decoded or their handler runs. It
//! keys on the `appId` the host states (`Caller`), which the mini program cannot forge; calls
//! with no stated `appId` share one budget. Refused callers and unknown APIs never reach the
//! layer: the access policy answers them first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tcmpp_core::middleware::{ApiRequest, ApiResponse, ApiService, Next, NextFuture};
use tcmpp_core::reply::{Rendering, ReplyKind};
use tcmpp_core::{ApiError, AppInfo, Caller, Registry, mini_api};
use tower_layer::Layer;

#[mini_api("getBalance")]
fn get_balance(app: AppInfo) -> serde_json::Value {
    serde_json::json!({ "appId": app.app_id, "balance": 120 })
}

/// At most `limit` calls per `appId` in each `window`.
#[derive(Clone)]
struct RateLimit {
    limit: u32,
    window: Duration,
    /// Per `appId`: when its window started, and the calls in it. Shared by every clone, and
    /// so by every thread that dispatches.
    windows: Arc<Mutex<HashMap<String, (Instant, u32)>>>,
}

impl RateLimit {
    fn new(limit: u32, window: Duration) -> Self {
        RateLimit {
            limit,
            window,
            windows: Arc::default(),
        }
    }

    /// Counts a call by `app_id`; whether it is within the limit.
    fn admit(&self, app_id: &str) -> bool {
        let Ok(mut windows) = self.windows.lock() else {
            // A poisoned lock: serve rather than refuse everyone.
            return true;
        };
        let now = Instant::now();
        let (started, calls) = windows.entry(app_id.to_owned()).or_insert((now, 0));
        if now.duration_since(*started) >= self.window {
            *started = now;
            *calls = 0;
        }
        *calls += 1;
        *calls <= self.limit
    }
}

impl Layer<Next> for RateLimit {
    type Service = RateLimited;

    fn layer(&self, inner: Next) -> RateLimited {
        RateLimited {
            limit: self.clone(),
            inner,
        }
    }
}

struct RateLimited {
    limit: RateLimit,
    inner: Next,
}

impl ApiService for RateLimited {
    // Refusing answers at once and passing on adds nothing to the handler's future, so plain
    // `fn` handlers stay synchronous behind this layer.
    type Future = NextFuture;

    fn call(&self, request: ApiRequest<'_>) -> NextFuture {
        if self.limit.admit(request.app_id().unwrap_or("")) {
            self.inner.call(request)
        } else {
            let error = ApiError::new("rate limited: try again later").with_code(429);
            NextFuture::answer(ApiResponse::from(error))
        }
    }
}

fn main() -> Result<(), tcmpp_core::BuildError> {
    let registry = Registry::builder()
        .layer(RateLimit::new(3, Duration::from_secs(60)))
        .build()?;
    let call = r#"{"api_name":"getBalance","data":{}}"#;
    let busy = Caller::new().with_app_info(AppInfo::with_app_id("wx_busy"));
    let calm = Caller::new().with_app_info(AppInfo::with_app_id("wx_calm"));

    let mut kinds = Vec::new();
    for _ in 0..5 {
        let reply = registry
            .call(call)
            .caller(&busy)
            .rendered(Rendering::Callback)
            .now_or_fail();
        println!("wx_busy: {}", reply.text);
        kinds.push(reply.kind);
    }
    let reply = registry
        .call(call)
        .caller(&calm)
        .rendered(Rendering::Callback)
        .now_or_fail();
    println!("wx_calm: {}", reply.text);

    // Three calls served, two refused; another app has a budget of its own.
    assert_eq!(
        kinds,
        [
            ReplyKind::Success,
            ReplyKind::Success,
            ReplyKind::Success,
            ReplyKind::Fail,
            ReplyKind::Fail
        ]
    );
    assert_eq!(reply.kind, ReplyKind::Success);
    Ok(())
}
