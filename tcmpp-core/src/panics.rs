//! Containing panics: of handlers and layers, which become fail replies, and of logging and
//! dropping, which must never cost a call its reply or escape into the host.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use crate::reply::{FailureKind, Reply};

/// What panicked, as the fail reply and the log line name it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Panicked {
    /// The handler: its body, an extractor, or its future.
    Handler,
    /// A layer of the registry: its `call`, or its future.
    Layer,
}

/// Logs a panic with its message under `span` and builds the reply the mini program sees,
/// which shows the message only when `expose` is on.
pub(crate) fn panic_reply(
    payload: Box<dyn Any + Send>,
    span: &tracing::Span,
    expose: bool,
    what: Panicked,
) -> Reply {
    let message = payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned());
    // A payload whose own `Drop` panics must not escape either.
    quietly(move || drop(payload));
    let shown = message.as_deref().unwrap_or("(no message)");
    let (who, logged) = match what {
        Panicked::Handler => ("the handler", "mini API handler panicked"),
        Panicked::Layer => ("a layer", "mini API layer panicked"),
    };
    quietly(|| {
        let _entered = span.enter();
        tracing::error!(outcome = "panic", panic = shown, "{logged}");
    });
    let text = if expose {
        format!("internal error: {who} panicked: {shown}")
    } else {
        format!("internal error: {who} panicked")
    };
    Reply::fail(FailureKind::Panic, text)
}

/// Runs `f` and contains any panic in it, dropping the panic's payload safely too: for logging
/// and dropping, whose failure must never cost a call its reply or escape into the host.
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> Option<R> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            drop_payload(payload);
            None
        }
    }
}

/// Drops a panic's payload, containing a panic in its own `Drop` as well; a second panic's
/// payload is leaked rather than risk a third. Out of line and not generic: written once, not
/// in every function `quietly` runs.
#[cold]
#[inline(never)]
fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}
