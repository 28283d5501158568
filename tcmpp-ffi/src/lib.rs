//! A C ABI for a [`tcmpp_core`] registry, so that Android (through JNI), iOS (Swift,
//! Objective-C) and Flutter (`dart:ffi`) hosts forward their SDK's custom API calls to Rust
//! handlers.
//!
//! Build your handler crate as a `cdylib` (Android, Flutter) or a `staticlib` (iOS), and export
//! the ABI with one line:
//!
//! ```standalone_crate,no_run
//! tcmpp_ffi::export_c_abi!();
//! # fn main() {}
//! ```
//!
//! The C declarations are in `include/tcmpp.h`, shipped with this crate; `docs/hosts.md` shows
//! the Kotlin, Swift and Dart glue.
//!
//! # The exported functions
//!
//! | C function | what it does |
//! |---|---|
//! | `char *tcmpp_init(void)` | builds the registry now; `NULL`, or the build error's text |
//! | `char *tcmpp_apis_json(void)` | the registered APIs as JSON, to register each name with the SDK |
//! | `char *tcmpp_custom_config_json(void)` | the SDK's `tcmpp-custom-config.json` |
//! | `int32_t tcmpp_dispatch(…)` | dispatches a call; the reply arrives through a callback |
//! | `char *tcmpp_dispatch_sync(…)` | answers a `sync: true` call at once |
//! | `void tcmpp_string_free(char *)` | frees a string returned by the functions above |
//!
//! # The registry
//!
//! State cannot be handed across C, so the registry is built lazily, on the first call of any
//! exported function, by `Registry::builder().build()` or by the function given as
//! `export_c_abi!(build = path::to::build_fn)` (which may add `.state(…)` from Rust). Call
//! `tcmpp_init` at start-up to build it early and see a build error (a duplicate API name, a
//! missing state) as text; until it is fixed, every call gets a fail reply that carries it.
//!
//! # Threads and the runtime
//!
//! `async fn` handlers run on a Tokio multi-thread runtime (one worker per core, threads named
//! `tcmpp-worker`) that is started on the first asynchronous dispatch that needs it and lives
//! until the process exits. Handlers may therefore use Tokio's timers and I/O. Plain-`fn`
//! handlers, and calls refused before a handler runs, answer on the calling thread, before
//! `tcmpp_dispatch` returns. Every exported function may be called from any thread, at the same
//! time.
//!
//! # Safety across the boundary
//!
//! No panic crosses into C: each exported function catches unwinding, and a handler's panic is a
//! fail reply. A `NULL` or non-UTF-8 call is a fail reply too, never undefined behaviour, as
//! long as the pointers the host passes are either `NULL` or valid, NUL-terminated strings.

use std::ffi::{CStr, CString, c_char, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value};
use tcmpp_core::{
    BuildError, CallbackFuture, FailureKind, HandlerKind, ProgressEvent, ProgressSink, Registry,
    Reply, ReplyFuture, ReplyKind, WithKind,
};

/// Exports the C ABI of `include/tcmpp.h` from the crate this is written in.
///
/// Write it once, at the top level of the `cdylib` or `staticlib` crate the host links:
///
/// ```standalone_crate,no_run
/// tcmpp_ffi::export_c_abi!();
/// # fn main() {}
/// ```
///
/// The registry is built lazily with `Registry::builder().build()`. To build it another way
/// (to provide state, or an `errMsg` prefix), name a function that returns
/// `Result<Registry, BuildError>`:
///
/// ```standalone_crate,no_run
/// # struct Config;
/// # impl Config { fn from_env() -> Self { Config } }
/// fn build_registry() -> Result<tcmpp_core::Registry, tcmpp_core::BuildError> {
///     tcmpp_core::Registry::builder().state(Config::from_env()).build()
/// }
///
/// tcmpp_ffi::export_c_abi!(build = build_registry);
/// # fn main() {}
/// ```
///
/// The expansion defines `#[no_mangle]` functions (one symbol per C function, so the macro is
/// used once per linked binary) that forward to this crate; their `unsafe` is spelled in this
/// crate's macro, so it compiles in crates that forbid `unsafe_code`.
#[macro_export]
macro_rules! export_c_abi {
    () => {
        $crate::export_c_abi!(build = $crate::__private::default_registry);
    };
    (build = $build:path) => {
        const _: () = {
            static REGISTRY: ::std::sync::OnceLock<$crate::__private::Built> =
                ::std::sync::OnceLock::new();

            fn registry() -> &'static $crate::__private::Built {
                REGISTRY.get_or_init(|| $crate::__private::build($build))
            }

            /// See `tcmpp_init` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_init() -> *mut ::std::ffi::c_char {
                $crate::__private::init(registry)
            }

            /// See `tcmpp_apis_json` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_apis_json() -> *mut ::std::ffi::c_char {
                $crate::__private::apis_json(registry)
            }

            /// See `tcmpp_custom_config_json` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_custom_config_json() -> *mut ::std::ffi::c_char {
                $crate::__private::custom_config_json(registry)
            }

            /// See `tcmpp_dispatch` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `api_name` and `call_json` are `NULL` or valid NUL-terminated strings; `context`
            /// may be used from any thread until the reply callback has run.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_dispatch(
                api_name: *const ::std::ffi::c_char,
                call_json: *const ::std::ffi::c_char,
                flags: u32,
                on_reply: $crate::ReplyCallback,
                on_progress: $crate::ProgressCallback,
                context: *mut ::std::ffi::c_void,
            ) -> i32 {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe {
                    $crate::__private::dispatch(
                        registry,
                        api_name,
                        call_json,
                        flags,
                        on_reply,
                        on_progress,
                        context,
                    )
                }
            }

            /// See `tcmpp_dispatch_sync` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `api_name` and `call_json` are `NULL` or valid NUL-terminated strings;
            /// `status_out` is `NULL` or points to writable `int32_t`.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_dispatch_sync(
                api_name: *const ::std::ffi::c_char,
                call_json: *const ::std::ffi::c_char,
                flags: u32,
                status_out: *mut i32,
            ) -> *mut ::std::ffi::c_char {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe {
                    $crate::__private::dispatch_sync(
                        registry, api_name, call_json, flags, status_out,
                    )
                }
            }

            /// See `tcmpp_string_free` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `string` is `NULL` or a string returned by a `tcmpp_` function, not yet freed.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_string_free(string: *mut ::std::ffi::c_char) {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe { $crate::__private::string_free(string) }
            }
        };
    };
}

/// `tcmpp_dispatch`'s reply callback: `(context, status, reply_json)`.
///
/// `status` is one of [`STATUS_SUCCESS`], [`STATUS_FAIL`], [`STATUS_CANCEL`]; `reply_json` is
/// valid only during the call (copy it to keep it). It may run on the calling thread before
/// `tcmpp_dispatch` returns, or later on a runtime worker thread.
pub type ReplyCallback =
    Option<unsafe extern "C" fn(context: *mut c_void, status: i32, reply_json: *const c_char)>;

/// `tcmpp_dispatch`'s progress callback: `(context, state_event, payload_json)`.
///
/// `state_event` is the call's `stateEvent`, `NULL` when it carried none; both strings are
/// valid only during the call. It runs on the thread that runs the handler, before the reply
/// callback, one event at a time, in order.
pub type ProgressCallback = Option<
    unsafe extern "C" fn(
        context: *mut c_void,
        state_event: *const c_char,
        payload_json: *const c_char,
    ),
>;

/// The call succeeded: the mini program's `success` callback.
pub const STATUS_SUCCESS: i32 = 0;
/// The call failed: the mini program's `fail` callback.
pub const STATUS_FAIL: i32 = 1;
/// The user backed out: the mini program's `cancel` callback.
pub const STATUS_CANCEL: i32 = 2;

/// Flag: render the reply in WeChat's callback convention (`errMsg`, `errCode`). The default.
pub const RENDER_CALLBACK: u32 = 0;
/// Flag: render the reply bare, for SDKs that add `errMsg` themselves: the result map on
/// success, `{"message":…,"code":…}` on failure, `{}` on cancel.
pub const RENDER_BARE: u32 = 1;

/// Flag: the strings passed to the reply and progress callbacks are handed over to the host,
/// which frees each with `tcmpp_string_free`, instead of being borrowed for the callback only.
/// For hosts that read them after the callback returns, such as Dart's
/// `NativeCallable.listener`, which runs the Dart function later on the isolate's thread.
pub const HOST_FREES_STRINGS: u32 = 2;

/// Flag: the call is in the legacy Android format (SDK 2.2.16 and earlier), whose whole object
/// is the data; `api_name` must then be given. Without it, a call is read in the unified
/// format. The format is stated, never guessed: every key of a legacy call is the mini
/// program's, so guessing would let it forge `appInfo` or `webviewId`.
pub const LEGACY_FORMAT: u32 = 4;

/// `tcmpp_dispatch` accepted the call: the reply callback runs exactly once.
pub const DISPATCH_ACCEPTED: i32 = 0;
/// `tcmpp_dispatch` was given no reply callback, so it did nothing.
pub const DISPATCH_NO_REPLY_CALLBACK: i32 = -1;

/// The `errMsg` prefix of a call whose API name cannot be read.
const UNNAMED_CALL_PREFIX: &str = "invokeNativePlugin";

/// Support for [`export_c_abi!`]'s expansion. Not public API.
#[doc(hidden)]
pub mod __private {
    use super::*;

    /// The lazily built registry, or why it could not be built.
    pub type Built = Result<Registry, String>;

    /// The registry `export_c_abi!()` builds by default.
    pub fn default_registry() -> Result<Registry, BuildError> {
        Registry::builder().build()
    }

    /// Runs the user's build function; a panic is a build error, not an abort.
    pub fn build(build: fn() -> Result<Registry, BuildError>) -> Built {
        match panic::catch_unwind(build) {
            Ok(Ok(registry)) => Ok(registry),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err("cannot build the mini API registry: the build function panicked".into()),
        }
    }

    /// `tcmpp_init`.
    pub fn init(registry: fn() -> &'static Built) -> *mut c_char {
        guard(std::ptr::null_mut(), || match registry() {
            Ok(_) => std::ptr::null_mut(),
            Err(error) => into_c_string(error.clone()),
        })
    }

    /// `tcmpp_apis_json`.
    pub fn apis_json(registry: fn() -> &'static Built) -> *mut c_char {
        guard(std::ptr::null_mut(), || match registry() {
            Ok(registry) => {
                let apis: Vec<ListedApi> = registry
                    .apis()
                    .map(|api| ListedApi {
                        name: api.name,
                        sync: api.kind == HandlerKind::Sync,
                        rust_path: api.rust_path,
                        location: api.location.to_string(),
                    })
                    .collect();
                // Serializing strings and booleans cannot fail.
                into_c_string(serde_json::to_string(&apis).unwrap_or_default())
            }
            Err(_) => std::ptr::null_mut(),
        })
    }

    /// `tcmpp_custom_config_json`.
    pub fn custom_config_json(registry: fn() -> &'static Built) -> *mut c_char {
        guard(std::ptr::null_mut(), || match registry() {
            Ok(registry) => into_c_string(registry.custom_config_json()),
            Err(_) => std::ptr::null_mut(),
        })
    }

    /// `tcmpp_dispatch`.
    ///
    /// # Safety
    ///
    /// As documented for `tcmpp_dispatch` in `tcmpp.h`.
    #[allow(unsafe_code)] // Reads the host's strings; hands `context` to other threads.
    pub unsafe fn dispatch(
        registry: fn() -> &'static Built,
        api_name: *const c_char,
        call_json: *const c_char,
        flags: u32,
        on_reply: ReplyCallback,
        on_progress: ProgressCallback,
        context: *mut c_void,
    ) -> i32 {
        let Some(on_reply) = on_reply else {
            return DISPATCH_NO_REPLY_CALLBACK;
        };
        let mut replier = Replier {
            on_reply,
            context: HostContext(context),
            flags,
            delivered: false,
            prefix: UNNAMED_CALL_PREFIX.to_owned(),
        };
        let progress = on_progress.map(|callback| HostProgress {
            callback,
            context: HostContext(context),
            flags,
        });
        // SAFETY: the strings are NULL or valid, as the caller promises.
        let started = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
            start(registry, api_name, call_json, flags, progress)
        }));
        // Should anything below panic, the unwinding drops `replier`, which then sends a fail
        // reply; the panic itself stops here.
        let _ = panic::catch_unwind(AssertUnwindSafe(move || match started {
            Ok(Started::Now(reply, prefix)) => replier.deliver(reply, &prefix),
            Ok(Started::Later(future, prefix)) => match runtime() {
                Ok(runtime) => {
                    // Should the task be dropped unanswered, its fallback reply is named
                    // after the call too.
                    replier.prefix.clone_from(&prefix);
                    runtime.spawn(async move {
                        let reply = future.await;
                        replier.deliver(reply, &prefix);
                    });
                }
                Err(error) => replier.deliver(internal_error(error), &prefix),
            },
            Ok(Started::RenderedNow(kind, text)) => replier.deliver_rendered(kind, text),
            Ok(Started::RenderedLater(future)) => match runtime() {
                Ok(runtime) => {
                    replier.prefix = future.prefix().to_owned();
                    runtime.spawn(async move {
                        let (kind, text) = future.await;
                        replier.deliver_rendered(kind, text);
                    });
                }
                Err(error) => {
                    let prefix = future.prefix().to_owned();
                    replier.deliver(internal_error(error), &prefix);
                }
            },
            Err(_) => replier.deliver(
                internal_error("dispatching the call panicked"),
                UNNAMED_CALL_PREFIX,
            ),
        }));
        DISPATCH_ACCEPTED
    }

    /// `tcmpp_dispatch_sync`.
    ///
    /// # Safety
    ///
    /// As documented for `tcmpp_dispatch_sync` in `tcmpp.h`.
    #[allow(unsafe_code)] // Reads the host's strings; writes `*status_out`.
    pub unsafe fn dispatch_sync(
        registry: fn() -> &'static Built,
        api_name: *const c_char,
        call_json: *const c_char,
        flags: u32,
        status_out: *mut i32,
    ) -> *mut c_char {
        // SAFETY: the strings are NULL or valid, as the caller promises.
        let answered = panic::catch_unwind(AssertUnwindSafe(|| {
            let rendered = |reply: Reply, prefix: String| {
                (status(reply.kind()), render(&reply, &prefix, flags))
            };
            match unsafe { start(registry, api_name, call_json, flags, None) } {
                Started::Now(reply, prefix) => rendered(reply, prefix),
                Started::Later(future, prefix) => rendered(future.now_or_fail(), prefix),
                Started::RenderedNow(kind, text) => (status(kind), text),
                Started::RenderedLater(future) => {
                    let (kind, text) = future.now_or_fail();
                    (status(kind), text)
                }
            }
        }));
        let (status_code, text) = answered.unwrap_or_else(|_| {
            let reply = internal_error("dispatching the call panicked");
            (
                status(reply.kind()),
                render(&reply, UNNAMED_CALL_PREFIX, flags),
            )
        });
        if !status_out.is_null() {
            // SAFETY: a non-NULL `status_out` points to a writable `int32_t`, as promised.
            unsafe { status_out.write(status_code) };
        }
        into_c_string(text)
    }

    /// `tcmpp_string_free`.
    ///
    /// # Safety
    ///
    /// `string` is NULL or was handed out by a `tcmpp_` function and not freed yet.
    #[allow(unsafe_code)] // Takes back ownership of a string given to the host.
    pub unsafe fn string_free(string: *mut c_char) {
        if !string.is_null() {
            // SAFETY: the string came from `CString::into_raw` and is freed once, as promised.
            drop(unsafe { CString::from_raw(string) });
        }
    }
}

/// One entry of `tcmpp_apis_json`; a struct so that `name` comes first in the text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedApi {
    name: &'static str,
    sync: bool,
    rust_path: &'static str,
    location: String,
}

/// Where a call stands once it has been handed to its handler.
enum Started {
    /// The reply is known: a plain `fn` ran, or the call was refused.
    Now(Reply, String),
    /// An `async fn` handler is running.
    Later(ReplyFuture, String),
    /// As `Now`, for a host that wants the callback rendering: already rendered.
    RenderedNow(ReplyKind, String),
    /// As `Later`, for a host that wants the callback rendering: rendered when it is done.
    RenderedLater(WithKind),
}

/// Reads the host's strings and dispatches the call.
///
/// # Safety
///
/// `api_name` and `call_json` are NULL or valid NUL-terminated strings.
#[allow(unsafe_code)] // Reads the host's strings.
unsafe fn start(
    registry: fn() -> &'static __private::Built,
    api_name: *const c_char,
    call_json: *const c_char,
    flags: u32,
    progress: Option<HostProgress>,
) -> Started {
    // SAFETY: NULL or valid, as the caller promises.
    let api_name = match unsafe { read_str(api_name, "api_name") } {
        Ok(name) => name,
        Err(reason) => return refused(reason, UNNAMED_CALL_PREFIX),
    };
    let registry = match registry() {
        Ok(registry) => registry,
        // No registry, so no configured prefix: the default one.
        Err(error) => {
            return refused(
                error.clone(),
                tcmpp_core::__private::echoable_name(api_name),
            );
        }
    };
    // SAFETY: NULL or valid, as the caller promises.
    let call_json = match unsafe { read_str(call_json, "call_json") } {
        Ok(Some(json)) => json,
        Ok(None) => {
            return refused(
                "invalid call: call_json is NULL".into(),
                registry.errmsg_prefix_for(api_name),
            );
        }
        Err(reason) => return refused(reason, registry.errmsg_prefix_for(api_name)),
    };
    let legacy = flags & LEGACY_FORMAT != 0;
    let callback: CallbackFuture = match (api_name, legacy) {
        (None, true) => {
            return refused(
                "invalid call: a legacy-format call needs the api_name the SDK reported".into(),
                registry.errmsg_prefix_for(api_name),
            );
        }
        (Some(name), true) => match progress {
            Some(sink) => registry
                .with_progress(sink)
                .dispatch_json_legacy(name, call_json),
            None => registry.dispatch_json_legacy(name, call_json),
        },
        (Some(name), false) => match progress {
            Some(sink) => registry
                .with_progress(sink)
                .dispatch_json_with_name(name, call_json),
            None => registry.dispatch_json_with_name(name, call_json),
        },
        (None, false) => match progress {
            Some(sink) => registry.with_progress(sink).dispatch_json(call_json),
            None => registry.dispatch_json(call_json),
        },
    };
    if flags & RENDER_BARE == 0 {
        // The core renders the callback object itself, a success straight from the handler's
        // value; reading it back into a `Reply` would only render it again.
        return match callback.with_kind().try_now() {
            Ok((kind, text)) => Started::RenderedNow(kind, text),
            Err(future) => Started::RenderedLater(future),
        };
    }
    let (future, prefix) = callback.into_parts();
    match future.try_now() {
        Ok(reply) => Started::Now(reply, prefix),
        Err(future) => Started::Later(future, prefix),
    }
}

fn refused(reason: String, prefix: &str) -> Started {
    Started::Now(
        Reply::fail(FailureKind::InvalidCall, reason),
        prefix.to_owned(),
    )
}

/// Reads an optional C string.
///
/// # Safety
///
/// `pointer` is NULL or a valid NUL-terminated string that outlives `'a`.
#[allow(unsafe_code)] // Dereferences a host pointer.
unsafe fn read_str<'a>(pointer: *const c_char, what: &str) -> Result<Option<&'a str>, String> {
    if pointer.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, hence valid and NUL-terminated, as the caller promises.
    let bytes = unsafe { CStr::from_ptr(pointer) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|error| format!("invalid call: {what} is not UTF-8 ({error})"))
}

fn internal_error(reason: &str) -> Reply {
    Reply::fail(FailureKind::Panic, format!("internal error: {reason}"))
}

fn status(kind: ReplyKind) -> i32 {
    match kind {
        ReplyKind::Success => STATUS_SUCCESS,
        ReplyKind::Fail => STATUS_FAIL,
        ReplyKind::Cancel => STATUS_CANCEL,
    }
}

fn render(reply: &Reply, prefix: &str, flags: u32) -> String {
    if flags & RENDER_BARE == 0 {
        return reply.to_callback_json(prefix);
    }
    match reply {
        Reply::Success(result) => Value::Object(result.clone()).to_string(),
        Reply::Fail(failure) => {
            let mut map = Map::new();
            map.insert("message".into(), failure.message().into());
            if let Some(code) = failure.code() {
                map.insert("code".into(), code.into());
            }
            Value::Object(map).to_string()
        }
        _ => "{}".to_owned(),
    }
}

/// Hands a string to the host, which frees it with `tcmpp_string_free`.
fn into_c_string(text: String) -> *mut c_char {
    // JSON text escapes NUL, and nothing else handed out contains one; strip it to be certain.
    CString::new(text)
        .unwrap_or_else(|error| CString::new(without_nul(error.into_vec())).unwrap_or_default())
        .into_raw()
}

/// A string passed to a host callback: borrowed for the callback, or, with
/// [`HOST_FREES_STRINGS`], handed over.
enum HostString {
    Borrowed(CString),
    HandedOver(*mut c_char),
}

impl HostString {
    fn new(text: String, flags: u32) -> Self {
        if flags & HOST_FREES_STRINGS != 0 {
            HostString::HandedOver(into_c_string(text))
        } else {
            HostString::Borrowed(CString::new(text).unwrap_or_else(|error| {
                CString::new(without_nul(error.into_vec())).unwrap_or_default()
            }))
        }
    }

    fn as_ptr(&self) -> *const c_char {
        match self {
            HostString::Borrowed(text) => text.as_ptr(),
            HostString::HandedOver(pointer) => pointer.cast_const(),
        }
    }
}

fn without_nul(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.retain(|&byte| byte != 0);
    bytes
}

/// Runs `body`, turning a panic into `fallback` so that none unwinds into C.
fn guard<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// The host's `context` pointer, carried to the thread that replies.
#[derive(Clone, Copy)]
struct HostContext(*mut c_void);

// SAFETY: `tcmpp.h` requires the host's context to be usable from any thread; Rust never
// dereferences it, it only hands it back to the host's callbacks.
#[allow(unsafe_code)]
unsafe impl Send for HostContext {}
// SAFETY: as above; it is only copied, never dereferenced.
#[allow(unsafe_code)]
unsafe impl Sync for HostContext {}

/// Calls the host's reply callback exactly once: with the reply, or, if the call is dropped
/// unanswered (the runtime shut down, say), with a fail reply.
struct Replier {
    on_reply: unsafe extern "C" fn(*mut c_void, i32, *const c_char),
    context: HostContext,
    flags: u32,
    delivered: bool,
    /// The `errMsg` prefix of the fallback reply, should the call be dropped unanswered.
    prefix: String,
}

impl Replier {
    fn deliver(mut self, reply: Reply, prefix: &str) {
        self.send(&reply, prefix);
    }

    fn deliver_rendered(mut self, kind: ReplyKind, text: String) {
        self.send_text(status(kind), text);
    }

    fn send(&mut self, reply: &Reply, prefix: &str) {
        let text = render(reply, prefix, self.flags);
        self.send_text(status(reply.kind()), text);
    }

    #[allow(unsafe_code)] // Calls the host's callback.
    fn send_text(&mut self, status: i32, text: String) {
        if std::mem::replace(&mut self.delivered, true) {
            return;
        }
        let text = HostString::new(text, self.flags);
        // SAFETY: the host gave this callback for this context, and `text` outlives the call.
        unsafe { (self.on_reply)(self.context.0, status, text.as_ptr()) };
    }
}

impl Drop for Replier {
    fn drop(&mut self) {
        if !self.delivered {
            let prefix = std::mem::take(&mut self.prefix);
            self.send(
                &internal_error("the call was dropped before its handler replied"),
                &prefix,
            );
        }
    }
}

/// The host's progress callback as a [`ProgressSink`].
struct HostProgress {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char),
    context: HostContext,
    flags: u32,
}

impl ProgressSink for HostProgress {
    #[allow(unsafe_code)] // Calls the host's callback.
    fn progress(&self, event: ProgressEvent<'_>) {
        let state_event = event
            .state_event
            .map(|state_event| HostString::new(state_event.to_owned(), self.flags));
        let payload = HostString::new(event.payload_json(), self.flags);
        let state_event_pointer = state_event
            .as_ref()
            .map_or(std::ptr::null(), HostString::as_ptr);
        // SAFETY: the host gave this callback for this context; the strings outlive the call.
        unsafe { (self.callback)(self.context.0, state_event_pointer, payload.as_ptr()) };
    }
}

/// The runtime `async fn` handlers run on, started on first use.
fn runtime() -> Result<&'static tokio::runtime::Runtime, &'static str> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("tcmpp-worker")
                .build()
                .map_err(|error| format!("cannot start the async runtime: {error}"))
        })
        .as_ref()
        .map_err(String::as_str)
}
