//! Progress events: intermediate results a handler sends before its final reply.
//!
//! TCMPP lets a native API report intermediate states before it answers: Android's
//! `req.sendState(…)`, iOS's `doSubscribe` with the call's `stateEvent`, the `progress`
//! callback on the JavaScript side. A handler takes a [`Progress`] parameter and sends events
//! with it; the host receives them through the [`ProgressSink`] it gave to
//! [`Dispatch::progress`](crate::Dispatch::progress).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::json::json_kind;

/// One progress event, as a [`ProgressSink`] receives it.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct ProgressEvent<'a> {
    /// The API the event belongs to.
    pub api_name: &'a str,
    /// The call's `stateEvent`, the key the SDK routes intermediate states by; `None` when the
    /// call carried none (legacy-format calls never do).
    pub state_event: Option<&'a str>,
    /// What the handler sent: always a JSON object.
    pub payload: &'a Map<String, Value>,
}

impl ProgressEvent<'_> {
    /// The payload as JSON text.
    pub fn payload_json(&self) -> String {
        // A map of `Value`s always serializes.
        serde_json::to_string(self.payload).unwrap_or_else(|_| "{}".to_owned())
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

/// Why [`Progress::send`] did not deliver an event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressError {
    /// The call has already been answered (or its reply future was dropped): an event can no
    /// longer arrive before the reply, so it is not delivered at all.
    Closed,
    /// The host dispatched this call without a progress sink; nobody listens.
    NoListener,
    /// The payload is not a JSON object, or could not be serialized.
    InvalidPayload(String),
}

impl fmt::Display for ProgressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressError::Closed => {
                f.write_str("progress refused: the call has already been answered")
            }
            ProgressError::NoListener => f.write_str(
                "progress not delivered: the host dispatched this call without a progress sink",
            ),
            ProgressError::InvalidPayload(reason) => {
                write!(f, "invalid progress payload: {reason}")
            }
        }
    }
}

impl std::error::Error for ProgressError {}

/// A context parameter that sends progress events (intermediate results) for the current call.
///
/// Events go to the [`ProgressSink`] the host gave to
/// [`Dispatch::progress`](crate::Dispatch::progress), keyed by the call's `stateEvent` as the
/// host stated it ([`Caller`](crate::Caller)). They arrive in the order they were sent and all before the reply; an
/// event sent after the reply is refused with [`ProgressError::Closed`]. `Progress` is cheap to
/// clone and may be moved into spawned tasks.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use tcmpp_core::{mini_api, Caller, Progress, Registry};
///
/// #[mini_api("download")]
/// async fn download(progress: Progress) -> serde_json::Value {
///     for percent in [50, 100] {
///         // Progress is best effort: a host may not listen.
///         let _ = progress.send(serde_json::json!({ "percent": percent }));
///     }
///     serde_json::json!({ "path": "/tmp/file" })
/// }
///
/// let registry = Registry::builder().build()?;
/// let events = Arc::new(Mutex::new(Vec::new()));
/// let sink = {
///     let events = events.clone();
///     move |event: tcmpp_core::ProgressEvent<'_>| {
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
/// assert_eq!(
///     *events.lock().unwrap(),
///     [
///         (Some("onDownloadProgress".to_owned()), r#"{"percent":50}"#.to_owned()),
///         (Some("onDownloadProgress".to_owned()), r#"{"percent":100}"#.to_owned()),
///     ],
/// );
/// # Ok::<_, tcmpp_core::BuildError>(())
/// ```
#[derive(Clone)]
pub struct Progress {
    target: Option<Arc<Target>>,
}

/// Where one handler's events go: the call's channel plus the keys every event carries.
struct Target {
    channel: ProgressChannel,
    api_name: String,
    state_event: Option<String>,
}

impl Progress {
    /// Sends one event: `payload` must serialize to a JSON object (`()` and `None` send an
    /// empty one).
    ///
    /// Returns once the host's sink has taken the event. Fails, delivering nothing, when the
    /// call has already been answered, when the host listens for no progress, or when the
    /// payload is not an object. The error converts into [`ApiError`](crate::ApiError), so `?` works.
    pub fn send<T: Serialize>(&self, payload: T) -> Result<(), ProgressError> {
        // The payload is checked first, so that a handler's bad payload shows whether or not
        // the host listens.
        let payload = match serde_json::to_value(payload) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            Ok(other) => {
                return Err(ProgressError::InvalidPayload(format!(
                    "a progress payload must be a JSON object, not {}",
                    json_kind(&other)
                )));
            }
            Err(error) => return Err(ProgressError::InvalidPayload(error.to_string())),
        };
        let Some(target) = &self.target else {
            return Err(ProgressError::NoListener);
        };
        target.channel.deliver(ProgressEvent {
            api_name: &target.api_name,
            state_event: target.state_event.as_deref(),
            payload: &payload,
        })
    }

    /// Whether an event sent now could be delivered: the host listens and the call has not
    /// been answered yet.
    pub fn is_open(&self) -> bool {
        self.target
            .as_ref()
            .is_some_and(|target| !target.channel.is_closed())
    }
}

impl Progress {
    /// The sender of a call dispatched with `channel`, or of one nobody listens to.
    pub(crate) fn new(
        channel: Option<&ProgressChannel>,
        api_name: &str,
        state_event: Option<&str>,
    ) -> Self {
        Progress {
            target: channel.map(|channel| {
                Arc::new(Target {
                    channel: channel.clone(),
                    api_name: api_name.to_owned(),
                    state_event: state_event.map(str::to_owned),
                })
            }),
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("state_event", &self.target.as_ref().map(|t| &t.state_event))
            .field("open", &self.is_open())
            .finish()
    }
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
