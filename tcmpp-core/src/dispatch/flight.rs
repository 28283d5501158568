//! The call in flight: made once per call, from text or from a [`MiniApiCall`], and every step
//! of its dispatch a method of it (read, resolve the method, admit, run, refuse).
//!
//! What stays the same for the whole call lives here, not in arguments: the registry, who
//! calls as the host stated it, the progress channel, the form the reply is taken in, and the
//! access decision, taken once whichever step needs it first.
//!
//! [`MiniApiCall`]: crate::MiniApiCall

use std::cell::Cell;
use std::time::Instant;

use super::observe::logging_on;
use crate::access::AccessControl;
use crate::call::{AppInfo, Caller, UnreadableVerType};
use crate::handler::ApiEntry;
use crate::passes::{self, Pass};
use crate::progress::ProgressChannel;
use crate::registry::Registry;
use crate::reply::Rendering;

/// One call on its way through dispatch to its reply.
pub(super) struct Flight<'r> {
    pub(super) registry: &'r Registry,
    /// Who calls, as the host stated it.
    pub(super) stated: &'r Caller,
    /// Where the handler's progress events go, when the host listens.
    pub(super) progress: Option<ProgressChannel>,
    /// How the reply is rendered as text, chosen when the call was made: `None` for a
    /// [`Reply`](crate::Reply).
    pub(super) rendering: Option<Rendering>,
    /// When the call was made: read only for a subscriber to be told the elapsed time (a
    /// timeout counts from the handler's first pending poll, where it is armed).
    pub(super) started: Option<Instant>,
    /// The access decision, once taken: the reader takes it to know whether a handler will
    /// decode the data, and admitting the call reuses it.
    admission: Cell<Option<Admission>>,
}

/// An access decision, and what it was taken for.
#[derive(Clone, Copy)]
struct Admission {
    entry: *const ApiEntry,
    caller: Option<*const AppInfo>,
    permitted: Result<bool, UnreadableVerType>,
}

impl<'r> Flight<'r> {
    #[inline]
    pub(super) fn new(
        registry: &'r Registry,
        stated: &'r Caller,
        progress: Option<ProgressChannel>,
        rendering: Option<Rendering>,
    ) -> Self {
        Flight {
            registry,
            stated,
            progress,
            rendering,
            started: logging_on().then(Instant::now),
            admission: Cell::new(None),
        }
    }

    /// The call's progress channel, borrowed for its context.
    #[inline]
    pub(super) fn progress(&self) -> Option<&ProgressChannel> {
        self.progress.as_ref()
    }

    #[inline]
    pub(super) fn access(&self) -> &'r AccessControl {
        self.registry.access()
    }

    /// Whether `caller` may call the handler of `entry`: the access policy asked once per call,
    /// whichever step asks first (the reader, to know whether a handler will decode the data;
    /// the admission before the handler runs).
    #[inline]
    pub(super) fn permits(
        &self,
        entry: &'static ApiEntry,
        caller: Option<&AppInfo>,
    ) -> Result<bool, UnreadableVerType> {
        let asked = (std::ptr::from_ref(entry), caller.map(std::ptr::from_ref));
        if let Some(admission) = self.admission.get() {
            if (admission.entry, admission.caller) == asked {
                return admission.permitted;
            }
        }
        passes::count(Pass::AccessCheck);
        let permitted = self
            .access()
            .permits(entry.name, entry.method, entry.restricted, caller);
        self.admission.set(Some(Admission {
            entry: asked.0,
            caller: asked.1,
            permitted,
        }));
        permitted
    }

    /// Whether an API that does not exist is to be reported to `caller` as one it may not call:
    /// the access decision of a call to an unknown API.
    pub(super) fn hides_unknown_apis_from(
        &self,
        caller: Option<&AppInfo>,
    ) -> Result<bool, UnreadableVerType> {
        passes::count(Pass::AccessCheck);
        self.access().hides_unknown_apis_from(caller)
    }
}
