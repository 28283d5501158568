//! Why the server did not take a request: every refusal is a status and a JSON body that says
//! what went wrong and what to do, never a bare status.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A request the server refused, before the registry saw it. The response is
/// `{"error":"<code>","message":"<what went wrong and what to do>"}` with the status below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }

    /// `Host` is not one of the server's own names (DNS rebinding).
    pub(crate) fn foreign_host(host: Option<&str>, own: &str) -> Self {
        let shown = host.map_or_else(|| "none".to_owned(), |host| format!("{:?}", clip(host)));
        Self::new(
            StatusCode::MISDIRECTED_REQUEST,
            "foreign-host",
            format!(
                "the request's Host header ({shown}) is not this dev server's own: open it as {own} (requests for other host names are refused, against DNS rebinding)"
            ),
        )
    }

    /// `Origin` is a page of another site.
    pub(crate) fn foreign_origin(origin: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "foreign-origin",
            format!(
                "requests from pages of {:?} are refused: only the dev server's own pages may call it; if this origin is yours (a mini program IDE's simulator, say), add it with DevOptions::allow_origin",
                clip(origin)
            ),
        )
    }

    /// No token, or not the server's.
    pub(crate) fn wrong_token(given: bool) -> Self {
        let what = if given {
            "the dev token given is not this server's"
        } else {
            "no dev token given"
        };
        Self::new(
            StatusCode::UNAUTHORIZED,
            "wrong-token",
            format!(
                "{what}: send the token the server printed at start in the `x-tcmpp-dev-token` header (or as `?token=` for the progress socket); the printed URL carries it for the page"
            ),
        )
    }

    /// A request the server cannot read (a bad query, an unknown profile, …).
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", message)
    }

    /// A body over the server's own limit.
    pub(crate) fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!(
                "the request body is over the dev server's limit of {limit} bytes: send a smaller call, or raise DevOptions::max_body_bytes"
            ),
        )
    }

    /// No such route, or not with this method.
    pub(crate) fn not_found(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!(
                "no {method} {:?} here: the dev server answers GET / (the playground), GET /api/apis, POST /api/call and GET /api/progress (a WebSocket)",
                clip(path)
            ),
        )
    }

    /// A route that exists, asked with the wrong method.
    pub(crate) fn not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            format!(
                "{method} is not how to use {:?}: the dev server answers GET / (the playground), GET /api/apis, POST /api/call and GET /api/progress (a WebSocket)",
                clip(path)
            ),
        )
    }

    /// The status of the response.
    #[cfg(test)]
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }
}

/// Caller text echoed in a refusal is cut, as the registry cuts what it echoes.
fn clip(text: &str) -> &str {
    match text.char_indices().nth(64) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.code, "message": self.message }).to_string();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_text_is_cut_at_64_characters() {
        let long = "é".repeat(100);
        let refusal = Refusal::foreign_origin(&long);
        assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
        assert!(refusal.message.contains(&"é".repeat(64)));
        assert!(!refusal.message.contains(&"é".repeat(65)));
    }
}
