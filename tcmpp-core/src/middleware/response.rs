//! What a service of the registry answers: the call's reply, as a layer observes or replaces
//! it.

use std::fmt;

use crate::error::ApiError;
use crate::handler::HandlerReply;
use crate::reply::{Failure, FailureKind, Reply, ReplyKind};

/// The reply to one call on its way out through the layers: the handler's, or a layer's own.
///
/// A handler's success may already be rendered as the JSON text the host asked for (so that it
/// is serialized once); what a layer can ask of any response is how the call ended
/// ([`kind`](Self::kind)) and, for a failure, the [`Failure`]. A layer that answers a call
/// itself builds one from a [`Reply`] or an [`ApiError`].
pub struct ApiResponse(HandlerReply);

impl ApiResponse {
    /// A fail reply of kind [`FailureKind::Middleware`] with `message`, which the mini program
    /// sees after `:fail ` in `errMsg`.
    pub fn fail(message: impl Into<String>) -> Self {
        ApiResponse::from(Reply::fail(FailureKind::Middleware, message))
    }

    /// A cancel: the mini program's `cancel` callback runs.
    pub fn cancel() -> Self {
        ApiResponse::from(Reply::Cancel)
    }

    /// How the call ended: success, fail or cancel.
    pub fn kind(&self) -> ReplyKind {
        match &self.0 {
            HandlerReply::Reply(reply) => reply.kind(),
            HandlerReply::Rendered(_) => ReplyKind::Success,
            HandlerReply::Refused(_) | HandlerReply::Malformed(_) => ReplyKind::Fail,
        }
    }

    /// The failure, when the call failed: its [`FailureKind`], message and code.
    pub fn failure(&self) -> Option<&Failure> {
        match &self.0 {
            HandlerReply::Reply(reply) => reply.failure(),
            HandlerReply::Refused(refused) => refused.0.failure(),
            HandlerReply::Rendered(_) | HandlerReply::Malformed(_) => None,
        }
    }

    /// The response as a [`Reply`]. A success rendered as text already is parsed back into its
    /// map, which costs what rendering it did: prefer [`kind`](Self::kind) to observe it.
    pub fn into_reply(self) -> Reply {
        self.0.into_reply()
    }

    pub(crate) fn from_handler(reply: HandlerReply) -> Self {
        ApiResponse(reply)
    }

    pub(crate) fn into_handler_reply(self) -> HandlerReply {
        self.0
    }
}

impl From<Reply> for ApiResponse {
    fn from(reply: Reply) -> Self {
        ApiResponse(HandlerReply::Reply(reply))
    }
}

impl From<ApiError> for ApiResponse {
    /// A fail reply of kind [`FailureKind::Middleware`] with the error's message and code, or a
    /// cancel.
    fn from(error: ApiError) -> Self {
        ApiResponse::from(error.into_reply(FailureKind::Middleware))
    }
}

impl fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A success's content is the handler's, which the caller's data may have shaped: shown
        // by kind only, as the logs show it.
        f.debug_struct("ApiResponse")
            .field("kind", &self.kind())
            .field("failure", &self.failure())
            .finish()
    }
}
