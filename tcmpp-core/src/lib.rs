//! Typed custom mini program APIs for super apps built on TCMPP.
//!
//! A mini program calls a custom native API with
//! `wx.invokeNativePlugin({ api_name, data, success, fail, complete })`. With this crate the host
//! side of such an API is an ordinary typed Rust function, found by name in a [`Registry`] and
//! called through one entry, [`Registry::call`]:
//!
//! ```rust,standalone_crate
//! use serde::{Deserialize, Serialize};
//! use tcmpp_core::reply::Rendering;
//! use tcmpp_core::{mini_api, AppInfo, Caller, Registry};
//!
//! #[derive(Deserialize)]
//! struct Person {
//!     name: String,
//!     age: u32,
//! }
//!
//! #[derive(Serialize)]
//! struct Greeting {
//!     result: &'static str,
//!     method: &'static str,
//! }
//!
//! // A handler: registered by the attribute, at link time.
//! #[mini_api("myApiName")]
//! async fn my_api(person: Person, app: AppInfo) -> Greeting {
//!     let _ = (person.name, person.age, app.app_id);
//!     Greeting { result: "success", method: "myApiHandler" }
//! }
//!
//! # futures_executor::block_on(async {
//! // The registry: every handler linked into the binary, checked once at start-up.
//! let registry = Registry::builder().build()?;
//!
//! // A call: the SDK's text, and the caller as the host's SDK states it.
//! let caller = Caller::new().with_app_info(AppInfo::with_app_id("wx_demo"));
//! let reply = registry
//!     .call(r#"{"api_name":"myApiName","data":{"name":"kka","age":22}}"#)
//!     .caller(&caller)
//!     .rendered(Rendering::Callback)
//!     .await;
//! assert_eq!(reply.text, r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#);
//! # Ok::<_, tcmpp_core::BuildError>(())
//! # }).unwrap();
//! ```
//!
//! - [`#[mini_api("name")]`](mini_api) registers a handler at link time: there is no central list.
//! - [`Registry`] collects every registered handler, checks the set once at start-up
//!   ([`registry`]), and dispatches calls by name.
//! - [`Registry::call`] is the one way in: a call as text, bytes or a [`MiniApiCall`], with
//!   options that combine freely on the [`PendingCall`](dispatch::PendingCall) it returns
//!   ([`dispatch`]): the [`Wire`] format, the [`Caller`] as the host's SDK knows it, a
//!   [`ProgressSink`](progress::ProgressSink), and the form of the reply.
//! - [`Reply`] is what goes back ([`reply`]): a result map, a failure or a cancel, taken as it
//!   is (`.await`), or rendered as JSON text with how the call ended
//!   ([`rendered`](dispatch::PendingCall::rendered)): in WeChat's callback convention, or bare
//!   for SDKs that add `errMsg` themselves.
//! - [`Registry::dispatch_json`] is a shortcut for the commonest case, JSON text in and the
//!   callback object's text out, with nobody known as the caller: what
//!   `registry.call(text).rendered(Rendering::Callback)` gives, without the outcome beside the
//!   text. [`Reply::to_callback_json`] renders a [`Reply`] the host already holds (one it built
//!   itself, or took with `.await` to look at first); a call's own reply is rendered straight
//!   from the handler's value instead, so take it rendered when the text is what you need.
//!
//! - Who calls ([`AppInfo`], the web view, the `stateEvent`) is what the host states with
//!   [`Caller`]; text the mini program shapes never sets it.
//! - Handlers take what they need by type ([`context`]): [`State`], [`Extension`],
//!   [`WebViewId`], [`ApiName`], and [`Progress`] to send intermediate results before their
//!   reply, which hosts receive through a sink ([`progress`]).
//! - Synchronous calls (`sync: true`) take their reply at once with
//!   [`ReplyFuture::now_or_fail`](dispatch::ReplyFuture::now_or_fail).
//!   [`Registry::custom_config_json`] generates the SDK's `tcmpp-custom-config.json`.
//! - [`limits`] bounds what one call may cost; [`access`] says which mini programs may call
//!   which APIs.
//! - [`RegistryBuilder::layer`](registry::RegistryBuilder::layer)(registry::RegistryBuilder::layer) wraps every call in
//!   [`middleware`]: tower-style layers for rate limits, metrics, audit logs and auth checks,
//!   which hand values to handlers as [`Extension<T>`](Extension). With the `tower` feature,
//!   `tcmpp_core::tower` makes the registry a `tower::Service` for tower's own layers.
//! - [`bounds`] holds the traits that exist only so that a handler's compile errors say what to
//!   do; nobody implements or names them.
//! - Android, iOS and Flutter hosts call the registry through the C ABI of the `tcmpp-ffi`
//!   crate; `docs/hosts.md` in the repository shows the wiring.
//!
//! # Linking
//!
//! Handlers are collected with [`inventory`], at link time. A library crate that holds handlers
//! but that nothing in the final binary references is not linked at all, and its handlers are
//! not registered. Reference such a crate once from the binary: `use my_handlers as _;`.

pub mod access;
pub mod bounds;
mod builtin;
pub mod call;
mod client_types;
pub mod context;
mod custom_config;
mod data;
pub mod dispatch;
mod echo;
mod error;
mod handler;
mod json;
pub mod limits;
pub mod middleware;
mod panics;
mod passes;
pub mod progress;
pub mod registry;
pub mod reply;
#[cfg(feature = "tower")]
pub mod tower;
mod wire;

// The front page: what handler authors and hosts name every day. Everything else is in the
// module named for its concept, and the traits that exist only for compile errors are in
// `bounds`.
pub use access::AccessPolicy;
pub use call::{AppInfo, Caller, InvalidCaller, MiniApiCall};
#[cfg(feature = "typed-client")]
pub use client_types::{ClientTypes, ClientTypesError};
pub use context::{ApiName, Extension, State, WebViewId};
pub use error::ApiError;
pub use progress::Progress;
pub use registry::{BuildError, Registry};
pub use reply::Reply;
pub use wire::{CallError, Wire};

/// Turns a function into a registered mini program API handler.
///
/// ```rust,standalone_crate
/// # use serde::Deserialize;
/// # use tcmpp_core::{mini_api, ApiError};
/// #[derive(Deserialize)]
/// struct Query { id: u64 }
///
/// #[mini_api("getThing")]
/// async fn get_thing(query: Query) -> Result<serde_json::Value, ApiError> {
///     Ok(serde_json::json!({ "id": query.id }))
/// }
/// ```
///
/// # The name
///
/// The string is the `api_name` mini programs call. It must be a JavaScript identifier (ASCII
/// letters, digits, `_` and `$`, not starting with a digit), because the SDK's
/// `tcmpp-custom-config.json` also exposes it as `wx.<name>(…)`.
///
/// Two handlers of one crate with the same name are a compile error ("the name
/// `mini_api_named_<name>` is defined multiple times", pointing at both names), wherever in the
/// crate they are. Handlers of different crates with the same name are reported, with both
/// locations, when the [`Registry`] is built.
///
/// # Parameters
///
/// - At most one **data** parameter, of any type that implements
///   [`serde::de::DeserializeOwned`], built from the call's `data`. Serde attributes are honoured.
///   When `data` is missing or `null`, a struct or map sees an empty object, an `Option<T>` sees
///   `None` and `()` sees unit.
/// - Any number of **context** parameters, chosen by type: [`AppInfo`] (the [`Caller`] the host
///   stated; a fail reply when it stated none), [`WebViewId`], [`ApiName`], [`MiniApiCall`] (a
///   copy of what the mini program sent),
///   [`State<T>`](State) for state given to [`RegistryBuilder::state`](registry::RegistryBuilder::state),
///   [`Extension<T>`](Extension) for a value a [layer](registry::RegistryBuilder::layer) inserted,
///   [`Progress`] to send
///   intermediate results before the reply, and `Option<…>` of any of them. A parameter is a context parameter when its type is one of these names; mark a
///   parameter `#[context]` to use your own [`FromContext`](context::FromContext) type, or `#[data]` to force the
///   data role. A parameter named `State<T>` is taken as this crate's [`State`], whose `T` must
///   be [`StateValue`](bounds::StateValue); mark a `State` type of your own `#[context]`.
/// - Parameters may be patterns (`Person { name, .. }: Person`, `WebViewId(id): WebViewId`).
///
/// # Returns
///
/// Anything that serializes to a JSON object (a struct, a map), `()` or `Option<T>` (an empty
/// result map when there is nothing), or `Result<T, E>` where `E` is [`ApiError`] (which may
/// carry a numeric code and a body, or mean cancel), any error type, or a message string
/// (anything that implements [`Display`](std::fmt::Display)).
///
/// A return type that plainly is not a JSON object (`String`, numbers, `bool`, `Vec<T>`, tuples,
/// or those in an `Option` or a `Result`) is a compile error; one that turns out not to be an
/// object at run time (a `serde_json::Value` holding a string, say) is a fail reply.
///
/// # Multiplexed APIs: one name, a handler per method
///
/// Some super apps route many actions through one `api_name` by a key of `data` (Luffa's
/// `luffaWebRequest`: `{"methodName":"connect", …}`, `{"methodName":"signMessageV2", …}`). Give
/// each action a handler of its own with `method`; each has its own data type, context
/// parameters, `timeout_ms` and `restricted` flag:
///
/// ```rust,standalone_crate
/// # use serde::Deserialize;
/// # use tcmpp_core::{mini_api, AppInfo, Registry};
/// #[derive(Deserialize)]
/// struct Sign { data: SignData }
///
/// #[derive(Deserialize)]
/// struct SignData { message: String, nonce: String }
///
/// #[mini_api("luffaWebRequest", method = "language")]
/// fn language() -> serde_json::Value {
///     serde_json::json!({ "language": "en" })
/// }
///
/// #[mini_api("luffaWebRequest", method = "signMessageV2", restricted)]
/// async fn sign(call: Sign, app: AppInfo) -> serde_json::Value {
///     serde_json::json!({ "signed": call.data.message, "nonce": call.data.nonce, "by": app.app_id })
/// }
///
/// # futures_executor::block_on(async {
/// let registry = Registry::builder().build()?;
/// let reply = registry
///     .dispatch_json(r#"{"api_name":"luffaWebRequest","data":{"methodName":"language"}}"#)
///     .await;
/// assert_eq!(reply, r#"{"language":"en","errMsg":"luffaWebRequest:ok"}"#);
/// let reply = registry
///     .dispatch_json(r#"{"api_name":"luffaWebRequest","data":{"methodName":"share"}}"#)
///     .await;
/// // The restricted `signMessageV2` is not listed to a caller no grant names.
/// assert_eq!(
///     reply,
///     r#"{"errMsg":"luffaWebRequest:fail invalid data: methodName: unknown method \"share\"; the methods of luffaWebRequest are \"language\""}"#
/// );
/// # Ok::<_, tcmpp_core::BuildError>(())
/// # }).unwrap();
/// ```
///
/// - The key is `methodName` ([`DEFAULT_METHOD_KEY`](registry::DEFAULT_METHOD_KEY)) unless `method_key = "action"` says
///   otherwise; every method of one API must name the same key.
/// - The method is found by a scan of `data`'s top-level keys, before the access check and
///   before anything is parsed. A call whose `data` names no method with a handler (unknown,
///   missing, not a string, given twice, or no `data` at all) fails with a reply that names
///   the key and lists the methods the caller may call (never one it may not); a caller that
///   may call none of them gets `permission denied` instead.
/// - **The key stays in the data the handler sees.** serde ignores it unless the data type
///   refuses unknown fields (`#[serde(deny_unknown_fields)]`): such a type declares it, e.g.
///   `#[serde(rename = "methodName")] _method: String`. A handler that takes `serde_json::Value`
///   sees it too.
/// - The registry lists each method ([`ApiInfo::method`](registry::ApiInfo::method), [`Registry::get_method`]); an access
///   grant names the whole API (`"luffaWebRequest"`) or one method
///   (`"luffaWebRequest.signMessageV2"`); the SDK config lists the API once
///   ([`Registry::custom_config`] says what it lists when methods mix plain `fn` and
///   `async fn`).
/// - Two handlers of one (name, method) in one crate are a compile error; across crates, and a
///   name registered both plain and with methods, the [`Registry`] reports them when built,
///   with every location.
///
/// # Options
///
/// `#[mini_api("name", crate = path::to::tcmpp_core)]` names the runtime crate when it is
/// re-exported under another path. `method = "…"` and `method_key = "…"` make the handler one
/// method of a multiplexed API (above).
///
/// `restricted` lets only the mini programs an [`AccessPolicy`] grants call the API;
/// `timeout_ms = N` gives an `async fn` its own timeout.
///
/// `fail_body = T` declares the type of the body the handler's fail replies carry
/// ([`ApiError::with_body`]), so that the typed client (feature `typed-client`) types the fail
/// object with `T`'s keys. The declaration is the handler's word: the body itself is whatever
/// `with_body` is given.
///
/// `overrides_builtin` says the API is named like a built-in `wx` API on purpose (Android's
/// `@JsEvent("getAppBaseInfo")` does that): the SDK exposes every custom API as `wx.<name>`, so
/// [`RegistryBuilder::build`](registry::RegistryBuilder::build) logs a warning for a custom API named like a built-in one
/// (`requestPayment`, `openSetting`) unless its handler says so. On a name that no built-in
/// API has, it is a compile error.
///
/// A plain `fn` (not `async`, possibly `const`) is allowed: its body runs when the call is
/// dispatched, so it can answer synchronous calls (`sync: true`, see [`ReplyFuture::now_or_fail`](dispatch::ReplyFuture::now_or_fail))
/// and is listed as `sync` in the generated SDK config ([`Registry::custom_config`]). An
/// `async fn`'s future must be `Send`: the error names the handler and the value held across an
/// `.await`.
///
/// # Compile errors
///
/// Misuse is a compile error on the offending token that says what to do: the attribute on
/// something other than a free function; a method, generic, `unsafe` or `extern` function; a
/// second data parameter; a borrowed data parameter; a type that is neither data
/// ([`DataParam`](bounds::DataParam)) nor context ([`FromContext`](context::FromContext)); state that is not [`StateValue`](bounds::StateValue); a reply that
/// is not [`ReplyValue`](bounds::ReplyValue) or not an object; an error that is not [`IntoApiError`](bounds::IntoApiError).
pub use tcmpp_macros::mini_api;

/// Support for code that `#[mini_api]` generates. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::builtin::is_builtin_wx_api;
    pub use crate::handler::{
        ApiEntry, ContextParam, HandlerReply, Invocation, Outcome, ResultKind, ResultTag,
        ValueKind, ValueTag, failure, success,
    };
    pub use crate::handler::{
        DescribeData, DescribeFailBody, DescribeFn, DescribeProgress, DescribeResult, Describer,
        ErrorProbe, KnownError, MessageError, ReturnProbe, TypeProbe, Undescribed, absent,
    };
    pub use crate::reply::format::ReplyFormat;
    // For tcmpp-ffi's `tcmpp_apis_json`: its strings escaped as the replies' are, not by a
    // serializer of serde_json's that only it would link.
    pub use crate::reply::text::push_escaped;
    pub use inventory;
}
