//! Runtime workers attach to the JVM as daemon threads, as the JVM's own helper threads are, so
//! that a JVM (a unit test of a host, a command-line tool) exits when its main thread ends,
//! without `TcmppBridge.shutdown()`. The `jni` crate attaches only non-daemon threads, so the
//! attachment is made here, with JNI's `AttachCurrentThreadAsDaemon`; the crate then finds the
//! thread attached and uses it. The thread detaches itself when it ends.

use std::cell::RefCell;
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicI64, Ordering};

use jni::sys;
use jni::vm::JavaVM;

/// How many threads are attached here as daemons and not yet detached.
static DAEMONS: AtomicI64 = AtomicI64::new(0);

/// How many threads are attached here as daemons and not yet detached.
pub(super) fn attached() -> i64 {
    DAEMONS.load(Ordering::SeqCst)
}

/// This thread's daemon attachment, detached when the thread ends (its thread-local is
/// destroyed).
struct Attachment {
    vm: *mut sys::JavaVM,
}

impl Drop for Attachment {
    #[allow(unsafe_code)] // JNI's invocation interface.
    fn drop(&mut self) {
        // SAFETY: `vm` is the process's JavaVM, valid for the life of the process (a JVM is
        // never unloaded while its native libraries run); this thread attached itself to it
        // and holds no JNI frame or reference now: its thread-locals are being destroyed.
        unsafe {
            ((**self.vm).v1_1.DetachCurrentThread)(self.vm);
        }
        DAEMONS.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static ATTACHMENT: RefCell<Option<Attachment>> = const { RefCell::new(None) };
}

/// Attaches this thread to `vm` as a daemon named `tcmpp-worker`, unless it is attached already
/// (a JVM thread, or a worker attached before). A failure leaves the thread as it was: the
/// `jni` crate then attaches it as an ordinary thread.
#[allow(unsafe_code)] // JNI's invocation interface.
pub(super) fn attach(vm: &JavaVM) {
    if vm.is_thread_attached().unwrap_or(true) {
        return;
    }
    let raw = vm.get_raw();
    let mut args = sys::JavaVMAttachArgs {
        version: sys::JNI_VERSION_1_4,
        // JNI reads the name (modified UTF-8; ASCII here) and does not keep or write it.
        name: c"tcmpp-worker".as_ptr().cast_mut().cast::<c_char>(),
        group: std::ptr::null_mut(),
    };
    let mut env: *mut c_void = std::ptr::null_mut();
    // SAFETY: `raw` is the live JavaVM the `jni` crate holds; this thread is not attached (checked
    // above, and nothing else attaches it meanwhile: attachment is per thread); `env` and
    // `args` are valid for the call.
    let status = unsafe {
        ((**raw).v1_4.AttachCurrentThreadAsDaemon)(
            raw,
            &raw mut env,
            (&raw mut args).cast::<c_void>(),
        )
    };
    if status == sys::JNI_OK {
        DAEMONS.fetch_add(1, Ordering::SeqCst);
        ATTACHMENT.with(|attachment| *attachment.borrow_mut() = Some(Attachment { vm: raw }));
    }
}
