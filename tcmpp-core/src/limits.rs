//! What a registry refuses to spend on one call: its size, its nesting, its top-level keys, and
//! how long an `async fn` handler may run.
//!
//! ```
//! use std::time::Duration;
//!
//! use tcmpp_core::Registry;
//! use tcmpp_core::limits::Limits;
//!
//! let limits = Limits::default()
//!     .with_max_call_bytes(64 * 1024)
//!     .with_timeout(Some(Duration::from_secs(5)));
//! let registry = Registry::builder().limits(limits).build()?;
//! let reply = registry.dispatch_json(&format!(r#"{{"api_name":"x","pad":"{}"}}"#, "a".repeat(70_000)));
//! assert!(reply.now_or_fail().contains("over the limit of 65536 bytes"));
//! # Ok::<_, tcmpp_core::BuildError>(())
//! ```

use std::time::Duration;

pub use crate::wire::{DEFAULT_MAX_CALL_BYTES, DEFAULT_MAX_CALL_KEYS, DEFAULT_MAX_DEPTH};

/// The default [`Limits::timeout`]: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How many handler bodies (a plain `fn`, an `async fn`'s poll, a layer stack's call) may run
/// nested in one another on one thread; a call that would run one more is refused with a fail
/// reply of kind [`LimitExceeded`](crate::reply::FailureKind::LimitExceeded).
///
/// A host's handlers nest a call or two; recursion is what this stops. At about 6 KiB of stack
/// per level (a release build), 32 levels take under 256 KiB, within the smallest stacks hosts
/// run calls on (a JNI thread, a tokio worker).
pub const MAX_NESTED_DISPATCH: u32 = 32;

/// The limits a registry puts on every call, given to
/// [`RegistryBuilder::limits`](crate::registry::RegistryBuilder::limits). Each has a default
/// (the `DEFAULT_*` constants of this module); set the ones to change with the `with_*`
/// methods.
///
/// The first three apply to calls given as text or bytes and are checked before, or while, the
/// text is read: a refused call costs a scan, not a parse. A call the host already read into a
/// [`MiniApiCall`](crate::MiniApiCall) was measured by the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    max_call_bytes: usize,
    max_depth: usize,
    max_call_keys: usize,
    timeout: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new()
    }
}

impl Limits {
    /// The default limits.
    pub const fn new() -> Self {
        Limits {
            max_call_bytes: DEFAULT_MAX_CALL_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_call_keys: DEFAULT_MAX_CALL_KEYS,
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// Refuses calls given as JSON text longer than `bytes`, before they are parsed;
    /// [`DEFAULT_MAX_CALL_BYTES`] by default.
    #[must_use]
    pub const fn with_max_call_bytes(mut self, bytes: usize) -> Self {
        self.max_call_bytes = bytes;
        self
    }

    /// Refuses calls given as JSON text whose objects and arrays nest deeper than `levels`,
    /// before they are parsed; [`DEFAULT_MAX_DEPTH`] by default.
    #[must_use]
    pub const fn with_max_depth(mut self, levels: usize) -> Self {
        self.max_depth = levels;
        self
    }

    /// Refuses unified calls with more than `keys` top-level keys while they are read, so that
    /// a call of hundreds of thousands of keys costs no more than the first `keys`;
    /// [`DEFAULT_MAX_CALL_KEYS`] by default. A legacy call's keys are its data's, and are not
    /// counted.
    #[must_use]
    pub const fn with_max_call_keys(mut self, keys: usize) -> Self {
        self.max_call_keys = keys;
        self
    }

    /// How long an `async fn` handler may run before its call fails with
    /// `"<api>:fail timeout after <N> ms"` and its future is dropped; [`DEFAULT_TIMEOUT`] by
    /// default, `None` for no limit. `#[mini_api("name", timeout_ms = N)]` overrides it for one
    /// API.
    ///
    /// The time counts from the handler's first poll that does not finish it, so handlers that
    /// answer at once never touch the timer. A plain `fn` handler runs to completion when the
    /// call is dispatched and cannot be interrupted. The timer runs on a thread of its own, so
    /// timeouts work under any executor.
    #[must_use]
    pub const fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest call, in bytes of JSON text; see [`with_max_call_bytes`](Self::with_max_call_bytes).
    pub const fn max_call_bytes(&self) -> usize {
        self.max_call_bytes
    }

    /// The deepest nesting of a call's text; see [`with_max_depth`](Self::with_max_depth).
    pub const fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// The most top-level keys of a unified call; see
    /// [`with_max_call_keys`](Self::with_max_call_keys).
    pub const fn max_call_keys(&self) -> usize {
        self.max_call_keys
    }

    /// How long an `async fn` handler may run; see [`with_timeout`](Self::with_timeout).
    pub const fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
}
