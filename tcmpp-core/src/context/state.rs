//! Shared application state: the `State<T>` extractor and the registry's map of states.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use super::{CallContext, FromContext};
use crate::error::ApiError;

/// Shared application state given to [`RegistryBuilder::state`](crate::registry::RegistryBuilder::state).
///
/// The registry refuses to build when a handler takes a `State<T>` that was not provided, so a
/// missing state shows at start-up, never on a user's tap.
///
/// ```rust,standalone_crate
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use tcmpp_core::{mini_api, Registry, State};
///
/// struct Counter(AtomicU64);
///
/// #[mini_api("count")]
/// async fn count(counter: State<Counter>) -> serde_json::Value {
///     serde_json::json!({ "count": counter.0.fetch_add(1, Ordering::Relaxed) + 1 })
/// }
///
/// let registry = Registry::builder().state(Counter(AtomicU64::new(0))).build().unwrap();
/// # assert!(registry.get("count").is_some());
/// ```
pub struct State<T: ?Sized>(Arc<T>);

impl<T: ?Sized> State<T> {
    /// The shared value.
    pub fn into_inner(self) -> Arc<T> {
        self.0
    }
}

impl<T: ?Sized> Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("State").field(&&*self.0).finish()
    }
}

impl<T: Send + Sync + 'static> FromContext for State<T> {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        // The registry checked at build time that every required state is there.
        cx.state::<T>().map(State).ok_or_else(|| {
            ApiError::new(format!(
                "missing context: no state of type `{}`",
                std::any::type_name::<T>()
            ))
        })
    }

    fn required_state() -> Option<StateKey> {
        Some(StateKey::of::<T>())
    }
}

/// Identifies a type of state: its [`TypeId`] and its name, for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StateKey {
    type_id: TypeId,
    type_name: &'static str,
}

impl StateKey {
    /// The key of `T`.
    pub fn of<T: ?Sized + 'static>() -> Self {
        StateKey {
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
        }
    }

    /// The type's name.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

/// The states a registry holds, by type.
#[derive(Default)]
pub(crate) struct StateMap {
    states: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl StateMap {
    /// Adds a state; returns `false` when one of that type was already there.
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: Arc<T>) -> bool {
        self.states.insert(TypeId::of::<T>(), value).is_none()
    }

    pub(crate) fn contains(&self, key: &StateKey) -> bool {
        self.states.contains_key(&key.type_id)
    }

    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.states
            .get(&TypeId::of::<T>())
            .cloned()
            .and_then(|state| state.downcast::<T>().ok())
    }
}
