//! Configuring and checking a registry before it serves its first call.

use std::any::{Any, TypeId};
use std::sync::Arc;

use tower_layer::Layer;

use super::sort::{merge_sort_by, sort_by};
use super::{ApiInfo, BuildError, BuildProblem, Config, Registry};
use crate::access::{ANY, AccessControl, AccessPolicy, name_and_method};
use crate::context::{StateKey, StateMap};
use crate::handler::ApiEntry;
use crate::limits::Limits;
use crate::middleware::{ApiService, Layers, Next};
use crate::reply::ErrMsgPrefix;

/// Configures and builds a [`Registry`].
pub struct RegistryBuilder {
    states: StateMap,
    duplicate_states: Vec<&'static str>,
    config: Config,
    policy: AccessPolicy,
    layers: Layers,
}

impl RegistryBuilder {
    pub(super) fn new() -> Self {
        RegistryBuilder {
            states: StateMap::default(),
            duplicate_states: Vec::new(),
            config: Config::default(),
            policy: AccessPolicy::default(),
            layers: Layers::default(),
        }
    }

    /// Provides state that handlers take as [`State<T>`](crate::State). One value per type.
    #[must_use]
    pub fn state<T: Send + Sync + 'static>(self, value: T) -> Self {
        // Put in its `Arc` by `add_state`, which owns the builder by then: a builder live across
        // the allocation here was one more copy of the builder's drop glue (for the unwinding)
        // in each crate that provides state.
        let mut value = Some(value);
        self.add_state(TypeId::of::<T>(), std::any::type_name::<T>(), &mut || {
            value
                .take()
                .map(|value| Arc::new(value) as Arc<dyn Any + Send + Sync>)
        })
    }

    /// Provides state the host already holds in an `Arc`.
    #[must_use]
    pub fn shared_state<T: Send + Sync + 'static>(self, value: Arc<T>) -> Self {
        let mut value = Some(value as Arc<dyn Any + Send + Sync>);
        self.add_state(TypeId::of::<T>(), std::any::type_name::<T>(), &mut || {
            value.take()
        })
    }

    /// Adds the state `make` gives, of the type `type_id` named `name`: what [`state`] and
    /// [`shared_state`] do, not generic.
    ///
    /// [`state`]: Self::state
    /// [`shared_state`]: Self::shared_state
    fn add_state(
        mut self,
        type_id: TypeId,
        name: &'static str,
        make: &mut dyn FnMut() -> Option<Arc<dyn Any + Send + Sync>>,
    ) -> Self {
        if let Some(value) = make() {
            if !self.states.insert_of(type_id, value) {
                self.duplicate_states.push(name);
            }
        }
        self
    }

    /// Sets what comes before `:ok` / `:fail` in rendered `errMsg`s; the API name by default.
    #[must_use]
    pub fn errmsg_prefix(mut self, prefix: ErrMsgPrefix) -> Self {
        self.config.prefix = prefix;
        self
    }

    /// Sets the limits on every call: its size, nesting and top-level keys, and how long an
    /// `async fn` handler may run; [`Limits::default`] when not set.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.set_limits(limits);
        self
    }

    /// Shows panic messages to mini programs: `"internal error: the handler panicked: <msg>"`.
    ///
    /// Off by default, because a panic message can reveal internals; the message is always
    /// logged (with `tracing`, at error level). Turn it on in development only.
    #[must_use]
    pub fn expose_panic_messages(mut self, expose: bool) -> Self {
        self.config.expose_panic_messages = expose;
        self
    }

    /// Sets which mini programs may call which APIs; see [`AccessPolicy`]. Without one,
    /// `restricted` APIs refuse every caller and other APIs answer everyone.
    #[must_use]
    pub fn access_policy(mut self, policy: AccessPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Wraps every call in `layer`: middleware for rate limits, metrics, audit logs or checks
    /// of the app's state, without touching a handler. See [`middleware`](crate::middleware).
    ///
    /// The first layer given is the outermost: it sees each call first and its reply last, as
    /// with `tower::ServiceBuilder`. Layers run after the call is read, its API found and its
    /// caller admitted by the [`access_policy`](Self::access_policy), and before the handler's
    /// context and data are taken; the API's timeout covers them, and a panic in one is
    /// contained as a handler's is. A registry without layers dispatches exactly as before.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    ///
    /// use tcmpp_core::middleware::{ApiRequest, ApiService, Next, NextFuture};
    /// use tower_layer::layer_fn;
    /// use tcmpp_core::{mini_api, Registry};
    ///
    /// #[mini_api("counted")]
    /// fn counted() {}
    ///
    /// /// Counts the calls that reach the handlers.
    /// struct Count(Next, Arc<AtomicU64>);
    ///
    /// impl ApiService for Count {
    ///     type Future = NextFuture;
    ///     fn call(&self, request: ApiRequest<'_>) -> NextFuture {
    ///         self.1.fetch_add(1, Ordering::Relaxed);
    ///         self.0.call(request)
    ///     }
    /// }
    ///
    /// let calls = Arc::new(AtomicU64::new(0));
    /// let counter = calls.clone();
    /// let registry = Registry::builder()
    ///     .layer(layer_fn(move |next| Count(next, counter.clone())))
    ///     .build()?;
    /// registry.dispatch_json(r#"{"api_name":"counted"}"#).now_or_fail();
    /// registry.dispatch_json(r#"{"api_name":"notThere"}"#).now_or_fail();
    /// assert_eq!(calls.load(Ordering::Relaxed), 1);
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    #[must_use]
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Next> + Send + Sync + 'static,
        L::Service: ApiService,
    {
        self.layers.push(layer);
        self
    }

    /// Builds the registry, or reports every problem found: API names registered more than
    /// once, states that handlers need but were not provided, and access grants that name APIs
    /// no handler serves.
    pub fn build(mut self) -> Result<Registry, BuildError> {
        // One sorted list instead of a map of lists: duplicates become neighbours, and the
        // list is already in the order `apis()` promises. With 10,000 handlers this is what
        // keeps start-up in the low milliseconds.
        // Pushed, not collected: collecting from an iterator of unknown length is code of its
        // own, for this one list.
        let mut entries: Vec<&'static ApiEntry> = Vec::new();
        for entry in inventory::iter::<ApiEntry> {
            entries.push(entry);
        }
        // The merge sort of `registry::sort`, `O(n log n)` as the standard library's sort is,
        // without its copy of quicksort, heapsort and small sorts for this type (about 5 KB of a
        // phone's library).
        merge_sort_by(
            &mut entries,
            &mut Vec::new(),
            &|a: &&ApiEntry, b: &&ApiEntry| {
                (a.name, a.method, a.file, a.line, a.column)
                    .cmp(&(b.name, b.method, b.file, b.line, b.column))
            },
        );
        // A grant names an API (`"name"`: any of its entries) or one method of a multiplexed
        // API (`"name.method"`). One search for both, the method compared only when named: two
        // searches were two instantiations of the search for one check of the build.
        let is_registered = |granted: &str| {
            let (name, method) = name_and_method(granted);
            entries
                .binary_search_by(|entry| {
                    entry.name.cmp(name).then_with(|| match method {
                        Some(_) => entry.method.cmp(&method),
                        None => std::cmp::Ordering::Equal,
                    })
                })
                .is_ok()
        };

        let mut problems = Vec::new();
        if let ErrMsgPrefix::Fixed(prefix) = &self.config.prefix {
            if prefix.contains(':') {
                problems.push(BuildProblem::InvalidErrMsgPrefix {
                    prefix: prefix.to_string(),
                });
            }
        }
        for type_name in self.duplicate_states {
            problems.push(BuildProblem::DuplicateState { type_name });
        }
        // A list, not a `HashMap`: it is filled only by a build that fails, with one item per
        // state missing, and a map type would be its own copy of the hash table's code.
        let mut missing: Vec<(StateKey, Vec<ApiInfo>)> = Vec::new();
        for entry in &entries {
            for required in entry.required_states.iter().filter_map(|state| state()) {
                if !self.states.contains(&required) {
                    let needing = ApiInfo::of(entry);
                    match missing.iter_mut().find(|(key, _)| *key == required) {
                        Some((_, needed_by)) => needed_by.push(needing),
                        None => missing.push((required, vec![needing])),
                    }
                }
            }
        }
        for (key, mut needed_by) in missing {
            // Through `registry::sort`: no copy of the standard library's sort for this type,
            // and a refused build, the only one that sorts it, pays for the insertion.
            sort_by(&mut needed_by, |a, b| {
                (a.name, &a.location).cmp(&(b.name, &b.location))
            });
            needed_by.dedup_by(|a, b| a.name == b.name && a.location == b.location);
            problems.push(BuildProblem::MissingState {
                type_name: key.type_name(),
                needed_by,
            });
        }

        for grant in &mut self.policy.grants {
            for api in &grant.apis {
                if api != ANY && !is_registered(api) {
                    problems.push(BuildProblem::UnknownApiInPolicy {
                        api: api.clone(),
                        app_id: grant.app_id.clone(),
                    });
                }
            }
            // The grant's names moved into the problem, not cloned: a build with a problem
            // returns it, and never uses the policy again. Pushed after the grant's unknown
            // names, which the problems' stable sort by kind puts after it all the same.
            if grant.app_id.is_empty() {
                problems.push(BuildProblem::EmptyAppIdInPolicy {
                    apis: std::mem::take(&mut grant.apis),
                });
            }
        }

        for same_name in entries.chunk_by(|a, b| a.name == b.name) {
            same_name_problems(same_name, &mut problems);
        }

        if !problems.is_empty() {
            sort_by(&mut problems, |a, b| a.sort_key().cmp(&b.sort_key()));
            return Err(BuildError { problems });
        }
        let layers = self.layers.build(self.config.expose_panic_messages);
        warn_of(&entries);
        Ok(Registry::new(
            &entries,
            self.states,
            self.config,
            AccessControl::new(self.policy),
            layers,
        ))
    }
}

/// The problems of the handlers registered under one name, sorted by method and location: two
/// plain handlers, plain and multiplexed handlers, methods that disagree on the key of `data`
/// that names them, and a method answered twice.
fn same_name_problems(same_name: &[&'static ApiEntry], problems: &mut Vec<BuildProblem>) {
    let [first, ..] = same_name else {
        return;
    };
    let all = || ApiInfo::all_of(same_name);
    let multiplexed = same_name
        .iter()
        .filter(|entry| entry.method.is_some())
        .count();
    if multiplexed == 0 {
        if same_name.len() > 1 {
            problems.push(BuildProblem::DuplicateApi {
                name: first.name,
                handlers: all(),
            });
        }
        return;
    }
    if multiplexed < same_name.len() {
        problems.push(BuildProblem::PlainAndMultiplexed {
            name: first.name,
            handlers: all(),
        });
        return;
    }
    if same_name
        .iter()
        .any(|entry| entry.method_key != first.method_key)
    {
        problems.push(BuildProblem::MethodKeyMismatch {
            name: first.name,
            handlers: all(),
        });
    }
    for same_method in same_name.chunk_by(|a, b| a.method == b.method) {
        if let [entry, _, ..] = same_method {
            problems.push(BuildProblem::DuplicateMethod {
                name: entry.name,
                method: entry.method.unwrap_or_default(),
                handlers: ApiInfo::all_of(same_method),
            });
        }
    }
}

/// Logs, at warn level, what builds but is likely a mistake: no handler at all, and custom APIs
/// named like built-in `wx` APIs that do not say they override them.
fn warn_of(entries: &[&'static ApiEntry]) {
    if entries.is_empty() {
        tracing::warn!(
            "the mini API registry has no handlers: no `#[mini_api]` function is linked into this \
             binary, so every call will fail as an unknown API. Handlers are collected at link \
             time, and a crate that nothing in the binary references is not linked: that \
             includes the binary's own package library (handlers in src/lib.rs, the binary in \
             src/bin/ or src/main.rs). Reference it once from the binary: `use my_crate as _;`"
        );
    }
    // Entries are sorted by name: the methods of a multiplexed API are one API, warned of once,
    // unless one of its handlers says the override is on purpose.
    for same_name in entries.chunk_by(|a, b| a.name == b.name) {
        let [entry, ..] = same_name else {
            continue;
        };
        let on_purpose = same_name.iter().any(|entry| entry.overrides_builtin);
        if !on_purpose && entry.named_like_builtin {
            tracing::warn!(
                api = entry.name,
                location = %format_args!("{}:{}:{}", entry.file, entry.line, entry.column),
                "a custom API is named like a built-in `wx` API of the base library: the SDK \
                 exposes it as `wx.{}`, which replaces the built-in (or is replaced by it) for \
                 every mini program. Rename it, or say it overrides the built-in on purpose: \
                 `#[mini_api(\"{}\", overrides_builtin)]`",
                entry.name,
                entry.name,
            );
        }
    }
}
