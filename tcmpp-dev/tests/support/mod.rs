//! What the dev server's tests share: the app stand-in, the server on a free loopback port,
//! and small HTTP clients.

#![allow(dead_code, unreachable_pub, missing_docs)]

pub mod app;
pub mod tools;

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tcmpp_core::Registry;
use tcmpp_dev::{DevOptions, Profile};
use tokio::net::TcpStream;

/// The profiles the tests call as.
pub fn profiles(options: DevOptions) -> DevOptions {
    options
        .profile(
            Profile::new("shop")
                .app_id("wx_shop")
                .app_ver_type(0)
                .web_view_id(1),
        )
        .profile(Profile::new("partner").app_id("wx_partner").web_view_id(2))
        .profile(Profile::anonymous("nobody"))
}

/// A running server on a free loopback port; stops when dropped.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub url: String,
    pub token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub registry: Registry,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts a server for `registry` on a free port, with the test profiles.
pub async fn start(registry: Registry, options: DevOptions) -> Running {
    let server = tcmpp_dev::bind(registry.clone(), profiles(options.port(0)))
        .await
        .expect("the dev server binds on loopback");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = Running {
        addr: server.local_addr(),
        base_url: server.base_url().to_owned(),
        url: server.url(),
        token: server.token().to_owned(),
        stop: Some(stop),
        registry,
    };
    tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));
    running
}

/// The app's registry with the fake battery.
pub fn app_registry() -> Registry {
    app::build_registry(Registry::builder(), Arc::new(app::FakeBattery(80)))
        .expect("the app's registry builds")
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("the body is UTF-8")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// One request on a connection of its own (HTTP/1.1).
pub async fn send(addr: SocketAddr, request: Request<Full<Bytes>>) -> Answer {
    let stream = TcpStream::connect(addr).await.expect("loopback connects");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    let response = sender.send_request(request).await.expect("a response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the body is read").to_bytes();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// A request to the server with its own `Host` and the token.
pub fn request(running: &Running, method: &str, path: &str) -> hyper::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header("host", running.addr.to_string())
        .header("x-tcmpp-dev-token", &running.token)
}

/// `POST /api/call` with `text` as the profile `profile`.
pub async fn call(running: &Running, profile: &str, text: impl Into<Bytes>) -> Answer {
    let request = request(running, "POST", &format!("/api/call?profile={profile}"))
        .body(Full::new(text.into()))
        .expect("a request");
    send(running.addr, request).await
}
