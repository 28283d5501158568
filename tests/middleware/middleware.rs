//! Layers around every call (`RegistryBuilder::layer`): what they see, what they can do, where
//! they run, and that every call still ends in exactly one reply whatever a layer does.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_executor::block_on;
use serde::Deserialize;
use tcmpp_core::limits::Limits;
use tcmpp_core::middleware::{ApiRequest, ApiResponse, ApiService, Next, NextFuture};
use tcmpp_core::registry::{HandlerKind, RegistryBuilder};
use tcmpp_core::reply::{FailureKind, Rendering, ReplyKind};
use tcmpp_core::{
    AccessPolicy, ApiError, AppInfo, Caller, Extension, Progress, Registry, mini_api,
};
use tower_layer::{Layer, layer_fn};

type BoxFuture = Pin<Box<dyn Future<Output = ApiResponse> + Send>>;

/// How many times `mwNever`'s future was dropped.
static ASYNC_DROPS: AtomicUsize = AtomicUsize::new(0);

/// Plain `fn` handlers that count their runs, one per test that counts, so that tests running
/// in parallel do not count each other's calls.
static REFUSED_RUNS: AtomicUsize = AtomicUsize::new(0);
static LAYER_PANICS_RUNS: AtomicUsize = AtomicUsize::new(0);
static NOT_CALLED_RUNS: AtomicUsize = AtomicUsize::new(0);
static REPLACED_RUNS: AtomicUsize = AtomicUsize::new(0);

fn count(runs: &AtomicUsize) -> serde_json::Value {
    runs.fetch_add(1, Ordering::SeqCst);
    serde_json::json!({ "n": 1 })
}

#[mini_api("mwRefused")]
fn mw_refused() -> serde_json::Value {
    count(&REFUSED_RUNS)
}

#[mini_api("mwLayerPanics")]
fn mw_layer_panics() -> serde_json::Value {
    count(&LAYER_PANICS_RUNS)
}

#[mini_api("mwNotCalled")]
fn mw_not_called() -> serde_json::Value {
    count(&NOT_CALLED_RUNS)
}

#[mini_api("mwReplaced")]
fn mw_replaced() -> serde_json::Value {
    count(&REPLACED_RUNS)
}

#[mini_api("mwSync")]
fn mw_sync() -> serde_json::Value {
    serde_json::json!({ "n": 1 })
}

#[mini_api("mwAsync")]
async fn mw_async() -> serde_json::Value {
    serde_json::json!({ "n": 2 })
}

#[derive(Deserialize)]
struct Numbers {
    n: u32,
}

#[mini_api("mwData")]
fn mw_data(numbers: Numbers) -> serde_json::Value {
    serde_json::json!({ "twice": numbers.n * 2 })
}

#[mini_api("mwFails")]
fn mw_fails() -> Result<(), ApiError> {
    Err(ApiError::new("no stock").with_code(7))
}

#[mini_api("mwPanics")]
fn mw_panics() {
    panic!("handler bug");
}

/// Sets a flag when its future is dropped before it finishes.
struct DropFlag;

impl Drop for DropFlag {
    fn drop(&mut self) {
        ASYNC_DROPS.fetch_add(1, Ordering::SeqCst);
    }
}

#[mini_api("mwNever")]
async fn mw_never() {
    let _flag = DropFlag;
    std::future::pending::<()>().await;
}

#[mini_api("mwSlow")]
async fn mw_slow() -> serde_json::Value {
    futures_timer::Delay::new(Duration::from_millis(300)).await;
    serde_json::json!({ "slow": true })
}

#[derive(Clone, Debug, PartialEq)]
struct UserId(u64);

#[mini_api("mwUser")]
fn mw_user(Extension(user): Extension<UserId>) -> serde_json::Value {
    serde_json::json!({ "user": user.0 })
}

#[mini_api("mwMaybeUser")]
fn mw_maybe_user(user: Option<Extension<UserId>>) -> serde_json::Value {
    serde_json::json!({ "user": user.map(|Extension(user)| user.0) })
}

#[mini_api("mwRestricted", restricted)]
fn mw_restricted() {}

/// A registry without layers, which `mwNested` dispatches into from inside a layered call.
static WITHOUT_LAYERS: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();

/// A plain `fn` whose body dispatches a call through another registry, one without layers.
#[mini_api("mwNested")]
fn mw_nested() -> serde_json::Value {
    let inner = WITHOUT_LAYERS
        .get()
        .expect("the test sets the inner registry")
        .dispatch_json(r#"{"api_name":"mwMaybeUser"}"#)
        .now_or_fail();
    serde_json::json!({ "inner": inner })
}

#[mini_api("mwProgress")]
fn mw_progress(progress: Progress) {
    progress.send(serde_json::json!({ "step": 1 })).unwrap();
}

/// A layer made of a closure that gets the request and the rest of the stack.
struct With<F>(Arc<F>);

struct WithService<F> {
    f: Arc<F>,
    next: Next,
}

fn with<F>(f: F) -> With<F>
where
    F: Fn(ApiRequest<'_>, &Next) -> BoxFuture + Send + Sync + 'static,
{
    With(Arc::new(f))
}

impl<F> Layer<Next> for With<F> {
    type Service = WithService<F>;

    fn layer(&self, next: Next) -> WithService<F> {
        WithService {
            f: self.0.clone(),
            next,
        }
    }
}

impl<F> ApiService for WithService<F>
where
    F: Fn(ApiRequest<'_>, &Next) -> BoxFuture + Send + Sync + 'static,
{
    type Future = BoxFuture;

    fn call(&self, request: ApiRequest<'_>) -> BoxFuture {
        (self.f)(request, &self.next)
    }
}

/// A layer that hands every call on and awaits the reply, doing nothing else.
#[expect(
    clippy::redundant_async_block,
    reason = "the layer's own future, as an observing layer has one"
)]
fn pass_through() -> impl Layer<Next, Service: ApiService> {
    with(|request, next| {
        let inner = next.call(request);
        Box::pin(async move { inner.await })
    })
}

/// A layer that counts the calls it sees.
fn counting(seen: Arc<AtomicUsize>) -> impl Layer<Next, Service: ApiService> {
    with(move |request, next| {
        seen.fetch_add(1, Ordering::SeqCst);
        Box::pin(next.call(request))
    })
}

fn text(registry: &Registry, call: &str) -> String {
    registry.dispatch_json(call).now_or_fail()
}

fn build(builder: RegistryBuilder) -> Registry {
    builder.build().expect("the test handlers register")
}

#[test]
fn a_pass_through_layer_changes_no_reply() {
    let plain = build(Registry::builder());
    let layered = build(Registry::builder().layer(pass_through()));
    for call in [
        r#"{"api_name":"mwSync"}"#,
        r#"{"api_name":"mwAsync","data":{}}"#,
        r#"{"api_name":"mwData","data":{"n":21}}"#,
        r#"{"api_name":"mwData","data":{"n":"x"}}"#,
        r#"{"api_name":"mwData","data":{"n":1,}}"#,
        r#"{"api_name":"mwData","data":[1,}"#,
        r#"{"api_name":"mwSync","data":{"n":1,}}"#,
        r#"{"api_name":"mwFails"}"#,
        r#"{"api_name":"mwUser"}"#,
        r#"{"api_name":"mwRestricted"}"#,
        r#"{"api_name":"notRegistered"}"#,
        r#"{"api_name":"notRegistered","data":{"x":,}}"#,
        r#"{"api_name":1}"#,
        "not json",
    ] {
        let expected = block_on(plain.dispatch_json(call));
        assert_eq!(block_on(layered.dispatch_json(call)), expected, "{call}");
    }
}

#[test]
fn the_first_layer_given_is_the_outermost() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let named = |name: &'static str| {
        let log = log.clone();
        with(move |request, next| {
            log.lock().unwrap().push(format!("{name} in"));
            let inner = next.call(request);
            let log = log.clone();
            Box::pin(async move {
                let response = inner.await;
                log.lock().unwrap().push(format!("{name} out"));
                response
            })
        })
    };
    let registry = build(Registry::builder().layer(named("a")).layer(named("b")));
    text(&registry, r#"{"api_name":"mwSync"}"#);
    assert_eq!(*log.lock().unwrap(), ["a in", "b in", "b out", "a out"]);
}

#[test]
fn a_plain_fn_stays_synchronous_through_layers_that_do_not_await() {
    let registry = build(
        Registry::builder()
            .layer(pass_through())
            .layer(counting(Arc::default())),
    );
    let reply = registry
        .call(r#"{"api_name":"mwSync"}"#)
        .reply()
        .now_or_fail();
    assert_eq!(reply.result().unwrap()["n"], 1);
    // An `async fn` that is done at once answers too, as it does without layers.
    let reply = registry
        .call(r#"{"api_name":"mwAsync"}"#)
        .reply()
        .now_or_fail();
    assert_eq!(reply.result().unwrap()["n"], 2);
}

#[test]
fn a_layer_that_awaits_makes_calls_asynchronous() {
    let registry = build(Registry::builder().layer(with(|request, next| {
        let inner = next.call(request);
        Box::pin(async move {
            futures_timer::Delay::new(Duration::from_millis(5)).await;
            inner.await
        })
    })));
    let reply = registry
        .call(r#"{"api_name":"mwSync"}"#)
        .reply()
        .now_or_fail();
    assert_eq!(
        reply.failure().map(|failure| failure.kind()),
        Some(FailureKind::NotSynchronous)
    );
    let reply = block_on(registry.call(r#"{"api_name":"mwSync"}"#).reply());
    assert_eq!(reply.result().unwrap()["n"], 1);
}

#[test]
fn a_layer_sees_the_api_and_the_stated_caller() {
    let seen = Arc::new(Mutex::new(None));
    let record = seen.clone();
    let registry = build(Registry::builder().layer(with(move |request, next| {
        let api = request.api();
        *record.lock().unwrap() = Some((
            api.name,
            api.kind,
            api.restricted,
            api.location.line > 0,
            request.app_id().map(str::to_owned),
            request.web_view_id(),
        ));
        Box::pin(next.call(request))
    })));
    let caller = Caller::new()
        .with_app_info(AppInfo::with_app_id("wx_stated"))
        .with_web_view_id(9);
    // The call text names another web view: the host's statement wins.
    let call = r#"{"api_name":"mwAsync","webviewId":4}"#;
    let reply = block_on(registry.call(call).caller(&caller).reply());
    assert!(reply.is_success(), "{reply:?}");
    assert_eq!(
        seen.lock().unwrap().take(),
        Some((
            "mwAsync",
            HandlerKind::Async,
            false,
            true,
            Some("wx_stated".to_owned()),
            Some(9)
        ))
    );
    // With no caller stated, a layer sees none, whatever the text says.
    block_on(registry.call(call).reply());
    let (.., app_id, web_view_id) = seen.lock().unwrap().take().unwrap();
    assert_eq!((app_id, web_view_id), (None, None));
}

#[test]
fn a_layer_refuses_with_a_fail_reply_or_a_cancel_and_the_handler_does_not_run() {
    let registry = build(Registry::builder().layer(with(
        |request, next| match request.api().name {
            "mwRefused" => {
                Box::pin(async { ApiResponse::from(ApiError::new("slow down").with_code(429)) })
            }
            "mwAsync" => Box::pin(async { ApiResponse::cancel() }),
            _ => Box::pin(next.call(request)),
        },
    )));
    let before = REFUSED_RUNS.load(Ordering::SeqCst);
    let refused = registry
        .call(r#"{"api_name":"mwRefused"}"#)
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(refused.kind, ReplyKind::Fail);
    assert_eq!(
        refused.text,
        r#"{"errCode":429,"errMsg":"mwRefused:fail slow down"}"#
    );
    assert_eq!(REFUSED_RUNS.load(Ordering::SeqCst), before);
    let reply = registry
        .call(r#"{"api_name":"mwRefused"}"#)
        .reply()
        .now_or_fail();
    assert_eq!(
        reply.failure().map(|failure| failure.kind()),
        Some(FailureKind::Middleware)
    );
    assert_eq!(
        text(&registry, r#"{"api_name":"mwAsync"}"#),
        r#"{"errMsg":"mwAsync:cancel"}"#
    );
}

#[test]
fn a_layer_observes_the_reply_its_kind_and_the_elapsed_time() {
    let observed = Arc::new(Mutex::new(Vec::new()));
    let record = observed.clone();
    let registry = build(
        Registry::builder()
            .limits(Limits::default().with_timeout(Some(Duration::from_millis(50))))
            .layer(with(move |request, next| {
                let name = request.api().name;
                let started = std::time::Instant::now();
                let inner = next.call(request);
                let record = record.clone();
                Box::pin(async move {
                    let response = inner.await;
                    let failure = response.failure().map(|failure| failure.kind());
                    record.lock().unwrap().push((
                        name,
                        response.kind(),
                        failure,
                        started.elapsed(),
                    ));
                    response
                })
            })),
    );
    text(&registry, r#"{"api_name":"mwSync"}"#);
    text(&registry, r#"{"api_name":"mwFails"}"#);
    text(&registry, r#"{"api_name":"mwPanics"}"#);
    text(&registry, r#"{"api_name":"mwData","data":{"n":"x"}}"#);
    block_on(registry.dispatch_json(r#"{"api_name":"mwSlow"}"#));
    let observed = observed.lock().unwrap();
    let kinds: Vec<_> = observed
        .iter()
        .map(|(name, kind, failure, _)| (*name, *kind, *failure))
        .collect();
    // The handler's panic is observed as the fail reply it became; the timeout is the
    // registry's, around the whole stack, so the layer's future is dropped with the handler's.
    assert_eq!(
        kinds,
        [
            ("mwSync", ReplyKind::Success, None),
            ("mwFails", ReplyKind::Fail, Some(FailureKind::Handler)),
            ("mwPanics", ReplyKind::Fail, Some(FailureKind::Panic)),
            ("mwData", ReplyKind::Fail, Some(FailureKind::InvalidData)),
        ]
    );
    assert!(
        observed
            .iter()
            .all(|(.., elapsed)| *elapsed < Duration::from_secs(5))
    );
}

#[test]
fn a_layer_hands_a_typed_value_to_the_handler() {
    let registry = build(Registry::builder().layer(with(|mut request, next| {
        if request.app_id() == Some("wx_signed_in") {
            request.insert_extension(UserId(42));
        }
        Box::pin(next.call(request))
    })));
    let signed_in = Caller::new().with_app_info(AppInfo::with_app_id("wx_signed_in"));
    let reply = registry
        .call(r#"{"api_name":"mwUser"}"#)
        .caller(&signed_in)
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(reply.text, r#"{"user":42,"errMsg":"mwUser:ok"}"#);
    // Without the value, `Extension<T>` is a missing context and the handler does not run;
    // `Option<Extension<T>>` is `None`.
    let reply = registry
        .call(r#"{"api_name":"mwUser"}"#)
        .reply()
        .now_or_fail();
    let failure = reply.failure().unwrap();
    assert_eq!(failure.kind(), FailureKind::MissingContext);
    assert!(
        failure.message().contains("no extension of type"),
        "{failure}"
    );
    assert_eq!(
        text(&registry, r#"{"api_name":"mwMaybeUser"}"#),
        r#"{"user":null,"errMsg":"mwMaybeUser:ok"}"#
    );
    assert_eq!(
        block_on(
            registry
                .call(r#"{"api_name":"mwMaybeUser"}"#)
                .caller(&signed_in)
                .rendered(Rendering::Callback)
        )
        .text,
        r#"{"user":42,"errMsg":"mwMaybeUser:ok"}"#
    );
}

#[test]
fn inner_layers_see_what_outer_layers_inserted() {
    let registry = build(
        Registry::builder()
            .layer(with(|mut request, next| {
                request.insert_extension(UserId(1));
                Box::pin(next.call(request))
            }))
            .layer(with(|mut request, next| {
                let UserId(outer) = request.remove_extension::<UserId>().unwrap();
                request.insert_extension(UserId(outer + 10));
                Box::pin(next.call(request))
            })),
    );
    assert_eq!(
        text(&registry, r#"{"api_name":"mwUser"}"#),
        r#"{"user":11,"errMsg":"mwUser:ok"}"#
    );
}

#[test]
fn a_call_dispatched_from_a_handler_through_another_registry_sees_none_of_its_extensions() {
    let _ = WITHOUT_LAYERS.set(build(Registry::builder()));
    let layered = build(Registry::builder().layer(with(|mut request, next| {
        request.insert_extension(UserId(42));
        Box::pin(next.call(request))
    })));
    // The outer handler's own call has the value; the call it makes through a registry that
    // has no layer inserting one does not.
    assert_eq!(
        text(&layered, r#"{"api_name":"mwMaybeUser"}"#),
        r#"{"user":42,"errMsg":"mwMaybeUser:ok"}"#
    );
    assert_eq!(
        text(&layered, r#"{"api_name":"mwNested"}"#),
        r#"{"inner":"{\"user\":null,\"errMsg\":\"mwMaybeUser:ok\"}","errMsg":"mwNested:ok"}"#
    );
}

#[test]
fn unknown_apis_refused_callers_and_malformed_calls_never_reach_a_layer() {
    let seen = Arc::new(AtomicUsize::new(0));
    let registry = build(
        Registry::builder()
            .access_policy(AccessPolicy::new().grant("wx_partner", ["mwRestricted"]))
            .layer(counting(seen.clone())),
    );
    assert_eq!(
        text(&registry, r#"{"api_name":"notRegistered"}"#),
        r#"{"errMsg":"notRegistered:fail unknown API: no handler is registered for \"notRegistered\""}"#
    );
    assert_eq!(
        text(&registry, r#"{"api_name":"mwRestricted"}"#),
        r#"{"errMsg":"mwRestricted:fail permission denied"}"#
    );
    let malformed = text(&registry, r#"{"api_name":"mwData","data":{"n":1,}}"#);
    assert!(malformed.contains(":fail invalid call"), "{malformed}");
    assert_eq!(seen.load(Ordering::SeqCst), 0);
    // A caller the policy admits does reach it.
    let partner = Caller::new().with_app_info(AppInfo::with_app_id("wx_partner"));
    let reply = registry
        .call(r#"{"api_name":"mwRestricted"}"#)
        .caller(&partner)
        .reply()
        .now_or_fail();
    assert!(reply.is_success());
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[test]
fn a_layer_that_panics_in_call_is_a_fail_reply() {
    let registry = build(Registry::builder().layer(with(|_request, _next| {
        panic!("layer bug");
    })));
    let before = LAYER_PANICS_RUNS.load(Ordering::SeqCst);
    assert_eq!(
        text(&registry, r#"{"api_name":"mwLayerPanics"}"#),
        r#"{"errMsg":"mwLayerPanics:fail internal error: a layer panicked"}"#
    );
    assert_eq!(LAYER_PANICS_RUNS.load(Ordering::SeqCst), before);
    // Shown only when the registry exposes panic messages; the layer outside observes the
    // inner layer's panic as the fail reply it became.
    let observed = Arc::new(Mutex::new(None));
    let record = observed.clone();
    let registry = build(
        Registry::builder()
            .expose_panic_messages(true)
            .layer(with(move |request, next| {
                let inner = next.call(request);
                let record = record.clone();
                Box::pin(async move {
                    let response = inner.await;
                    *record.lock().unwrap() = response.failure().map(|failure| failure.kind());
                    response
                })
            }))
            .layer(with(|_request, _next| panic!("inner layer bug"))),
    );
    assert_eq!(
        text(&registry, r#"{"api_name":"mwLayerPanics"}"#),
        r#"{"errMsg":"mwLayerPanics:fail internal error: a layer panicked: inner layer bug"}"#
    );
    assert_eq!(*observed.lock().unwrap(), Some(FailureKind::Panic));
}

#[test]
fn a_layer_whose_future_panics_is_a_fail_reply() {
    let registry = build(Registry::builder().layer(with(|request, next| {
        let inner = next.call(request);
        Box::pin(async move {
            let _ = inner.await;
            panic!("after the handler");
        })
    })));
    let reply = registry
        .call(r#"{"api_name":"mwSync"}"#)
        .reply()
        .now_or_fail();
    assert_eq!(
        reply.failure().map(|failure| failure.kind()),
        Some(FailureKind::Panic)
    );
    let reply = block_on(registry.call(r#"{"api_name":"mwAsync"}"#).reply());
    assert_eq!(
        reply.failure().map(|failure| failure.kind()),
        Some(FailureKind::Panic)
    );
}

#[test]
fn a_layer_that_never_calls_the_handler_is_answered_by_the_timeout() {
    let registry = build(
        Registry::builder()
            .limits(Limits::default().with_timeout(Some(Duration::from_millis(30))))
            .layer(with(|_request, _next| Box::pin(std::future::pending()))),
    );
    let before = NOT_CALLED_RUNS.load(Ordering::SeqCst);
    assert_eq!(
        block_on(registry.dispatch_json(r#"{"api_name":"mwNotCalled"}"#)),
        r#"{"errMsg":"mwNotCalled:fail timeout after 30 ms"}"#
    );
    assert_eq!(NOT_CALLED_RUNS.load(Ordering::SeqCst), before);
    // A synchronous call is answered at once.
    assert_eq!(
        text(&registry, r#"{"api_name":"mwNotCalled"}"#),
        r#"{"errMsg":"mwNotCalled:fail this API is asynchronous and did not answer at once, so it cannot answer a synchronous call: call it without `sync: true`"}"#
    );
}

#[test]
fn a_layer_that_drops_the_handler_future_still_ends_in_one_reply() {
    let registry = build(
        Registry::builder()
            .limits(Limits::default().with_timeout(Some(Duration::from_millis(30))))
            .layer(with(|request, next| {
                let inner = next.call(request);
                Box::pin(async move {
                    // Polls the handler once, drops it, and never answers.
                    let mut inner = inner;
                    let waker = std::task::Waker::noop();
                    let _ = Pin::new(&mut inner).poll(&mut std::task::Context::from_waker(waker));
                    drop(inner);
                    std::future::pending().await
                })
            })),
    );
    let before = ASYNC_DROPS.load(Ordering::SeqCst);
    assert_eq!(
        block_on(registry.dispatch_json(r#"{"api_name":"mwNever"}"#)),
        r#"{"errMsg":"mwNever:fail timeout after 30 ms"}"#
    );
    assert_eq!(ASYNC_DROPS.load(Ordering::SeqCst), before + 1);
}

#[test]
fn a_layer_that_answers_after_the_handler_answered_gives_the_one_reply() {
    let events = Arc::new(AtomicUsize::new(0));
    let registry = build(Registry::builder().layer(with(|request, next| {
        let inner = next.call(request);
        Box::pin(async move {
            // The handler's reply is taken and replaced: the host sees only the layer's.
            let handler = inner.await;
            assert_eq!(handler.kind(), ReplyKind::Success);
            ApiResponse::fail("replaced")
        })
    })));
    let counter = events.clone();
    let before = REPLACED_RUNS.load(Ordering::SeqCst);
    let mut future = registry
        .call(r#"{"api_name":"mwReplaced"}"#)
        .progress(move |_: tcmpp_core::progress::ProgressEvent<'_>| {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .reply();
    // A reply through layers is not known without polling.
    assert!(future.try_now().is_none());
    let reply = block_on(future);
    assert_eq!(reply.failure().unwrap().message(), "replaced");
    assert_eq!(REPLACED_RUNS.load(Ordering::SeqCst), before + 1);
    // Progress of a handler reaches the host through layers, before the reply.
    let counter = events.clone();
    let reply = block_on(
        registry
            .call(r#"{"api_name":"mwProgress"}"#)
            .progress(move |_: tcmpp_core::progress::ProgressEvent<'_>| {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .reply(),
    );
    assert_eq!(reply.failure().unwrap().message(), "replaced");
    assert_eq!(events.load(Ordering::SeqCst), 1);
}

#[test]
fn layers_built_with_layer_fn_and_concurrent_dispatch() {
    struct Count(Next, Arc<AtomicUsize>);

    impl ApiService for Count {
        type Future = NextFuture;

        fn call(&self, request: ApiRequest<'_>) -> NextFuture {
            self.1.fetch_add(1, Ordering::Relaxed);
            self.0.call(request)
        }
    }

    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let registry =
        build(Registry::builder().layer(layer_fn(move |next| Count(next, counter.clone()))));
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let registry = registry.clone();
            scope.spawn(move || {
                for _ in 0..50 {
                    assert_eq!(
                        text(&registry, r#"{"api_name":"mwAsync"}"#),
                        r#"{"n":2,"errMsg":"mwAsync:ok"}"#
                    );
                }
            });
        }
    });
    assert_eq!(seen.load(Ordering::Relaxed), 200);
}

/// A builder holding layers can still move to another thread, or live across an `.await` in a
/// `Send` future, as one without layers can.
#[test]
fn a_builder_with_layers_is_send_and_sync() {
    fn send_and_sync<T: Send + Sync>(value: T) -> T {
        value
    }
    let builder = send_and_sync(Registry::builder().layer(pass_through()));
    let registry = std::thread::spawn(move || builder.build())
        .join()
        .expect("the build thread finishes")
        .expect("the registry builds");
    assert!(
        registry
            .dispatch_json(r#"{"api_name":"notThere"}"#)
            .now_or_fail()
            .contains("unknown API")
    );
}
