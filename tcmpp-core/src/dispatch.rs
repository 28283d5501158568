//! Dispatching calls: from a call or from JSON text to exactly one reply.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_timer::Delay;
use serde_json::Map;

use crate::call::{CallError, MiniApiCall};
use crate::context::{CallContext, StateMap};
use crate::data::{DataSource, is_json};
use crate::handler::{
    ApiEntry, BoxReplyFuture, HandlerReply, Invocation, Outcome, ReplyFormat, malformed_call,
};
use crate::progress::{CloseOnDone, ProgressChannel};
use crate::registry::Registry;
use crate::reply::{FailureKind, PrefixText, Reply, ReplyKind, UNNAMED_CALL_PREFIX, echoable_name};
use crate::wire::{Expect, WireCall};

impl Registry {
    /// Dispatches a call to the handler registered under its name.
    ///
    /// The call's data is decoded, and a plain `fn` handler runs, when `dispatch` is called;
    /// the returned future drives an `async fn` handler to its reply. Every call ends in
    /// exactly one [`Reply`]: an unknown API, a refused caller, data that does not fit, a
    /// missing context value, a handler error, a panic and a timeout are each a
    /// [`Reply::Fail`].
    pub fn dispatch(&self, call: MiniApiCall) -> ReplyFuture {
        self.dispatch_call(call, None)
    }

    /// [`dispatch`](Self::dispatch), with the progress channel of the call, if any.
    pub(crate) fn dispatch_call(
        &self,
        call: MiniApiCall,
        progress: Option<&ProgressChannel>,
    ) -> ReplyFuture {
        let MiniApiCall {
            api_name,
            data,
            web_view_id,
            state_event,
            app_info,
            extra,
            format,
            ..
        } = call;
        let cx = CallContext {
            api_name: &api_name,
            web_view_id,
            state_event: state_event.as_deref(),
            app_info: app_info.as_ref(),
            extra: &extra,
            format,
            states: &self.inner.states,
            data: data.map_or(DataSource::Absent, DataSource::Value),
            progress,
        };
        let pending = self
            .invoke(self.lookup(&api_name), cx, ReplyFormat::reply)
            // Data that is already a value was JSON.
            .unwrap_or_else(|MalformedData| Pending::ready(malformed_call()));
        ReplyFuture { pending }
    }

    /// Dispatches a unified-format call given as JSON text, and renders the reply in WeChat's
    /// callback convention: `{…result, "errMsg":"<api>:ok"}` on success,
    /// `{"errCode":…,"errMsg":"<api>:fail <reason>"}` on failure.
    ///
    /// The call's `data` is deserialized straight from `json` into the handler's data type, and
    /// the handler's value is serialized straight into the reply text, its keys in the order
    /// the value serializes them. The text is what `serde_json::to_string` makes of the value,
    /// so it keeps what a [`Reply`]'s `serde_json::Map` cannot: an `f32` as written (`0.1`,
    /// where the map widens it to `0.10000000149011612`), and integers beyond 64 bits and
    /// `Option` map keys (`Some(1)` as `"1"`), which [`dispatch`](Self::dispatch) refuses as
    /// an invalid result.
    /// Calls over the registry's size or nesting limits are refused before they are parsed.
    /// When the call is too broken to name its API, `errMsg` starts with `invokeNativePlugin`.
    pub fn dispatch_json(&self, json: &str) -> CallbackFuture {
        self.dispatch_json_rendered(Expect::Unified, json, None)
    }

    /// Like [`dispatch_json`](Self::dispatch_json), for SDKs that report the API name beside
    /// a unified-format call: the call's own `api_name`, when it has one, must agree.
    pub fn dispatch_json_with_name(&self, api_name: &str, json: &str) -> CallbackFuture {
        self.dispatch_json_rendered(Expect::Named(api_name), json, None)
    }

    /// Like [`dispatch_json`](Self::dispatch_json), for a call in the legacy Android format
    /// (SDK 2.2.16 and earlier): the whole object is the data, the name arrives beside it.
    ///
    /// The host states the format; it is never guessed, because every key of a legacy call is
    /// the mini program's: guessing would let a mini program forge `appInfo` or `webviewId`.
    pub fn dispatch_json_legacy(&self, api_name: &str, json: &str) -> CallbackFuture {
        self.dispatch_json_rendered(Expect::Legacy(api_name), json, None)
    }

    /// Like [`dispatch_json`](Self::dispatch_json), for bytes that may not be UTF-8: invalid
    /// UTF-8 is a fail reply. The size limit is checked first.
    pub fn dispatch_json_bytes(&self, json: &[u8]) -> CallbackFuture {
        let checked = self.inner.limits.check_size(json.len()).and_then(|()| {
            std::str::from_utf8(json).map_err(|error| {
                Reply::fail(
                    FailureKind::InvalidCall,
                    format!(
                        "invalid call: not valid UTF-8 (at byte {})",
                        error.valid_up_to()
                    ),
                )
            })
        });
        match checked {
            Ok(text) => self.dispatch_json(text),
            Err(reply) => self.refused_callback(Refusal::new(None, reply)),
        }
    }

    /// Like [`dispatch_json`](Self::dispatch_json), but leaves the reply bare, for SDKs that add
    /// `errMsg` themselves (Android `req.ok(json)` / `req.fail(msg)`, iOS).
    pub fn dispatch_json_bare(&self, json: &str) -> ReplyFuture {
        self.dispatch_json_reply(Expect::Unified, json, None)
    }

    /// [`dispatch_json_bare`](Self::dispatch_json_bare) for SDKs that report the API name beside
    /// a unified-format call.
    pub fn dispatch_json_bare_with_name(&self, api_name: &str, json: &str) -> ReplyFuture {
        self.dispatch_json_reply(Expect::Named(api_name), json, None)
    }

    /// [`dispatch_json_bare`](Self::dispatch_json_bare) for a call in the legacy Android format;
    /// see [`dispatch_json_legacy`](Self::dispatch_json_legacy).
    pub fn dispatch_json_bare_legacy(&self, api_name: &str, json: &str) -> ReplyFuture {
        self.dispatch_json_reply(Expect::Legacy(api_name), json, None)
    }

    /// Reads and dispatches a call given as JSON text, for a bare reply.
    pub(crate) fn dispatch_json_reply(
        &self,
        expect: Expect<'_>,
        json: &str,
        progress: Option<&ProgressChannel>,
    ) -> ReplyFuture {
        let pending = self
            .read_call(expect, json)
            .and_then(|(call, entry)| {
                self.invoke_read(expect, json, call, entry, progress, ReplyFormat::reply)
            })
            .unwrap_or_else(|refusal| Pending::ready(refusal.reply));
        ReplyFuture { pending }
    }

    /// Reads and dispatches a call given as JSON text, for a reply rendered in WeChat's
    /// callback convention.
    pub(crate) fn dispatch_json_rendered(
        &self,
        expect: Expect<'_>,
        json: &str,
        progress: Option<&ProgressChannel>,
    ) -> CallbackFuture {
        let (call, entry) = match self.read_call(expect, json) {
            Ok(read) => read,
            Err(refusal) => return self.refused_callback(refusal),
        };
        let prefix = self.callback_prefix(entry, Some(&call.api_name));
        match self.invoke_read(expect, json, call, entry, progress, || {
            ReplyFormat::callback(prefix.clone())
        }) {
            Ok(pending) => CallbackFuture { pending, prefix },
            Err(refusal) => self.refused_callback(refusal),
        }
    }

    fn refused_callback(&self, refusal: Refusal<'_>) -> CallbackFuture {
        CallbackFuture {
            prefix: self.callback_prefix(None, refusal.name.as_deref()),
            pending: Pending::ready(refusal.reply),
        }
    }

    /// What `errMsg` starts with in the rendered reply to a call named `name`, handled by
    /// `entry`. Borrowed from the registry whenever it can be.
    fn callback_prefix(&self, entry: Option<&'static ApiEntry>, name: Option<&str>) -> PrefixText {
        if let Some(fixed) = &self.inner.fixed_prefix {
            return fixed.clone();
        }
        if let Some(entry) = entry.filter(|entry| name == Some(entry.name)) {
            return PrefixText::Static(entry.name);
        }
        match echoable_name(name) {
            UNNAMED_CALL_PREFIX => PrefixText::Static(UNNAMED_CALL_PREFIX),
            name => PrefixText::Owned(name.to_owned()),
        }
    }

    /// Checks a call given as JSON text against the limits, reads it and finds its handler: in
    /// one pass for the common shape of call, with the full parser for everything else.
    fn read_call<'a>(
        &self,
        expect: Expect<'a>,
        json: &'a str,
    ) -> Result<(WireCall<'a>, Option<&'static ApiEntry>), Refusal<'a>> {
        let reported_name = expect.reported_name();
        let limits = &self.inner.limits;
        let refuse = |reply| Refusal::new(reported_name.map(Cow::Borrowed), reply);
        limits.check_size(json.len()).map_err(refuse)?;
        // A legacy call's keys are all data: only the full parser reads it. The fast reader
        // measures the nesting as it finds the end of `data`, so the limit costs no extra pass.
        if !matches!(expect, Expect::Legacy(_)) {
            if let Some((mut call, depth)) = WireCall::parse_common(json, reported_name) {
                limits.check_measured_depth(depth).map_err(refuse)?;
                let entry = self.lookup(&call.api_name);
                match call.data {
                    // Data that no handler decodes must still be JSON, as the full parser
                    // demands; when it is not, the full parser explains.
                    Some(data) if entry.is_none_or(|entry| !entry.takes_data) => {
                        if is_json(data) {
                            call.data_checked = true;
                            return Ok((call, entry));
                        }
                    }
                    _ => return Ok((call, entry)),
                }
            }
        }
        limits.check_depth(json.as_bytes()).map_err(refuse)?;
        let call = WireCall::parse(json, expect)
            .map_err(|error| Refusal::of_error(&error, reported_name))?;
        let entry = self.lookup(&call.api_name);
        Ok((call, entry))
    }

    /// Invokes the handler on a call read from `json`. When the call is refused with data that
    /// was not yet validated, and that data is not JSON, the full parser reads the call again
    /// and explains: a malformed call is reported as one, whatever else is wrong with it.
    fn invoke_read<'a>(
        &self,
        expect: Expect<'a>,
        json: &'a str,
        call: WireCall<'_>,
        entry: Option<&'static ApiEntry>,
        progress: Option<&ProgressChannel>,
        format: impl Fn() -> ReplyFormat,
    ) -> Result<Pending, Refusal<'a>> {
        if let Ok(pending) = self.invoke(
            entry,
            wire_context(&call, &self.inner.states, progress),
            &format,
        ) {
            return Ok(pending);
        }
        // The data was found not to be JSON: the full parser refuses the call and says where.
        // Should it accept the call after all, the call is answered as it reads it.
        let call = WireCall::parse(json, expect)
            .map_err(|error| Refusal::of_error(&error, expect.reported_name()))?;
        let entry = self.lookup(&call.api_name);
        Ok(self
            .invoke(
                entry,
                wire_context(&call, &self.inner.states, progress),
                &format,
            )
            .unwrap_or_else(|MalformedData| Pending::ready(malformed_call())))
    }

    fn lookup(&self, api_name: &str) -> Option<&'static ApiEntry> {
        self.inner.by_name.get(api_name).map(|(entry, _)| *entry)
    }

    /// Runs `entry` on the call; `format` is asked for only when there is a handler to run.
    ///
    /// `Err` when the call is refused and its data, not yet validated, turns out not to be
    /// JSON: nothing was logged and no handler body ran; the caller reads the call again.
    fn invoke(
        &self,
        entry: Option<&'static ApiEntry>,
        cx: CallContext<'_>,
        format: impl FnOnce() -> ReplyFormat,
    ) -> Result<Pending, MalformedData> {
        let unchecked = cx.data.unchecked();
        let malformed = || unchecked.is_some_and(|text| !is_json(text));
        // The clock is read only for a subscriber to be told the elapsed time; a timeout counts
        // from the handler's first pending poll, where it is armed.
        let started = logging_on().then(Instant::now);
        let Some(entry) = entry else {
            if malformed() {
                return Err(MalformedData);
            }
            let reply = Reply::fail(
                FailureKind::UnknownApi,
                format!(
                    "unknown API: no handler is registered for \"{}\"",
                    cx.api_name
                ),
            );
            return Ok(Watch {
                span: call_span(&cx),
                started,
                expose_panic_messages: false,
            }
            .finished(HandlerReply::Reply(reply)));
        };
        if !self
            .inner
            .access
            .permits(entry.name, entry.restricted, cx.app_info)
        {
            if malformed() {
                return Err(MalformedData);
            }
            let watch = Watch {
                span: call_span(&cx),
                started,
                expose_panic_messages: false,
            };
            return Ok(watch.finished(HandlerReply::Reply(Reply::fail(
                FailureKind::PermissionDenied,
                "permission denied",
            ))));
        }
        let watch = Watch {
            span: call_span(&cx),
            started,
            expose_panic_messages: self.inner.expose_panic_messages,
        };
        let progress = cx.progress.cloned();
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
            Ok(Outcome::Ready(HandlerReply::Reply(Reply::Fail(_)))) | Err(_) => malformed(),
            _ => false,
        };
        if refused_malformed {
            if let Err(payload) = outcome {
                quietly(move || drop(payload));
            }
            return Err(MalformedData);
        }
        // No progress event may follow the reply: close the call's channel once the reply is
        // known, or, for a running handler, once its future completes or is dropped (a timeout
        // drops it before yielding its reply).
        let outcome = match (outcome, progress) {
            (Ok(Outcome::Pending(future)), Some(channel)) => {
                Ok(Outcome::Pending(Box::pin(CloseOnDone { future, channel })))
            }
            (outcome, Some(channel)) => {
                channel.close();
                outcome
            }
            (outcome, None) => outcome,
        };
        Ok(match outcome {
            Ok(Outcome::Ready(reply)) => watch.finished(reply),
            Ok(Outcome::Pending(future)) => Pending {
                state: State::Running(Running {
                    future,
                    timeout: entry
                        .timeout_ms
                        .map(Duration::from_millis)
                        .or(self.inner.default_timeout),
                    deadline: None,
                    watch,
                }),
            },
            Err(payload) => {
                let reply = watch.panicked(payload);
                watch.finished(HandlerReply::Reply(reply))
            }
        })
    }
}

/// The call's data is not JSON; found while the call was refused or its data decoded.
struct MalformedData;

/// A call refused before dispatch, and the API name to render its reply with, if known.
struct Refusal<'a> {
    name: Option<Cow<'a, str>>,
    reply: Reply,
}

impl<'a> Refusal<'a> {
    fn new(name: Option<Cow<'a, str>>, reply: Reply) -> Self {
        log_refused_call(&reply);
        Refusal { name, reply }
    }

    fn of_error(error: &CallError, reported_name: Option<&'a str>) -> Self {
        let name = match error.api_name() {
            Some(name) => Some(Cow::Owned(name.to_owned())),
            None => reported_name.map(Cow::Borrowed),
        };
        Refusal::new(
            name,
            Reply::fail(FailureKind::InvalidCall, error.to_string()),
        )
    }
}

/// The context of a call read from JSON text.
fn wire_context<'a>(
    call: &'a WireCall<'a>,
    states: &'a StateMap,
    progress: Option<&'a ProgressChannel>,
) -> CallContext<'a> {
    CallContext {
        api_name: &call.api_name,
        web_view_id: call.web_view_id,
        state_event: call.state_event.as_deref(),
        app_info: call.app_info.as_deref(),
        extra: &call.extra,
        format: call.format,
        states,
        data: match call.data {
            None => DataSource::Absent,
            Some(text) if call.data_checked => DataSource::Text(text),
            Some(text) => DataSource::Unchecked(text),
        },
        progress,
    }
}

/// The span of one call, or none when the subscriber panics.
fn call_span(cx: &CallContext<'_>) -> tracing::Span {
    quietly(|| {
        tracing::info_span!(
            "mini_api",
            api = cx.api_name,
            app_id = cx.app_info.and_then(|app| app.app_id.as_deref()),
            web_view_id = cx.web_view_id,
        )
    })
    .unwrap_or_else(tracing::Span::none)
}

/// Whether any tracing subscriber listens at all.
fn logging_on() -> bool {
    tracing::level_filters::LevelFilter::current() != tracing::level_filters::LevelFilter::OFF
}

/// What a call is observed through: its span, its start, and how panics are shown.
struct Watch {
    span: tracing::Span,
    /// When the call started, if anyone was listening then.
    started: Option<Instant>,
    expose_panic_messages: bool,
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
    /// Logs the outcome of the call and wraps its reply.
    fn finished(self, reply: HandlerReply) -> Pending {
        self.log(&reply);
        Pending {
            state: State::Ready(reply),
        }
    }

    fn log(&self, reply: &HandlerReply) {
        // With no subscriber listening, not even the clock is read.
        if !logging_on() {
            return;
        }
        // A subscriber that panics must not cost the call its reply.
        quietly(|| match reply {
            HandlerReply::Reply(reply) => self.log_unguarded(reply),
            HandlerReply::Callback(_) => self.log_unguarded(&Reply::Success(Map::new())),
            HandlerReply::MalformedCall => self.log_unguarded(&malformed_call()),
        });
    }

    fn log_unguarded(&self, reply: &Reply) {
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
                        reason = failure.message(),
                        "mini API handler returned a non-object"
                    );
                }
                // Panics were logged with their message where they were caught.
                FailureKind::Panic => {}
                _ => tracing::debug!(
                    outcome = "fail",
                    elapsed_us,
                    reason = failure.message(),
                    "mini API call failed"
                ),
            },
        }
    }

    /// Logs a handler's panic with its message and builds the reply the mini program sees.
    fn panicked(&self, payload: Box<dyn Any + Send>) -> Reply {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        // A payload whose own `Drop` panics must not escape either.
        quietly(move || drop(payload));
        let shown = message.as_deref().unwrap_or("(no message)");
        quietly(|| {
            let _entered = self.span.enter();
            tracing::error!(
                outcome = "panic",
                panic = shown,
                "mini API handler panicked"
            );
        });
        let text = if self.expose_panic_messages {
            format!("internal error: the handler panicked: {shown}")
        } else {
            "internal error: the handler panicked".to_owned()
        };
        Reply::fail(FailureKind::Panic, text)
    }
}

fn log_refused_call(reply: &Reply) {
    if let Reply::Fail(failure) = reply {
        quietly(|| {
            tracing::debug!(
                outcome = "fail",
                reason = failure.message(),
                "mini API call refused before dispatch"
            );
        });
    }
}

/// Runs `f` and contains any panic in it, dropping the panic's payload safely too: for logging
/// and dropping, whose failure must never cost a call its reply or escape into the host.
fn quietly<R>(f: impl FnOnce() -> R) -> Option<R> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            // A payload whose own `Drop` panics is contained as well; a second panic's payload
            // is leaked rather than risk a third.
            if let Err(again) = panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
                std::mem::forget(again);
            }
            None
        }
    }
}

/// A dispatched call on its way to its one reply; what both public futures drive.
struct Pending {
    state: State,
}

enum State {
    Ready(HandlerReply),
    Running(Running),
    Done,
}

/// An `async fn` handler on its way to a reply.
struct Running {
    future: BoxReplyFuture,
    timeout: Option<Duration>,
    /// Armed only when the handler does not finish on its first poll, so fast handlers never
    /// touch the timer.
    deadline: Option<Delay>,
    watch: Watch,
}

impl Running {
    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<HandlerReply> {
        let polled = panic::catch_unwind(AssertUnwindSafe(|| {
            let _entered = self.watch.span.enter();
            self.future.as_mut().poll(cx)
        }));
        match polled {
            Ok(Poll::Ready(reply)) => return Poll::Ready(reply),
            Ok(Poll::Pending) => {}
            Err(payload) => {
                let reply = self.watch.panicked(payload);
                self.drop_future();
                return Poll::Ready(HandlerReply::Reply(reply));
            }
        }
        let Some(timeout) = self.timeout else {
            return Poll::Pending;
        };
        let deadline = &mut self.deadline;
        let expired = quietly(|| {
            let deadline = deadline.get_or_insert_with(|| Delay::new(timeout));
            Pin::new(deadline).poll(cx).is_ready()
        });
        match expired {
            Some(false) => return Poll::Pending,
            Some(true) => {}
            None => {
                // The timer thread could not run (a thread limit, say): serve the call without
                // a timeout rather than fail it.
                self.timeout = None;
                self.deadline = None;
                quietly(|| tracing::warn!("mini API timeout disabled: the timer is unavailable"));
                return Poll::Pending;
            }
        }
        self.drop_future();
        Poll::Ready(HandlerReply::Reply(Reply::fail(
            FailureKind::Timeout,
            format!("timeout after {} ms", timeout.as_millis()),
        )))
    }

    /// Drops the handler's future now, catching a panic in its `Drop`.
    fn drop_future(&mut self) {
        let future = std::mem::replace(&mut self.future, Box::pin(std::future::pending()));
        quietly(move || drop(future));
    }
}

impl Drop for Running {
    /// A reply future dropped before its reply (a synchronous call of an `async fn`, a host
    /// that gives up) drops the handler's future: a panic there stays here.
    fn drop(&mut self) {
        self.drop_future();
    }
}

impl Pending {
    /// A call refused before its handler ran; logged where it was refused.
    fn ready(reply: Reply) -> Self {
        Pending {
            state: State::Ready(HandlerReply::Reply(reply)),
        }
    }

    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<HandlerReply> {
        match &mut self.state {
            State::Ready(_) => match std::mem::replace(&mut self.state, State::Done) {
                State::Ready(reply) => Poll::Ready(reply),
                _ => unreachable!("the state was just matched as ready"),
            },
            State::Running(running) => {
                let reply = std::task::ready!(running.poll_reply(cx));
                // Logging cannot panic (it is contained), and neither can dropping the running
                // state; both happen in place, and the state is done before the reply leaves.
                running.watch.log(&reply);
                self.state = State::Done;
                Poll::Ready(reply)
            }
            State::Done => panic!("a reply future polled after it returned its reply"),
        }
    }

    /// The reply, if it is already known without polling.
    fn try_now(self) -> Result<HandlerReply, Self> {
        match self.state {
            State::Ready(reply) => Ok(reply),
            state => Err(Pending { state }),
        }
    }

    fn state_name(&self) -> &'static str {
        match &self.state {
            State::Ready(_) => "ready",
            State::Running(_) => "running",
            State::Done => "done",
        }
    }
}

/// The reply to a dispatched call, once the handler is done.
///
/// `Send`, `'static` and independent of any async runtime. Dropping it drops the handler's
/// future. Polling it again after it has yielded its reply panics, as with most futures.
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct ReplyFuture {
    pending: Pending,
}

impl ReplyFuture {
    /// The reply, if it is already known without polling: for plain-`fn` handlers and for calls
    /// refused before their handler ran.
    pub fn try_now(self) -> Result<Reply, Self> {
        self.pending
            .try_now()
            .map(HandlerReply::into_reply)
            .map_err(|pending| ReplyFuture { pending })
    }
}

impl Future for ReplyFuture {
    type Output = Reply;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Reply> {
        self.pending.poll_reply(cx).map(HandlerReply::into_reply)
    }
}

impl fmt::Debug for ReplyFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyFuture")
            .field("state", &self.pending.state_name())
            .finish()
    }
}

/// The reply to a call dispatched as JSON, rendered as JSON text in WeChat's callback
/// convention.
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct CallbackFuture {
    pending: Pending,
    prefix: PrefixText,
}

impl CallbackFuture {
    /// The `errMsg` prefix the reply will be rendered with.
    pub fn prefix(&self) -> &str {
        self.prefix.as_str()
    }

    /// The unrendered reply and the `errMsg` prefix, for hosts that need the reply itself, to
    /// render it another way ([`Reply::to_callback_json`] renders it as this future would).
    ///
    /// A success the handler already rendered as text is read back into a result map; for
    /// the reply's text, poll this future instead, or [`with_kind`](Self::with_kind) for its
    /// text and kind: both render it only once.
    pub fn into_parts(self) -> (ReplyFuture, String) {
        (
            ReplyFuture {
                pending: self.pending,
            },
            self.prefix.as_str().to_owned(),
        )
    }

    /// This future, yielding how the call ended beside the rendered reply: for hosts that
    /// route on the outcome and pass the text on, such as a C host's status code. Unlike
    /// [`into_parts`](Self::into_parts), it never reads a rendered success back into a map.
    ///
    /// ```
    /// use tcmpp_core::{mini_api, Registry, ReplyKind};
    ///
    /// #[mini_api("battery")]
    /// async fn battery() -> serde_json::Value { serde_json::json!({ "level": 80 }) }
    ///
    /// let registry = Registry::builder().build()?;
    /// let call = r#"{"api_name":"battery","webviewId":4}"#;
    /// let (kind, text) = futures_executor::block_on(registry.dispatch_json(call).with_kind());
    /// assert_eq!(kind, ReplyKind::Success);
    /// assert_eq!(text, r#"{"level":80,"errMsg":"battery:ok"}"#);
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    pub fn with_kind(self) -> WithKind {
        WithKind { callback: self }
    }

    fn poll_with_kind(&mut self, cx: &mut Context<'_>) -> Poll<(ReplyKind, String)> {
        self.pending
            .poll_reply(cx)
            .map(|reply| render(reply, self.prefix.as_str()))
    }
}

impl Future for CallbackFuture {
    type Output = String;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        self.poll_with_kind(cx).map(|(_, text)| text)
    }
}

impl fmt::Debug for CallbackFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackFuture")
            .field("state", &self.pending.state_name())
            .field("prefix", &self.prefix.as_str())
            .finish()
    }
}

/// A [`CallbackFuture`] that yields how the call ended beside the rendered reply; see
/// [`CallbackFuture::with_kind`].
///
/// `Send`, `'static` and independent of any async runtime, like the future it wraps. Dropping
/// it drops the handler's future; polling it again after it has yielded its reply panics.
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct WithKind {
    callback: CallbackFuture,
}

impl WithKind {
    /// The `errMsg` prefix the reply will be rendered with.
    pub fn prefix(&self) -> &str {
        self.callback.prefix()
    }

    /// How the call ended and the rendered reply, if they are already known without polling.
    #[expect(
        clippy::result_large_err,
        reason = "the future comes back to be polled; boxing it would cost the allocation its inline state saves"
    )]
    pub fn try_now(self) -> Result<(ReplyKind, String), Self> {
        let CallbackFuture { pending, prefix } = self.callback;
        match pending.try_now() {
            Ok(reply) => Ok(render(reply, prefix.as_str())),
            Err(pending) => Err(WithKind {
                callback: CallbackFuture { pending, prefix },
            }),
        }
    }
}

impl Future for WithKind {
    type Output = (ReplyKind, String);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(ReplyKind, String)> {
        self.callback.poll_with_kind(cx)
    }
}

impl fmt::Debug for WithKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithKind").field(&self.callback).finish()
    }
}

/// A handler's reply as the callback object's JSON text, and how the call ended.
fn render(reply: HandlerReply, prefix: &str) -> (ReplyKind, String) {
    match reply {
        HandlerReply::Callback(text) => (ReplyKind::Success, text),
        HandlerReply::Reply(reply) => render_callback(reply, prefix),
        HandlerReply::MalformedCall => render_callback(malformed_call(), prefix),
    }
}

fn render_callback(reply: Reply, prefix: &str) -> (ReplyKind, String) {
    (reply.kind(), reply.into_callback_json(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_and_futures_are_shareable() {
        fn send_sync<T: Send + Sync + 'static>() {}
        fn send<T: Send + Unpin + 'static>() {}
        send_sync::<Registry>();
        send::<ReplyFuture>();
        send::<CallbackFuture>();
        send::<WithKind>();
    }
}
