//! The traits `#[mini_api]` checks a handler's types against: diagnostics, not API to use.
//!
//! Each is implemented for every type that qualifies, so nobody implements or names them. They
//! exist for the compiler's error messages: when a handler's parameter, return or error type
//! does not fit, the error names the role the type plays in the handler and says how to fix it,
//! instead of naming a serde trait. This module is where those messages point.
//!
//! | trait | what it asks of a handler's type |
//! |---|---|
//! | [`DataParam`] | the data parameter deserializes from the call's `data` |
//! | [`ReplyValue`] | the reply serializes |
//! | [`StateValue`] | `State<T>`'s `T` can be shared by every call |
//! | [`IntoApiError`] | the error of `Result<T, E>` can become a fail reply |
//! | [`ApiErrorSource`] | what `?` meets in a handler returning `Result<T, ApiError>` is an error |
//! | [`DescribedType`] | with `typed-client-strict`, the type can be described to the mini program |

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use crate::error::{ApiErrorSource, IntoApiError};
pub use crate::handler::DescribedType;

/// A type a handler can take as its data parameter: every [`DeserializeOwned`] type.
///
/// The data parameter is deserialized from the call's `data`, so it cannot borrow from it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the data parameter of a mini API handler",
    label = "not deserializable from the call's `data`",
    note = "the data parameter is built from the call's `data` with serde: derive `serde::Deserialize` for it, or take an owned type that implements `serde::de::DeserializeOwned`",
    note = "if this is meant to be a context parameter, implement `tcmpp_core::context::FromContext` for it and mark the parameter `#[context]`"
)]
pub trait DataParam: DeserializeOwned {}

impl<T: DeserializeOwned> DataParam for T {}

/// A type a handler can return on success: every [`Serialize`] type.
///
/// The reply must serialize to a JSON object (or to nothing: `()`, `None`); `#[mini_api]`
/// rejects the types that plainly do not, and a value that turns out not to be an object at run
/// time becomes a fail reply.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the reply of a mini API handler",
    label = "does not implement `serde::Serialize`",
    note = "a handler's reply is sent as a JSON object: derive `serde::Serialize` on a struct, or return a map, `()`, `Option<T>` or `Result<T, E>` of those"
)]
pub trait ReplyValue: Serialize {}

impl<T: Serialize> ReplyValue for T {}

/// A type that can be shared application state, taken as [`State<T>`](crate::State): every
/// `Send + Sync + 'static` type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be shared application state",
    label = "`State<T>` needs `T: Send + Sync + 'static`",
    note = "every call shares the state, from any thread: use `Arc` instead of `Rc`, and `Mutex`, `RwLock` or an atomic instead of `Cell` or `RefCell`"
)]
pub trait StateValue: Send + Sync + 'static {}

impl<T: Send + Sync + 'static> StateValue for T {}
