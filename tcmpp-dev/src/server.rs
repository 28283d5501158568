//! Binding and running: the router, the state every request shares, and the handle a caller
//! holds.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tcmpp_core::Registry;
use tokio::net::TcpListener;

use crate::error::DevError;
use crate::options::DevOptions;
use crate::profile::Profile;
use crate::progress::Hub;
use crate::refusal::Refusal;
use crate::{assets, call, catalog, guard, progress, token};

/// What every request of one server shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) registry: Registry,
    pub(crate) profiles: Vec<Profile>,
    pub(crate) token: String,
    pub(crate) origins: Vec<String>,
    pub(crate) port: u16,
    pub(crate) base_url: String,
    pub(crate) max_body_bytes: usize,
    pub(crate) hub: Hub,
    catalog: String,
}

/// The shortest token [`DevOptions::token`] accepts.
const MIN_TOKEN_LEN: usize = 16;

/// A dev server bound to its address, not yet serving: [`run`](Self::run) serves. Its
/// [`url`](Self::url) is what to open in a browser.
#[derive(Debug)]
pub struct DevServer {
    listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
}

/// Binds a dev server for `registry`: the registry as the app's own `build_registry` makes it,
/// with its state, access policy, layers and limits. Nothing is served until
/// [`DevServer::run`]; [`serve`] binds, prints the URL and runs.
///
/// Fails when the address is not loopback (unless allowed), cannot be bound, or a profile or
/// the token is unusable.
pub async fn bind(registry: Registry, options: DevOptions) -> Result<DevServer, DevError> {
    if !options.addr.ip().is_loopback() && !options.non_loopback {
        return Err(DevError::NotLoopback(options.addr));
    }
    let profiles = options.profiles();
    check_profiles(&profiles)?;
    let token = match options.token {
        Some(token) => check_token(token)?,
        None => token::fresh()
            .map_err(|error| DevError::Token(format!("no random token could be made: {error}")))?,
    };
    let listener = TcpListener::bind(options.addr)
        .await
        .map_err(|error| DevError::Bind(options.addr, error))?;
    let addr = listener
        .local_addr()
        .map_err(|error| DevError::Bind(options.addr, error))?;
    let catalog = catalog::catalog(&registry, &profiles);
    let shared = Shared {
        registry,
        profiles,
        token,
        origins: options.origins,
        port: addr.port(),
        base_url: format!("http://{addr}"),
        max_body_bytes: options.max_body_bytes,
        hub: Hub::default(),
        catalog,
    };
    Ok(DevServer {
        listener,
        addr,
        shared: Arc::new(shared),
    })
}

/// Serves `registry` until the process ends: binds as [`bind`] does, prints the page's URL
/// (with the token) and the transport's settings to standard output, and runs.
///
/// ```no_run
/// # async fn run(registry: tcmpp_core::Registry) -> Result<(), tcmpp_dev::DevError> {
/// tcmpp_dev::serve(registry, tcmpp_dev::DevOptions::new()).await
/// # }
/// ```
pub async fn serve(registry: Registry, options: DevOptions) -> Result<(), DevError> {
    let server = bind(registry, options).await?;
    println!("{}", server.banner());
    server.run().await
}

fn check_profiles(profiles: &[Profile]) -> Result<(), DevError> {
    for (i, profile) in profiles.iter().enumerate() {
        let name = profile.name();
        if name.is_empty() || name.len() > 64 || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DevError::Profile(format!(
                "{name:?}: a profile's name is 1 to 64 printable ASCII characters without spaces"
            )));
        }
        if profiles[..i].iter().any(|other| other.name() == name) {
            return Err(DevError::Profile(format!(
                "{name:?} is given twice: each profile needs a name of its own"
            )));
        }
    }
    Ok(())
}

fn check_token(token: String) -> Result<String, DevError> {
    if token.len() < MIN_TOKEN_LEN
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(DevError::Token(format!(
            "a token is at least {MIN_TOKEN_LEN} letters, digits, `-` or `_` (it travels in a header and a URL); leave it out for a random one"
        )));
    }
    Ok(token)
}

impl DevServer {
    /// The address the server listens on (with the port picked, when it was `0`).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`: the server's origin, what the transport is configured with.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The token every API request carries (`x-tcmpp-dev-token`).
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The playground's URL, with the token in its fragment (which browsers never send to a
    /// server or put in a `Referer`).
    pub fn url(&self) -> String {
        format!("{}/#token={}", self.shared.base_url, self.shared.token)
    }

    /// What [`serve`] prints: the page's URL, and what to give the mini program's transport.
    pub fn banner(&self) -> String {
        let names: Vec<&str> = self.shared.profiles.iter().map(Profile::name).collect();
        format!(
            "tcmpp dev server: {} handlers on {}\n  playground: {}\n  mini program IDE: useDevServer({{ url: \"{}\", token: \"{}\" }})\n  profiles: {}",
            self.shared.registry.len(),
            self.shared.base_url,
            self.url(),
            self.shared.base_url,
            self.shared.token,
            names.join(", "),
        )
    }

    /// Serves until the process ends or the listener fails.
    pub async fn run(self) -> Result<(), DevError> {
        self.run_until(std::future::pending()).await
    }

    /// Serves until `shutdown` completes, then stops accepting and lets calls in flight end.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), DevError> {
        let app = router(Arc::clone(&self.shared));
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(DevError::Serve)
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/playground.js", get(assets::script))
        .route("/playground.css", get(assets::style))
        .route("/api/apis", get(apis))
        .route("/api/call", post(call::call))
        .route("/api/progress", get(progress::socket))
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(DefaultBodyLimit::max(shared.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            guard::guard,
        ))
        .with_state(shared)
}

async fn apis(axum::extract::State(shared): axum::extract::State<Arc<Shared>>) -> Response {
    let mut response = shared.catalog.clone().into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

async fn not_allowed(method: Method, uri: Uri) -> Response {
    Refusal::not_allowed(method.as_str(), uri.path()).into_response()
}

async fn not_found(method: Method, uri: Uri) -> Response {
    Refusal::not_found(method.as_str(), uri.path()).into_response()
}
