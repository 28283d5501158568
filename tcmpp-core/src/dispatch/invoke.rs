//! Invoking a handler: the lookup's answer, the access check, and the handler run with its
//! panics contained and its progress channel closed once it is answered.

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::answer::{InFlight, Running};
use super::observe::{Watch, call_span, logging_on, quietly};
use crate::call::UnreadableVerType;
use crate::context::CallContext;
use crate::data::is_json;
use crate::echo::bounded;
use crate::handler::{ApiEntry, HandlerReply, Invocation, Outcome, ReplyFormat};
use crate::progress::CloseOnDone;
use crate::registry::Registry;
use crate::reply::{FailureKind, Reply};

/// Why a call is refused before its handler runs.
enum Refused {
    UnknownApi,
    Denied,
    /// Access control needed the caller's version type, and no number could be read from it.
    UnreadableVerType,
}

/// The call's data is not JSON; found while the call was refused or its data decoded.
pub(super) struct MalformedData;

impl Registry {
    /// Runs `entry` on the call; `format` is asked for only when there is a handler to run.
    ///
    /// `Err` when the call is refused and its data, not yet validated, turns out not to be
    /// JSON: nothing was logged and no handler body ran; the caller reads the call again.
    pub(super) fn invoke(
        &self,
        entry: Option<&'static ApiEntry>,
        cx: CallContext<'_>,
        format: impl FnOnce() -> ReplyFormat,
    ) -> Result<InFlight, MalformedData> {
        // The clock is read only for a subscriber to be told the elapsed time; a timeout counts
        // from the handler's first pending poll, where it is armed.
        let started = logging_on().then(Instant::now);
        let Some(entry) = entry else {
            return self.refuse(&cx, None, started, Refused::UnknownApi);
        };
        match self
            .access()
            .permits(entry.name, entry.restricted, cx.app_info)
        {
            Ok(true) => {}
            Ok(false) => return self.refuse(&cx, Some(entry), started, Refused::Denied),
            Err(UnreadableVerType) => {
                return self.refuse(&cx, Some(entry), started, Refused::UnreadableVerType);
            }
        }
        let watch = Watch {
            span: call_span(&cx, Some(entry)),
            started,
            expose_panic_messages: self.config().expose_panic_messages,
        };
        let progress = cx.progress.cloned();
        let unchecked = cx.data.unchecked();
        let invocation = Invocation {
            cx,
            format: format(),
        };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            watch.span.in_scope(|| (entry.handler)(invocation))
        }));
        // Refused before the handler's body ran, on data that is not JSON: a malformed call.
        let refused_malformed = match &outcome {
            Ok(Outcome::Ready(HandlerReply::MalformedCall)) => true,
            Ok(Outcome::Ready(HandlerReply::Reply(Reply::Fail(_)) | HandlerReply::Refused(_)))
            | Err(_) => unchecked.is_some_and(|text| !is_json(text)),
            _ => false,
        };
        if refused_malformed {
            if let Err(payload) = outcome {
                quietly(move || drop(payload));
            }
            // The call is read again and answered without this channel: close it, in case an
            // extractor kept a `Progress` of it.
            if let Some(channel) = &progress {
                channel.close();
            }
            return Err(MalformedData);
        }
        // No progress event may follow the reply: close the call's channel once the reply is
        // known, or, for a running handler, once its future completes or is dropped (a timeout
        // drops it before yielding its reply).
        let outcome = match (outcome, progress) {
            (Ok(Outcome::Running(future)), Some(channel)) => {
                Ok(Outcome::Running(Box::pin(CloseOnDone { future, channel })))
            }
            (outcome, Some(channel)) => {
                channel.close();
                outcome
            }
            (outcome, None) => outcome,
        };
        Ok(match outcome {
            Ok(Outcome::Ready(reply)) => InFlight::finished(watch, reply),
            Ok(Outcome::Running(future)) => InFlight::running(Running {
                future,
                timeout: entry
                    .timeout_ms
                    .map(Duration::from_millis)
                    .or(self.config().default_timeout),
                deadline: None,
                watch,
            }),
            Err(payload) => {
                let reply = watch.panicked(payload);
                InFlight::finished(watch, HandlerReply::Reply(reply))
            }
        })
    }

    /// The reply to a call refused before its handler runs; or, when its data, not yet
    /// validated, turns out not to be JSON, `Err` for the call to be read again and refused as
    /// malformed, whatever else is wrong with it.
    fn refuse(
        &self,
        cx: &CallContext<'_>,
        entry: Option<&'static ApiEntry>,
        started: Option<Instant>,
        refused: Refused,
    ) -> Result<InFlight, MalformedData> {
        if cx.data.unchecked().is_some_and(|text| !is_json(text)) {
            return Err(MalformedData);
        }
        // Under default deny, a caller no grant invites cannot tell an API that does not exist
        // from one it may not call.
        let refused = match refused {
            Refused::UnknownApi => match self.access().hides_unknown_apis_from(cx.app_info) {
                Ok(true) => Refused::Denied,
                Ok(false) => Refused::UnknownApi,
                Err(UnreadableVerType) => Refused::UnreadableVerType,
            },
            refused => refused,
        };
        let reply = match refused {
            Refused::Denied => Reply::fail(FailureKind::PermissionDenied, "permission denied"),
            Refused::UnreadableVerType => Reply::fail(
                FailureKind::InvalidCall,
                "invalid caller: `appInfo.appVerType` must be an integer, or a string of one, \
                 for the access policy to decide this call",
            ),
            Refused::UnknownApi => Reply::fail(
                FailureKind::UnknownApi,
                format!(
                    "unknown API: no handler is registered for \"{}\"",
                    bounded(cx.api_name)
                ),
            ),
        };
        let watch = Watch {
            span: call_span(cx, entry),
            started,
            expose_panic_messages: false,
        };
        Ok(InFlight::finished(watch, HandlerReply::Reply(reply)))
    }
}
