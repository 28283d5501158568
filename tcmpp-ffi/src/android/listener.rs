//! The Kotlin listener of one call (`NativeListener` in `TcmppBridge.kt`), held by a global
//! reference from dispatch to reply, and called from whichever thread answers: the JVM thread
//! that dispatched, or a runtime worker, attached to the JVM once and detached when it ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jni::objects::{JObject, JValue};
use jni::refs::Global;
use jni::signature::MethodSignature;
use jni::strings::JNIStr;
use jni::vm::{AttachConfig, JavaVM};
use jni::{DEFAULT_LOCAL_FRAME_CAPACITY, Env, jni_sig, jni_str};
use tcmpp_core::progress::{ProgressEvent, ProgressSink};

use crate::answer::Answer;
use crate::host::ReplyTarget;

/// [`lookups::ON_REPLY`](super::lookups::ON_REPLY) as JNI takes it. Every name native code finds
/// is an entry of [`JAVA_LOOKUPS`](super::lookups::JAVA_LOOKUPS), which the shipped keep rules
/// are written from: the unit test below holds these equal, and `tests/hosts/android.rs` fails on a
/// `jni_str!`/`jni_sig!` in this crate that the table does not list.
const ON_REPLY: (&JNIStr, MethodSignature<'static, 'static>) =
    (jni_str!("onReply"), jni_sig!("(ILjava/lang/String;)V"));
/// [`lookups::ON_PROGRESS`](super::lookups::ON_PROGRESS) as JNI takes it.
const ON_PROGRESS: (&JNIStr, MethodSignature<'static, 'static>) = (
    jni_str!("onProgress"),
    jni_sig!("(Ljava/lang/String;Ljava/lang/String;)V"),
);

/// How many listeners are held now: every global reference this layer makes, counted so that
/// a leak shows (`TcmppBridge.heldListeners()`).
static HELD: AtomicI64 = AtomicI64::new(0);

/// How many listeners are held now.
pub(super) fn held() -> i64 {
    HELD.load(Ordering::SeqCst)
}

/// One call's listener; its global reference is deleted when the last user drops it (the
/// reply target, after the reply, and the progress sink, with the handler's future).
pub(super) struct Listener {
    global: Global<JObject<'static>>,
}

impl Listener {
    /// Holds `listener` until the call is answered.
    pub(super) fn hold(env: &Env<'_>, listener: &JObject<'_>) -> jni::errors::Result<Arc<Self>> {
        if listener.is_null() {
            return Err(jni::errors::Error::NullPtr("the call's listener"));
        }
        let global = env.new_global_ref(listener)?;
        HELD.fetch_add(1, Ordering::SeqCst);
        Ok(Arc::new(Listener { global }))
    }

    /// Calls back into Kotlin on this thread, attaching it to the JVM first if it is not (a
    /// runtime worker, which stays attached until it ends). An exception the Kotlin code throws
    /// is printed and cleared: it stops at this call.
    fn call(
        &self,
        what: &str,
        call: impl FnOnce(&mut Env<'_>, &JObject<'static>) -> jni::errors::Result<()>,
    ) {
        let Ok(vm) = JavaVM::singleton() else {
            // No JVM: nobody to answer. Not reachable once a native method has run.
            return;
        };
        // A runtime worker attaches as a daemon, named after the runtime's workers so that it
        // can be told apart in the JVM; a JVM thread is attached already, and keeps its name.
        // Should the daemon attachment fail, the `jni` crate attaches the thread as usual.
        super::daemon::attach(&vm);
        let config = || AttachConfig::default().thread_name(jni_str!("tcmpp-worker"));
        let capacity = Some(DEFAULT_LOCAL_FRAME_CAPACITY);
        let attached = vm.attach_current_thread_with_config(
            config,
            capacity,
            |env| -> jni::errors::Result<()> {
                if let Err(error) = call(env, self.global.as_obj()) {
                    if env.exception_check() {
                        env.exception_describe();
                        env.exception_clear();
                    }
                    return Err(error);
                }
                Ok(())
            },
        );
        if let Err(error) = attached {
            // The listener threw (described above) or the JVM refused: the reply is lost to
            // this listener only, and the reason goes where the JVM prints.
            let line = format!("the Kotlin {what} listener failed: {error}");
            #[cfg(feature = "logcat")]
            super::log::report(super::log::Priority::Warn, &line);
            #[cfg(not(feature = "logcat"))]
            eprintln!("tcmpp: {line}");
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // `Global` deletes the reference itself, attaching for the purpose if it must.
        HELD.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A call's reply, delivered to its listener's `onReply(status, json)`.
pub(super) struct KotlinReply(pub(super) Arc<Listener>);

impl ReplyTarget for KotlinReply {
    fn send(self, answer: Answer) {
        self.0.call("reply", |env, listener| {
            let text = env.new_string(&answer.text)?;
            env.call_method(
                listener,
                ON_REPLY.0,
                ON_REPLY.1,
                &[JValue::Int(answer.status), JValue::Object(&text)],
            )?;
            Ok(())
        });
    }
}

/// A call's progress events, delivered to its listener's `onProgress(stateEvent, payloadJson)`.
pub(super) struct KotlinProgress(pub(super) Arc<Listener>);

impl ProgressSink for KotlinProgress {
    fn progress(&self, event: ProgressEvent<'_>) {
        self.0.call("progress", |env, listener| {
            let state_event = match event.state_event {
                Some(state_event) => env.new_string(state_event)?,
                None => jni::objects::JString::null(),
            };
            let payload = env.new_string(event.payload_json())?;
            env.call_method(
                listener,
                ON_PROGRESS.0,
                ON_PROGRESS.1,
                &[JValue::Object(&state_event), JValue::Object(&payload)],
            )?;
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::lookups;

    #[test]
    fn the_callbacks_are_the_lookup_table_entries() {
        for ((name, signature), lookup) in [
            (super::ON_REPLY, lookups::ON_REPLY),
            (super::ON_PROGRESS, lookups::ON_PROGRESS),
        ] {
            assert_eq!(name.to_str(), lookup.name);
            assert_eq!(signature.sig().to_str(), lookup.descriptor);
        }
    }
}
