//! The dev server over real sockets on loopback: calls through the registry's one entry,
//! byte for byte; 1,000 calls in flight from 16 clients with their progress, nothing lost;
//! the registry's limits; and each refusal (malformed request, oversized body, wrong token,
//! foreign `Origin` or `Host`, a non-loopback address) a clear error.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use http_body_util::Full;
use hyper::StatusCode;
use hyper::body::Bytes;
use hyper_util::rt::{TokioExecutor, TokioIo};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{Running, app, call, request, send, start};
use tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES;
use tcmpp_core::reply::Rendering;
use tcmpp_core::{AppInfo, Caller, Progress, Registry, State, mini_api};
use tcmpp_dev::{DEV_STATE_EVENT, DevError, DevOptions};
use tokio::net::TcpStream;
use tokio::sync::Barrier;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Calls in flight at once in the concurrency test, and the clients that make them.
const CALLS: usize = 1_000;
const CLIENTS: usize = 16;

/// Every `work` call waits here until all `CALLS` are in the handler at once: if the server
/// serialized calls anywhere, they would time out instead of answering.
struct Gate(Barrier);

#[derive(Deserialize, JsonSchema)]
struct Work {
    client: usize,
    n: usize,
}

#[derive(Serialize, JsonSchema)]
struct Worked {
    client: usize,
    n: usize,
}

#[mini_api("work", timeout_ms = 30_000)]
async fn work(work: Work, gate: State<Gate>, progress: Progress) -> Worked {
    for step in 0..3 {
        let _ = progress.send(json!({ "n": work.n, "step": step }));
    }
    gate.0.wait().await;
    Worked {
        client: work.client,
        n: work.n,
    }
}

/// The app's registry, with the gate `work` needs.
fn registry() -> Registry {
    let builder = Registry::builder().state(Gate(Barrier::new(CALLS)));
    app::build_registry(builder, Arc::new(app::FakeBattery(80))).expect("the registry builds")
}

/// What the one entry answers for `text` as the host would state the profile `shop`.
async fn one_entry(
    registry: &Registry,
    caller: &Caller,
    text: &[u8],
) -> tcmpp_core::reply::RenderedReply {
    registry
        .call(text)
        .caller(caller)
        .rendered(Rendering::Callback)
        .await
}

fn shop_caller() -> Caller {
    let mut app_info = AppInfo::with_app_id("wx_shop");
    app_info.app_ver_type = Some(0);
    Caller::new()
        .with_app_info(app_info)
        .with_web_view_id(1)
        .with_state_event(DEV_STATE_EVENT)
}

fn kind_name(kind: tcmpp_core::reply::ReplyKind) -> &'static str {
    match kind {
        tcmpp_core::reply::ReplyKind::Success => "success",
        tcmpp_core::reply::ReplyKind::Cancel => "cancel",
        _ => "fail",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_answer_byte_for_byte_what_the_one_entry_answers() {
    let running = start(registry(), DevOptions::new()).await;
    let calls: &[&[u8]] = &[
        br#"{"api_name":"getProduct","data":{"productId":"kopi","withReviews":true}}"#,
        br#"{"api_name":"getProduct","data":{"productId":""}}"#,
        br#"{"api_name":"payOrder","data":{"orderId":7,"total":{"amount":0,"currency":"IDR"},"payment":{"method":"cash"}}}"#,
        br#"{"api_name":"confirmOrder","data":{"orderId":7,"confirm":false}}"#,
        br#"{"api_name":"wallet","data":{"methodName":"signMessage","message":"hi","nonce":"1"}}"#,
        br#"{"api_name":"batteryLevel"}"#,
        br#"{"api_name":"nope","data":{}}"#,
        br#"{"api_name":"getProduct","data":{"productId":5}}"#,
        b"not json at all",
        b"{\"api_name\":\"getProduct\",\"data\":{\"productId\":\"\xff\"}}",
        br#"{"api_name":"getProduct","appInfo":{"appId":"wx_shop"},"data":{"productId":"x"}}"#,
    ];
    let caller = shop_caller();
    for text in calls {
        let expected = one_entry(&running.registry, &caller, text).await;
        let answer = call(&running, "shop", Bytes::copy_from_slice(text)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(
            answer.body,
            expected.text.as_bytes(),
            "{}",
            String::from_utf8_lossy(text)
        );
        assert_eq!(
            answer.header(tcmpp_dev::REPLY_KIND_HEADER),
            Some(kind_name(expected.kind))
        );
        assert!(
            answer
                .header(tcmpp_dev::ELAPSED_HEADER)
                .is_some_and(|t| t.parse::<u64>().is_ok())
        );
        assert_eq!(answer.header(tcmpp_dev::PROFILE_HEADER), Some("shop"));
    }
    // The fake battery answers for the device's.
    let battery = call(&running, "shop", r#"{"api_name":"batteryLevel"}"#).await;
    assert_eq!(
        battery.text(),
        r#"{"percent":80,"errMsg":"batteryLevel:ok"}"#
    );
    // The malformed ones are fail replies that say why.
    let broken = call(&running, "shop", "not json at all").await;
    assert_eq!(broken.header(tcmpp_dev::REPLY_KIND_HEADER), Some("fail"));
    assert!(broken.text().contains("invalid call"), "{}", broken.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caller_is_the_profile_named_never_the_call_text() {
    let running = start(registry(), DevOptions::new()).await;
    let sign =
        r#"{"api_name":"wallet","data":{"methodName":"signMessage","message":"hi","nonce":"1"}}"#;
    let shop = call(&running, "shop", sign).await;
    assert_eq!(shop.text(), r#"{"signature":"2:1","errMsg":"wallet:ok"}"#);
    for refused in ["partner", "nobody"] {
        let answer = call(&running, refused, sign).await;
        assert_eq!(
            answer.text(),
            r#"{"errMsg":"wallet:fail permission denied"}"#
        );
        assert_eq!(answer.header(tcmpp_dev::REPLY_KIND_HEADER), Some("fail"));
    }
    // The first profile is the default.
    let default = send(
        running.addr,
        request(&running, "POST", "/api/call")
            .body(Full::new(Bytes::from(sign)))
            .unwrap(),
    )
    .await;
    assert_eq!(default.text(), shop.text());
    // An `appInfo` in the call text does not make the partner the shop.
    let forged = r#"{"api_name":"wallet","appInfo":{"appId":"wx_shop"},"data":{"methodName":"signMessage","message":"hi","nonce":"1"}}"#;
    let answer = call(&running, "partner", forged).await;
    assert_eq!(answer.header(tcmpp_dev::REPLY_KIND_HEADER), Some("fail"));
    assert!(!answer.text().contains("signature"), "{}", answer.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_calls_in_flight_from_sixteen_clients_each_get_their_reply_and_progress() {
    let running = Arc::new(start(registry(), DevOptions::new()).await);
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let running = Arc::clone(&running);
        clients.push(tokio::spawn(
            async move { one_client(&running, client).await },
        ));
    }
    let mut replies = 0;
    for client in clients {
        replies += tokio::time::timeout(Duration::from_secs(60), client)
            .await
            .expect("every client is answered within a minute")
            .expect("the client task ends");
    }
    assert_eq!(replies, CALLS);
}

/// One client: a progress socket and an HTTP/2 connection, its share of the calls sent at
/// once; checks every reply and that its socket got exactly its calls' events, in order.
async fn one_client(running: &Running, client: usize) -> usize {
    let ns: Vec<usize> = (0..CALLS).filter(|n| n % CLIENTS == client).collect();
    let (mut socket, subscription) = progress_socket(running).await;
    let stream = TcpStream::connect(running.addr).await.unwrap();
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("HTTP/2 handshake");
    tokio::spawn(connection);
    let mut calls = Vec::new();
    for &n in &ns {
        let mut sender = sender.clone();
        let path = format!(
            "http://{}/api/call?profile=nobody&progress={subscription}&callId=c{client}-{n}",
            running.addr
        );
        let request = hyper::Request::builder()
            .method("POST")
            .uri(path)
            .header("x-tcmpp-dev-token", &running.token)
            .body(Full::new(Bytes::from(format!(
                r#"{{"api_name":"work","data":{{"client":{client},"n":{n}}}}}"#
            ))))
            .unwrap();
        calls.push(tokio::spawn(async move {
            let response = sender.send_request(request).await.expect("a response");
            let (parts, body) = response.into_parts();
            let body = http_body_util::BodyExt::collect(body)
                .await
                .unwrap()
                .to_bytes();
            (n, parts.status, parts.headers, body)
        }));
    }
    for call in calls {
        let (n, status, headers, body) = call.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            format!(r#"{{"client":{client},"n":{n},"errMsg":"work:ok"}}"#)
        );
        assert_eq!(headers["x-tcmpp-progress-events"], "3");
    }
    // Every event of this client's calls, and no other, in order per call.
    let mut seen: HashMap<String, Vec<(u64, Value)>> = HashMap::new();
    let mut events = 0;
    while events < ns.len() * 3 {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the events arrive")
            .expect("the socket stays open")
            .expect("a message");
        let Message::Text(text) = message else {
            continue;
        };
        let event: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(event["type"], "progress");
        assert_eq!(event["apiName"], "work");
        assert_eq!(event["stateEvent"], DEV_STATE_EVENT);
        let id = event["callId"].as_str().unwrap().to_owned();
        seen.entry(id)
            .or_default()
            .push((event["seq"].as_u64().unwrap(), event["payload"].clone()));
        events += 1;
    }
    assert_eq!(seen.len(), ns.len());
    for n in &ns {
        let got = &seen[&format!("c{client}-{n}")];
        let expected: Vec<(u64, Value)> = (0..3)
            .map(|step| (step, json!({ "n": n, "step": step })))
            .collect();
        assert_eq!(got, &expected);
    }
    let _ = socket.close(None).await;
    ns.len()
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// A progress socket and its subscription id.
async fn progress_socket(running: &Running) -> (Socket, String) {
    let url = format!("ws://{}/api/progress?token={}", running.addr, running.token);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("the socket opens");
    let hello = socket.next().await.unwrap().unwrap();
    let hello: Value = serde_json::from_str(hello.to_text().unwrap()).unwrap();
    assert_eq!(hello["type"], "hello");
    (socket, hello["subscription"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registrys_limits_apply_and_the_servers_own_is_a_clear_413() {
    let running = start(registry(), DevOptions::new().max_body_bytes(6 << 20)).await;
    let caller = shop_caller();
    // A 4 MiB call, exactly at the registry's limit, is served.
    let envelope = r#"{"api_name":"logEvent","data":{"name":""}}"#;
    let padding = DEFAULT_MAX_CALL_BYTES - envelope.len();
    let at_limit = format!(
        r#"{{"api_name":"logEvent","data":{{"name":"{}"}}}}"#,
        "x".repeat(padding)
    );
    assert_eq!(at_limit.len(), DEFAULT_MAX_CALL_BYTES);
    let answer = call(&running, "shop", at_limit.clone()).await;
    assert_eq!(answer.text(), r#"{"errMsg":"logEvent:ok"}"#);
    // One byte more is the registry's refusal, as the one entry gives it.
    let over = format!(
        r#"{{"api_name":"logEvent","data":{{"name":"{}"}}}}"#,
        "x".repeat(padding + 1)
    );
    let expected = one_entry(&running.registry, &caller, over.as_bytes()).await;
    let answer = call(&running, "shop", over).await;
    assert_eq!(answer.body, expected.text.as_bytes());
    assert!(
        answer.text().contains("over the limit of 4194304 bytes"),
        "{}",
        answer.text()
    );
    assert_eq!(answer.header(tcmpp_dev::REPLY_KIND_HEADER), Some("fail"));
    // Nesting over the registry's depth limit.
    let deep = format!(
        r#"{{"api_name":"logEvent","data":{{"name":"a","extra":{}{}}}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let expected = one_entry(&running.registry, &caller, deep.as_bytes()).await;
    let answer = call(&running, "shop", deep).await;
    assert_eq!(answer.body, expected.text.as_bytes());
    assert_eq!(answer.header(tcmpp_dev::REPLY_KIND_HEADER), Some("fail"));
    // Over the server's own body limit: refused before the registry, saying what to do.
    let answer = call(&running, "shop", vec![b' '; (6 << 20) + 1]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["error"], "too-large");
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("DevOptions::max_body_bytes")
    );
}

/// Each refusal: its status, its code, and a message that says what to do.
fn refused(answer: &support::Answer, status: StatusCode, code: &str, hint: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"], code, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(hint), "{message:?} does not say {hint:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_refused_saying_why() {
    let running = start(registry(), DevOptions::new()).await;
    let sign = r#"{"api_name":"getCart"}"#;
    let post = |path: &str| {
        request(&running, "POST", path)
            .body(Full::new(Bytes::from(sign)))
            .unwrap()
    };
    refused(
        &send(running.addr, post("/api/call?profile=ghost")).await,
        StatusCode::BAD_REQUEST,
        "bad-request",
        r#"no profile "ghost": the profiles are ["shop", "partner", "nobody"]"#,
    );
    refused(
        &send(running.addr, post("/api/call?colour=red")).await,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "it takes `profile`, `progress`, `callId` and `rendering`",
    );
    refused(
        &send(running.addr, post("/api/call?rendering=xml")).await,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "`rendering` is `callback`",
    );
    refused(
        &send(running.addr, post("/api/call?progress=999")).await,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "open GET /api/progress",
    );
    refused(
        &send(
            running.addr,
            post(&format!("/api/call?callId={}", "x".repeat(65))),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "over 64",
    );
    refused(
        &send(running.addr, post("/api/calls")).await,
        StatusCode::NOT_FOUND,
        "not-found",
        "POST /api/call",
    );
    let get = request(&running, "GET", "/api/call")
        .body(Full::new(Bytes::new()))
        .unwrap();
    refused(
        &send(running.addr, get).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "POST /api/call",
    );
    // The bare rendering, asked for by name, is the one entry's too.
    let bare = send(running.addr, post("/api/call?rendering=bare")).await;
    let expected = running
        .registry
        .call(sign)
        .caller(&shop_caller())
        .rendered(Rendering::Bare)
        .await;
    assert_eq!(bare.body, expected.text.as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_a_foreign_origin_and_a_foreign_host_are_refused() {
    let running = start(
        registry(),
        DevOptions::new().allow_origin("http://127.0.0.1:9999"),
    )
    .await;
    let body = || Full::new(Bytes::from(r#"{"api_name":"getCart"}"#));
    let base = || {
        hyper::Request::builder()
            .method("POST")
            .uri("/api/call")
            .header("host", running.addr.to_string())
    };
    let answer = send(
        running.addr,
        base()
            .header("x-tcmpp-dev-token", "0".repeat(32))
            .body(body())
            .unwrap(),
    )
    .await;
    refused(
        &answer,
        StatusCode::UNAUTHORIZED,
        "wrong-token",
        "the token the server printed at start",
    );
    let answer = send(running.addr, base().body(body()).unwrap()).await;
    refused(
        &answer,
        StatusCode::UNAUTHORIZED,
        "wrong-token",
        "no dev token given",
    );
    let answer = send(
        running.addr,
        request(&running, "GET", "/api/apis?token=nope")
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "the header's token is right");
    let answer = send(
        running.addr,
        base()
            .header("x-tcmpp-dev-token", &running.token)
            .header("origin", "https://evil.example")
            .body(body())
            .unwrap(),
    )
    .await;
    refused(
        &answer,
        StatusCode::FORBIDDEN,
        "foreign-origin",
        "DevOptions::allow_origin",
    );
    let answer = send(
        running.addr,
        base()
            .header("x-tcmpp-dev-token", &running.token)
            .header("origin", "null")
            .body(body())
            .unwrap(),
    )
    .await;
    refused(
        &answer,
        StatusCode::FORBIDDEN,
        "foreign-origin",
        r#""null""#,
    );
    // The server's own origin, and one allowed, pass.
    for origin in [
        format!("http://{}", running.addr),
        "http://127.0.0.1:9999".to_owned(),
    ] {
        let answer = send(
            running.addr,
            base()
                .header("x-tcmpp-dev-token", &running.token)
                .header("origin", origin)
                .body(body())
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    }
    // DNS rebinding: a name that resolves to 127.0.0.1 but is not the server's own.
    let rebound = hyper::Request::builder()
        .uri("/")
        .header(
            "host",
            format!("rebind.evil.example:{}", running.addr.port()),
        )
        .body(Full::new(Bytes::new()))
        .unwrap();
    refused(
        &send(running.addr, rebound).await,
        StatusCode::MISDIRECTED_REQUEST,
        "foreign-host",
        "is not this dev server's own",
    );
    // The page itself is served to its own host without a token (it holds no data); its API
    // calls need the token.
    let page = send(
        running.addr,
        hyper::Request::builder()
            .uri("/")
            .header("host", format!("localhost:{}", running.addr.port()))
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("<title>tcmpp playground</title>"));

    // The progress socket: the token in the query, the Origin checked.
    let url = format!("ws://{}/api/progress?token=wrong", running.addr);
    let error = tokio_tungstenite::connect_async(url)
        .await
        .expect_err("a wrong token is refused");
    let tokio_tungstenite::tungstenite::Error::Http(response) = error else {
        panic!("{error}")
    };
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let mut foreign = format!("ws://{}/api/progress?token={}", running.addr, running.token)
        .into_client_request()
        .unwrap();
    foreign
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let error = tokio_tungstenite::connect_async(foreign)
        .await
        .expect_err("a foreign origin is refused");
    let tokio_tungstenite::tungstenite::Error::Http(response) = error else {
        panic!("{error}")
    };
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
    assert_eq!(body["error"], "foreign-origin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_listens_on_loopback_only_unless_told_and_checks_its_options() {
    let registry = registry();
    let error = tcmpp_dev::bind(
        registry.clone(),
        DevOptions::new().addr("0.0.0.0:0".parse().unwrap()),
    )
    .await
    .expect_err("0.0.0.0 is not loopback");
    assert!(matches!(error, DevError::NotLoopback(_)));
    assert!(
        error.to_string().contains("allow_non_loopback(true)"),
        "{error}"
    );
    let error = tcmpp_dev::bind(registry.clone(), DevOptions::new().port(0).token("short"))
        .await
        .expect_err("a short token is refused");
    assert!(error.to_string().contains("at least 16"), "{error}");
    let error = tcmpp_dev::bind(
        registry.clone(),
        DevOptions::new()
            .port(0)
            .profile(tcmpp_dev::Profile::new("a"))
            .profile(tcmpp_dev::Profile::new("a")),
    )
    .await
    .expect_err("a profile named twice is refused");
    assert!(error.to_string().contains("given twice"), "{error}");
    // Port taken.
    let taken = tcmpp_dev::bind(registry.clone(), DevOptions::new().port(0))
        .await
        .unwrap();
    let error = tcmpp_dev::bind(
        registry.clone(),
        DevOptions::new().port(taken.local_addr().port()),
    )
    .await
    .expect_err("the port is taken");
    assert!(error.to_string().contains("choose another port"), "{error}");
    // The defaults: loopback, a random token in the URL's fragment.
    assert!(taken.local_addr().ip().is_loopback());
    assert_eq!(taken.token().len(), 32);
    assert_eq!(
        taken.url(),
        format!("{}/#token={}", taken.base_url(), taken.token())
    );
    assert!(taken.banner().contains(&taken.url()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_list_has_every_api_and_method_with_schemas_and_the_profiles() {
    let running = start(registry(), DevOptions::new()).await;
    let answer = send(
        running.addr,
        request(&running, "GET", "/api/apis")
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let catalog = answer.json();
    let apis: Vec<(String, Option<String>)> = catalog["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|api| {
            (
                api["name"].as_str().unwrap().to_owned(),
                api["method"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let expected: Vec<(String, Option<String>)> = [
        ("applyCoupon", None),
        ("batteryLevel", None),
        ("confirmOrder", None),
        ("countdown", None),
        ("getCart", None),
        ("getProduct", None),
        ("logEvent", None),
        ("payOrder", None),
        ("wallet", Some("connect")),
        ("wallet", Some("signMessage")),
        ("work", None),
    ]
    .into_iter()
    .map(|(name, method)| (name.to_owned(), method.map(str::to_owned)))
    .collect();
    assert_eq!(apis, expected);
    let sign = &catalog["apis"][9];
    assert_eq!(sign["restricted"], true);
    assert_eq!(sign["methodKey"], "methodName");
    assert!(catalog["schema"]["$defs"]["getProduct.data"].is_object());
    assert!(catalog["schema"]["$defs"]["wallet.signMessage.data"].is_object());
    assert!(
        catalog["declarations"]
            .as_str()
            .unwrap()
            .contains("getProduct")
    );
    assert_eq!(
        catalog["profiles"][0],
        json!({ "name": "shop", "appInfo": { "appId": "wx_shop", "appVerType": 0 }, "webViewId": 1 })
    );
    assert_eq!(catalog["profiles"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_own_registry_is_served_with_a_desktop_fake_for_device_state() {
    // On the phone, `build_registry` gets the platform's battery; here, a fake.
    let fake = Arc::new(app::FakeBattery(42));
    let builder = Registry::builder().state(Gate(Barrier::new(1)));
    let registry = app::build_registry(builder, fake).expect("the registry builds");
    let running = start(registry, DevOptions::new()).await;
    let answer = call(&running, "nobody", r#"{"api_name":"batteryLevel"}"#).await;
    assert_eq!(
        answer.text(),
        r#"{"percent":42,"errMsg":"batteryLevel:ok"}"#
    );
    // The app's access policy came along: the partner may not sign.
    let sign =
        r#"{"api_name":"wallet","data":{"methodName":"signMessage","message":"hi","nonce":"1"}}"#;
    assert_eq!(
        call(&running, "partner", sign).await.text(),
        r#"{"errMsg":"wallet:fail permission denied"}"#
    );
    // Without a stand-in, the registry does not build, naming the state and the handler.
    let error = Registry::builder()
        .state(Gate(Barrier::new(1)))
        .build()
        .expect_err("the battery is missing");
    let text = error.to_string();
    assert!(
        text.contains("dyn") && text.contains("Battery") && text.contains("app.rs"),
        "{text}"
    );
}
