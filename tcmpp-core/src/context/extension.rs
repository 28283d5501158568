//! Values that layers hand to handlers: the `Extension<T>` extractor and the per-call map that
//! carries them.
//!
//! The map is the call's own: the request owns it while the layers run, and the innermost
//! layer lends it to the call's context for the span in which the handler's context parameters
//! are extracted (synchronously, before an `async fn`'s body starts). The context holds a
//! borrow, not the map, so that calls through a registry without layers carry one pointer, and
//! a call a handler dispatches has a context of its own, which sees none of this call's values.

use std::any::{Any, TypeId};
use std::fmt;
use std::ops::Deref;

use super::{CallContext, FromContext};
use crate::error::ApiError;

/// A value a layer of the registry inserted into the call with
/// [`ApiRequest::insert_extension`](crate::middleware::ApiRequest::insert_extension), taken by a
/// handler as a context parameter.
///
/// `T` is cloned out of the call. A call that reaches the handler without one fails with
/// `"missing context: …"` and the handler does not run; take `Option<Extension<T>>` when a
/// layer may leave it out. A [`FromContext`] type of your own builds on it with
/// `Extension::<T>::from_context(cx)`.
///
/// ```
/// use tcmpp_core::middleware::{ApiRequest, ApiService, Next, NextFuture};
/// use tower_layer::Layer;
/// use tcmpp_core::{mini_api, Extension, Registry};
///
/// #[derive(Clone)]
/// struct UserId(u64);
///
/// #[mini_api("whoIsSignedIn")]
/// fn who_is_signed_in(Extension(user): Extension<UserId>) -> serde_json::Value {
///     serde_json::json!({ "user": user.0 })
/// }
///
/// /// Signs every caller in as user 7.
/// struct SignIn;
///
/// impl Layer<Next> for SignIn {
///     type Service = SignedIn;
///     fn layer(&self, inner: Next) -> SignedIn {
///         SignedIn(inner)
///     }
/// }
///
/// struct SignedIn(Next);
///
/// impl ApiService for SignedIn {
///     type Future = NextFuture;
///     fn call(&self, mut request: ApiRequest<'_>) -> NextFuture {
///         request.insert_extension(UserId(7));
///         self.0.call(request)
///     }
/// }
///
/// let registry = Registry::builder().layer(SignIn).build()?;
/// let reply = registry.call(r#"{"api_name":"whoIsSignedIn"}"#).reply().now_or_fail();
/// assert_eq!(reply.result().unwrap()["user"], 7);
/// # Ok::<_, tcmpp_core::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Extension<T>(pub T);

impl<T> Deref for Extension<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone + Send + Sync + 'static> FromContext for Extension<T> {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        current::<T>(cx).map(Extension).ok_or_else(|| {
            ApiError::new(format!(
                "missing context: no extension of type `{}`: no layer of the registry inserted one",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// A clone of the extension of type `T` the layers inserted into the call `cx` belongs to.
fn current<T: Clone + 'static>(cx: &CallContext<'_>) -> Option<T> {
    cx.extensions.and_then(Extensions::get::<T>).cloned()
}

/// The values layers inserted into one call, by type. Most calls carry none or one, so a list
/// searched in order beats a map, and an empty one allocates nothing.
#[derive(Default)]
pub(crate) struct Extensions {
    values: Vec<(TypeId, Box<dyn Any + Send + Sync>)>,
}

impl Extensions {
    /// Inserts `value`, returning the one of its type it replaces.
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: T) -> Option<T> {
        let id = TypeId::of::<T>();
        match self.values.iter_mut().find(|(key, _)| *key == id) {
            Some((_, slot)) => std::mem::replace(slot, Box::new(value))
                .downcast::<T>()
                .ok()
                .map(|old| *old),
            None => {
                self.values.push((id, Box::new(value)));
                None
            }
        }
    }

    pub(crate) fn get<T: 'static>(&self) -> Option<&T> {
        let id = TypeId::of::<T>();
        self.values
            .iter()
            .find(|(key, _)| *key == id)
            .and_then(|(_, value)| value.downcast_ref::<T>())
    }

    pub(crate) fn remove<T: 'static>(&mut self) -> Option<T> {
        let id = TypeId::of::<T>();
        let index = self.values.iter().position(|(key, _)| *key == id)?;
        self.values
            .swap_remove(index)
            .1
            .downcast::<T>()
            .ok()
            .map(|value| *value)
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values are the program's own, but their types need not be `Debug`.
        f.debug_struct("Extensions")
            .field("len", &self.values.len())
            .finish()
    }
}
