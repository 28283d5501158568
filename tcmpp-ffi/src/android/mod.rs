//! The Android bridge: the Kotlin class `rs.tcmpp.android.TcmppBridge`, shipped in this crate's
//! `android/` directory, calls the registry through JNI, without going through the C ABI.
//!
//! Turn on the `jni` feature and export the native methods from the `cdylib` the app loads,
//! with one line:
//!
//! ```toml
//! tcmpp-ffi = { version = "0.1", features = ["jni"] }
//! ```
//!
//! ```text
//! tcmpp_ffi::export_jni!();
//! ```
//!
//! Then, in Kotlin, `TcmppBridge.init("my_handlers")` loads `libmy_handlers.so` and builds the
//! registry (a build error is a `TcmppBuildException` listing every problem), and
//! `TcmppBridge.dispatch(apiName, req.jsonParams, caller)` suspends until the reply. The
//! `@JsEvent` plugin that routes every registered API to the bridge is generated from the
//! registry by [`JsPlugin`].
//!
//! # What crosses the boundary, and how
//!
//! - Strings are read exactly, each crossed once (the JVM's UTF-16 copied out and decoded in
//!   Rust; a synchronous reply written as UTF-16): a Java string with a lone surrogate is a fail
//!   reply, never a replacement character. A `null` `paramsJson` is a fail reply too.
//! - The Kotlin listener of a call is held by a global reference from dispatch to reply, and
//!   released after it (`TcmppBridge.heldListeners()` counts those held).
//! - Replies and progress events of `async fn` handlers are delivered on the runtime's
//!   `tcmpp-worker` threads, each attached to the JVM as a daemon thread the first time it calls
//!   back (so a JVM exits without waiting for them), and detached when it ends;
//!   `TcmppBridge.shutdown()` ends them (`TcmppBridge.attachedThreads()` counts those attached).
//! - No Rust panic unwinds into the JVM: a handler's panic is a fail reply, and a panic in this
//!   layer is thrown as a `RuntimeException`. An exception a Kotlin listener throws is printed
//!   and cleared where it is called: the process and the other calls go on.
//! - Cancelling the coroutine (or `TcmppPendingCall.cancel()`) drops the handler's future and
//!   answers the call with a cancel reply.
//!
//! The registry is the one `export_jni!` (feature `jni`) builds, lazily, like
//! [`export_c_abi!`](crate::export_c_abi)'s (the two macros build one each).

#[cfg(feature = "jni")]
mod calls;
#[cfg(feature = "jni")]
mod daemon;
#[cfg(feature = "jni")]
mod export;
#[cfg(feature = "jni")]
mod listener;
#[cfg(feature = "logcat")]
pub mod log;
mod lookups;
#[cfg(feature = "jni")]
pub(crate) mod natives;
mod plugin;
#[cfg(feature = "jni")]
mod strings;

pub use lookups::{JAVA_LOOKUPS, JavaLookup, LookupKind, consumer_rules};
pub use plugin::JsPlugin;
