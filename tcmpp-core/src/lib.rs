//! Typed custom mini program APIs for super apps built on TCMPP.
//!
//! A mini program calls a custom native API with
//! `wx.invokeNativePlugin({ api_name, data, success, fail, complete })`. With this crate the host
//! side of such an API is an ordinary typed Rust function:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tcmpp_core::{mini_api, AppInfo, Registry};
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
//! #[mini_api("myApiName")]
//! async fn my_api(person: Person, app: Option<AppInfo>) -> Greeting {
//!     let _ = (person.name, person.age, app);
//!     Greeting { result: "success", method: "myApiHandler" }
//! }
//!
//! # futures_executor::block_on(async {
//! let registry = Registry::builder().build()?;
//! let reply = registry
//!     .dispatch_json(r#"{"api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"#)
//!     .await;
//! assert_eq!(reply, r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#);
//! # Ok::<_, tcmpp_core::BuildError>(())
//! # }).unwrap();
//! ```
//!
//! - [`#[mini_api("name")]`](mini_api) registers a handler at link time: there is no central list.
//! - [`Registry`] collects every registered handler, checks the set once at start-up, and
//!   dispatches calls by name.
//! - [`MiniApiCall`] is one call as the host SDK hands it over, in either wire format.
//! - [`Reply`] is what goes back: a result map, a [`Failure`], or a cancel, rendered in WeChat's
//!   callback convention or left bare for SDKs that add `errMsg` themselves.
//!
//! # Linking
//!
//! Handlers are collected with [`inventory`], at link time. A library crate that holds handlers
//! but that nothing in the final binary references is not linked at all, and its handlers are
//! not registered. Reference such a crate once from the binary: `use my_handlers as _;`.

mod call;
mod context;
mod data;
mod dispatch;
mod error;
mod handler;
mod registry;
mod reply;
mod wire;

pub use call::{AppInfo, CallError, MiniApiCall, WireFormat};
pub use context::{ApiName, CallContext, FromContext, State, StateKey, WebViewId};
pub use dispatch::{CallbackFuture, ReplyFuture};
pub use error::{ApiError, IntoApiError};
pub use registry::{
    ApiInfo, BuildError, BuildProblem, HandlerKind, Registry, RegistryBuilder, SourceLocation,
};
pub use reply::{ErrMsgPrefix, Failure, FailureKind, Reply};

/// Turns a function into a registered mini program API handler.
///
/// ```
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
/// # Parameters
///
/// - At most one **data** parameter, of any type that implements
///   [`serde::de::DeserializeOwned`], built from the call's `data`. Serde attributes are honoured.
///   When `data` is missing or `null`, a struct or map sees an empty object, an `Option<T>` sees
///   `None` and `()` sees unit.
/// - Any number of **context** parameters, chosen by type: [`AppInfo`] (a fail reply when the
///   call carries none), [`WebViewId`], [`ApiName`], [`MiniApiCall`] (the whole call, a copy),
///   [`State<T>`](State) for state given to [`RegistryBuilder::state`], and `Option<…>` of any of
///   them. A parameter is a context parameter when its type is one of these names; mark a
///   parameter `#[context]` to use your own [`FromContext`] type, or `#[data]` to force the
///   data role.
///
/// # Returns
///
/// Anything that serializes to a JSON object (a struct, a map), `()` or `Option<T>` (an empty
/// result map when there is nothing), or `Result<T, E>` where `E` is [`ApiError`] (which may
/// carry a numeric code or mean cancel), any error type, or a message string (anything that
/// implements [`Display`](std::fmt::Display)).
///
/// # Options
///
/// `#[mini_api("name", crate = path::to::tcmpp_core)]` names the runtime crate when it is
/// re-exported under another path.
///
/// A plain `fn` (not `async`) is allowed: its body runs when the call is dispatched.
pub use tcmpp_macros::mini_api;

/// Support for code that `#[mini_api]` generates. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::handler::{
        ApiEntry, HandlerReply, Invocation, Outcome, ReplyFormat, ResultKind, ResultTag, ValueKind,
        ValueTag, assert_send,
    };
    pub use inventory;
}
