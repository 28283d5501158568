//! Dispatching calls: from a call or from JSON text to exactly one reply.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::{Map, Value};

use crate::call::{CallError, MiniApiCall};
use crate::context::CallContext;
use crate::data::DataSource;
use crate::handler::{BoxReplyFuture, Invocation, Outcome};
use crate::progress::{CloseOnDone, ProgressChannel};
use crate::registry::Registry;
use crate::reply::{FailureKind, Reply, UNNAMED_CALL_PREFIX};
use crate::wire::WireCall;

impl Registry {
    /// Dispatches a call to the handler registered under its name.
    ///
    /// The call's data is decoded, and a plain `fn` handler runs, when `dispatch` is called;
    /// the returned future drives an `async fn` handler to its reply. Every call ends in
    /// exactly one [`Reply`]: an unknown API, data that does not fit, a missing context value,
    /// a handler error and a handler panic are each a [`Reply::Fail`].
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
    /// When the call is too broken to name its API, `errMsg` starts with `invokeNativePlugin`.
    pub fn dispatch_json(&self, json: &str) -> CallbackFuture {
        self.dispatch_json_rendered(None, json, None)
    }

    /// Like [`dispatch_json`](Self::dispatch_json), for SDKs that report the API name beside
    /// the parameters: a legacy-format call (the whole object is the data) is accepted too.
    pub fn dispatch_json_with_name(&self, api_name: &str, json: &str) -> CallbackFuture {
        self.dispatch_json_rendered(Some(api_name), json, None)
    }

    /// Like [`dispatch_json`](Self::dispatch_json), but leaves the reply bare, for SDKs that add
    /// `errMsg` themselves (Android `req.ok(json)` / `req.fail(msg)`, iOS).
    pub fn dispatch_json_bare(&self, json: &str) -> ReplyFuture {
        self.dispatch_wire(None, json, None).1
    }

    /// [`dispatch_json_bare`](Self::dispatch_json_bare) for SDKs that report the API name beside
    /// the parameters; accepts both wire formats.
    pub fn dispatch_json_bare_with_name(&self, api_name: &str, json: &str) -> ReplyFuture {
        self.dispatch_wire(Some(api_name), json, None).1
    }

    pub(crate) fn dispatch_json_rendered(
        &self,
        reported_name: Option<&str>,
        json: &str,
        progress: Option<&ProgressChannel>,
    ) -> CallbackFuture {
        let (name, reply) = self.dispatch_wire(reported_name, json, progress);
        let prefix = self
            .inner
            .prefix
            .resolve(name.unwrap_or(UNNAMED_CALL_PREFIX))
            .to_owned();
        CallbackFuture { reply, prefix }
    }

    /// Reads and dispatches a call; also returns the API name, when it could be read.
    pub(crate) fn dispatch_wire<'a>(
        &self,
        reported_name: Option<&'a str>,
        json: &'a str,
        progress: Option<&ProgressChannel>,
    ) -> (Option<&'a str>, ReplyFuture) {
        let call = match WireCall::parse(json, reported_name) {
            Ok(call) => call,
            Err(error) => {
                return (reported_name, ReplyFuture::ready(invalid_call(&error)));
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
        let name = match call.api_name {
            std::borrow::Cow::Borrowed(name) => Some(name),
            // An escaped name is rare; the reply then names the API as the SDK reported it.
            std::borrow::Cow::Owned(_) => reported_name.or(Some(UNNAMED_CALL_PREFIX)),
        };
        (name, reply)
    }

    fn invoke(&self, cx: CallContext<'_>) -> ReplyFuture {
        let Some(entry) = self.inner.by_name.get(cx.api_name) else {
            return ReplyFuture::ready(Reply::fail(
                FailureKind::UnknownApi,
                format!(
                    "unknown API: no handler is registered for \"{}\"",
                    cx.api_name
                ),
            ));
        };
        let progress = cx.progress.cloned();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| (entry.handler)(Invocation { cx })));
        // No progress event may follow the reply: close the call's channel once the reply is
        // known, or, for a running handler, once its future completes or is dropped.
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
            Ok(Outcome::Ready(reply)) => ReplyFuture::ready(reply),
            Ok(Outcome::Pending(future)) => ReplyFuture {
                state: State::Running(future),
            },
            Err(payload) => ReplyFuture::ready(panicked(payload)),
        }
    }
}

fn invalid_call(error: &CallError) -> Reply {
    Reply::fail(FailureKind::InvalidCall, error.to_string())
}

fn panicked(payload: Box<dyn Any + Send>) -> Reply {
    // A payload whose own `Drop` panics must not escape either.
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(payload)));
    Reply::fail(FailureKind::Panic, "internal error: the handler panicked")
}

/// The reply to a dispatched call, once the handler is done.
///
/// `Send`, `'static` and independent of any async runtime. Polling it again after it has
/// yielded its reply panics, as with most futures.
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct ReplyFuture {
    state: State,
}

enum State {
    Ready(Reply),
    Running(BoxReplyFuture),
    Done,
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
        let reply = match &mut self.state {
            State::Ready(_) => match std::mem::replace(&mut self.state, State::Done) {
                State::Ready(reply) => reply,
                _ => unreachable!(),
            },
            State::Running(future) => {
                match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                    Ok(Poll::Pending) => return Poll::Pending,
                    Ok(Poll::Ready(reply)) => {
                        self.state = State::Done;
                        reply
                    }
                    Err(payload) => {
                        let state = std::mem::replace(&mut self.state, State::Done);
                        // Dropping a future that panicked may panic again.
                        let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(state)));
                        panicked(payload)
                    }
                }
            }
            State::Done => panic!("`ReplyFuture` polled after it returned its reply"),
        };
        Poll::Ready(reply)
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
