//! The registry: every handler the binary links, checked once, found by name.

mod builder;
mod config;
mod methods;
mod names;
mod problem;
mod sort;

use std::fmt;
use std::sync::Arc;

use crate::access::AccessControl;
use crate::context::StateMap;
use crate::handler::ApiEntry;
use crate::middleware::ErasedService;
use crate::reply::{ErrMsgPrefix, PrefixText};
use names::NameTable;

pub use crate::handler::HandlerKind;
pub use crate::handler::{ApiInfo, SourceLocation};
pub use builder::RegistryBuilder;
pub(crate) use config::Config;
pub use methods::DEFAULT_METHOD_KEY;
pub(crate) use methods::Methods;
pub use problem::{BuildError, BuildProblem};

/// Every `#[mini_api]` handler linked into the binary, with the state they share.
///
/// Build it once at start-up with [`Registry::builder`], then dispatch calls through
/// [`call`](Registry::call), or [`dispatch_json`](Registry::dispatch_json) for the common case. It is
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
    inner: Arc<Inner>,
}

struct Inner {
    /// Each handler and its place in `apis`; for a multiplexed API, its first method's, which
    /// dispatch resolves to the method the call names (`ApiEntry::method` tells).
    by_name: NameTable<(&'static ApiEntry, usize)>,
    /// The methods of each multiplexed API, sorted by the address of the entry `by_name` holds
    /// for it: dispatch finds them from that entry by comparing integers, without hashing the
    /// name a second time.
    multiplexed: Vec<Methods>,
    /// Sorted by name.
    apis: Vec<ApiInfo>,
    states: StateMap,
    config: Config,
    /// The configured prefix when it is fixed, in a form replies can share without copying.
    fixed_prefix: Option<PrefixText>,
    access: AccessControl,
    /// The outermost layer of the stack around every handler, if any layer was given.
    layers: Option<Arc<dyn ErasedService>>,
}

impl Inner {
    /// The handler under `name`, and its place in `apis`.
    #[inline]
    fn named(&self, name: &str) -> Option<(&'static ApiEntry, usize)> {
        self.by_name.get(name)
    }
}

/// Hashes API names for the dispatch lookup.
///
/// foldhash instead of the standard SipHash: several times faster on short strings, which is
/// what every dispatch hashes. Its resistance to crafted keys is weaker, but the table's keys are
/// the program's own handler names, fixed at start-up; a caller only chooses what to look up,
/// and no query can lengthen the probe sequences of a table it cannot insert into. For the same
/// reason its seed is fixed, not random: a caller who knew every hash could at most meet, every
/// time rather than by chance, the longest probe sequence the program's own names laid out; and
/// the library has no random seed to make (foldhash's global seed and its per-table seed, about
/// 600 bytes).
pub(crate) type NameHasher = foldhash::fast::FixedState;

impl Registry {
    /// Starts building a registry from every handler `inventory` collected.
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::new()
    }

    /// The registered handlers, sorted by name, then by method: a plain API once, a
    /// multiplexed API once per method ([`ApiInfo::method`]).
    pub fn apis(&self) -> impl ExactSizeIterator<Item = &ApiInfo> {
        self.inner.apis.iter()
    }

    /// The API registered under `name`; for a multiplexed API, its first method (by name):
    /// see [`get_method`](Self::get_method).
    pub fn get(&self, name: &str) -> Option<&ApiInfo> {
        let (_, index) = self.inner.named(name)?;
        self.inner.apis.get(index)
    }

    /// The handler of `method` of the multiplexed API `name`.
    ///
    /// ```rust,standalone_crate
    /// use tcmpp_core::{mini_api, Registry};
    ///
    /// #[mini_api("wallet", method = "connect")]
    /// fn connect() {}
    ///
    /// #[mini_api("wallet", method = "language")]
    /// fn language() {}
    ///
    /// let registry = Registry::builder().build()?;
    /// let api = registry.get_method("wallet", "language").unwrap();
    /// assert_eq!((api.method, api.method_key), (Some("language"), Some("methodName")));
    /// assert!(registry.get_method("wallet", "share").is_none());
    /// # Ok::<_, tcmpp_core::BuildError>(())
    /// ```
    pub fn get_method(&self, name: &str, method: &str) -> Option<&ApiInfo> {
        let apis = &self.inner.apis;
        apis.binary_search_by(|api| (api.name, api.method).cmp(&(name, Some(method))))
            .ok()
            .map(|index| &apis[index])
    }

    /// How many handlers are registered: APIs, with each method of a multiplexed API counted.
    pub fn len(&self) -> usize {
        self.inner.apis.len()
    }

    /// Whether no handler is registered.
    pub fn is_empty(&self) -> bool {
        self.inner.apis.is_empty()
    }

    /// The `errMsg` prefix the JSON entries render with.
    pub fn errmsg_prefix(&self) -> &ErrMsgPrefix {
        &self.inner.config.prefix
    }

    /// The text before `:ok` / `:fail` that this registry renders for a call reported as
    /// `api_name`; see [`ErrMsgPrefix::for_call`].
    ///
    /// For a host that refuses a call before dispatching it and renders the refusal itself, so
    /// that the refusal is named as a dispatched call's reply would be. A call already on its
    /// way knows its own prefix: [`ReplyFuture::prefix`](crate::dispatch::ReplyFuture::prefix).
    pub fn errmsg_prefix_for<'a>(&'a self, api_name: Option<&'a str>) -> &'a str {
        match (
            &self.inner.config.prefix,
            api_name.and_then(|name| self.lookup(name)),
        ) {
            (ErrMsgPrefix::ApiName, Some(entry)) => entry.name,
            (prefix, _) => prefix.for_call(api_name),
        }
    }

    /// The handler registered under `api_name`.
    #[inline]
    pub(crate) fn lookup(&self, api_name: &str) -> Option<&'static ApiEntry> {
        self.inner.named(api_name).map(|(entry, _)| entry)
    }

    /// The methods of the multiplexed API whose name [`lookup`](Self::lookup) found as `entry`.
    #[inline]
    pub(crate) fn methods_of(&self, entry: &ApiEntry) -> Option<&Methods> {
        let multiplexed = &self.inner.multiplexed;
        let address = std::ptr::from_ref(entry).addr();
        multiplexed
            .binary_search_by_key(&address, |methods| methods.entry_address())
            .ok()
            .map(|index| &multiplexed[index])
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn fixed_prefix(&self) -> Option<&PrefixText> {
        self.inner.fixed_prefix.as_ref()
    }

    pub(crate) fn states(&self) -> &StateMap {
        &self.inner.states
    }

    pub(crate) fn access(&self) -> &AccessControl {
        &self.inner.access
    }

    /// The stack of layers around every handler; `None` when the builder was given none.
    #[inline]
    pub(crate) fn layers(&self) -> Option<&dyn ErasedService> {
        self.inner.layers.as_deref()
    }

    /// A registry of `entries`, already checked and sorted by name.
    fn new(
        entries: &[&'static ApiEntry],
        states: StateMap,
        config: Config,
        access: AccessControl,
        layers: Option<Arc<dyn ErasedService>>,
    ) -> Self {
        let apis = ApiInfo::all_of(entries);
        let mut by_name = NameTable::with_capacity(entries.len());
        let mut multiplexed = Vec::new();
        let mut index = 0;
        for same_name in entries.chunk_by(|a, b| a.name == b.name) {
            // A pattern, not `[0]`: a chunk is never empty, and an index would be a panic site.
            let [first, ..] = *same_name else {
                continue;
            };
            by_name.insert(first.name, (first, index));
            if first.method.is_some() {
                multiplexed.push(Methods::new(first, same_name));
            }
            index += same_name.len();
        }
        // One per multiplexed API, as many as the handlers at most: a sort that stays
        // `O(n log n)`. Entries' addresses are distinct.
        sort::sort_distinct_by(&mut multiplexed, |a, b| {
            a.entry_address().cmp(&b.entry_address())
        });
        Registry {
            inner: Arc::new(Inner {
                by_name,
                multiplexed,
                apis,
                states,
                fixed_prefix: config.fixed_prefix(),
                config,
                access,
                layers,
            }),
        }
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("apis", &self.inner.apis)
            .field("prefix", &self.inner.config.prefix)
            .finish()
    }
}
