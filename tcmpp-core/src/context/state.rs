//! Shared application state: the `State<T>` extractor and the registry's map of states.

use std::any::{Any, TypeId};
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
        cx.state::<T>()
            .map(State)
            .ok_or_else(|| missing_state(std::any::type_name::<T>()))
    }

    fn required_state() -> Option<StateKey> {
        Some(StateKey::of::<T>())
    }
}

/// The error of a state of the type `type_name` that is not there: formatted here, once, not in
/// each state type's `from_context`.
#[cold]
#[inline(never)]
fn missing_state(type_name: &'static str) -> ApiError {
    ApiError::new(format!("missing context: no state of type `{type_name}`"))
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

/// The states a registry holds, by type: sorted by [`TypeId`], searched in halves. A handful in
/// most registries, given once at start-up: a list, not a `HashMap`, whose hash table code
/// would be compiled for this type alone.
#[derive(Default)]
pub(crate) struct StateMap {
    states: Vec<(TypeId, Arc<dyn Any + Send + Sync>)>,
}

impl StateMap {
    /// Adds a state; returns `false` when one of that type was already there (and replaces it,
    /// as a map's `insert` does).
    #[cfg(test)]
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: Arc<T>) -> bool {
        self.insert_of(TypeId::of::<T>(), value)
    }

    /// Adds a state of the type `type_id`, as [`insert`](Self::insert) does; not generic.
    pub(crate) fn insert_of(&mut self, type_id: TypeId, value: Arc<dyn Any + Send + Sync>) -> bool {
        match self.states.binary_search_by_key(&type_id, |(id, _)| *id) {
            Ok(at) => {
                // `get_mut`, not an index: the search's place is in bounds, and an index would
                // be a panic site of its own.
                if let Some((_, state)) = self.states.get_mut(at) {
                    *state = value;
                }
                false
            }
            Err(at) => {
                self.states.insert(at, (type_id, value));
                true
            }
        }
    }

    pub(crate) fn contains(&self, key: &StateKey) -> bool {
        self.find(key.type_id).is_some()
    }

    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.find(TypeId::of::<T>())
            .cloned()
            .and_then(|state| state.downcast::<T>().ok())
    }

    /// The state of one type; not generic, so compiled once.
    fn find(&self, type_id: TypeId) -> Option<&Arc<dyn Any + Send + Sync>> {
        let at = self
            .states
            .binary_search_by_key(&type_id, |(id, _)| *id)
            .ok()?;
        // `get`, not an index, as in `insert_of`.
        self.states.get(at).map(|(_, state)| state)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{StateKey, StateMap, missing_state};

    #[test]
    fn holds_one_state_per_type_and_finds_each() {
        let mut states = StateMap::default();
        assert!(states.insert(Arc::new(1_u8)));
        assert!(states.insert(Arc::new("two")));
        assert!(states.insert(Arc::new(3_u64)));
        assert!(states.insert(Arc::new(String::from("four"))));
        // A second of a type replaces the first, and says so.
        assert!(!states.insert(Arc::new(5_u64)));
        assert_eq!(states.get::<u8>().as_deref(), Some(&1));
        assert_eq!(states.get::<&str>().as_deref(), Some(&"two"));
        assert_eq!(states.get::<u64>().as_deref(), Some(&5));
        assert_eq!(
            states.get::<String>().as_deref().map(String::as_str),
            Some("four")
        );
        assert_eq!(states.get::<u32>(), None);
        assert!(states.contains(&StateKey::of::<String>()));
        assert!(!states.contains(&StateKey::of::<i8>()));
    }

    #[test]
    fn a_missing_state_is_named_as_before() {
        assert_eq!(
            missing_state(std::any::type_name::<Vec<u8>>()).message(),
            "missing context: no state of type `alloc::vec::Vec<u8>`"
        );
    }
}
