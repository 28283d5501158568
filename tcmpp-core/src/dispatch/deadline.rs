//! The deadlines of running calls (their timeouts): one thread of the library's own, started
//! with the first deadline armed, wakes a call's task once its deadline has passed, whatever
//! async runtime polls the call, or none.
//!
//! A list rather than a general timer (`futures-timer`'s heap, slab and lock-free lists: about
//! 8 KB of a mobile build): a deadline is taken out of it in place when its call ends first, and
//! the thread sleeps until the earliest one. Arming a deadline later than that one (every call's,
//! under one timeout) neither wakes the thread nor searches the list.
//!
//! What the list costs: each time the thread wakes it reads every armed deadline, the list
//! locked. Under one timeout, with calls that end before it, that is about once a timeout
//! period; calls that each time out at a moment of their own wake it once each, `O(n²)` reads
//! for `n` such calls at once. A phone's host runs a handful of calls at once; a host that runs
//! thousands, each to its timeout, would want a heap here.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

use crate::panics::quietly;

/// A running call's deadline, armed: passed once its time has come. Dropped, it is disarmed.
pub(super) struct Deadline(Arc<Armed>);

struct Armed {
    at: Instant,
    /// Its place in [`Timers::armed`], `usize::MAX` once out; read and written only with that
    /// list locked.
    index: AtomicUsize,
    /// The task to wake when the deadline passes: the last one to poll it.
    waker: Mutex<Option<Waker>>,
}

/// The armed deadlines, and when the thread wakes next.
struct Timers {
    /// Whether the thread runs. One that could not start (a thread limit, say) is started
    /// again with the next deadline.
    running: bool,
    armed: Vec<Arc<Armed>>,
    /// The time the thread sleeps until, if any deadline is armed (it may have been disarmed
    /// since: the thread then wakes for nothing, and sleeps until the next one).
    next: Option<Instant>,
}

static TIMERS: Mutex<Timers> = Mutex::new(Timers {
    running: false,
    armed: Vec::new(),
    next: None,
});

/// Told when a deadline earlier than [`Timers::next`] is armed.
static EARLIER: Condvar = Condvar::new();

fn timers() -> MutexGuard<'static, Timers> {
    // A poisoned lock only means a panic elsewhere; the list is whole between statements.
    TIMERS.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Deadline {
    /// A deadline `timeout` from now, or, past what an `Instant` holds, 30 years from now (as
    /// `futures-timer` armed it); `None` when none can be kept: the thread cannot start.
    pub(super) fn arm(timeout: Duration) -> Option<Deadline> {
        let now = Instant::now();
        let at = now
            .checked_add(timeout)
            .or_else(|| now.checked_add(Duration::from_secs(30 * 365 * 86_400)))?;
        let mut timers = timers();
        if !timers.running {
            // Started with the list locked: it waits for the lock, then sleeps until `at`.
            timers.running = start();
            if !timers.running {
                return None;
            }
        }
        let armed = Arc::new(Armed {
            at,
            index: AtomicUsize::new(timers.armed.len()),
            waker: Mutex::new(None),
        });
        timers.armed.push(Arc::clone(&armed));
        if timers.next.is_none_or(|next| at < next) {
            timers.next = Some(at);
            EARLIER.notify_one();
        }
        Some(Deadline(armed))
    }

    /// Whether the deadline has passed; if not, `cx`'s task is woken when it does.
    pub(super) fn passed(&self, cx: &Context<'_>) -> bool {
        // The waker first, then the clock: a deadline that passes in between wakes the task
        // (a spurious wake, which is harmless), or has passed by the time the clock is read.
        {
            let mut waker = self.0.waker.lock().unwrap_or_else(PoisonError::into_inner);
            if !waker
                .as_ref()
                .is_some_and(|waker| waker.will_wake(cx.waker()))
            {
                *waker = Some(cx.waker().clone());
            }
        }
        Instant::now() >= self.0.at
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let mut timers = timers();
        // Out of the list already (it passed) when its index is past the end.
        take_out(&mut timers.armed, self.0.index.load(Ordering::Relaxed));
    }
}

/// Starts the thread; whether it runs. Out of line: it runs once a process, and inlined into
/// the task that arms a deadline it made that task larger than the call costs (112 bytes of a
/// mobile build). Not `#[cold]`: that moved the task's other code around, 4 instructions more
/// on a multiplexed call.
#[inline(never)]
fn start() -> bool {
    std::thread::Builder::new()
        .name("tcmpp-timer".to_owned())
        .spawn(run)
        .is_ok()
}

/// Takes the deadline at `index` out of the list, the last one taking its place; `None` when
/// `index` is past the end. Checked here, where `swap_remove` sees it, so that its own check
/// (which could then not fail) is no panic site.
fn take_out(armed: &mut Vec<Arc<Armed>>, index: usize) -> Option<Arc<Armed>> {
    if index >= armed.len() {
        return None;
    }
    let taken = armed.swap_remove(index);
    taken.index.store(usize::MAX, Ordering::Relaxed);
    if let Some(moved) = armed.get(index) {
        moved.index.store(index, Ordering::Relaxed);
    }
    Some(taken)
}

/// The thread: takes out the deadlines that have passed, wakes their tasks (the list unlocked,
/// so that a task polled by its waker may arm or drop a deadline), and sleeps until the
/// earliest one left, or until an earlier one is armed.
fn run() {
    // Should the thread end (a panic nothing here catches), the next deadline armed starts
    // another, rather than every later timeout being silently off.
    let _restart = Restart;
    let mut passed = Vec::new();
    let mut timers = timers();
    loop {
        let now = Instant::now();
        let mut index = 0;
        while let Some(armed) = timers.armed.get(index) {
            if armed.at <= now {
                passed.extend(take_out(&mut timers.armed, index));
            } else {
                index += 1;
            }
        }
        timers.next = timers.armed.iter().map(|armed| armed.at).min();
        if passed.is_empty() {
            // A deadline armed while the thread sleeps sets `next` itself if it is earlier.
            timers = match timers.next {
                Some(next) => EARLIER
                    .wait_timeout(timers, next.saturating_duration_since(Instant::now()))
                    .map(|(timers, _)| timers)
                    .unwrap_or_else(|poisoned| poisoned.into_inner().0),
                None => EARLIER.wait(timers).unwrap_or_else(PoisonError::into_inner),
            };
            continue;
        }
        drop(timers);
        for armed in passed.drain(..) {
            // A waker that panics (the host's executor's), waking or dropped, fails its own
            // call, not every timeout after it. Dropped too: this may be the deadline's last
            // reference, holding a waker its task left there after this one was taken.
            quietly(move || {
                let waker = armed
                    .waker
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(waker) = waker {
                    waker.wake();
                }
                drop(armed);
            });
        }
        timers = self::timers();
    }
}

/// Marks the thread as not running when it ends.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        timers().running = false;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::{Context, Wake, Waker};
    use std::thread::{self, Thread};
    use std::time::{Duration, Instant};

    use super::Deadline;

    struct Unpark(Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    /// Parks until `deadline` passes and its waker unparks the thread: a wake that is lost
    /// fails the test, 5 seconds late.
    fn wait(deadline: &Deadline) {
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        while !deadline.passed(&Context::from_waker(&waker)) {
            thread::park_timeout(Duration::from_secs(5));
            let overdue = Instant::now().saturating_duration_since(deadline.0.at);
            assert!(overdue < Duration::from_secs(5), "never woken");
        }
    }

    fn passed(deadline: &Deadline) -> bool {
        deadline.passed(&Context::from_waker(Waker::noop()))
    }

    // Bounds only from below, and an order: how late a loaded machine wakes a thread is not
    // this test's to say.
    #[test]
    fn each_deadline_passes_in_its_time_whatever_is_armed_or_disarmed_around_it() {
        let start = Instant::now();
        let late = Deadline::arm(Duration::from_secs(60)).unwrap();
        let dropped: Vec<_> = (0..5)
            .map(|_| Deadline::arm(Duration::from_millis(30)).unwrap())
            .collect();
        // Earlier than the one the thread sleeps until: it is woken for it.
        let early = Deadline::arm(Duration::from_millis(50)).unwrap();
        let middle = Deadline::arm(Duration::from_millis(150)).unwrap();
        drop(dropped);
        wait(&early);
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert!(!passed(&late));
        drop(early);
        wait(&middle);
        assert!(start.elapsed() >= Duration::from_millis(150));
        assert!(!passed(&late));
        // Past what an `Instant` holds: 30 years ahead, which does not pass here.
        let never = Deadline::arm(Duration::MAX).unwrap();
        assert!(!passed(&never));
    }

    /// Threads arming deadlines in no order and disarming half of them before they pass: each
    /// kept one passes, none before its time.
    #[test]
    fn many_deadlines_from_several_threads_each_pass_once_their_time_has_come() {
        thread::scope(|scope| {
            for thread in 0..4u64 {
                scope.spawn(move || {
                    let start = Instant::now();
                    let mut kept = Vec::new();
                    for n in 0..250u64 {
                        // 0 to 124 ms, scattered.
                        let after = Duration::from_micros((n * 7_919 + thread * 13) % 250 * 500);
                        let deadline = Deadline::arm(after).unwrap();
                        if n % 2 == 0 {
                            kept.push((start + after, deadline));
                        }
                    }
                    kept.sort_by_key(|(at, _)| *at);
                    for (at, deadline) in &kept {
                        wait(deadline);
                        assert!(Instant::now() >= *at);
                    }
                });
            }
        });
    }
}
