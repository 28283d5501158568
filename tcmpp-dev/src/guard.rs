//! What every request passes before it is served: its `Host` must be the server's own (DNS
//! rebinding), its `Origin`, when it has one, the server's own or one the developer allowed, and
//! an API request must carry the token.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::refusal::Refusal;
use crate::server::Shared;
use crate::token;

/// The header that carries the token on every API request.
pub const TOKEN_HEADER: &str = "x-tcmpp-dev-token";

/// The checks, as an axum middleware.
pub(crate) async fn guard(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    match check(&shared, request.headers(), request.uri()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

fn check(shared: &Shared, headers: &HeaderMap, uri: &axum::http::Uri) -> Result<(), Refusal> {
    // HTTP/2 carries the host in the `:authority` pseudo-header, which hyper puts in the URI.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    if !host.is_some_and(|host| own_host(host, shared.port)) {
        return Err(Refusal::foreign_host(host, &shared.base_url));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("(not text)");
        // Same origin: the page was loaded from this Host, which passed the check above.
        let own = host.is_some_and(|host| origin.strip_prefix("http://") == Some(host));
        if !own && !shared.origins.iter().any(|allowed| allowed == origin) {
            return Err(Refusal::foreign_origin(origin));
        }
    }
    if uri.path().starts_with("/api/") {
        let given = headers
            .get(TOKEN_HEADER)
            .and_then(|h| h.to_str().ok())
            .or_else(|| query_token(uri.query()?));
        match given {
            Some(given) if token::matches(&shared.token, given) => {}
            given => return Err(Refusal::wrong_token(given.is_some())),
        }
    }
    Ok(())
}

/// A `Host` the server answers to: `localhost` or an IP literal (which no rebinding can point
/// elsewhere), with the server's port. A DNS name an attacker controls never passes.
fn own_host(host: &str, port: u16) -> bool {
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p)) if !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    if host_port != Some(port) {
        return false;
    }
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// `token=…` of a query string (the progress socket's way: browsers cannot set its headers).
fn query_token(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_hosts_are_localhost_and_ip_literals_on_the_port() {
        assert!(own_host("127.0.0.1:7370", 7370));
        assert!(own_host("localhost:7370", 7370));
        assert!(own_host("LOCALHOST:7370", 7370));
        assert!(own_host("[::1]:7370", 7370));
        assert!(!own_host("127.0.0.1:7371", 7370));
        assert!(!own_host("evil.example:7370", 7370));
        assert!(!own_host("localhost.evil.example:7370", 7370));
        assert!(!own_host("127.0.0.1", 7370));
        assert!(own_host("127.0.0.1", 80));
        assert!(!own_host("[::1]", 7370));
    }

    #[test]
    fn the_token_is_found_among_query_pairs() {
        assert_eq!(query_token("a=1&token=xyz&b=2"), Some("xyz"));
        assert_eq!(query_token("mytoken=xyz"), None);
    }
}
