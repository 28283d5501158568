//! How deep dispatches nest on one thread: a handler that dispatches a call (to another API, or
//! to its own with data the mini program chose) runs that call's handler on its own stack, and
//! a mini program that makes it recurse must get a fail reply, not a stack overflow that aborts
//! the host.

use std::cell::Cell;

pub(crate) use crate::limits::MAX_NESTED_DISPATCH;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// One handler body running on this thread; dropped when it returns (or unwinds).
pub(super) struct Nested(());

impl Nested {
    /// Counts one more handler body running on this thread, or `None` when
    /// [`MAX_NESTED_DISPATCH`] already run.
    #[inline]
    pub(super) fn enter() -> Option<Nested> {
        DEPTH.with(|depth| {
            let now = depth.get();
            (now < MAX_NESTED_DISPATCH).then(|| {
                depth.set(now + 1);
                Nested(())
            })
        })
    }

    /// Counts one more handler body, whatever the depth: for a running future's poll, whose
    /// call was admitted when it started (a refusal cannot replace a reply half made).
    #[inline]
    pub(super) fn enter_admitted() -> Nested {
        // Never near `u32::MAX`: each level is a stack frame.
        DEPTH.with(|depth| depth.set(depth.get().wrapping_add(1)));
        Nested(())
    }
}

impl Drop for Nested {
    #[inline]
    fn drop(&mut self) {
        // At least one: this guard counted itself.
        DEPTH.with(|depth| depth.set(depth.get().wrapping_sub(1)));
    }
}
