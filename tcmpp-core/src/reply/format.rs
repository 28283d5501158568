//! The form a call's reply is taken in: chosen once, when the call is dispatched, and what the
//! handler's success is serialized into and every other reply rendered in.

use super::{PrefixText, Rendering};

/// The form a caller wants a reply in, chosen once per call before its handler runs: the
/// handler's value is serialized once, straight into it, and the reply future renders any
/// other reply (a failure, a refusal) the same way.
#[derive(Clone, Debug)]
pub struct ReplyFormat(pub(crate) Form);

#[derive(Clone, Debug)]
pub(crate) enum Form {
    /// A [`Reply`](super::Reply), whose success is a `serde_json` map: no text, no `errMsg`.
    Reply,
    /// JSON text rendered as the [`Rendering`] says, with this `errMsg` prefix (which the bare
    /// rendering leaves out of its text, and the reply future still reports).
    Text(Rendering, PrefixText),
}

impl ReplyFormat {
    /// The form `rendering` asks for, or a [`Reply`](super::Reply) for `None`; `prefix` is
    /// asked for only when the reply is text.
    #[inline]
    pub(crate) fn new(rendering: Option<Rendering>, prefix: impl FnOnce() -> PrefixText) -> Self {
        ReplyFormat(match rendering {
            None => Form::Reply,
            Some(rendering) => Form::Text(rendering, prefix()),
        })
    }

    /// The `errMsg` prefix of a rendered reply; empty for a [`Reply`](super::Reply), which
    /// carries none.
    #[inline]
    pub(crate) fn prefix(&self) -> &str {
        match &self.0 {
            Form::Reply => "",
            Form::Text(_, prefix) => prefix.as_str(),
        }
    }

    /// How a reply in this form is rendered as text; a [`Reply`](super::Reply) is not, and
    /// takes the callback rendering for want of one of its own.
    #[inline]
    pub(crate) fn rendering(&self) -> Rendering {
        match &self.0 {
            Form::Reply => Rendering::Callback,
            Form::Text(rendering, _) => *rendering,
        }
    }
}
