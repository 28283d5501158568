//! How often this thread's dispatches took each step that must happen once per call: an
//! access decision, a read of the call's data, a run of its handler. Counted in tests only,
//! which read the counts to prove each call takes each step once; elsewhere every count is an
//! empty function the compiler removes.

/// The steps counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    /// The access policy asked whether the caller may call the API.
    AccessCheck,
    /// The call's data read: decoded by the handler's type, or checked to be JSON when no
    /// handler decodes it. (Explaining a refusal, which reads up to the flaw, is not counted:
    /// it happens once the call is refused.)
    DataRead,
    /// The handler (or the layer stack in front of it) called.
    HandlerRun,
}

#[cfg(test)]
pub(crate) use counts::{count, taken};

/// Counts `pass`: nothing outside tests.
#[cfg(not(test))]
#[inline(always)]
pub(crate) fn count(_pass: Pass) {}

#[cfg(test)]
mod counts {
    use std::cell::Cell;

    use super::Pass;

    thread_local! {
        static COUNTS: [Cell<usize>; 3] = const { [Cell::new(0), Cell::new(0), Cell::new(0)] };
    }

    pub(crate) fn count(pass: Pass) {
        COUNTS.with(|counts| counts[pass as usize].set(counts[pass as usize].get() + 1));
    }

    /// How many times this thread took `pass` so far.
    pub(crate) fn taken(pass: Pass) -> usize {
        COUNTS.with(|counts| counts[pass as usize].get())
    }
}
