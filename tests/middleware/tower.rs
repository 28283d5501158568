//! The registry as a `tower::Service` (feature `tower`): tower's own layers wrap it unchanged,
//! and `FailOnError` keeps one reply per call whatever they do.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tcmpp_core::reply::FailureKind;
use tcmpp_core::tower::{FailOnError, RegistryService, StatedCall};
use tcmpp_core::{AppInfo, Caller, MiniApiCall, Registry, Reply, mini_api};
use tower::{Service, ServiceBuilder, ServiceExt};

static DROPPED: AtomicUsize = AtomicUsize::new(0);

#[mini_api("towerFast")]
fn tower_fast() -> serde_json::Value {
    serde_json::json!({ "fast": true })
}

#[mini_api("towerWho")]
fn tower_who(app: AppInfo) -> serde_json::Value {
    serde_json::json!({ "appId": app.app_id })
}

struct DropFlag;

impl Drop for DropFlag {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

#[mini_api("towerSlow")]
async fn tower_slow() -> serde_json::Value {
    let _flag = DropFlag;
    tokio::time::sleep(Duration::from_millis(200)).await;
    serde_json::json!({ "slow": true })
}

fn registry() -> Registry {
    Registry::builder()
        .build()
        .expect("the test handlers register")
}

fn call(name: &str) -> MiniApiCall {
    MiniApiCall::new(name, serde_json::Value::Null)
}

fn middleware_failure(reply: &Reply) -> (FailureKind, String) {
    let failure = reply.failure().expect("a fail reply");
    (failure.kind(), failure.message().to_owned())
}

#[tokio::test]
async fn the_registry_is_a_tower_service() {
    let mut service = RegistryService::new(registry());
    let reply = service
        .ready()
        .await
        .unwrap()
        .call(call("towerFast"))
        .await
        .unwrap();
    assert_eq!(reply.result().unwrap()["fast"], true);
    let reply = service
        .ready()
        .await
        .unwrap()
        .call(call("towerWho"))
        .await
        .unwrap();
    assert_eq!(reply.failure().unwrap().kind(), FailureKind::MissingContext);
    // The caller the host states, with the call.
    let mut service = RegistryService::stated(registry());
    let caller = Caller::new().with_app_info(AppInfo::with_app_id("wx_tower"));
    let request = StatedCall::new(call("towerWho"), caller);
    let reply = service.ready().await.unwrap().call(request).await.unwrap();
    assert_eq!(reply.result().unwrap()["appId"], "wx_tower");
}

#[tokio::test]
async fn load_shedding_over_a_concurrency_limit_fails_the_call_it_sheds() {
    let mut service = ServiceBuilder::new()
        .layer_fn(FailOnError::new)
        .load_shed()
        .concurrency_limit(1)
        .service(RegistryService::new(registry()));
    let slow = service.ready().await.unwrap().call(call("towerSlow"));
    let slow = tokio::spawn(slow);
    tokio::task::yield_now().await;
    let shed = service
        .ready()
        .await
        .unwrap()
        .call(call("towerFast"))
        .await
        .unwrap();
    assert_eq!(
        middleware_failure(&shed),
        (FailureKind::Middleware, "service overloaded".to_owned())
    );
    assert_eq!(
        shed.to_callback_json("towerFast"),
        r#"{"errMsg":"towerFast:fail service overloaded"}"#
    );
    let slow = slow.await.unwrap().unwrap();
    assert_eq!(slow.result().unwrap()["slow"], true);
    // The permit is back: the next call is served.
    let fast = service
        .ready()
        .await
        .unwrap()
        .call(call("towerFast"))
        .await
        .unwrap();
    assert!(fast.is_success());
}

#[tokio::test]
async fn a_rate_limit_with_load_shedding_refuses_the_calls_over_the_rate() {
    let mut service = ServiceBuilder::new()
        .layer_fn(FailOnError::new)
        .load_shed()
        .rate_limit(1, Duration::from_secs(60))
        .service(RegistryService::new(registry()));
    let first = service
        .ready()
        .await
        .unwrap()
        .call(call("towerFast"))
        .await
        .unwrap();
    assert!(first.is_success());
    let second = service
        .ready()
        .await
        .unwrap()
        .call(call("towerFast"))
        .await
        .unwrap();
    assert_eq!(
        middleware_failure(&second),
        (FailureKind::Middleware, "service overloaded".to_owned())
    );
}

#[tokio::test]
async fn a_tower_timeout_fails_the_call_and_drops_the_handler() {
    let before = DROPPED.load(Ordering::SeqCst);
    let mut service = ServiceBuilder::new()
        .layer_fn(FailOnError::new)
        .timeout(Duration::from_millis(20))
        .service(RegistryService::new(registry()));
    let reply = service
        .ready()
        .await
        .unwrap()
        .call(call("towerSlow"))
        .await
        .unwrap();
    assert_eq!(
        middleware_failure(&reply),
        (FailureKind::Middleware, "request timed out".to_owned())
    );
    assert!(DROPPED.load(Ordering::SeqCst) > before);
}

/// A tower service that fails the way a broken layer does: by its readiness, or by panicking.
#[derive(Clone, Copy)]
enum Broken {
    NotReady,
    PanicsInCall,
    PanicsInFuture,
    Errs,
}

impl Service<MiniApiCall> for Broken {
    type Response = Reply;
    type Error = std::io::Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<Reply, std::io::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), std::io::Error>> {
        match self {
            Broken::NotReady => Poll::Ready(Err(std::io::Error::other("backend down"))),
            _ => Poll::Ready(Ok(())),
        }
    }

    fn call(&mut self, _: MiniApiCall) -> Self::Future {
        match *self {
            Broken::PanicsInCall => panic!("broken call"),
            Broken::PanicsInFuture => Box::pin(async { panic!("broken future") }),
            Broken::Errs => Box::pin(async { Err(std::io::Error::other("broken")) }),
            Broken::NotReady => Box::pin(async { Ok(Reply::Cancel) }),
        }
    }
}

#[tokio::test]
async fn fail_on_error_answers_every_call_whatever_the_stack_does() {
    let expected = [
        (Broken::NotReady, FailureKind::Middleware, "backend down"),
        (Broken::Errs, FailureKind::Middleware, "broken"),
        (
            Broken::PanicsInCall,
            FailureKind::Panic,
            "internal error: a layer panicked",
        ),
        (
            Broken::PanicsInFuture,
            FailureKind::Panic,
            "internal error: a layer panicked",
        ),
    ];
    for (broken, kind, message) in expected {
        let mut service = FailOnError::new(broken);
        let reply: Result<Reply, Infallible> =
            service.ready().await.unwrap().call(call("towerFast")).await;
        let reply = reply.unwrap();
        assert_eq!(middleware_failure(&reply), (kind, message.to_owned()));
    }
}
