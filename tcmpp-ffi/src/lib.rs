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
//! The C declarations are in `include/tcmpp.h`, shipped with this crate. Over them, iOS apps use
//! the Objective-C class `TcmppBridge` shipped in this crate's `ios/` directory and the SDK
//! registration [`ios::ExternalJsPlugin`] generates from the registry; Flutter apps use the Dart
//! file [`flutter::DartApis`] generates (its package is in `flutter/`). Android apps use the
//! [`android`] bridge instead (feature `jni`): a shipped Kotlin class over JNI, and a generated
//! `@JsEvent` plugin. `docs/hosts.md` shows each, and says what is verified where.
//!
//! # The exported functions
//!
//! | C function | what it does |
//! |---|---|
//! | `char *tcmpp_init(void)` | builds the registry now; `NULL`, or the build error's text |
//! | `char *tcmpp_apis_json(void)` | the registered APIs as JSON, to register each name with the SDK |
//! | `char *tcmpp_custom_config_json(void)` | the SDK's `tcmpp-custom-config.json` |
//! | `int32_t tcmpp_dispatch(api_name, call_json, caller_json, flags, on_reply, on_progress, context)` | dispatches a call; the reply arrives through a callback |
//! | `char *tcmpp_dispatch_sync(api_name, call_json, caller_json, flags, status_out)` | answers a `sync: true` call at once |
//! | `tcmpp_caller *tcmpp_caller_new(caller_json, flags, error_out)` | reads a caller once, for every call it makes |
//! | `int32_t tcmpp_caller_dispatch(caller, api_name, call_json, flags, on_reply, on_progress, context)` | `tcmpp_dispatch` with a caller handle |
//! | `char *tcmpp_caller_dispatch_sync(caller, api_name, call_json, flags, status_out)` | `tcmpp_dispatch_sync` with a caller handle |
//! | `void tcmpp_caller_free(tcmpp_caller *)` | frees a caller handle |
//! | `void tcmpp_string_free(char *)` | frees a string returned by the functions above |
//! | `uint32_t tcmpp_abi_version(void)` | [`ABI_VERSION`], to check against the header's `TCMPP_ABI_VERSION` |
//!
//! Each call goes through [`Registry::call`](tcmpp_core::Registry::call): the flags state its
//! wire format ([`LEGACY_FORMAT`]) and its rendering ([`RENDER_BARE`]), `caller_json` its
//! [`Caller`](tcmpp_core::Caller), the progress callback its progress sink.
//!
//! # Who calls: `caller_json`
//!
//! The mini program is untrusted. On Android the call text (`req.jsonParams`) is its own
//! `opts` object, so an `appInfo`, `webviewId` or `stateEvent` in it is whatever the mini
//! program wrote. Who calls is therefore stated by the host, beside the call, from what its SDK
//! knows (Android `mMiniAppContext.getMiniAppInfo()`, iOS `context.tmfAppInfo`, Flutter
//! `call.appInfo`):
//!
//! ```json
//! {"appInfo":{"appId":"wx_wallet","appVerType":0},"webviewId":4,"stateEvent":"onPayProgress"}
//! ```
//!
//! Every key is optional; `appInfo` takes [`AppInfo`](tcmpp_core::AppInfo)'s camelCase fields.
//! A `NULL` `caller_json` states nobody: access control then sees no `appId`, a `WebViewId`
//! parameter fails, and progress events carry no `stateEvent`. A `caller_json` that is not UTF-8,
//! not JSON, or not of that shape is a fail reply (`invalid caller: …`), never a guess.
//!
//! A host that calls many times for one mini program or web view states its caller once
//! instead: `tcmpp_caller_new(caller_json, flags, &error)` reads it into a handle (`NULL`, and
//! the reason in `error`, when it is refused), which `tcmpp_caller_dispatch` and
//! `tcmpp_caller_dispatch_sync` take in place of `caller_json`, so no call parses it again;
//! `tcmpp_caller_free` frees it. The handle is an id, not a pointer: a `NULL`, freed or
//! made-up handle is a fail reply (`invalid caller: …`), not a read of freed memory.
//!
//! The call text's own caller keys are not believed: an `appInfo` in it is refused, and
//! `webviewId` and `stateEvent` are ignored. With [`CALLER_FROM_CALL_TEXT`] they are read from
//! the text instead, for a host whose call text is its SDK's own rendering; never for Android's
//! `req.jsonParams`.
//!
//! # The registry
//!
//! State cannot be handed across C, so the registry is built lazily, on the first call of any
//! exported function, by `Registry::builder().build()` or by the function given as
//! `export_c_abi!(build = path::to::build_fn)` (which may add `.state(…)` or an access policy
//! from Rust). Call `tcmpp_init` at start-up to build it early and see a build error (a
//! duplicate API name, a missing state) as text; until it is fixed, every call gets a fail
//! reply that carries it.
//!
//! # Threads and the runtime
//!
//! `async fn` handlers run on a Tokio multi-thread runtime (one worker per core, threads named
//! `tcmpp-worker`) that is started on the first asynchronous dispatch that needs it and lives
//! until the process exits. Handlers may therefore use Tokio's timers and I/O. Plain-`fn`
//! handlers, and calls refused before a handler runs, answer on the calling thread, *before*
//! `tcmpp_dispatch` returns. Every exported function may be called from any thread, at the same
//! time.
//!
//! # Safety across the boundary
//!
//! No panic crosses into C: each exported function catches unwinding, and a handler's panic is a
//! fail reply. A `NULL` or non-UTF-8 call is a fail reply too, never undefined behaviour, as
//! long as the pointers the host passes are either `NULL` or valid, NUL-terminated strings.

use std::ffi::{c_char, c_void};

pub mod android;
mod answer;
mod caller;
mod entry;
mod export;
pub mod flutter;
mod generated;
mod handles;
mod host;
pub mod ios;
mod prepare;
mod registry;
mod runtime;
mod strings;

/// Support for [`export_c_abi!`]'s expansion. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::entry::{
        apis_json, caller_free, caller_new, custom_config_json, dispatch, dispatch_sync, init,
        string_free,
    };
    pub use crate::prepare::{HostCall, HostCaller};
    pub use crate::registry::{Built, build, default_registry};

    /// What `export_jni!`'s expansion names.
    #[cfg(feature = "jni")]
    pub mod android {
        pub use crate::android::natives::*;
        pub use jni;
    }
}

/// `tcmpp_dispatch`'s reply callback: `(context, status, reply_json)`.
///
/// `status` is one of [`STATUS_SUCCESS`], [`STATUS_FAIL`], [`STATUS_CANCEL`]; `reply_json` is
/// valid only during the call (copy it to keep it), unless the flags include
/// [`HOST_FREES_STRINGS`]. It may run on the calling thread before `tcmpp_dispatch` returns, or
/// later on a runtime worker thread.
pub type ReplyCallback =
    Option<unsafe extern "C" fn(context: *mut c_void, status: i32, reply_json: *const c_char)>;

/// `tcmpp_dispatch`'s progress callback: `(context, state_event, payload_json)`.
///
/// `state_event` is the `stateEvent` the host stated in `caller_json` (or, with
/// [`CALLER_FROM_CALL_TEXT`], the call text's), `NULL` when there is none; both strings are
/// valid only during the call unless the flags include [`HOST_FREES_STRINGS`]. It runs on the
/// thread that runs the handler, before the reply callback, one event at a time, in order.
/// `payload_json` is any JSON value the handler sent: an object, or a string such as iOS's
/// `doSubscribe` takes.
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
/// success, `{"body":{…},"code":…,"message":…}` on failure (`body` and `code` only when there is
/// one), `{}` on cancel.
pub const RENDER_BARE: u32 = 1;

/// Flag: the strings passed to the reply and progress callbacks are handed over to the host,
/// which frees each with `tcmpp_string_free`, instead of being borrowed for the callback only.
/// For hosts that read them after the callback returns, such as Dart's
/// `NativeCallable.listener`, which runs the Dart function later on the isolate's thread.
pub const HOST_FREES_STRINGS: u32 = 2;

/// Flag: the call is in the legacy Android format (SDK 2.2.16 and earlier), whose whole object
/// is the data; `api_name` must then be given. Without it, a call is read in the unified
/// format. The format is stated, never guessed: every key of a legacy call is the mini
/// program's.
pub const LEGACY_FORMAT: u32 = 4;

/// Flag: the call text is the host SDK's own rendering, which no mini program can shape, so
/// its `appInfo`, `webviewId` and `stateEvent` are believed
/// ([`Caller::trust_call_text`](tcmpp_core::Caller::trust_call_text)); what `caller_json` states
/// takes precedence. Never right for Android's `req.jsonParams`, which is the mini program's
/// own object. A legacy call has no caller keys, so the flag changes nothing there.
pub const CALLER_FROM_CALL_TEXT: u32 = 8;

/// The version of the C ABI, `TCMPP_ABI_VERSION` in `tcmpp.h`, which `tcmpp_abi_version()`
/// returns: glue compiled against the header compares the two at start-up. Raised by every
/// change to a signature, a flag or a constant of the header; 2 is the ABI with `caller_json`
/// before `flags` (1, never stamped, had no `caller_json`); 3 adds caller handles
/// (`tcmpp_caller_new`, `tcmpp_caller_free`, `tcmpp_caller_dispatch`,
/// `tcmpp_caller_dispatch_sync`).
pub const ABI_VERSION: u32 = 3;

/// `tcmpp_dispatch` accepted the call: the reply callback runs exactly once.
pub const DISPATCH_ACCEPTED: i32 = 0;
/// `tcmpp_dispatch` was given no reply callback, so it did nothing.
pub const DISPATCH_NO_REPLY_CALLBACK: i32 = -1;
