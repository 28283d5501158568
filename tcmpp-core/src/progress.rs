//! Progress events: intermediate results a handler sends before its final reply.
//!
//! TCMPP lets a native API report intermediate states before it answers: Android's
//! `req.sendState(…)`, iOS's `doSubscribe` with the call's `stateEvent`, the `progress`
//! callback on the JavaScript side. A handler takes a [`Progress`] parameter and sends events
//! with it; the host receives them through the [`ProgressSink`] it gave to
//! [`PendingCall::progress`](crate::dispatch::PendingCall::progress).

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde_json::Value;

/// One progress event, as a [`ProgressSink`] receives it.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct ProgressEvent<'a> {
    /// The API the event belongs to.
    pub api_name: &'a str,
    /// The call's `stateEvent`, the key the SDK routes intermediate states by; `None` when the
    /// call carried none (legacy-format calls never do).
    pub state_event: Option<&'a str>,
    /// What the handler sent: any JSON value. Android's `req.sendState` takes objects; iOS's
    /// `doSubscribe` is often given strings (`"1"` … `"9"` in Tencent's demo).
    pub payload: &'a Value,
}

impl ProgressEvent<'_> {
    /// The payload as JSON text: `{"percent":50}`, `"1"`, `3`, …
    pub fn payload_json(&self) -> String {
        // Through the library's one writer of a `Value`'s text (a `Value` always serializes),
        // not a copy of serde_json's of its own.
        crate::json::text_of(self.payload)
    }
}

/// Where a host receives the progress events of the calls it dispatches.
///
/// Implemented for every `Fn(ProgressEvent<'_>) + Send + Sync + 'static` closure (name the
/// parameter's type, `|event: ProgressEvent<'_>|`, when nothing else does), and for an `Arc` of
/// a sink, so that one sink can serve every call.
///
/// The sink is called synchronously by [`Progress::send`], on the thread that runs the
/// handler, while the call's event channel is locked: events of one call arrive one at a time,
/// in the order they were sent, and all before the call's reply. A sink should hand the event
/// on (to the SDK, a channel) and return quickly; it must not send progress for the same call.
pub trait ProgressSink: Send + Sync + 'static {
    /// Receives one event.
    fn progress(&self, event: ProgressEvent<'_>);
}

impl<F: Fn(ProgressEvent<'_>) + Send + Sync + 'static> ProgressSink for F {
    fn progress(&self, event: ProgressEvent<'_>) {
        self(event);
    }
}

/// A sink shared by the host, such as one `Arc<dyn ProgressSink>` for every call.
impl<S: ProgressSink + ?Sized> ProgressSink for Arc<S> {
    fn progress(&self, event: ProgressEvent<'_>) {
        (**self).progress(event);
    }
}

/// What became of an event [`Progress::send`] was given, when that was no mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Delivery {
    /// The host's sink took the event.
    Delivered,
    /// The host dispatched the call without a progress sink, so the event was dropped. This is
    /// what every call from the web-view JS SDK gets (it has no progress callback), and no
    /// reason to fail the call.
    NoListener,
}

impl Delivery {
    /// Whether the host's sink took the event.
    pub fn is_delivered(self) -> bool {
        self == Delivery::Delivered
    }
}

/// Why [`Progress::send`] refused an event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressError {
    /// The call has already been answered (or its reply future was dropped): an event can no
    /// longer arrive before the reply, so it is not delivered at all.
    Closed,
    /// The payload could not be serialized (a map with keys that are not strings, a
    /// `Serialize` impl that failed): a mistake in the handler.
    InvalidPayload(String),
}

impl fmt::Display for ProgressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressError::Closed => {
                f.write_str("progress refused: the call has already been answered")
            }
            ProgressError::InvalidPayload(reason) => {
                write!(f, "invalid progress payload: {reason}")
            }
        }
    }
}

impl std::error::Error for ProgressError {}

/// The payload type of a [`Progress`] that sends any JSON value (the default): any
/// [`Serialize`] type. Handlers never name it; it is what `Progress` means without `<T>`.
#[derive(Clone, Copy, Debug)]
pub enum AnyPayload {}

/// A value a [`Progress<T>`](Progress) may send: a `T` (or `&T`), or, for a `Progress` of
/// [`AnyPayload`], anything [`Serialize`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the progress payload this handler declared",
    label = "this `Progress` sends `{T}`",
    note = "a handler that takes `Progress<T>` sends a `T` (or `&T`), which the typed client declares as its progress payload; take `Progress` (no `<T>`) to send any serializable value"
)]
pub trait ProgressPayload<T>: Serialize {}

impl<P: Serialize> ProgressPayload<AnyPayload> for P {}

impl<T: Serialize> ProgressPayload<T> for T {}

impl<T: Serialize> ProgressPayload<T> for &T {}

/// A context parameter that sends progress events (intermediate results) for the current call.
///
/// Events go to the [`ProgressSink`] the host gave to
/// [`PendingCall::progress`](crate::dispatch::PendingCall::progress), keyed by the call's `stateEvent` as the
/// host stated it ([`Caller`](crate::Caller)). A payload is any JSON value: an object (Android's
/// `req.sendState`), a string (iOS's `doSubscribe`), a number. Events arrive in the order they
/// were sent and all before the reply.
///
/// - When the host listens for no progress (every call from the web-view JS SDK), an event is
///   dropped: [`send`](Self::send) returns `Ok(Delivery::NoListener)` and the call goes on.
/// - An event sent after the reply is refused with [`ProgressError::Closed`]; the call is
///   already answered, so there is nothing to fail.
///
/// So a handler usually ignores what `send` returns (`let _ = progress.send(..)`), or stops
/// working on progress early when [`is_open`](Self::is_open) says nobody will see it. Do not
/// `?` it in a handler whose reply matters: that would turn a late event into a failure the
/// mini program never sees, and hide the real outcome.
///
/// `Progress<T>` sends only `T` (or `&T`), and the typed client
/// (`Registry::client_types`, feature `typed-client`) declares
/// `T` as the API's progress payload; plain `Progress` sends any serializable value.
/// `Progress` is cheap to clone and may be moved into spawned tasks.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use tcmpp_core::{mini_api, Caller, Progress, Registry};
///
/// #[mini_api("download")]
/// async fn download(progress: Progress) -> serde_json::Value {
///     for percent in [50, 100] {
///         // Best effort: dropped when nobody listens, refused only after the reply.
///         let _ = progress.send(serde_json::json!({ "percent": percent }));
///     }
///     // Any JSON value: iOS's `doSubscribe` sends strings.
///     let _ = progress.send("done");
///     serde_json::json!({ "path": "/tmp/file" })
/// }
///
/// let registry = Registry::builder().build()?;
/// let events = Arc::new(Mutex::new(Vec::new()));
/// let sink = {
///     let events = events.clone();
///     move |event: tcmpp_core::progress::ProgressEvent<'_>| {
///         events.lock().unwrap().push((event.state_event.map(str::to_owned), event.payload_json()));
///     }
/// };
/// let reply = futures_executor::block_on(
///     registry
///         .call(r#"{"api_name":"download"}"#)
///         .caller(&Caller::new().with_state_event("onDownloadProgress"))
///         .progress(sink)
///         .reply(),
/// );
/// assert_eq!(reply.result().unwrap()["path"], "/tmp/file");
/// let on = |payload: &str| (Some("onDownloadProgress".to_owned()), payload.to_owned());
/// assert_eq!(
///     *events.lock().unwrap(),
///     [on(r#"{"percent":50}"#), on(r#"{"percent":100}"#), on(r#""done""#)],
/// );
///
/// // Nobody listens: the events are dropped, and the call is answered as before.
/// let reply = futures_executor::block_on(registry.call(r#"{"api_name":"download"}"#).reply());
/// assert!(reply.is_success());
/// # Ok::<_, tcmpp_core::BuildError>(())
/// ```
pub struct Progress<T = AnyPayload> {
    target: Option<Arc<Target>>,
    payload: PhantomData<fn(T)>,
}

impl<T> Clone for Progress<T> {
    fn clone(&self) -> Self {
        Progress {
            target: self.target.clone(),
            payload: PhantomData,
        }
    }
}

/// Where one handler's events go: the call's channel plus the keys every event carries.
struct Target {
    channel: ProgressChannel,
    api_name: String,
    state_event: Option<String>,
}

impl<T> Progress<T> {
    /// Sends one event, any JSON value (for `Progress<T>`, a `T`).
    ///
    /// Returns once the host's sink has taken the event, with [`Delivery::Delivered`]; or at
    /// once with [`Delivery::NoListener`] when the host listens for no progress, the event
    /// dropped (before the reply or after it: with nobody listening there is no channel to
    /// close, and nothing can reach anybody either way). Fails, delivering nothing, when the
    /// host listens and the call has already been answered
    /// ([`ProgressError::Closed`]) or when the payload cannot be serialized
    /// ([`ProgressError::InvalidPayload`]; checked whether or not anybody listens, so that the
    /// mistake shows in every test).
    pub fn send<P: ProgressPayload<T>>(&self, payload: P) -> Result<Delivery, ProgressError> {
        let payload = serde_json::to_value(payload).map_err(invalid_payload)?;
        let Some(target) = &self.target else {
            return Ok(Delivery::NoListener);
        };
        target.channel.deliver(ProgressEvent {
            api_name: &target.api_name,
            state_event: target.state_event.as_deref(),
            payload: &payload,
        })?;
        Ok(Delivery::Delivered)
    }

    /// Whether an event sent now could be delivered: the host listens and the call has not
    /// been answered yet. A handler can skip the work of progress nobody will see.
    pub fn is_open(&self) -> bool {
        self.target
            .as_ref()
            .is_some_and(|target| !target.channel.is_closed())
    }

    /// The sender of a call dispatched with `channel`, or of one nobody listens to.
    pub(crate) fn new(
        channel: Option<&ProgressChannel>,
        api_name: &str,
        state_event: Option<&str>,
    ) -> Self {
        Progress {
            target: channel.map(|channel| {
                // The copies, which allocate, made before the channel's clone, which cannot
                // unwind: the steps that could unwind have fewer values to drop (and to drop in
                // orders of their own) on their way out.
                let state_event = state_event.map(str::to_owned);
                let api_name = api_name.to_owned();
                Arc::new(Target {
                    channel: channel.clone(),
                    api_name,
                    state_event,
                })
            }),
            payload: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Progress<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("state_event", &self.target.as_ref().map(|t| &t.state_event))
            .field("open", &self.is_open())
            .finish()
    }
}

/// The refusal of a payload that does not serialize: out of line, not written out in each
/// handler that sends progress (its message's formatting, and the drops of what it holds).
#[cold]
#[inline(never)]
fn invalid_payload(error: serde_json::Error) -> ProgressError {
    ProgressError::InvalidPayload(error.to_string())
}

/// One call's event channel: the host's sink, open until the call's reply is produced.
#[derive(Clone)]
pub(crate) struct ProgressChannel {
    shared: Arc<Shared>,
}

struct Shared {
    sink: Arc<dyn ProgressSink>,
    /// `true` once the reply is produced. Events are delivered while this lock is held, so an
    /// event is either wholly delivered before the channel closes or refused.
    closed: Mutex<bool>,
}

impl ProgressChannel {
    pub(crate) fn new(sink: Arc<dyn ProgressSink>) -> Self {
        ProgressChannel {
            shared: Arc::new(Shared {
                sink,
                closed: Mutex::new(false),
            }),
        }
    }

    fn deliver(&self, event: ProgressEvent<'_>) -> Result<(), ProgressError> {
        // A sink that panicked poisons the lock; the flag it guards is still meaningful.
        let closed = self
            .shared
            .closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *closed {
            return Err(ProgressError::Closed);
        }
        self.shared.sink.progress(event);
        Ok(())
    }

    fn is_closed(&self) -> bool {
        *self
            .shared
            .closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses every later event. Waits for an event being delivered to finish first.
    pub(crate) fn close(&self) {
        *self
            .shared
            .closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = true;
    }
}

/// Closes a call's channel when the handler's future completes or is dropped, so that no
/// event can follow the reply.
pub(crate) struct CloseOnDone<F> {
    pub(crate) future: F,
    pub(crate) channel: ProgressChannel,
}

impl<F: std::future::Future + Unpin> std::future::Future for CloseOnDone<F> {
    type Output = F::Output;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let poll = std::pin::Pin::new(&mut self.future).poll(cx);
        if poll.is_ready() {
            self.channel.close();
        }
        poll
    }
}

impl<F> Drop for CloseOnDone<F> {
    fn drop(&mut self) {
        self.channel.close();
    }
}
