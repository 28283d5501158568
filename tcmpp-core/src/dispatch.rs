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
use serde_json::{Map, Value};

use crate::call::{MiniApiCall, is_api_name};
use crate::context::CallContext;
use crate::data::DataSource;
use crate::handler::{BoxReplyFuture, Invocation, Outcome};
use crate::progress::{CloseOnDone, ProgressChannel};
use crate::registry::Registry;
use crate::reply::{FailureKind, Reply, UNNAMED_CALL_PREFIX};
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
        self.invoke(CallContext {
            api_name: &api_name,
            web_view_id,
            state_event: state_event.as_deref(),
            app_info: app_info.as_ref(),
            extra: &extra,
            format,
            states: &self.inner.states,
            data: data.map_or(DataSource::Absent, DataSource::Value),
            progress,
        })
    }

    /// Dispatches a unified-format call given as JSON text, and renders the reply in WeChat's
    /// callback convention: `{"errMsg":"<api>:ok", …result}` on success,
    /// `{"errMsg":"<api>:fail <reason>","errCode":…}` on failure.
    ///
    /// The call's `data` is deserialized straight from `json` into the handler's data type.
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
            Err(reply) => self.refused_json(None, reply),
        }
    }

    /// Like [`dispatch_json`](Self::dispatch_json), but leaves the reply bare, for SDKs that add
    /// `errMsg` themselves (Android `req.ok(json)` / `req.fail(msg)`, iOS).
    pub fn dispatch_json_bare(&self, json: &str) -> ReplyFuture {
        self.dispatch_wire(Expect::Unified, json, None).1
    }

    /// [`dispatch_json_bare`](Self::dispatch_json_bare) for SDKs that report the API name beside
    /// a unified-format call.
    pub fn dispatch_json_bare_with_name(&self, api_name: &str, json: &str) -> ReplyFuture {
        self.dispatch_wire(Expect::Named(api_name), json, None).1
    }

    /// [`dispatch_json_bare`](Self::dispatch_json_bare) for a call in the legacy Android format;
    /// see [`dispatch_json_legacy`](Self::dispatch_json_legacy).
    pub fn dispatch_json_bare_legacy(&self, api_name: &str, json: &str) -> ReplyFuture {
        self.dispatch_wire(Expect::Legacy(api_name), json, None).1
    }

    pub(crate) fn dispatch_json_rendered(
        &self,
        expect: Expect<'_>,
        json: &str,
        progress: Option<&ProgressChannel>,
    ) -> CallbackFuture {
        let (name, reply) = self.dispatch_wire(expect, json, progress);
        CallbackFuture {
            prefix: self.prefix_for(name.as_deref()),
            reply,
        }
    }

    fn refused_json(&self, reported_name: Option<&str>, reply: Reply) -> CallbackFuture {
        log_refused_call(&reply);
        CallbackFuture {
            prefix: self.prefix_for(reported_name),
            reply: ReplyFuture::ready(reply),
        }
    }

    fn prefix_for(&self, api_name: Option<&str>) -> String {
        // A name no handler could have (one with a `:` or spaces, say) is not echoed into
        // `errMsg`, where it could confuse the JS SDK's routing on the first `:`.
        let name = api_name
            .filter(|name| is_api_name(name))
            .unwrap_or(UNNAMED_CALL_PREFIX);
        self.inner.prefix.resolve(name).to_owned()
    }

    /// Reads and dispatches a call; also returns the API name, when it could be read.
    pub(crate) fn dispatch_wire<'a>(
        &self,
        expect: Expect<'a>,
        json: &'a str,
        progress: Option<&ProgressChannel>,
    ) -> (Option<Cow<'a, str>>, ReplyFuture) {
        let reported_name = expect.reported_name();
        let limits = &self.inner.limits;
        if let Err(reply) = limits
            .check_size(json.len())
            .and_then(|()| limits.check_depth(json.as_bytes()))
        {
            log_refused_call(&reply);
            return (reported_name.map(Cow::Borrowed), ReplyFuture::ready(reply));
        }
        let call = match WireCall::parse(json, expect) {
            Ok(call) => call,
            Err(error) => {
                let reply = Reply::fail(FailureKind::InvalidCall, error.to_string());
                log_refused_call(&reply);
                let name = match error.api_name() {
                    Some(name) => Some(Cow::Owned(name.to_owned())),
                    None => reported_name.map(Cow::Borrowed),
                };
                return (name, ReplyFuture::ready(reply));
            }
        };
        let reply = self.invoke(CallContext {
            api_name: &call.api_name,
            web_view_id: call.web_view_id,
            state_event: call.state_event.as_deref(),
            app_info: call.app_info.as_ref(),
            extra: &call.extra,
            format: call.format,
            states: &self.inner.states,
            data: call.data.map_or(DataSource::Absent, DataSource::Text),
            progress,
        });
        (Some(call.api_name), reply)
    }

    fn invoke(&self, cx: CallContext<'_>) -> ReplyFuture {
        let started = Instant::now();
        let span = quietly(|| {
            tracing::info_span!(
                "mini_api",
                api = cx.api_name,
                app_id = cx.app_info.and_then(|app| app.app_id.as_deref()),
                web_view_id = cx.web_view_id,
            )
        })
        .unwrap_or_else(tracing::Span::none);
        let Some(entry) = self.inner.by_name.get(cx.api_name).copied() else {
            let reply = Reply::fail(
                FailureKind::UnknownApi,
                format!(
                    "unknown API: no handler is registered for \"{}\"",
                    cx.api_name
                ),
            );
            return Watch {
                span,
                started,
                expose_panic_messages: false,
            }
            .finished(reply);
        };
        let watch = Watch {
            span,
            started,
            expose_panic_messages: self.inner.expose_panic_messages,
        };
        if !self
            .inner
            .access
            .permits(entry.name, entry.restricted, cx.app_info)
        {
            return watch.finished(Reply::fail(
                FailureKind::PermissionDenied,
                "permission denied",
            ));
        }
        let progress = cx.progress.cloned();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            watch.span.in_scope(|| (entry.handler)(Invocation { cx }))
        }));
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
        match outcome {
            Ok(Outcome::Ready(reply)) => watch.finished(reply),
            Ok(Outcome::Pending(future)) => ReplyFuture {
                state: State::Running(Box::new(Running {
                    future,
                    timeout: entry
                        .timeout_ms
                        .map(Duration::from_millis)
                        .or(self.inner.default_timeout),
                    deadline: None,
                    watch,
                })),
            },
            Err(payload) => {
                let reply = watch.panicked(payload);
                watch.finished(reply)
            }
        }
    }
}

/// What a call is observed through: its span, its start, and how panics are shown.
struct Watch {
    span: tracing::Span,
    started: Instant,
    expose_panic_messages: bool,
}

impl Drop for Watch {
    fn drop(&mut self) {
        // Closing a span calls into the subscriber, which must not panic into the host either.
        let span = std::mem::replace(&mut self.span, tracing::Span::none());
        quietly(move || drop(span));
    }
}

impl Watch {
    /// Logs the outcome of the call and wraps its reply.
    fn finished(self, reply: Reply) -> ReplyFuture {
        self.log(&reply);
        ReplyFuture::ready(reply)
    }

    fn log(&self, reply: &Reply) {
        // A subscriber that panics must not cost the call its reply.
        quietly(|| self.log_unguarded(reply));
    }

    fn log_unguarded(&self, reply: &Reply) {
        let elapsed_us = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
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

/// The reply to a dispatched call, once the handler is done.
///
/// `Send`, `'static` and independent of any async runtime. Dropping it drops the handler's
/// future. Polling it again after it has yielded its reply panics, as with most futures.
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct ReplyFuture {
    state: State,
}

enum State {
    Ready(Reply),
    Running(Box<Running>),
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
    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<Reply> {
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
                return Poll::Ready(reply);
            }
        }
        let Some(timeout) = self.timeout else {
            return Poll::Pending;
        };
        let started = self.watch.started;
        let deadline = &mut self.deadline;
        let expired = quietly(|| {
            let deadline = deadline
                .get_or_insert_with(|| Delay::new(timeout.saturating_sub(started.elapsed())));
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
        Poll::Ready(Reply::fail(
            FailureKind::Timeout,
            format!("timeout after {} ms", timeout.as_millis()),
        ))
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

impl ReplyFuture {
    fn ready(reply: Reply) -> Self {
        ReplyFuture {
            state: State::Ready(reply),
        }
    }

    /// The reply, if it is already known without polling: for plain-`fn` handlers and for calls
    /// refused before their handler ran.
    pub fn try_now(self) -> Result<Reply, Self> {
        match self.state {
            State::Ready(reply) => Ok(reply),
            state => Err(ReplyFuture { state }),
        }
    }
}

impl Future for ReplyFuture {
    type Output = Reply;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Reply> {
        match &mut self.state {
            State::Ready(_) => match std::mem::replace(&mut self.state, State::Done) {
                State::Ready(reply) => Poll::Ready(reply),
                _ => unreachable!("the state was just matched as ready"),
            },
            State::Running(running) => {
                let reply = std::task::ready!(running.poll_reply(cx));
                // Done before anything else can go wrong, so the reply is never produced twice.
                if let State::Running(running) = std::mem::replace(&mut self.state, State::Done) {
                    running.watch.log(&reply);
                }
                Poll::Ready(reply)
            }
            State::Done => panic!("`ReplyFuture` polled after it returned its reply"),
        }
    }
}

impl fmt::Debug for ReplyFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Ready(_) => "ready",
            State::Running(_) => "running",
            State::Done => "done",
        };
        f.debug_struct("ReplyFuture")
            .field("state", &state)
            .finish()
    }
}

/// The reply to a call dispatched as JSON, rendered as JSON text in WeChat's callback
/// convention.
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct CallbackFuture {
    reply: ReplyFuture,
    prefix: String,
}

impl CallbackFuture {
    /// The `errMsg` prefix the reply will be rendered with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The unrendered reply and the `errMsg` prefix, for hosts that need the reply's kind as
    /// well as its rendering ([`Reply::to_callback_json`] renders it).
    pub fn into_parts(self) -> (ReplyFuture, String) {
        (self.reply, self.prefix)
    }
}

impl Future for CallbackFuture {
    type Output = String;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        let this = &mut *self;
        Pin::new(&mut this.reply)
            .poll(cx)
            .map(|reply| render_callback(reply, &this.prefix))
    }
}

impl fmt::Debug for CallbackFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackFuture")
            .field("reply", &self.reply)
            .field("prefix", &self.prefix)
            .finish()
    }
}

fn render_callback(reply: Reply, prefix: &str) -> String {
    let err_msg = reply.err_msg(prefix);
    let mut map = match reply {
        Reply::Success(map) => map,
        Reply::Fail(ref failure) => {
            let mut map = Map::new();
            if let Some(code) = failure.code() {
                map.insert("errCode".to_owned(), Value::from(code));
            }
            map
        }
        Reply::Cancel => Map::new(),
    };
    map.insert("errMsg".to_owned(), Value::String(err_msg));
    Value::Object(map).to_string()
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
    }
}
