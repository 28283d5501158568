//! The bodies of `TcmppNative`'s native methods, which `export_jni!`'s `#[no_mangle]` functions
//! forward to. Each runs inside `EnvUnowned::with_env`, which catches a panic and throws it as a
//! `RuntimeException` rather than let it unwind into the JVM; `dispatch_sync`, the per-call path
//! of a synchronous host, catches its own and goes through `with_env` only to throw one. A
//! dispatched call's failures are fail replies, never exceptions.

use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JClass, JObject, JObjectArray, JString};
use jni::sys::{jboolean, jint, jlong, jobjectArray, jstring};
use jni::vm::JavaVM;
use jni::{Env, EnvUnowned};
use tcmpp_core::registry::HandlerKind;

use super::listener::{self, KotlinProgress, KotlinReply, Listener};
use super::strings::{self, JavaText, JniEnv};
use super::{calls, daemon};
use crate::entry::{answer_now, run};
use crate::handles::{self, CallerId};
use crate::host::Replier;
use crate::prepare::{CallArgs, CallerArg, dispatch_args};
use crate::registry::Built;
use crate::{STATUS_SUCCESS, runtime};

/// `TcmppBridge`'s flag (beyond tcmpp.h's): the call has a progress listener.
const LISTENS_TO_PROGRESS: u32 = 1 << 16;

/// `TcmppNative.init()`: `null`, or the build error's message followed by each problem.
pub fn init(
    registry: fn() -> &'static Built,
    mut env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jobjectArray {
    env.with_env(|env| -> jni::errors::Result<jobjectArray> {
        #[cfg(feature = "logcat")]
        super::log::install();
        match registry() {
            Ok(_) => Ok(std::ptr::null_mut()),
            Err(failure) => {
                let mut lines = vec![failure.message.clone()];
                lines.extend(failure.problems());
                string_array(env, &lines)
            }
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// `TcmppNative.apis()`: five strings per API (one per method of a multiplexed API).
pub fn apis(
    registry: fn() -> &'static Built,
    mut env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jobjectArray {
    env.with_env(|env| -> jni::errors::Result<jobjectArray> {
        let mut fields = Vec::new();
        if let Ok(registry) = registry() {
            for api in registry.apis() {
                fields.push(api.name.to_owned());
                fields.push((api.kind == HandlerKind::Plain).to_string());
                fields.push(api.rust_path.to_owned());
                fields.push(api.location.to_string());
                // Last, and empty for a plain API: a Kotlin string array holds no null.
                fields.push(api.method.unwrap_or_default().to_owned());
            }
        }
        string_array(env, &fields)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// `TcmppNative.customConfigJson()`: `null` when the registry cannot be built.
pub fn custom_config_json(
    registry: fn() -> &'static Built,
    mut env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jstring {
    env.with_env(|env| -> jni::errors::Result<jstring> {
        match registry() {
            Ok(registry) => Ok(env.new_string(registry.custom_config_json())?.into_raw()),
            Err(_) => Ok(std::ptr::null_mut()),
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// A Java call's arguments, as `TcmppNative.dispatch` and `dispatchSync` take them.
pub struct JavaCall<'a, 'local> {
    /// `apiName`.
    pub api_name: &'a JString<'local>,
    /// `paramsJson`.
    pub params_json: &'a JString<'local>,
    /// Who calls.
    pub caller: JavaCaller<'a, 'local>,
    /// The flags.
    pub flags: jint,
}

/// Who calls, as the Kotlin side states it.
pub enum JavaCaller<'a, 'local> {
    /// `callerJson`, read with the call.
    Json(&'a JString<'local>),
    /// A `TcmppCallerHandle`'s id, read once when it was made (0: closed).
    Handle(jlong),
}

/// The strings of a Java call, read.
struct ReadCall {
    api_name: Result<Option<JavaText>, String>,
    params_json: Result<Option<JavaText>, String>,
    caller: ReadCaller,
    flags: u32,
}

/// Who calls, read.
enum ReadCaller {
    Json(Result<Option<JavaText>, String>),
    Handle(CallerId),
}

impl ReadCall {
    /// Reads `call`; `env` is its native method's, with no JNI call made before this one.
    fn new(env: JniEnv, call: &JavaCall<'_, '_>) -> Self {
        ReadCall {
            api_name: strings::read(env, call.api_name.as_raw(), "invalid call: apiName"),
            params_json: strings::read(env, call.params_json.as_raw(), "invalid call: paramsJson"),
            caller: match call.caller {
                JavaCaller::Json(json) => ReadCaller::Json(strings::read(
                    env,
                    json.as_raw(),
                    "invalid caller: callerJson",
                )),
                // A negative id was never made: refused as unknown.
                JavaCaller::Handle(id) => {
                    ReadCaller::Handle(CallerId::try_from(id).unwrap_or(CallerId::MAX))
                }
            },
            // Bits, as Kotlin writes them.
            flags: u32::from_ne_bytes(call.flags.to_ne_bytes()),
        }
    }

    fn args(&self) -> CallArgs<'_> {
        CallArgs {
            api_name: match &self.api_name {
                Ok(name) => Ok(name.as_ref().map(JavaText::as_str)),
                Err(reason) => Err(reason.clone()),
            },
            call_json: match &self.params_json {
                Ok(Some(text)) => Ok(text.as_bytes()),
                Ok(None) => Err("invalid call: paramsJson is null".to_owned()),
                Err(reason) => Err(reason.clone()),
            },
            caller: match &self.caller {
                ReadCaller::Json(Ok(text)) => {
                    CallerArg::Json(Ok(text.as_ref().map(JavaText::as_str)))
                }
                ReadCaller::Json(Err(reason)) => CallerArg::Json(Err(reason.clone())),
                ReadCaller::Handle(id) => CallerArg::Handle(*id),
            },
            flags: self.flags,
        }
    }
}

/// `TcmppNative.dispatch(…)`: the call's id, or 0 when it was answered before this returns.
pub fn dispatch<'local>(
    registry: fn() -> &'static Built,
    mut env: EnvUnowned<'local>,
    call: JavaCall<'_, 'local>,
    listener: JObject<'local>,
) -> jlong {
    env.with_env(|env| -> jni::errors::Result<jlong> {
        #[cfg(feature = "logcat")]
        super::log::install();
        let read = ReadCall::new(JniEnv::of_native_method(env.get_raw()), &call);
        let listener = Listener::hold(env, &listener)?;
        let replier = Replier::new(KotlinReply(listener.clone()), read.flags);
        let progress = (read.flags & LISTENS_TO_PROGRESS != 0).then(|| KotlinProgress(listener));
        let mut id = 0;
        run(
            replier,
            || dispatch_args(registry, read.args(), progress),
            || {
                let (registered, cancelled) = calls::register();
                id = registered;
                cancelled
            },
        );
        Ok(id)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// `TcmppNative.cancel(callId)`.
pub fn cancel(mut env: EnvUnowned<'_>, _class: JClass<'_>, call_id: jlong) {
    env.with_env(|_| -> jni::errors::Result<()> {
        calls::cancel(call_id);
        Ok(())
    })
    .resolve::<ThrowRuntimeExAndDefault>();
}

/// `TcmppNative.dispatchSync(…)`: the reply's text, after a status character unless the call
/// succeeded: a failure or cancel starts with its `TCMPP_STATUS_*` code as one character below
/// U+0020, and a success starts with its own text (or with U+0000, `TCMPP_STATUS_SUCCESS`, when
/// that text itself starts below U+0020, which no rendered success does).
///
/// The per-call path of a synchronous host, so it skips the `jni` crate's `EnvUnowned::with_env`
/// (thread-local guard bookkeeping on entry and again on return) and reaches the JVM only
/// through this crate's string conversions; a panic in this layer still becomes a
/// `RuntimeException`, through `with_env`, off that path.
pub fn dispatch_sync<'local>(
    registry: fn() -> &'static Built,
    mut env: EnvUnowned<'local>,
    call: JavaCall<'_, 'local>,
) -> jstring {
    let raw = JniEnv::of_native_method(env.as_raw());
    let answered = panic::catch_unwind(AssertUnwindSafe(|| {
        #[cfg(feature = "logcat")]
        super::log::install();
        let read = ReadCall::new(raw, &call);
        let answer = answer_now(read.flags, || {
            dispatch_args(registry, read.args(), None::<KotlinProgress>)
        });
        // Written before the text, in the one buffer the Java string is made from.
        let prefix = status_prefix(answer.status, &answer.text);
        strings::new_string(raw, prefix, &answer.text)
    }));
    match answered {
        Ok(Ok(string)) => string,
        // An `OutOfMemoryError` pending stays what Java receives; any other error is thrown.
        Ok(Err(error)) => env
            .with_env(|_| -> jni::errors::Result<jstring> { Err(error) })
            .resolve::<ThrowRuntimeExAndDefault>(),
        Err(panicked) => env
            .with_env(|_| -> jni::errors::Result<jstring> { panic::resume_unwind(panicked) })
            .resolve::<ThrowRuntimeExAndDefault>(),
    }
}

/// What goes before a synchronous reply's text: nothing for a success whose text starts at
/// U+0020 or above, which is every rendered success (a JSON object); else the status (tcmpp.h's
/// `TCMPP_STATUS_*`) as the character of that code, below U+0020. Kotlin reads a text that does
/// not start below U+0020 as a success and keeps it whole, where it cut a status digit off every
/// reply with `substring`.
fn status_prefix(status: i32, text: &str) -> Option<char> {
    if status == STATUS_SUCCESS && text.starts_with(|first: char| first >= ' ') {
        return None;
    }
    // Every status tcmpp.h has is below U+0020; one beyond (none is made) is read as a failure,
    // TCMPP_STATUS_FAIL.
    let code = u8::try_from(status)
        .ok()
        .filter(|&code| code < b' ')
        .unwrap_or(1);
    Some(char::from(code))
}

/// `TcmppNative.callerNew(callerJson, problem)`: the handle's id; 0, with why in `problem[0]`,
/// when the caller is refused.
pub fn caller_new<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    caller_json: JString<'local>,
    problem: JObjectArray<'local, JString<'local>>,
) -> jlong {
    env.with_env(|env| -> jni::errors::Result<jlong> {
        let env_raw = JniEnv::of_native_method(env.get_raw());
        let made = strings::read(env_raw, caller_json.as_raw(), "invalid caller: callerJson")
            .and_then(|json| handles::make(json.as_ref().map(JavaText::as_str), 0));
        match made {
            // Ids count up from 1 and are pointer-sized: one beyond a `Long` is never made.
            Ok(id) => Ok(jlong::try_from(id).unwrap_or(0)),
            Err(reason) => {
                let reason = env.new_string(reason)?;
                problem.set_element(env, 0, &reason)?;
                Ok(0)
            }
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// `TcmppNative.callerFree(id)`.
pub fn caller_free(mut env: EnvUnowned<'_>, _class: JClass<'_>, id: jlong) {
    env.with_env(|_| -> jni::errors::Result<()> {
        if let Ok(id) = CallerId::try_from(id) {
            handles::free(id);
        }
        Ok(())
    })
    .resolve::<ThrowRuntimeExAndDefault>();
}

/// `TcmppNative.heldCallers()`.
pub fn held_callers(mut env: EnvUnowned<'_>, _class: JClass<'_>) -> jlong {
    env.with_env(|_| -> jni::errors::Result<jlong> {
        Ok(jlong::try_from(handles::held()).unwrap_or(jlong::MAX))
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// `TcmppNative.shutdown(timeoutMillis)`.
pub fn shutdown(mut env: EnvUnowned<'_>, _class: JClass<'_>, timeout_millis: jlong) -> jboolean {
    env.with_env(|_| -> jni::errors::Result<jboolean> {
        let timeout = Duration::from_millis(u64::try_from(timeout_millis).unwrap_or(0));
        Ok(runtime::shutdown(timeout))
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// `TcmppNative.heldListeners()`.
pub fn held_listeners(mut env: EnvUnowned<'_>, _class: JClass<'_>) -> jlong {
    env.with_env(|_| -> jni::errors::Result<jlong> { Ok(listener::held()) })
        .resolve::<ThrowRuntimeExAndDefault>()
}

/// `TcmppNative.attachedThreads()`: the threads attached here (daemon workers) or by the `jni`
/// crate, and not yet detached.
pub fn attached_threads(mut env: EnvUnowned<'_>, _class: JClass<'_>) -> jlong {
    env.with_env(|_| -> jni::errors::Result<jlong> {
        let attached = JavaVM::singleton()?.threads_attached();
        let attached = jlong::try_from(attached).unwrap_or(jlong::MAX);
        Ok(attached.saturating_add(daemon::attached()))
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// A `String[]` of `lines`.
fn string_array(env: &mut Env<'_>, lines: &[String]) -> jni::errors::Result<jobjectArray> {
    let array = JObjectArray::<JString>::new(env, lines.len(), JString::null())?;
    for (index, line) in lines.iter().enumerate() {
        let line = env.new_string(line)?;
        array.set_element(env, index, &line)?;
        env.delete_local_ref(line);
    }
    Ok(array.into_raw())
}

#[cfg(test)]
mod tests {
    use super::status_prefix;

    #[test]
    fn only_a_plain_success_goes_without_its_status() {
        assert_eq!(status_prefix(0, "{\"a\":1}"), None);
        assert_eq!(status_prefix(0, " 1"), None);
        // Kotlin would read these as another status, or index an empty string.
        assert_eq!(status_prefix(0, "\u{1}x"), Some('\0'));
        assert_eq!(status_prefix(0, ""), Some('\0'));
        assert_eq!(status_prefix(1, "{}"), Some('\u{1}'));
        assert_eq!(status_prefix(2, ""), Some('\u{2}'));
        assert_eq!(status_prefix(-3, "{}"), Some('\u{1}'), "unknown: a failure");
        assert_eq!(status_prefix(40, "{}"), Some('\u{1}'), "unknown: a failure");
    }
}
