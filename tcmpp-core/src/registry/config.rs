//! How a registry treats the calls it dispatches: set on the builder, read by dispatch.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::limits::{self, DEFAULT_TIMEOUT};
use crate::reply::{ErrMsgPrefix, PrefixText};
use crate::wire::Limits;

/// A registry's settings for every call.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) prefix: ErrMsgPrefix,
    pub(crate) limits: Limits,
    pub(crate) default_timeout: Option<Duration>,
    pub(crate) expose_panic_messages: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            prefix: ErrMsgPrefix::default(),
            limits: Limits::default(),
            default_timeout: Some(DEFAULT_TIMEOUT),
            expose_panic_messages: false,
        }
    }
}

impl Config {
    /// Takes the limits the host gave the builder: the reader's three, and the timeout.
    pub(crate) fn set_limits(&mut self, limits: limits::Limits) {
        self.limits = Limits {
            max_call_bytes: limits.max_call_bytes(),
            max_depth: limits.max_depth(),
            max_keys: limits.max_call_keys(),
        };
        self.default_timeout = limits.timeout();
    }

    /// The fixed `errMsg` prefix, if one is set, in a form replies can share without copying.
    pub(crate) fn fixed_prefix(&self) -> Option<PrefixText> {
        match &self.prefix {
            ErrMsgPrefix::ApiName => None,
            ErrMsgPrefix::Fixed(Cow::Borrowed(prefix)) => Some(PrefixText::Static(prefix)),
            ErrMsgPrefix::Fixed(Cow::Owned(prefix)) => {
                Some(PrefixText::Shared(Arc::from(prefix.as_str())))
            }
        }
    }
}
