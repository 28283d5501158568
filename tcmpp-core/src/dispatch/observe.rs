//! Observing a call: its tracing span, the log line of its outcome, and containing panics in
//! what logging and dropping run, so that neither costs a call its reply.

use std::any::Any;
use std::time::Instant;

use serde_json::Map;

use crate::context::CallContext;
use crate::handler::{ApiEntry, HandlerReply};
pub(super) use crate::panics::quietly;
use crate::panics::{Panicked, panic_reply};
use crate::reply::{FailureKind, Reply};

/// The span of one call, or none when the subscriber panics.
///
/// `method` is the registered method of a multiplexed API's call, once the call is resolved to
/// one; never the mini program's text.
pub(super) fn call_span(
    cx: &CallContext<'_>,
    entry: Option<&ApiEntry>,
    method: Option<&'static str>,
) -> tracing::Span {
    // Nothing listens: no span, and no guard around making one.
    if !logging_on() {
        return tracing::Span::none();
    }
    quietly(|| {
        tracing::info_span!(
            "mini_api",
            // A registered name is the program's; any other is the mini program's text.
            api = entry.map_or("(not registered)", |entry| entry.name),
            method,
            app_id = cx.app_info.and_then(|app| app.app_id.as_deref()),
            web_view_id = cx.web_view_id,
        )
    })
    .unwrap_or_else(tracing::Span::none)
}

/// Whether any tracing subscriber listens at all.
#[inline]
pub(super) fn logging_on() -> bool {
    tracing::level_filters::LevelFilter::current() != tracing::level_filters::LevelFilter::OFF
}

/// What a call is observed through: its span, its start, and how panics are shown.
pub(super) struct Watch {
    pub(super) span: tracing::Span,
    /// When the call started, if anyone was listening then.
    pub(super) started: Option<Instant>,
    pub(super) expose_panic_messages: bool,
}

impl Drop for Watch {
    fn drop(&mut self) {
        // Closing a span calls into the subscriber, which must not panic into the host either.
        // Without a subscriber there is no span to close.
        if !self.span.is_none() {
            let span = std::mem::replace(&mut self.span, tracing::Span::none());
            quietly(move || drop(span));
        }
    }
}

impl Watch {
    #[inline]
    pub(super) fn log(&self, reply: &HandlerReply) {
        // With no subscriber listening, not even the clock is read, nor a function called.
        if logging_on() {
            self.log_listened(reply);
        }
    }

    #[cold]
    fn log_listened(&self, reply: &HandlerReply) {
        // A subscriber that panics must not cost the call its reply.
        quietly(|| match reply {
            HandlerReply::Reply(reply) => self.log_unguarded(reply, None),
            HandlerReply::Refused(refused) => self.log_unguarded(&refused.0, Some(&refused.1)),
            HandlerReply::Rendered(_) => self.log_unguarded(&Reply::Success(Map::new()), None),
            HandlerReply::Malformed(malformed) => self.log_unguarded(&malformed.reply(), None),
        });
    }

    /// Logs how the call ended; a failure by `reason` when one is given, else by its kind or
    /// message (never what the mini program sent).
    fn log_unguarded(&self, reply: &Reply, reason: Option<&str>) {
        let elapsed_us = self
            .started
            .map(|started| u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        let _entered = self.span.enter();
        match reply {
            Reply::Success(_) => {
                tracing::debug!(outcome = "ok", elapsed_us, "mini API call answered")
            }
            Reply::Cancel => {
                tracing::debug!(outcome = "cancel", elapsed_us, "mini API call answered")
            }
            Reply::Fail(failure) => match failure.kind() {
                FailureKind::PermissionDenied => {
                    tracing::warn!(
                        outcome = "permission denied",
                        elapsed_us,
                        "mini API call refused"
                    );
                }
                FailureKind::Timeout => {
                    tracing::warn!(outcome = "timeout", elapsed_us, "mini API call timed out")
                }
                FailureKind::InvalidResult => {
                    tracing::error!(
                        outcome = "fail",
                        elapsed_us,
                        reason = reason.unwrap_or_else(|| failure.log_reason()),
                        "mini API call failed: its handler returned a non-object"
                    );
                }
                // Panics were logged with their message where they were caught.
                FailureKind::Panic => {}
                _ => tracing::debug!(
                    outcome = "fail",
                    elapsed_us,
                    reason = reason.unwrap_or_else(|| failure.log_reason()),
                    "mini API call failed"
                ),
            },
        }
    }

    /// Logs a handler's panic with its message and builds the reply the mini program sees.
    pub(super) fn panicked(&self, payload: Box<dyn Any + Send>) -> Reply {
        panic_reply(
            payload,
            &self.span,
            self.expose_panic_messages,
            Panicked::Handler,
        )
    }
}

/// Logs a call refused before dispatch, for `reason` when its caller knows a more precise
/// one than the failure's kind; never with what the mini program sent.
pub(super) fn log_refused_call(reply: &Reply, reason: Option<&str>) {
    if let Reply::Fail(failure) = reply {
        quietly(|| {
            tracing::debug!(
                outcome = "fail",
                reason = reason.unwrap_or_else(|| failure.log_reason()),
                "mini API call refused before dispatch"
            );
        });
    }
}
