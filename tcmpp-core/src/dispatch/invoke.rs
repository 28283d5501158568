//! Invoking a handler: the lookup's answer, the access check, and the handler run with its
//! panics contained and its progress channel closed once it is answered.

use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use super::answer::{InFlight, Running};
use super::flight::Flight;
use super::nesting::{MAX_NESTED_DISPATCH, Nested};
use super::observe::{Watch, call_span, quietly};
use crate::call::UnreadableVerType;
use crate::context::CallContext;
use crate::data::{MalformedData, check_json};
use crate::echo::bounded;
use crate::handler::{ApiEntry, BoxReplyFuture, HandlerReply, Invocation, Outcome};
use crate::middleware::{ApiRequest, ErasedService};
use crate::panics::{Panicked, panic_reply};
use crate::passes::{self, Pass};
use crate::progress::{CloseOnDone, ProgressChannel};
use crate::reply::{FailureKind, Reply, ReplyFormat};

/// Why a call is refused before its handler runs.
enum Refused {
    UnknownApi,
    Denied,
    /// A call to a multiplexed API that names no method with a handler: the reply, what a log
    /// line says of it, and whether the caller may call any method of the API (when it may
    /// not, it is told no more than a denied caller).
    Method {
        reply: Reply,
        logged_as: &'static str,
        permitted_some: bool,
    },
    /// Access control needed the caller's version type, and no number could be read from it.
    UnreadableVerType,
    /// The call was dispatched from inside [`MAX_NESTED_DISPATCH`] handlers already.
    TooDeep,
}

/// The rule for data no reader validated (`unchecked`, when there is such data): it is
/// checked before the call is refused, and before a layer sees it, and data that is not JSON
/// makes the call a malformed one, whatever else is wrong with it. Every step that refuses a
/// call, or hands it on unread, asks here.
#[inline]
pub(super) fn check_unchecked(unchecked: Option<&str>) -> Result<(), MalformedData> {
    let Some(text) = unchecked else {
        return Ok(());
    };
    passes::count(Pass::DataRead);
    check_json(text)
}

/// What ran of a handler: its outcome, or the payload of its panic.
type Ran = std::thread::Result<Outcome>;

/// The malformed data behind a handler's failure (or panic) before its body ran: what its
/// decoder found, or, for data nobody had validated yet, what checking it finds. Otherwise the
/// outcome as it was.
#[cold]
#[inline(never)]
fn malformed_in(outcome: Ran, unchecked: Option<&str>) -> Result<Ran, MalformedData> {
    if let Ok(Outcome::Ready(HandlerReply::Malformed(malformed))) = outcome {
        return Err(malformed);
    }
    match check_unchecked(unchecked) {
        Ok(()) => Ok(outcome),
        Err(malformed) => {
            if let Err(payload) = outcome {
                quietly(move || drop(payload));
            }
            Err(malformed)
        }
    }
}

/// A malformed call's refusal, after its progress channel is closed: the call is answered
/// without it, and an extractor may have kept a `Progress` of it.
fn closing(progress: Option<ProgressChannel>, malformed: MalformedData) -> MalformedData {
    if let Some(channel) = &progress {
        channel.close();
    }
    malformed
}

impl Flight<'_> {
    /// Runs `entry` on the call; its handler gets a copy of `format`, the form of the reply.
    ///
    /// `Err` when the call is refused and its data, not yet validated, turns out not to be
    /// JSON: nothing was logged and no handler body ran; the entry refuses the call as a
    /// malformed one, placing the flaw in the call's text.
    pub(super) fn run(
        &self,
        entry: Option<&'static ApiEntry>,
        mut cx: CallContext<'_>,
        format: &ReplyFormat,
    ) -> Result<InFlight, MalformedData> {
        let Some(mut entry) = entry else {
            return self.refuse(&cx, None, Refused::UnknownApi);
        };
        if entry.method.is_some() {
            match self.resolve_method(entry, &mut cx)? {
                Ok(found) => entry = found,
                Err(refused) => return Ok(refused),
            }
        }
        match self.permits(entry, cx.app_info) {
            Ok(true) => {}
            Ok(false) => return self.refuse(&cx, Some(entry), Refused::Denied),
            Err(UnreadableVerType) => {
                return self.refuse(&cx, Some(entry), Refused::UnreadableVerType);
            }
        }
        let Some(nested) = Nested::enter() else {
            return self.refuse(&cx, Some(entry), Refused::TooDeep);
        };
        if let Some(layers) = self.registry.layers() {
            let invocation = Invocation {
                cx,
                format: format.clone(),
            };
            return self.invoke_layered(layers, entry, invocation, nested);
        }
        // Read from the context before it moves into the invocation: the other order cost
        // about 30 instructions per call in copies of it.
        let watch = Watch {
            span: call_span(&cx, Some(entry), entry.method),
            started: self.started,
            expose_panic_messages: self.registry.config().expose_panic_messages,
        };
        let progress = cx.progress.cloned();
        let unchecked = cx.data.unchecked();
        let invocation = Invocation {
            cx,
            format: format.clone(),
        };
        passes::count(Pass::HandlerRun);
        // Entered by hand rather than through `in_scope`, whose closure would be one more
        // place the invocation is copied into.
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let _entered = watch.span.enter();
            (entry.handler)(invocation)
        }));
        drop(nested);
        // Refused before the handler's body ran, on data that is not JSON: a malformed call.
        // Asked by reference, so that a success moves nowhere on its way.
        let outcome = match &outcome {
            Ok(Outcome::Ready(
                HandlerReply::Malformed(_)
                | HandlerReply::Reply(Reply::Fail(_))
                | HandlerReply::Refused(_),
            ))
            | Err(_) => match malformed_in(outcome, unchecked) {
                Ok(outcome) => outcome,
                Err(malformed) => return Err(closing(progress, malformed)),
            },
            _ => outcome,
        };
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
            Ok(Outcome::Running(future)) => self.running(entry, future, watch),
            Err(payload) => {
                let reply = watch.panicked(payload);
                InFlight::finished(watch, HandlerReply::Reply(reply))
            }
        })
    }

    /// The handler of the method a call to `entry`'s multiplexed API names, or the call's
    /// refusal. Out of line: plain calls pay for one branch on `entry.method`, not for this.
    #[cold]
    #[inline(never)]
    fn resolve_method(
        &self,
        entry: &'static ApiEntry,
        cx: &mut CallContext<'_>,
    ) -> Result<Result<&'static ApiEntry, InFlight>, MalformedData> {
        let (methods, problem) = match self.method_entry(entry, cx)? {
            Ok(found) => return Ok(Ok(found)),
            Err(refused) => refused,
        };
        // As for one method: a method the caller may call settles it, whatever another could
        // not tell. The reply lists only those: a refusal tells no more than a grant did.
        let mut unreadable = false;
        // Pushed, not collected from a `filter` and a `filter_map`, whose collecting code is
        // its own.
        let mut permitted: Vec<&'static str> = Vec::new();
        for method in methods.entries() {
            let permits =
                self.access()
                    .permits(method.name, method.method, method.restricted, cx.app_info);
            match (permits, method.method) {
                (Ok(true), Some(name)) => permitted.push(name),
                (Ok(_), _) => {}
                (Err(UnreadableVerType), _) => unreadable = true,
            }
        }
        let permitted_some = !permitted.is_empty();
        let (reply, logged_as) = problem.reply(methods, &permitted);
        let refused = if !permitted_some && unreadable {
            Refused::UnreadableVerType
        } else {
            Refused::Method {
                reply,
                logged_as,
                permitted_some,
            }
        };
        self.refuse(cx, Some(entry), refused).map(Err)
    }

    /// Runs the call through the registry's layers to `entry`'s handler. The stack's future is
    /// the call's running future whatever the handler is: the timeout and the panic guard of
    /// `async fn` handlers cover the layers too, and a plain `fn` handler's reply comes out of
    /// the stack's first poll.
    #[cold]
    #[inline(never)]
    fn invoke_layered(
        &self,
        layers: &dyn ErasedService,
        entry: &'static ApiEntry,
        invocation: Invocation<'_>,
        nested: Nested,
    ) -> Result<InFlight, MalformedData> {
        // Layers never see a malformed call: data that no reader validated yet is scanned now,
        // and a call whose data is not JSON is read again and refused as malformed.
        check_unchecked(invocation.cx.data.unchecked())?;
        let watch = Watch {
            span: call_span(&invocation.cx, Some(entry), entry.method),
            started: self.started,
            expose_panic_messages: self.registry.config().expose_panic_messages,
        };
        let progress = invocation.cx.progress.cloned();
        let request = ApiRequest::new(entry, invocation);
        passes::count(Pass::HandlerRun);
        let called = panic::catch_unwind(AssertUnwindSafe(|| {
            watch.span.in_scope(|| layers.call_boxed(request))
        }));
        drop(nested);
        let future = match called {
            Ok(future) => future,
            Err(payload) => {
                if let Some(channel) = &progress {
                    channel.close();
                }
                let reply = panic_reply(
                    payload,
                    &watch.span,
                    watch.expose_panic_messages,
                    Panicked::Layer,
                );
                return Ok(InFlight::finished(watch, HandlerReply::Reply(reply)));
            }
        };
        // No progress event may follow the reply, whichever layer gives it.
        let future = match progress {
            Some(channel) => Box::pin(CloseOnDone { future, channel }),
            None => future,
        };
        Ok(self.running(entry, future, watch))
    }

    /// A call whose handler (or layer stack) is running: its future, under the API's timeout or
    /// the registry's.
    fn running(&self, entry: &ApiEntry, future: BoxReplyFuture, watch: Watch) -> InFlight {
        InFlight::running(Running {
            future,
            timeout: entry
                .timeout_ms
                .map(Duration::from_millis)
                .or(self.registry.config().default_timeout),
            deadline: None,
            watch,
        })
    }

    /// The reply to a call refused before its handler runs; or, when its data, not yet
    /// validated, turns out not to be JSON, `Err` for the call to be read again and refused as
    /// malformed, whatever else is wrong with it.
    fn refuse(
        &self,
        cx: &CallContext<'_>,
        entry: Option<&'static ApiEntry>,
        refused: Refused,
    ) -> Result<InFlight, MalformedData> {
        check_unchecked(cx.data.unchecked())?;
        // Under default deny, a caller no grant invites cannot tell an API that does not exist
        // from one it may not call.
        let refused = match refused {
            Refused::UnknownApi => match self.hides_unknown_apis_from(cx.app_info) {
                Ok(true) => Refused::Denied,
                Ok(false) => Refused::UnknownApi,
                Err(UnreadableVerType) => Refused::UnreadableVerType,
            },
            refused => refused,
        };
        // A call that names no method of its API is observed under the API alone.
        let method = match refused {
            Refused::Method { .. } => None,
            _ => entry.and_then(|entry| entry.method),
        };
        let denied = || Reply::fail(FailureKind::PermissionDenied, "permission denied");
        let reply = match refused {
            Refused::Denied => HandlerReply::Reply(denied()),
            Refused::UnreadableVerType => HandlerReply::Reply(Reply::fail(
                FailureKind::InvalidCall,
                "invalid caller: `appInfo.appVerType` must be an integer, or a string of one, \
                 for the access policy to decide this call",
            )),
            Refused::TooDeep => HandlerReply::Reply(Reply::fail(
                FailureKind::LimitExceeded,
                format!(
                    "invalid call: dispatched from inside {MAX_NESTED_DISPATCH} handlers \
                     already, the limit of nested calls"
                ),
            )),
            Refused::UnknownApi => HandlerReply::Reply(Reply::fail(
                FailureKind::UnknownApi,
                format!(
                    "unknown API: no handler is registered for \"{}\"",
                    bounded(cx.api_name)
                ),
            )),
            Refused::Method {
                permitted_some: false,
                ..
            } => HandlerReply::Reply(denied()),
            Refused::Method {
                reply, logged_as, ..
            } => HandlerReply::Refused(Box::new((reply, logged_as.to_owned()))),
        };
        let watch = Watch {
            span: call_span(cx, entry, method),
            started: self.started,
            expose_panic_messages: false,
        };
        Ok(InFlight::finished(watch, reply))
    }
}
