//! The host's callbacks: [`Replier`], which answers each call exactly once (through `on_reply`,
//! or a Kotlin listener), and
//! [`HostProgress`], which hands progress events to `on_progress`.

use std::ffi::{c_char, c_void};

use tcmpp_core::progress::{ProgressEvent, ProgressSink};

use crate::answer::{Answer, UNNAMED_CALL_PREFIX};
use crate::strings::HostString;

/// `tcmpp_dispatch`'s `on_reply`, known not to be NULL.
pub(crate) type ReplyFn = unsafe extern "C" fn(*mut c_void, i32, *const c_char);
/// `tcmpp_dispatch`'s `on_progress`, known not to be NULL.
pub(crate) type ProgressFn = unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char);

/// The host's `context` pointer, carried to the thread that replies.
#[derive(Clone, Copy)]
pub(crate) struct HostContext(pub(crate) *mut c_void);

// SAFETY: `tcmpp.h` requires the host's context to be usable from any thread; Rust never
// dereferences it, it only hands it back to the host's callbacks.
#[allow(unsafe_code)]
unsafe impl Send for HostContext {}
// SAFETY: as above; it is only copied, never dereferenced.
#[allow(unsafe_code)]
unsafe impl Sync for HostContext {}

/// Where one call's answer goes: the C host's `on_reply`, or, with the `jni` feature, a Kotlin
/// listener.
pub(crate) trait ReplyTarget: Send + 'static {
    /// Hands the answer over; called once.
    fn send(self, answer: Answer);
}

/// The C host's `on_reply` and the `context` to pass it.
pub(crate) struct HostReply {
    on_reply: ReplyFn,
    context: HostContext,
    flags: u32,
}

impl HostReply {
    pub(crate) fn new(on_reply: ReplyFn, context: HostContext, flags: u32) -> Self {
        HostReply {
            on_reply,
            context,
            flags,
        }
    }
}

impl ReplyTarget for HostReply {
    #[allow(unsafe_code)] // Calls the host's callback.
    fn send(self, answer: Answer) {
        let text = HostString::new(answer.text, self.flags);
        // SAFETY: the host gave this callback for this context, and `text` outlives the call.
        unsafe { (self.on_reply)(self.context.0, answer.status, text.as_ptr()) };
    }
}

/// Answers a call exactly once: with the answer it is given, or, if it is dropped unanswered
/// (the runtime shut down, a task was dropped or cancelled, something panicked), with a fail
/// reply.
pub(crate) struct Replier<T: ReplyTarget> {
    /// `None` once the answer is sent.
    target: Option<T>,
    flags: u32,
    /// The `errMsg` prefix of the fallback reply, should the call be dropped unanswered;
    /// `None`: the unnamed call's, not allocated for every call answered at once.
    prefix: Option<String>,
}

impl<T: ReplyTarget> Replier<T> {
    pub(crate) fn new(target: T, flags: u32) -> Self {
        Replier {
            target: Some(target),
            flags,
            prefix: None,
        }
    }

    /// Names the fallback reply after the call, once its `errMsg` prefix is known.
    pub(crate) fn name_after(&mut self, prefix: &str) {
        self.prefix = Some(prefix.to_owned());
    }

    fn prefix(&self) -> &str {
        self.prefix.as_deref().unwrap_or(UNNAMED_CALL_PREFIX)
    }

    /// Answers the call.
    pub(crate) fn deliver(mut self, answer: Answer) {
        self.send(answer);
    }

    /// Answers the call the host cancelled: a cancel reply, named after it.
    pub(crate) fn cancel(mut self) {
        let answer = Answer::cancelled(self.prefix(), self.flags);
        self.send(answer);
    }

    /// Answers the call with an internal error (`message`, from `internal error: ` on), named
    /// after it.
    pub(crate) fn fail(mut self, message: &str) {
        let answer = Answer::internal_error(message, self.prefix(), self.flags);
        self.send(answer);
    }

    fn send(&mut self, answer: Answer) {
        if let Some(target) = self.target.take() {
            target.send(answer);
        }
    }
}

impl<T: ReplyTarget> Drop for Replier<T> {
    fn drop(&mut self) {
        if self.target.is_some() {
            let answer = Answer::internal_error(
                "internal error: the call was dropped before its handler replied",
                self.prefix(),
                self.flags,
            );
            self.send(answer);
        }
    }
}

/// The host's progress callback as a [`ProgressSink`].
pub(crate) struct HostProgress {
    callback: ProgressFn,
    context: HostContext,
    flags: u32,
}

impl HostProgress {
    pub(crate) fn new(callback: ProgressFn, context: HostContext, flags: u32) -> Self {
        HostProgress {
            callback,
            context,
            flags,
        }
    }
}

impl ProgressSink for HostProgress {
    #[allow(unsafe_code)] // Calls the host's callback.
    fn progress(&self, event: ProgressEvent<'_>) {
        let state_event = event
            .state_event
            .map(|state_event| HostString::new(state_event.to_owned(), self.flags));
        let payload = HostString::new(event.payload_json(), self.flags);
        let state_event_pointer = state_event
            .as_ref()
            .map_or(std::ptr::null(), HostString::as_ptr);
        // SAFETY: the host gave this callback for this context; the strings outlive the call.
        unsafe { (self.callback)(self.context.0, state_event_pointer, payload.as_ptr()) };
    }
}

#[cfg(test)]
#[allow(unsafe_code)] // Stands in for the host's callback.
mod tests {
    use std::ffi::CStr;
    use std::sync::Mutex;

    use super::*;
    use crate::{RENDER_BARE, STATUS_FAIL, STATUS_SUCCESS};

    /// What `record` received, per test: each test passes its own list as `context`.
    type Replies = Mutex<Vec<(i32, String)>>;

    unsafe extern "C" fn record(context: *mut c_void, status: i32, reply_json: *const c_char) {
        // SAFETY: the test passes a `Replies` as context and the replier a valid string.
        let (replies, text) = unsafe { (&*context.cast::<Replies>(), CStr::from_ptr(reply_json)) };
        let text = text.to_string_lossy().into_owned();
        replies.lock().unwrap().push((status, text));
    }

    fn replier(replies: &Replies, flags: u32) -> Replier<HostReply> {
        let context = HostContext(std::ptr::from_ref(replies).cast_mut().cast());
        Replier::new(HostReply::new(record, context, flags), flags)
    }

    #[test]
    fn an_answer_is_delivered_once() {
        let replies = Replies::default();
        let answer = Answer {
            status: STATUS_SUCCESS,
            text: "{}".to_owned(),
        };
        replier(&replies, 0).deliver(answer);
        assert_eq!(
            *replies.lock().unwrap(),
            [(STATUS_SUCCESS, "{}".to_owned())]
        );
    }

    #[test]
    fn a_dropped_call_still_gets_one_fail_reply_named_after_it() {
        let replies = Replies::default();
        drop(replier(&replies, 0));
        let mut named = replier(&replies, RENDER_BARE);
        named.name_after("scan");
        drop(named);
        let mut named = replier(&replies, 0);
        named.name_after("scan");
        drop(named);
        assert_eq!(
            *replies.lock().unwrap(),
            [
                (
                    STATUS_FAIL,
                    r#"{"errMsg":"invokeNativePlugin:fail internal error: the call was dropped before its handler replied"}"#.to_owned()
                ),
                (
                    STATUS_FAIL,
                    r#"{"message":"internal error: the call was dropped before its handler replied"}"#.to_owned()
                ),
                (
                    STATUS_FAIL,
                    r#"{"errMsg":"scan:fail internal error: the call was dropped before its handler replied"}"#.to_owned()
                ),
            ]
        );
    }
}
