//! Dispatching calls: from a call or from JSON text to exactly one reply.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::call::{CallError, MiniApiCall};
use crate::context::{CallContext, StateMap};
use crate::data::DataSource;
use crate::handler::{
    ApiEntry, BoxReplyFuture, HandlerReply, Invocation, Outcome, ReplyFormat, malformed_call,
};
use crate::registry::Registry;
use crate::reply::{FailureKind, PrefixText, Reply, UNNAMED_CALL_PREFIX};
use crate::wire::WireCall;

impl Registry {
    /// Dispatches a call to the handler registered under its name.
    ///
    /// The call's data is decoded, and a plain `fn` handler runs, when `dispatch` is called;
    /// the returned future drives an `async fn` handler to its reply. Every call ends in
    /// exactly one [`Reply`]: an unknown API, data that does not fit, a missing context value,
    /// a handler error and a handler panic are each a [`Reply::Fail`].
    pub fn dispatch(&self, call: MiniApiCall) -> ReplyFuture {
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
        };
        ReplyFuture {
            pending: self.invoke(self.lookup(&api_name), cx, ReplyFormat::reply),
        }
    }

    /// Dispatches a unified-format call given as JSON text, and renders the reply in WeChat's
    /// callback convention: `{…result, "errMsg":"<api>:ok"}` on success,
    /// `{"errCode":…,"errMsg":"<api>:fail <reason>"}` on failure.
    ///
    /// The call's `data` is deserialized straight from `json` into the handler's data type, and
    /// the handler's value is serialized straight into the reply text.
    /// When the call is too broken to name its API, `errMsg` starts with `invokeNativePlugin`.
    pub fn dispatch_json(&self, json: &str) -> CallbackFuture {
        self.dispatch_json_rendered(None, json)
    }

    /// Like [`dispatch_json`](Self::dispatch_json), for SDKs that report the API name beside
    /// the parameters: a legacy-format call (the whole object is the data) is accepted too.
    pub fn dispatch_json_with_name(&self, api_name: &str, json: &str) -> CallbackFuture {
        self.dispatch_json_rendered(Some(api_name), json)
    }

    /// Like [`dispatch_json`](Self::dispatch_json), but leaves the reply bare, for SDKs that add
    /// `errMsg` themselves (Android `req.ok(json)` / `req.fail(msg)`, iOS).
    pub fn dispatch_json_bare(&self, json: &str) -> ReplyFuture {
        self.dispatch_json_bare_inner(None, json)
    }

    /// [`dispatch_json_bare`](Self::dispatch_json_bare) for SDKs that report the API name beside
    /// the parameters; accepts both wire formats.
    pub fn dispatch_json_bare_with_name(&self, api_name: &str, json: &str) -> ReplyFuture {
        self.dispatch_json_bare_inner(Some(api_name), json)
    }

    fn dispatch_json_bare_inner(&self, reported_name: Option<&str>, json: &str) -> ReplyFuture {
        let pending = self
            .read_call(reported_name, json)
            .and_then(|(call, entry)| {
                self.invoke_read(reported_name, json, call, entry, ReplyFormat::reply)
            })
            .unwrap_or_else(|error| Pending::ready(invalid_call(&error)));
        ReplyFuture { pending }
    }

    fn dispatch_json_rendered(&self, reported_name: Option<&str>, json: &str) -> CallbackFuture {
        let refused = |error: CallError| CallbackFuture {
            pending: Pending::ready(invalid_call(&error)),
            prefix: self.callback_prefix(None, reported_name),
        };
        let (call, entry) = match self.read_call(reported_name, json) {
            Ok(read) => read,
            Err(error) => return refused(error),
        };
        let name = match call.api_name {
            Cow::Borrowed(name) => Some(name),
            // An escaped name is rare; the reply then names the API as the SDK reported it.
            Cow::Owned(_) => reported_name.or(Some(UNNAMED_CALL_PREFIX)),
        };
        let prefix = self.callback_prefix(entry, name);
        match self.invoke_read(reported_name, json, call, entry, || {
            ReplyFormat::callback(prefix.clone())
        }) {
            Ok(pending) => CallbackFuture { pending, prefix },
            Err(error) => refused(error),
        }
    }

    /// Reads a call and finds its handler: in one pass for the common shape of call, with the
    /// full parser for everything else.
    fn read_call<'a>(
        &self,
        reported_name: Option<&'a str>,
        json: &'a str,
    ) -> Result<(WireCall<'a>, Option<&'static ApiEntry>), CallError> {
        if let Some(call) = WireCall::parse_common(json, reported_name) {
            let entry = self.lookup(&call.api_name);
            // Data that no handler decodes must still be JSON, as the full parser demands.
            let unread = call
                .data
                .filter(|_| entry.is_none_or(|entry| !entry.takes_data));
            if unread.is_none_or(|data| serde_json::from_str::<IgnoredAny>(data).is_ok()) {
                return Ok((call, entry));
            }
        }
        let call = WireCall::parse(json, reported_name)?;
        let entry = self.lookup(&call.api_name);
        Ok((call, entry))
    }

    /// Invokes the handler on a call read from `json`. When the call is refused with data that
    /// was not yet validated, and that data is not JSON, the full parser reads the call again
    /// and explains: a malformed call is reported as one, whatever else is wrong with it.
    fn invoke_read(
        &self,
        reported_name: Option<&str>,
        json: &str,
        call: WireCall<'_>,
        entry: Option<&'static ApiEntry>,
        format: impl Fn() -> ReplyFormat,
    ) -> Result<Pending, CallError> {
        let unchecked_data = call.data.filter(|_| !call.data_checked);
        let pending = self.invoke(entry, wire_context(&call, &self.inner.states), &format);
        let malformed = match (&pending.state, unchecked_data) {
            (State::Ready(HandlerReply::MalformedCall), _) => true,
            (State::Ready(HandlerReply::Reply(Reply::Fail(_))), Some(data)) => {
                serde_json::from_str::<IgnoredAny>(data).is_err()
            }
            _ => false,
        };
        if !malformed {
            return Ok(pending);
        }
        // Refused, as the full parser validates `data`, which was found not to be JSON; should
        // it accept the call after all, the call is answered as it reads it.
        let call = WireCall::parse(json, reported_name)?;
        let entry = self.lookup(&call.api_name);
        Ok(self.invoke(entry, wire_context(&call, &self.inner.states), format))
    }

    fn lookup(&self, api_name: &str) -> Option<&'static ApiEntry> {
        self.inner.by_name.get(api_name).map(|(entry, _)| *entry)
    }

    /// What `errMsg` starts with in the rendered reply to a call named `name`, handled by
    /// `entry`. Borrowed from the registry whenever it can be.
    fn callback_prefix(&self, entry: Option<&'static ApiEntry>, name: Option<&str>) -> PrefixText {
        if let Some(fixed) = &self.inner.fixed_prefix {
            return fixed.clone();
        }
        match (entry, name.unwrap_or(UNNAMED_CALL_PREFIX)) {
            (Some(entry), name) if entry.name == name => PrefixText::Static(entry.name),
            (_, UNNAMED_CALL_PREFIX) => PrefixText::Static(UNNAMED_CALL_PREFIX),
            (_, name) => PrefixText::Owned(name.to_owned()),
        }
    }

    /// Runs `entry` on the call; `format` is asked for only when there is a handler to run.
    fn invoke(
        &self,
        entry: Option<&'static ApiEntry>,
        cx: CallContext<'_>,
        format: impl FnOnce() -> ReplyFormat,
    ) -> Pending {
        let Some(entry) = entry else {
            return Pending::ready(Reply::fail(
                FailureKind::UnknownApi,
                format!(
                    "unknown API: no handler is registered for \"{}\"",
                    cx.api_name
                ),
            ));
        };
        let invocation = Invocation {
            cx,
            format: format(),
        };
        match panic::catch_unwind(AssertUnwindSafe(|| (entry.handler)(invocation))) {
            Ok(Outcome::Ready(reply)) => Pending {
                state: State::Ready(reply),
            },
            Ok(Outcome::Pending(future)) => Pending {
                state: State::Running(future),
            },
            Err(payload) => Pending::ready(panicked(payload)),
        }
    }
}

/// The context of a call read from JSON text.
fn wire_context<'a>(call: &'a WireCall<'a>, states: &'a StateMap) -> CallContext<'a> {
    CallContext {
        api_name: &call.api_name,
        web_view_id: call.web_view_id,
        state_event: call.state_event.as_deref(),
        app_info: call.app_info.as_ref(),
        extra: &call.extra,
        format: call.format,
        states,
        data: match call.data {
            None => DataSource::Absent,
            Some(text) if call.data_checked => DataSource::Text(text),
            Some(text) => DataSource::Unchecked(text),
        },
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

/// A dispatched call on its way to its one reply; what both public futures drive.
struct Pending {
    state: State,
}

enum State {
    Ready(HandlerReply),
    Running(BoxReplyFuture),
    Done,
}

impl Pending {
    fn ready(reply: Reply) -> Self {
        Pending {
            state: State::Ready(HandlerReply::Reply(reply)),
        }
    }

    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<HandlerReply> {
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
                        HandlerReply::Reply(panicked(payload))
                    }
                }
            }
            State::Done => panic!("`ReplyFuture` polled after it returned its reply"),
        };
        Poll::Ready(reply)
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
/// `Send`, `'static` and independent of any async runtime. Polling it again after it has
/// yielded its reply panics, as with most futures.
#[must_use = "the handler's reply arrives only when the future is polled"]
pub struct ReplyFuture {
    pending: Pending,
}

impl ReplyFuture {
    /// The reply, if it is already known without polling: for plain-`fn` handlers and for calls
    /// refused before their handler ran.
    pub fn try_now(self) -> Result<Reply, Self> {
        match self.pending.state {
            State::Ready(reply) => Ok(reply.into_reply()),
            state => Err(ReplyFuture {
                pending: Pending { state },
            }),
        }
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
}

impl Future for CallbackFuture {
    type Output = String;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        let this = &mut *self;
        this.pending.poll_reply(cx).map(|reply| match reply {
            HandlerReply::Callback(text) => text,
            HandlerReply::Reply(reply) => render_callback(reply, this.prefix.as_str()),
            HandlerReply::MalformedCall => render_callback(malformed_call(), this.prefix.as_str()),
        })
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
