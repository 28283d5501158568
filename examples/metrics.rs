//! Metrics per API and outcome: `cargo run --example metrics`.
//!
//! A layer of the registry counts every call by API name and outcome (ok, cancel, or the kind
//! of failure) and adds up the time each API took, without touching a handler. It awaits the
//! handler's reply and passes it on unchanged; a handler's panic reaches it as the fail reply
//! it became, so panics are counted too.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_executor::block_on;
use tcmpp_core::middleware::{ApiRequest, ApiResponse, ApiService, Next};
use tcmpp_core::reply::ReplyKind;
use tcmpp_core::{ApiError, Registry, mini_api};
use tower_layer::Layer;

#[mini_api("scan")]
async fn scan(code: String) -> Result<serde_json::Value, ApiError> {
    if code.is_empty() {
        return Err(ApiError::new("nothing to scan"));
    }
    Ok(serde_json::json!({ "code": code }))
}

#[mini_api("pay")]
fn pay() -> Result<(), ApiError> {
    Err(ApiError::cancelled())
}

/// Calls and their total time, per (API name, outcome).
type Counts = BTreeMap<(&'static str, String), (u64, Duration)>;

/// The counts, shared by the layer's services and the host that reads them.
#[derive(Clone, Default)]
struct Metrics {
    counts: Arc<Mutex<Counts>>,
}

impl Metrics {
    fn record(&self, api: &'static str, response: &ApiResponse, elapsed: Duration) {
        let outcome = match (response.kind(), response.failure()) {
            (ReplyKind::Success, _) => "ok".to_owned(),
            (ReplyKind::Cancel, _) => "cancel".to_owned(),
            (ReplyKind::Fail, Some(failure)) => format!("fail: {:?}", failure.kind()),
            (ReplyKind::Fail, None) => "fail".to_owned(),
        };
        if let Ok(mut counts) = self.counts.lock() {
            let entry = counts.entry((api, outcome)).or_default();
            entry.0 += 1;
            entry.1 += elapsed;
        }
    }
}

impl Layer<Next> for Metrics {
    type Service = Measured;

    fn layer(&self, inner: Next) -> Measured {
        Measured {
            metrics: self.clone(),
            inner,
        }
    }
}

struct Measured {
    metrics: Metrics,
    inner: Next,
}

impl ApiService for Measured {
    type Future = Pin<Box<dyn Future<Output = ApiResponse> + Send>>;

    fn call(&self, request: ApiRequest<'_>) -> Self::Future {
        // The name is the program's (`&'static str`), never text the mini program sent.
        let api = request.api().name;
        let started = Instant::now();
        let inner = self.inner.call(request);
        let metrics = self.metrics.clone();
        Box::pin(async move {
            let response = inner.await;
            metrics.record(api, &response, started.elapsed());
            response
        })
    }
}

fn main() -> Result<(), tcmpp_core::BuildError> {
    let metrics = Metrics::default();
    let registry = Registry::builder().layer(metrics.clone()).build()?;
    for call in [
        r#"{"api_name":"scan","data":"qr-1"}"#,
        r#"{"api_name":"scan","data":"qr-2"}"#,
        r#"{"api_name":"scan","data":""}"#,
        r#"{"api_name":"scan","data":42}"#,
        r#"{"api_name":"pay"}"#,
        // Never reaches a layer: no handler serves it.
        r#"{"api_name":"refund"}"#,
    ] {
        println!("{}", block_on(registry.dispatch_json(call)));
    }

    let counts = metrics.counts.lock().expect("no layer panicked");
    println!(
        "\n{:<6} {:<22} {:>5} {:>12}",
        "api", "outcome", "calls", "total time"
    );
    for ((api, outcome), (calls, total)) in counts.iter() {
        println!("{api:<6} {outcome:<22} {calls:>5} {total:>12?}");
    }
    let calls = |api: &'static str, outcome: &str| {
        counts
            .get(&(api, outcome.to_owned()))
            .map_or(0, |(calls, _)| *calls)
    };
    assert_eq!(calls("scan", "ok"), 2);
    assert_eq!(calls("scan", "fail: Handler"), 1);
    assert_eq!(calls("scan", "fail: InvalidData"), 1);
    assert_eq!(calls("pay", "cancel"), 1);
    assert_eq!(counts.len(), 4);
    Ok(())
}
