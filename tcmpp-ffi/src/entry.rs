//! The exported functions' bodies, which `export_c_abi!`'s `#[no_mangle]` functions forward to:
//! `tcmpp_init`, `tcmpp_apis_json`, `tcmpp_custom_config_json`, `tcmpp_dispatch`,
//! `tcmpp_dispatch_sync` and `tcmpp_string_free`. None lets a panic unwind into C.

use std::ffi::{c_char, c_void};
use std::future::{Future, poll_fn};
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::task::Poll;

use tcmpp_core::dispatch::ReplyFuture;
use tcmpp_core::registry::{ApiInfo, HandlerKind};
use tcmpp_core::reply::RenderedReply;

use crate::answer::{Answer, UNNAMED_CALL_PREFIX};
use crate::handles;
use crate::host::{HostContext, HostProgress, HostReply, Replier, ReplyTarget};
use crate::prepare::{self, HostCall};
use crate::registry::Built;
use crate::runtime;
use crate::strings::{free, into_c_string, read_str};
use crate::{DISPATCH_ACCEPTED, DISPATCH_NO_REPLY_CALLBACK, ProgressCallback, ReplyCallback};

/// `tcmpp_init`.
pub fn init(registry: fn() -> &'static Built) -> *mut c_char {
    guard(std::ptr::null_mut(), || match registry() {
        Ok(_) => std::ptr::null_mut(),
        Err(error) => into_c_string(error.message.clone()),
    })
}

/// `tcmpp_apis_json`.
pub fn apis_json(registry: fn() -> &'static Built) -> *mut c_char {
    guard(std::ptr::null_mut(), || match registry() {
        Ok(registry) => into_c_string(apis_text(registry.apis())),
        Err(_) => std::ptr::null_mut(),
    })
}

/// The APIs as `tcmpp_apis_json` lists them: one object each, `name` first, the keys of a
/// plain API's absent method left out. Written out rather than by a derived `Serialize` (the
/// text a test holds equal), whose struct serializer is otherwise only this function's.
fn apis_text<'a>(apis: impl Iterator<Item = &'a ApiInfo>) -> String {
    let mut text = String::from("[");
    for api in apis {
        if text.len() > 1 {
            text.push(',');
        }
        push_member(&mut text, "{\"name\":", api.name);
        if let Some(method) = api.method {
            push_member(&mut text, ",\"method\":", method);
        }
        if let Some(method_key) = api.method_key {
            push_member(&mut text, ",\"methodKey\":", method_key);
        }
        text.push_str(if api.kind == HandlerKind::Plain {
            ",\"sync\":true"
        } else {
            ",\"sync\":false"
        });
        push_member(&mut text, ",\"rustPath\":", api.rust_path);
        // `format!`, the library's one formatting into a `String`, not `ToString` for this type.
        push_member(&mut text, ",\"location\":", &format!("{}", api.location));
        text.push('}');
    }
    text.push(']');
    text
}

/// `key` (the comma and quotes included), then `value` as a JSON string, escaped as
/// serde_json escapes it: by the replies' escaping, which is held to serde_json's, in place.
fn push_member(text: &mut String, key: &str, value: &str) {
    text.push_str(key);
    text.push('"');
    tcmpp_core::__private::push_escaped(text, value);
    text.push('"');
}

/// `tcmpp_custom_config_json`.
pub fn custom_config_json(registry: fn() -> &'static Built) -> *mut c_char {
    guard(std::ptr::null_mut(), || match registry() {
        Ok(registry) => into_c_string(registry.custom_config_json()),
        Err(_) => std::ptr::null_mut(),
    })
}

/// `tcmpp_dispatch`.
///
/// # Safety
///
/// As documented for `tcmpp_dispatch` in `tcmpp.h`.
#[allow(unsafe_code)] // Reads the host's strings; hands `context` to other threads.
pub unsafe fn dispatch(
    registry: fn() -> &'static Built,
    call: HostCall,
    on_reply: ReplyCallback,
    on_progress: ProgressCallback,
    context: *mut c_void,
) -> i32 {
    let Some(on_reply) = on_reply else {
        return DISPATCH_NO_REPLY_CALLBACK;
    };
    let context = HostContext(context);
    let replier = Replier::new(HostReply::new(on_reply, context, call.flags), call.flags);
    let progress = on_progress.map(|callback| HostProgress::new(callback, context, call.flags));
    run(
        replier,
        // SAFETY: the strings are NULL or valid, as the caller promises.
        || unsafe { prepare::dispatch(registry, call, progress) },
        // A C host cannot cancel a call.
        std::future::pending,
    );
    DISPATCH_ACCEPTED
}

/// Runs a call to its one reply, which `replier` delivers: at once, on this thread, when the
/// call is refused or its handler is done on its first poll; else from a runtime task, which
/// also ends, with a cancel reply, when the future `cancelled` makes is done. Whether the call
/// went on to the runtime.
pub(crate) fn run<T: ReplyTarget, C: Future<Output = ()> + Send + 'static>(
    mut replier: Replier<T>,
    prepare: impl FnOnce() -> Result<ReplyFuture<RenderedReply>, Answer>,
    cancelled: impl FnOnce() -> C,
) -> bool {
    let started = panic::catch_unwind(AssertUnwindSafe(|| match prepare() {
        Ok(mut future) => match future.try_now() {
            Some(rendered) => Started::Answered(rendered.into()),
            None => Started::Running(future),
        },
        Err(refusal) => Started::Answered(refusal),
    }));
    // Should anything below panic, the unwinding drops `replier`, which then sends a fail
    // reply; the panic itself stops here.
    panic::catch_unwind(AssertUnwindSafe(move || match started {
        Ok(Started::Answered(answer)) => {
            replier.deliver(answer);
            false
        }
        Ok(Started::Running(future)) => {
            // Should the task be dropped unanswered, its fallback reply is named after the
            // call too.
            replier.name_after(future.prefix());
            let runtime = match runtime::handle() {
                Ok(runtime) => runtime,
                Err(reason) => {
                    replier.fail(&reason);
                    return false;
                }
            };
            let cancelled = cancelled();
            // A runtime shut down meanwhile drops the task, whose replier then fails the call.
            drop(runtime.spawn(async move {
                // The reply, or the cancel if it comes first: the reply is polled first, so one
                // ready on the same wake wins. Written out rather than by `tokio::select!`, whose
                // random order and branch bookkeeping are more code in every library. Both
                // futures are dropped before the answer is sent, as with `select!` (in the
                // reverse order: the cancel's, which unregisters the call, first).
                let rendered = {
                    let mut future = pin!(future);
                    let mut cancelled = pin!(cancelled);
                    poll_fn(|cx| match future.as_mut().poll(cx) {
                        Poll::Ready(rendered) => Poll::Ready(Some(rendered)),
                        Poll::Pending => cancelled.as_mut().poll(cx).map(|()| None),
                    })
                    .await
                };
                match rendered {
                    Some(rendered) => replier.deliver(rendered.into()),
                    None => replier.cancel(),
                }
            }));
            true
        }
        Err(_) => {
            replier.fail("internal error: dispatching the call panicked");
            false
        }
    }))
    .unwrap_or(false)
}
/// Where a call stands once it is dispatched.
enum Started {
    /// Answered at once: a plain `fn` ran, or the call was refused.
    Answered(Answer),
    /// An `async fn` handler is running; the runtime drives it to its reply.
    Running(ReplyFuture<RenderedReply>),
}

/// `tcmpp_dispatch_sync`.
///
/// # Safety
///
/// As documented for `tcmpp_dispatch_sync` in `tcmpp.h`.
#[allow(unsafe_code)] // Reads the host's strings; writes `*status_out`.
pub unsafe fn dispatch_sync(
    registry: fn() -> &'static Built,
    call: HostCall,
    status_out: *mut i32,
) -> *mut c_char {
    let answer = answer_now(call.flags, || {
        // SAFETY: the strings are NULL or valid, as the caller promises.
        unsafe { prepare::dispatch(registry, call, None::<HostProgress>) }
    });
    if !status_out.is_null() {
        // SAFETY: a non-NULL `status_out` points to a writable `int32_t`, as promised.
        unsafe { status_out.write(answer.status) };
    }
    into_c_string(answer.text)
}

/// A synchronous call's answer, at once: its reply, or the fail reply of a call refused first or
/// of a panic while dispatching, which stops here.
pub(crate) fn answer_now(
    flags: u32,
    prepare: impl FnOnce() -> Result<ReplyFuture<RenderedReply>, Answer>,
) -> Answer {
    panic::catch_unwind(AssertUnwindSafe(|| match prepare() {
        Ok(mut future) => match future.try_now() {
            Some(rendered) => Answer::from(rendered),
            // An `async fn` handler's first poll runs inside the runtime, where Tokio's timers
            // and `spawn` work (a task it spawns runs there); without a runtime it is polled
            // anyway, and one that needs Tokio is answered as not synchronous.
            None => {
                let runtime = runtime::handle().ok();
                let _entered = runtime.as_ref().map(tokio::runtime::Handle::enter);
                Answer::from(future.now_or_fail())
            }
        },
        Err(refusal) => refusal,
    }))
    .unwrap_or_else(|_| {
        Answer::internal_error(
            "internal error: dispatching the call panicked",
            UNNAMED_CALL_PREFIX,
            flags,
        )
    })
}

/// `tcmpp_caller_new`.
///
/// # Safety
///
/// `caller_json` is NULL or a valid NUL-terminated string; `error_out` is NULL or points to a
/// writable `char *`.
#[allow(unsafe_code)] // Reads the host's string; writes `*error_out`.
pub unsafe fn caller_new(
    caller_json: *const c_char,
    flags: u32,
    error_out: *mut *mut c_char,
) -> *mut c_void {
    // The panic's message made only after a panic, not made and dropped by every call that
    // does not panic.
    let made = panic::catch_unwind(|| {
        // SAFETY: NULL or valid, as the caller promises.
        unsafe { read_str(caller_json, "invalid caller: caller_json") }
            .and_then(|json| handles::make(json, flags))
    })
    .unwrap_or_else(|_| Err("making the caller panicked".to_owned()));
    match made {
        // The handle is the id, never a pointer to dereference.
        Ok(id) => std::ptr::without_provenance_mut(id),
        Err(reason) => {
            if !error_out.is_null() {
                // SAFETY: a non-NULL `error_out` points to a writable `char *`, as promised.
                unsafe { error_out.write(into_c_string(reason)) };
            }
            std::ptr::null_mut()
        }
    }
}

/// `tcmpp_caller_free`: NULL, or a handle freed already or never made, is nothing to do.
pub fn caller_free(caller: *mut c_void) {
    guard((), || {
        handles::free(caller.addr());
    });
}

/// `tcmpp_string_free`.
///
/// # Safety
///
/// `string` is NULL or was handed out by a `tcmpp_` function and not freed yet.
#[allow(unsafe_code)] // Takes back ownership of a string given to the host.
pub unsafe fn string_free(string: *mut c_char) {
    // SAFETY: as the caller promises.
    unsafe { free(string) }
}

/// Runs `body`, turning a panic into `fallback` so that none unwinds into C.
fn guard<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

#[cfg(test)]
mod tests;
