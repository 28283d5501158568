//! `POST /api/call`: the call text in, through the registry's one entry, the rendered reply
//! out, byte for byte as a host would hand it to the page.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tcmpp_core::progress::ProgressEvent;
use tcmpp_core::reply::{Rendering, ReplyKind};

use crate::refusal::Refusal;
use crate::server::Shared;

/// The header that says how the call ended: `success`, `fail` or `cancel`.
pub const REPLY_KIND_HEADER: &str = "x-tcmpp-reply-kind";
/// The header that gives the time the call took in the registry, in microseconds.
pub const ELAPSED_HEADER: &str = "x-tcmpp-elapsed-us";
/// The header that says how many progress events the call sent to its socket, all before the
/// reply: a client settles the call once it has seen that many.
pub const PROGRESS_EVENTS_HEADER: &str = "x-tcmpp-progress-events";
/// The header that names the profile the call was made as.
pub const PROFILE_HEADER: &str = "x-tcmpp-profile";

/// The longest call id a client may give; it only tags progress events.
const MAX_CALL_ID: usize = 64;

/// The query of `POST /api/call`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CallQuery {
    /// The profile to call as; the first configured when left out.
    profile: Option<String>,
    /// The progress socket's subscription id, from its hello message.
    progress: Option<String>,
    /// The client's id of this call, repeated in its progress events.
    call_id: Option<String>,
    /// `callback` (default) or `bare`.
    rendering: Option<String>,
    /// The token, for clients that cannot set headers; read by the guard.
    #[allow(dead_code)]
    token: Option<String>,
}

pub(crate) async fn call(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<CallQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match dispatch(&shared, query, body).await {
        Ok(response) | Err(response) => response,
    }
}

async fn dispatch(
    shared: &Shared,
    query: Result<Query<CallQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Response> {
    let Query(query) = query.map_err(|rejection| {
        Refusal::bad_request(format!(
            "the query of /api/call cannot be read ({}): it takes `profile`, `progress`, `callId` and `rendering`",
            rejection.body_text()
        ))
        .into_response()
    })?;
    let body = body.map_err(|rejection| match rejection {
        BytesRejection::FailedToBufferBody(_)
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
        {
            Refusal::too_large(shared.max_body_bytes).into_response()
        }
        other => Refusal::bad_request(format!(
            "the call's body cannot be read ({}): send the call text, `{{\"api_name\":…,\"data\":…}}`, as the body",
            other.body_text()
        ))
        .into_response(),
    })?;
    let profile = match query.profile.as_deref() {
        None => &shared.profiles[0],
        Some(name) => shared
            .profiles
            .iter()
            .find(|profile| profile.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = shared.profiles.iter().map(|p| p.name()).collect();
                Refusal::bad_request(format!(
                    "no profile {:?}: the profiles are {known:?} (configure more with DevOptions::profile)",
                    name.chars().take(64).collect::<String>()
                ))
                .into_response()
            })?,
    };
    let rendering = match query.rendering.as_deref() {
        None | Some("callback") => Rendering::Callback,
        Some("bare") => Rendering::Bare,
        Some(_) => {
            return Err(Refusal::bad_request(
                "`rendering` is `callback` (WeChat's callback object, the default) or `bare`",
            )
            .into_response());
        }
    };
    let call_id = query.call_id.unwrap_or_default();
    if call_id.len() > MAX_CALL_ID {
        return Err(Refusal::bad_request(format!(
            "`callId` is {} bytes long, over {MAX_CALL_ID}: it only tags progress events",
            call_id.len()
        ))
        .into_response());
    }
    let sink = match query.progress {
        None => None,
        Some(subscription) => {
            let sink = subscription
                .parse()
                .ok()
                .and_then(|id| shared.hub.sink(id, call_id));
            Some(sink.ok_or_else(|| {
                Refusal::bad_request(
                    "no progress socket has this subscription id (it closed, or never opened): open GET /api/progress and use the id of its hello message",
                )
                .into_response()
            })?)
        }
    };

    let caller = profile.caller();
    let started = Instant::now();
    let mut dispatch = shared.registry.call(&body[..]).caller(&caller);
    let counter = sink.as_ref().map(|sink| sink.counter());
    if let Some(sink) = sink {
        dispatch = dispatch.progress(move |event: ProgressEvent<'_>| sink.send(event));
    }
    let rendered = dispatch.rendered(rendering).await;
    let elapsed = started.elapsed().as_micros();
    let events = counter.map_or(0, |counter| counter.load(Ordering::Relaxed));

    let kind = match rendered.kind {
        ReplyKind::Success => "success",
        ReplyKind::Cancel => "cancel",
        // `ReplyKind` may grow; whatever is neither success nor cancel routes to `fail`, as the
        // JS SDK routes.
        _ => "fail",
    };
    let mut response = rendered.text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        HeaderName::from_static(REPLY_KIND_HEADER),
        HeaderValue::from_static(kind),
    );
    headers.insert(
        HeaderName::from_static(ELAPSED_HEADER),
        HeaderValue::from(u64::try_from(elapsed).unwrap_or(u64::MAX)),
    );
    headers.insert(
        HeaderName::from_static(PROGRESS_EVENTS_HEADER),
        HeaderValue::from(events),
    );
    if let Ok(name) = HeaderValue::from_str(profile.name()) {
        headers.insert(HeaderName::from_static(PROFILE_HEADER), name);
    }
    Ok(response)
}
