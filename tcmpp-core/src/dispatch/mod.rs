//! The one way in: [`Registry::call`] takes a call in any form, [`PendingCall`] carries the
//! options that combine freely, and every combination runs the same path to exactly one reply.

mod answer;
mod deadline;
mod flight;
mod future;
mod input;
mod invoke;
mod method;
mod nesting;
mod observe;
mod read;
mod removed;
mod typed;

use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;

use crate::call::Caller;
use crate::progress::{ProgressChannel, ProgressSink};
use crate::registry::Registry;
use crate::reply::{RenderedReply, Rendering, Reply};
use crate::wire::{CallError, Reading, Wire};

use flight::Flight;
use future::Started;
use read::{Refusal, Text};

pub use future::{ReplyForm, ReplyFuture};
pub use input::CallInput;

/// One call on its way to its handler, with the options a host sets before it takes the reply.
///
/// Made by [`Registry::call`]. Every option combines with every other; each has a default:
///
/// | option | default |
/// |---|---|
/// | [`wire`](Self::wire): the format of call text | [`Wire::Unified`] |
/// | [`caller`](Self::caller): who calls, as the host's SDK knows it | nobody known |
/// | [`progress`](Self::progress): where progress events go | nowhere |
///
/// Then take the reply: `.await` it (a [`Reply`]), or [`reply`](Self::reply) for the
/// [`ReplyFuture`], or [`rendered`](Self::rendered) for the reply rendered as JSON text with how
/// the call ended. For a synchronous call (`sync: true`), call
/// [`now_or_fail`](ReplyFuture::now_or_fail) on either future.
///
/// The call is read, its data decoded and a plain `fn` handler run when the reply is taken;
/// the future drives an `async fn` handler. Every call ends in exactly one reply: an unknown
/// API, a refused caller, call text or data that does not fit, a missing context value, a
/// handler error, a panic and a timeout are each a fail reply.
///
/// ```
/// use tcmpp_core::{AppInfo, Caller, mini_api, Registry, Wire};
/// use tcmpp_core::reply::{Rendering, ReplyKind};
///
/// #[mini_api("battery")]
/// fn battery(app: AppInfo) -> serde_json::Value {
///     serde_json::json!({ "level": 80, "for": app.app_id })
/// }
///
/// let registry = Registry::builder().build()?;
/// let rendered = registry
///     .call(r#"{"api_name":"battery","data":{}}"#)
///     .wire(Wire::Named("battery"))
///     .caller(&Caller::new().with_app_info(AppInfo::with_app_id("wx_demo")))
///     .rendered(Rendering::Callback)
///     .now_or_fail();
/// assert_eq!(rendered.kind, ReplyKind::Success);
/// assert_eq!(rendered.text, r#"{"for":"wx_demo","level":80,"errMsg":"battery:ok"}"#);
/// # Ok::<_, tcmpp_core::BuildError>(())
/// ```
#[must_use = "a call is dispatched only when its reply is taken"]
pub struct PendingCall<'a> {
    registry: &'a Registry,
    input: CallInput<'a>,
    wire: Wire<'a>,
    caller: Option<&'a Caller>,
    progress: Option<Arc<dyn ProgressSink>>,
}

impl<'a> PendingCall<'a> {
    /// States the format of the call's text; [`Wire::Unified`] by default. The format is the
    /// host's to state, never guessed: every key of a legacy call is the mini program's.
    ///
    /// A [`CallInput::Call`] was read already: of the format, only the name the SDK reported
    /// applies to it, and must agree with the call's own, as for text.
    #[inline]
    pub fn wire(mut self, wire: Wire<'a>) -> Self {
        self.wire = wire;
        self
    }

    /// States who calls, from what the host's SDK knows (Android `mMiniAppContext.getMiniAppInfo()`, iOS
    /// `context.tmfAppInfo`, Flutter `call.appInfo`). Access control, progress routing and the
    /// context extractors read the caller from here, never from the call text unless the host
    /// says to ([`Caller::trust_call_text`]).
    ///
    /// Borrowed: the caller is read while the call is dispatched, when the reply is taken, and
    /// handlers get copies of what they ask for.
    #[inline]
    pub fn caller(mut self, caller: &'a Caller) -> Self {
        self.caller = Some(caller);
        self
    }

    /// Sends the progress events of handlers that take a [`Progress`](crate::Progress)
    /// parameter to `sink`, in order, all before the reply.
    #[inline]
    pub fn progress(self, sink: impl ProgressSink) -> Self {
        self.set_progress(Some(sink))
    }

    /// [`progress`](Self::progress) with a sink the host may not have: `Some` sends the events
    /// there, `None` sends them nowhere, as when no sink is set. The `set_` form of an option,
    /// as builders name it, for a host that listens to some calls and not others: one call
    /// whichever it is, no branch in the host's code (nor a second copy of the dispatch in its
    /// library). A `None` written out needs its type: `None::<fn(ProgressEvent<'_>)>`.
    ///
    /// ```rust,standalone_crate
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use tcmpp_core::progress::{Delivery, ProgressEvent};
    /// use tcmpp_core::{mini_api, Progress, Registry};
    ///
    /// #[mini_api("tick")]
    /// async fn tick(progress: Progress) -> serde_json::Value {
    ///     let listened = matches!(progress.send(1), Ok(Delivery::Delivered));
    ///     serde_json::json!({ "listened": listened })
    /// }
    ///
    /// let registry = Registry::builder().build()?;
    /// let events = Arc::new(AtomicUsize::new(0));
    /// for listener in [None, Some(events.clone())] {
    ///     let listens = listener.is_some();
    ///     let sink = listener.map(|events| {
    ///         move |_: ProgressEvent<'_>| drop(events.fetch_add(1, Ordering::Relaxed))
    ///     });
    ///     let call = registry.call(r#"{"api_name":"tick"}"#).set_progress(sink);
    ///     let reply = futures_executor::block_on(call.reply());
    ///     assert_eq!(reply.result().unwrap()["listened"], listens);
    /// }
    /// assert_eq!(events.load(Ordering::Relaxed), 1);
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    #[inline]
    pub fn set_progress(self, sink: Option<impl ProgressSink>) -> Self {
        // Taken apart and put together again, not assigned in place: the old sink is dropped
        // from a place of its own, so that the input's kind stays known to the optimizer where
        // `begin` matches it. (A pointer into `self` for that drop made it read the input back
        // from memory, and kept the arms of every kind of input in a C host's library, which
        // passes bytes: about 2.7 KB.)
        let PendingCall {
            registry,
            input,
            wire,
            caller,
            progress,
        } = self;
        drop(progress);
        PendingCall {
            registry,
            input,
            wire,
            caller,
            progress: match sink {
                Some(sink) => Some(Arc::new(sink)),
                None => None,
            },
        }
    }

    /// The reply, as a [`Reply`]: what `.await` on this value gives too.
    #[inline]
    pub fn reply(self) -> ReplyFuture<Reply> {
        self.start(None)
    }

    /// The reply rendered as JSON text, with how the call ended: for hosts that route on the
    /// outcome and pass the text on. A success is serialized once, straight from the handler's
    /// value into the text, so the text keeps what a [`Reply`]'s `serde_json::Map` cannot (an
    /// `f32` as written, integers beyond 64 bits, `Option` map keys).
    #[inline]
    pub fn rendered(self, rendering: Rendering) -> ReplyFuture<RenderedReply> {
        self.start(Some(rendering))
    }

    #[inline]
    fn start<T: ReplyForm>(self, rendering: Option<Rendering>) -> ReplyFuture<T> {
        ReplyFuture::new(self.begin(rendering))
    }

    /// What `start` does for every output; `rendering` is `None` for a [`Reply`].
    #[inline]
    fn begin(self, rendering: Option<Rendering>) -> Started {
        let PendingCall {
            registry,
            input,
            wire,
            caller,
            progress,
        } = self;
        let caller = caller.unwrap_or(&NOBODY);
        let flight = Flight::new(
            registry,
            caller,
            progress.map(ProgressChannel::new),
            rendering,
        );
        if caller.state_event.is_some() {
            if let Some(refused) = flight.refuse_stated_nul(&input, wire) {
                return refused;
            }
        }
        let text = |json| Text {
            json,
            reading: Reading {
                wire,
                caller_from_text: caller.from_call_text,
                max_keys: registry.config().limits.max_keys,
            },
        };
        match input {
            CallInput::Call(call) => match wire {
                Wire::Unified => flight.typed(call),
                _ => flight.reported(call, wire),
            },
            CallInput::Text(json) => flight.text(text(json)),
            CallInput::Bytes(bytes) => match flight.check_bytes(bytes) {
                Ok(json) => flight.text(text(json)),
                Err(reply) => flight.refused(Refusal::new(wire.reported_name(), reply)),
            },
        }
    }
}

impl<'a> IntoFuture for PendingCall<'a> {
    type Output = Reply;
    type IntoFuture = ReplyFuture<Reply>;

    #[inline]
    fn into_future(self) -> ReplyFuture<Reply> {
        self.reply()
    }
}

impl fmt::Debug for PendingCall<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (input, len) = self.input.describe();
        f.debug_struct("PendingCall")
            .field("input", &input)
            .field("len", &len)
            .field("wire", &self.wire)
            .field("caller", &self.caller)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// The caller of a dispatch whose host stated none.
static NOBODY: Caller = Caller::new();

impl Registry {
    /// Starts dispatching a call: `input` is a [`MiniApiCall`](crate::MiniApiCall), JSON text (`&str`) or bytes
    /// (`&[u8]`). Set the options on the [`PendingCall`] it returns, then take the reply.
    ///
    /// ```
    /// use tcmpp_core::{mini_api, AppInfo, Caller, MiniApiCall, Registry};
    ///
    /// #[mini_api("greet")]
    /// async fn greet(app: AppInfo) -> serde_json::Value {
    ///     serde_json::json!({ "hello": app.app_id })
    /// }
    ///
    /// # futures_executor::block_on(async {
    /// let registry = Registry::builder().build()?;
    /// let caller = Caller::new().with_app_info(AppInfo::with_app_id("wx_demo"));
    /// let reply = registry.call(r#"{"api_name":"greet"}"#).caller(&caller).await;
    /// assert_eq!(reply.result().unwrap()["hello"], "wx_demo");
    /// let call = MiniApiCall::new("greet", serde_json::Value::Null);
    /// let reply = registry.call(call).caller(&caller).await;
    /// assert_eq!(reply.result().unwrap()["hello"], "wx_demo");
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// # }).unwrap();
    /// ```
    #[inline]
    pub fn call<'a>(&'a self, input: impl Into<CallInput<'a>>) -> PendingCall<'a> {
        PendingCall {
            registry: self,
            input: input.into(),
            wire: Wire::Unified,
            caller: None,
            progress: None,
        }
    }

    /// Dispatches a unified-format call given as JSON text and renders the reply in WeChat's
    /// callback convention: `{…result, "errMsg":"<api>:ok"}` on success,
    /// `{"errCode":…,"errMsg":"<api>:fail <reason>"}` on failure. The caller is nobody known.
    ///
    /// The shortcut for `registry.call(json).rendered(Rendering::Callback)`, yielding the text
    /// alone. Calls over the registry's size or nesting limits are refused before they are
    /// read. When the call is too broken to name its API, `errMsg` starts with
    /// `invokeNativePlugin`.
    #[inline]
    pub fn dispatch_json(&self, json: &str) -> ReplyFuture<String> {
        self.call(json).start(Some(Rendering::Callback))
    }
}

impl Flight<'_> {
    /// The refusal of a call whose host stated a `stateEvent` with a NUL, which a C host would
    /// cut short and route elsewhere.
    #[cold]
    #[inline(never)]
    fn refuse_stated_nul(&self, input: &CallInput<'_>, wire: Wire<'_>) -> Option<Started> {
        let event = self.stated.state_event.as_deref()?;
        event.contains('\0').then(|| {
            // The caller is refused, not the call: the reply is named after the API the call
            // names, found by a scan of its text.
            let within_limit = |len: usize| len <= self.registry.config().limits.max_call_bytes;
            let name = match input {
                CallInput::Call(call) => Some(call.api_name.as_str()),
                CallInput::Text(text) if within_limit(text.len()) => wire.api_name_in(text),
                CallInput::Bytes(bytes) if within_limit(bytes.len()) => std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|text| wire.api_name_in(text)),
                _ => wire.reported_name(),
            };
            let error = CallError::nul_in_state_event();
            self.refused(Refusal::of_error(&error, name))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_and_futures_are_shareable() {
        fn send_sync<T: Send + Sync + 'static>() {}
        fn send<T: Send + Unpin + 'static>() {}
        send_sync::<Registry>();
        send::<ReplyFuture<Reply>>();
        send::<ReplyFuture<RenderedReply>>();
        send::<ReplyFuture<String>>();
    }
}

#[cfg(test)]
mod one_pass_tests;
