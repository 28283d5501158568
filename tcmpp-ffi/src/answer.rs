//! What the host receives for one call: a `TCMPP_STATUS_*` and the reply's JSON text, in the
//! rendering its flags ask for.

use tcmpp_core::Reply;
use tcmpp_core::reply::{FailureKind, RenderedReply, Rendering, ReplyKind};

use crate::{RENDER_BARE, STATUS_CANCEL, STATUS_FAIL, STATUS_SUCCESS};

/// The `errMsg` prefix of a call whose API name cannot be read.
pub(crate) const UNNAMED_CALL_PREFIX: &str = "invokeNativePlugin";

/// One call's answer, as the host receives it.
#[derive(Debug)]
pub(crate) struct Answer {
    /// A `TCMPP_STATUS_*`.
    pub(crate) status: i32,
    /// The reply, rendered.
    pub(crate) text: String,
}

impl From<RenderedReply> for Answer {
    fn from(rendered: RenderedReply) -> Self {
        Answer {
            status: status(rendered.kind),
            text: rendered.text,
        }
    }
}

impl Answer {
    /// A call refused before it reached the registry: an invalid argument, or a registry that
    /// cannot be built.
    pub(crate) fn refused(reason: impl Into<String>, prefix: &str, flags: u32) -> Self {
        Answer::of(Reply::fail(FailureKind::InvalidCall, reason), prefix, flags)
    }

    /// A fault of this layer (a panic while dispatching, a runtime that cannot start, a call
    /// dropped unanswered), which the host must still hear about. `message` is whole, from
    /// `internal error: ` on: the callers' texts are constants, not formatted here.
    pub(crate) fn internal_error(message: &str, prefix: &str, flags: u32) -> Self {
        let reply = Reply::fail(FailureKind::Panic, message);
        Answer::of(reply, prefix, flags)
    }

    /// A call the host cancelled before its handler replied: a cancel reply, which the host
    /// that cancelled it may ignore.
    pub(crate) fn cancelled(prefix: &str, flags: u32) -> Self {
        Answer::of(Reply::Cancel, prefix, flags)
    }

    /// A reply made here rather than by the registry, rendered by the core's renderer of the
    /// rendering the flags ask for.
    fn of(reply: Reply, prefix: &str, flags: u32) -> Self {
        reply.into_rendered(rendering(flags), prefix).into()
    }
}

/// The rendering the flags ask for.
pub(crate) fn rendering(flags: u32) -> Rendering {
    if flags & RENDER_BARE == 0 {
        Rendering::Callback
    } else {
        Rendering::Bare
    }
}

fn status(kind: ReplyKind) -> i32 {
    match kind {
        ReplyKind::Success => STATUS_SUCCESS,
        ReplyKind::Fail => STATUS_FAIL,
        ReplyKind::Cancel => STATUS_CANCEL,
    }
}
