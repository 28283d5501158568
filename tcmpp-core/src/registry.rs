//! The registry: every handler the binary links, checked once, found by name.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::access::{ANY, AccessControl, AccessPolicy};
use crate::context::{StateKey, StateMap};
use crate::handler::ApiEntry;
use crate::limits::Limits;
use crate::reply::{ErrMsgPrefix, PrefixText};

/// The default [`RegistryBuilder::default_timeout`]: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Every `#[mini_api]` handler linked into the binary, with the state they share.
///
/// Build it once at start-up with [`Registry::builder`], then dispatch calls with
/// [`dispatch`](Registry::dispatch) or [`dispatch_json`](Registry::dispatch_json). It is
/// `Send + Sync` and cheap to clone (clones share one registry), so any number of threads and
/// tasks may dispatch through it at once. It does not depend on an async runtime: the futures
/// it returns run under tokio, a `futures` executor, or any other.
///
/// ```rust,standalone_crate
/// use tcmpp_core::{mini_api, Registry};
///
/// #[mini_api("ping")]
/// fn ping() {}
///
/// let registry = Registry::builder().build()?;
/// for api in registry.apis() {
///     println!("{} ({:?}) at {}", api.name, api.kind, api.location);
/// }
/// # Ok::<_, tcmpp_core::BuildError>(())
/// ```
#[derive(Clone)]
pub struct Registry {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Each handler and its place in `apis`.
    pub(crate) by_name: HashMap<&'static str, (&'static ApiEntry, usize), NameHasher>,
    /// Sorted by name.
    pub(crate) apis: Vec<ApiInfo>,
    pub(crate) states: StateMap,
    pub(crate) prefix: ErrMsgPrefix,
    /// `prefix` when it is fixed, in a form replies can share without copying it.
    pub(crate) fixed_prefix: Option<PrefixText>,
    pub(crate) limits: Limits,
    pub(crate) default_timeout: Option<Duration>,
    pub(crate) expose_panic_messages: bool,
    pub(crate) access: AccessControl,
}

/// Hashes API names for the dispatch lookup.
///
/// foldhash instead of the standard SipHash: several times faster on short strings, which is
/// what every dispatch hashes. Its resistance to crafted keys is weaker, but the table's keys are
/// the program's own handler names, fixed at start-up; a caller only chooses what to look up,
/// and no query can lengthen the probe sequences of a table it cannot insert into.
pub(crate) type NameHasher = foldhash::fast::RandomState;

impl Registry {
    /// Starts building a registry from every handler `inventory` collected.
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder {
            states: StateMap::default(),
            duplicate_states: Vec::new(),
            prefix: ErrMsgPrefix::default(),
            limits: Limits::default(),
            default_timeout: Some(DEFAULT_TIMEOUT),
            expose_panic_messages: false,
            policy: AccessPolicy::default(),
        }
    }

    /// The registered APIs, sorted by name.
    pub fn apis(&self) -> impl ExactSizeIterator<Item = &ApiInfo> {
        self.inner.apis.iter()
    }

    /// The API registered under `name`.
    pub fn get(&self, name: &str) -> Option<&ApiInfo> {
        let (_, index) = self.inner.by_name.get(name)?;
        self.inner.apis.get(*index)
    }

    /// How many APIs are registered.
    pub fn len(&self) -> usize {
        self.inner.apis.len()
    }

    /// Whether no API is registered.
    pub fn is_empty(&self) -> bool {
        self.inner.apis.is_empty()
    }

    /// The `errMsg` prefix the JSON entries render with.
    pub fn errmsg_prefix(&self) -> &ErrMsgPrefix {
        &self.inner.prefix
    }

    /// The text before `:ok` / `:fail` that this registry renders for a call reported as
    /// `api_name`: the fixed prefix when one is set; otherwise the name, when a handler could
    /// have it; otherwise `invokeNativePlugin`. For hosts that refuse a call before dispatching
    /// it and render that refusal themselves.
    pub fn errmsg_prefix_for<'a>(&'a self, api_name: Option<&'a str>) -> &'a str {
        match &self.inner.prefix {
            ErrMsgPrefix::Fixed(prefix) => prefix,
            ErrMsgPrefix::ApiName => crate::reply::echoable_name(api_name),
        }
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("apis", &self.inner.apis)
            .field("prefix", &self.inner.prefix)
            .finish()
    }
}

/// Configures and builds a [`Registry`].
pub struct RegistryBuilder {
    states: StateMap,
    duplicate_states: Vec<&'static str>,
    prefix: ErrMsgPrefix,
    limits: Limits,
    default_timeout: Option<Duration>,
    expose_panic_messages: bool,
    policy: AccessPolicy,
}

impl RegistryBuilder {
    /// Provides state that handlers take as [`State<T>`](crate::State). One value per type.
    #[must_use]
    pub fn state<T: Send + Sync + 'static>(self, value: T) -> Self {
        self.shared_state(Arc::new(value))
    }

    /// Provides state the host already holds in an `Arc`.
    #[must_use]
    pub fn shared_state<T: Send + Sync + 'static>(mut self, value: Arc<T>) -> Self {
        if !self.states.insert(value) {
            self.duplicate_states.push(std::any::type_name::<T>());
        }
        self
    }

    /// Sets what comes before `:ok` / `:fail` in rendered `errMsg`s; the API name by default.
    #[must_use]
    pub fn errmsg_prefix(mut self, prefix: ErrMsgPrefix) -> Self {
        self.prefix = prefix;
        self
    }

    /// Refuses calls given as JSON text longer than `bytes`, before they are parsed;
    /// [`DEFAULT_MAX_CALL_BYTES`](crate::DEFAULT_MAX_CALL_BYTES) by default.
    #[must_use]
    pub fn max_call_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_call_bytes = bytes;
        self
    }

    /// Refuses calls given as JSON text whose objects and arrays nest deeper than `levels`,
    /// before they are parsed; [`DEFAULT_MAX_DEPTH`](crate::DEFAULT_MAX_DEPTH) by default.
    #[must_use]
    pub fn max_depth(mut self, levels: usize) -> Self {
        self.limits.max_depth = levels;
        self
    }

    /// How long an `async fn` handler may run before its call fails with
    /// `"<api>:fail timeout after <N> ms"` and its future is dropped; [`DEFAULT_TIMEOUT`] by
    /// default, `None` for no limit. `#[mini_api("name", timeout_ms = N)]` overrides it for one
    /// API.
    ///
    /// The time counts from the handler's first poll that does not finish it, so handlers that
    /// answer at once never touch the timer. A plain `fn` handler runs to completion when the
    /// call is dispatched and cannot be interrupted. The timer runs on a thread of its own, so
    /// timeouts work under any executor.
    #[must_use]
    pub fn default_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.default_timeout = timeout;
        self
    }

    /// Shows panic messages to mini programs: `"internal error: the handler panicked: <msg>"`.
    ///
    /// Off by default, because a panic message can reveal internals; the message is always
    /// logged (with `tracing`, at error level). Turn it on in development only.
    #[must_use]
    pub fn expose_panic_messages(mut self, expose: bool) -> Self {
        self.expose_panic_messages = expose;
        self
    }

    /// Sets which mini programs may call which APIs; see [`AccessPolicy`]. Without one,
    /// `restricted` APIs refuse every caller and other APIs answer everyone.
    #[must_use]
    pub fn access_policy(mut self, policy: AccessPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Builds the registry, or reports every problem found: API names registered more than
    /// once, states that handlers need but were not provided, and access grants that name APIs
    /// no handler serves.
    pub fn build(self) -> Result<Registry, BuildError> {
        // One sorted list instead of a map of lists: duplicates become neighbours, and the
        // list is already in the order `apis()` promises. With 10,000 handlers this is what
        // keeps start-up in the low milliseconds.
        let mut entries: Vec<&'static ApiEntry> = inventory::iter::<ApiEntry>.into_iter().collect();
        entries.sort_unstable_by(|a, b| {
            (a.name, a.file, a.line, a.column).cmp(&(b.name, b.file, b.line, b.column))
        });
        let is_registered = |name: &str| {
            entries
                .binary_search_by(|entry| entry.name.cmp(name))
                .is_ok()
        };

        let mut problems = Vec::new();
        if let ErrMsgPrefix::Fixed(prefix) = &self.prefix {
            if prefix.contains(':') {
                problems.push(BuildProblem::InvalidErrMsgPrefix {
                    prefix: prefix.to_string(),
                });
            }
        }
        for type_name in self.duplicate_states {
            problems.push(BuildProblem::DuplicateState { type_name });
        }
        let mut missing: HashMap<StateKey, Vec<ApiInfo>> = HashMap::new();
        for entry in &entries {
            for required in entry.required_states.iter().filter_map(|state| state()) {
                if !self.states.contains(&required) {
                    missing
                        .entry(required)
                        .or_default()
                        .push(ApiInfo::of(entry));
                }
            }
        }
        for (key, mut needed_by) in missing {
            needed_by.sort_by(|a, b| (a.name, &a.location).cmp(&(b.name, &b.location)));
            needed_by.dedup_by(|a, b| a.name == b.name && a.location == b.location);
            problems.push(BuildProblem::MissingState {
                type_name: key.type_name(),
                needed_by,
            });
        }

        for grant in &self.policy.grants {
            for api in &grant.apis {
                if api != ANY && !is_registered(api) {
                    problems.push(BuildProblem::UnknownApiInPolicy {
                        api: api.clone(),
                        app_id: grant.app_id.clone(),
                    });
                }
            }
        }

        for same_name in entries.chunk_by(|a, b| a.name == b.name) {
            if let [first, _, ..] = same_name {
                // Sorted by location already, as the list is.
                problems.push(BuildProblem::DuplicateApi {
                    name: first.name,
                    handlers: same_name.iter().map(|entry| ApiInfo::of(entry)).collect(),
                });
            }
        }

        if !problems.is_empty() {
            problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            return Err(BuildError { problems });
        }
        let apis: Vec<ApiInfo> = entries.iter().map(|entry| ApiInfo::of(entry)).collect();
        let mut by_name = HashMap::with_capacity_and_hasher(entries.len(), NameHasher::default());
        by_name.extend(
            entries
                .iter()
                .enumerate()
                .map(|(index, entry)| (entry.name, (*entry, index))),
        );
        let fixed_prefix = match &self.prefix {
            ErrMsgPrefix::ApiName => None,
            ErrMsgPrefix::Fixed(Cow::Borrowed(prefix)) => Some(PrefixText::Static(prefix)),
            ErrMsgPrefix::Fixed(Cow::Owned(prefix)) => {
                Some(PrefixText::Shared(Arc::from(prefix.as_str())))
            }
        };
        Ok(Registry {
            inner: Arc::new(Inner {
                by_name,
                apis,
                states: self.states,
                prefix: self.prefix,
                fixed_prefix,
                limits: self.limits,
                default_timeout: self.default_timeout,
                expose_panic_messages: self.expose_panic_messages,
                access: AccessControl::new(self.policy),
            }),
        })
    }
}

/// A registered API, as [`Registry::apis`] lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ApiInfo {
    /// The name mini programs call.
    pub name: &'static str,
    /// Whether the handler is `async`.
    pub kind: HandlerKind,
    /// Where the handler is defined.
    pub location: SourceLocation,
    /// The handler function's path, `module::function`.
    pub rust_path: &'static str,
    /// The API's own timeout (`timeout_ms`), when it has one.
    pub timeout: Option<Duration>,
    /// Whether the API is `restricted`: only callers the access policy grants may call it.
    pub restricted: bool,
}

impl ApiInfo {
    fn of(entry: &ApiEntry) -> Self {
        ApiInfo {
            name: entry.name,
            kind: entry.kind,
            location: SourceLocation {
                file: entry.file,
                line: entry.line,
                column: entry.column,
            },
            rust_path: entry.rust_path,
            timeout: entry.timeout_ms.map(Duration::from_millis),
            restricted: entry.restricted,
        }
    }
}

/// Whether a handler is an `async fn` or a plain `fn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandlerKind {
    /// An `async fn`: its reply comes from a future.
    Async,
    /// A plain `fn`: its reply is ready when the call is dispatched.
    Sync,
}

/// A place in the source: `file:line:column`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct SourceLocation {
    /// The file, as `file!()` gives it.
    pub file: &'static str,
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Why a [`Registry`] could not be built: every problem found, not just the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    problems: Vec<BuildProblem>,
}

impl BuildError {
    /// The problems, sorted.
    pub fn problems(&self) -> &[BuildProblem] {
        &self.problems
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        write!(
            f,
            "cannot build the mini API registry: {count} problem{}",
            if count == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// One problem that stops a [`Registry`] from being built.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildProblem {
    /// Several handlers are registered under one API name.
    DuplicateApi {
        /// The name.
        name: &'static str,
        /// Every handler registered under it.
        handlers: Vec<ApiInfo>,
    },
    /// Handlers take a `State<T>` that the builder was not given.
    MissingState {
        /// The state's type.
        type_name: &'static str,
        /// The handlers that take it.
        needed_by: Vec<ApiInfo>,
    },
    /// The builder was given two states of one type.
    DuplicateState {
        /// The state's type.
        type_name: &'static str,
    },
    /// A fixed `errMsg` prefix contains `:`, which would break the JS SDK's routing on the
    /// first `:` (`"a:b:ok"` routes to `fail`).
    InvalidErrMsgPrefix {
        /// The prefix.
        prefix: String,
    },
    /// An access grant names an API that no handler serves: a typo, or a removed API.
    UnknownApiInPolicy {
        /// The API name in the grant.
        api: String,
        /// The grant's `appId`.
        app_id: String,
    },
}

impl BuildProblem {
    fn sort_key(&self) -> (u8, &str, &str) {
        match self {
            BuildProblem::DuplicateApi { name, .. } => (0, name, ""),
            BuildProblem::MissingState { type_name, .. } => (1, type_name, ""),
            BuildProblem::DuplicateState { type_name } => (2, type_name, ""),
            BuildProblem::UnknownApiInPolicy { api, app_id } => (3, api, app_id),
            BuildProblem::InvalidErrMsgPrefix { prefix } => (4, prefix, ""),
        }
    }
}

impl fmt::Display for BuildProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildProblem::DuplicateApi { name, handlers } => {
                write!(
                    f,
                    "API name \"{name}\" is registered {} times; give each handler its own name:",
                    handlers.len()
                )?;
                for api in handlers {
                    write!(f, "\n      {} at {}", api.rust_path, api.location)?;
                }
                Ok(())
            }
            BuildProblem::MissingState {
                type_name,
                needed_by,
            } => {
                write!(
                    f,
                    "state `{type_name}` is not provided, but handlers take it as `State<{type_name}>`; \
                     add `.state(value)` to the registry builder:"
                )?;
                for api in needed_by {
                    write!(
                        f,
                        "\n      \"{}\": {} at {}",
                        api.name, api.rust_path, api.location
                    )?;
                }
                Ok(())
            }
            BuildProblem::DuplicateState { type_name } => {
                write!(
                    f,
                    "state `{type_name}` is provided more than once; provide each type once"
                )
            }
            BuildProblem::InvalidErrMsgPrefix { prefix } => write!(
                f,
                "the errMsg prefix \"{prefix}\" contains `:`, so `{prefix}:ok` would route to `fail`; \
                 use a prefix without `:`"
            ),
            BuildProblem::UnknownApiInPolicy { api, app_id } => write!(
                f,
                "the access policy grants \"{app_id}\" the API \"{api}\", but no handler is \
                 registered under that name; fix the name or remove it from the grant"
            ),
        }
    }
}
