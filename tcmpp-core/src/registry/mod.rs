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
    /// The methods of each multiplexed API, in the entries' order, by name (pushed so, not
    /// sorted: no sort's code for this type). Dispatch finds them from the entry `by_name` holds,
    /// without hashing the name a second time: a few by that entry's address, compared one by
    /// one; many by the name, searched in halves.
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
        // A handful in most registries: an integer compared with each settles it. Many are
        // searched in halves by name, the order they are kept in.
        if multiplexed.len() <= methods::SCANNED {
            return multiplexed
                .iter()
                .find(|methods| std::ptr::eq(methods.entry, entry));
        }
        multiplexed
            .binary_search_by(|methods| methods.name.cmp(entry.name))
            .ok()
            .and_then(|index| multiplexed.get(index))
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
        // Made first, not in the literal below: each step after it that could unwind (an
        // allocation) then drops the same values in the same order, and their landing pads
        // share code (128 bytes less in a mobile build).
        let fixed_prefix = config.fixed_prefix();
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
            // In the entries' order, by name: the order `methods_of` searches.
            if first.method.is_some() {
                multiplexed.push(Methods::new(first, same_name));
            }
            index += same_name.len();
        }
        Registry {
            inner: Arc::new(Inner {
                by_name,
                multiplexed,
                apis,
                states,
                fixed_prefix,
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

#[cfg(test)]
mod tests {
    use super::{Config, Registry};
    use crate::access::AccessControl;
    use crate::context::StateMap;
    use crate::handler::{ApiEntry, DescribeFn, HandlerKind, HandlerReply, Invocation, Outcome};
    use crate::reply::Reply;

    fn cancel(_: Invocation<'_>) -> Outcome {
        Outcome::Ready(HandlerReply::Reply(Reply::Cancel))
    }

    /// A handler's entry, as `#[mini_api]` would register it: `method` makes it multiplexed.
    pub(super) fn entry(name: &'static str, method: Option<&'static str>) -> &'static ApiEntry {
        Box::leak(Box::new(ApiEntry {
            name,
            rust_path: "registry::tests::cancel",
            kind: HandlerKind::Plain,
            file: file!(),
            line: line!(),
            column: 1,
            handler: cancel,
            takes_data: false,
            required_states: &[],
            timeout_ms: None,
            restricted: false,
            method,
            method_key: method.map(|_| super::DEFAULT_METHOD_KEY),
            overrides_builtin: false,
            named_like_builtin: false,
            describe: DescribeFn::new(|_| {}),
        }))
    }

    #[test]
    fn the_methods_of_each_multiplexed_api_are_found_from_the_entry_its_name_finds() {
        for count in [0, 1, 2, 8, 9, 40] {
            // Sorted by name, then method, as the build sorts them; plain APIs between.
            let mut entries = Vec::new();
            for index in 0..count {
                let name = &*Box::leak(format!("multi{index:03}").into_boxed_str());
                entries.push(entry(name, Some("a")));
                entries.push(entry(name, Some("b")));
                let plain = &*Box::leak(format!("multi{index:03}plain").into_boxed_str());
                entries.push(entry(plain, None));
            }
            let registry = Registry::new(
                &entries,
                StateMap::default(),
                Config::default(),
                AccessControl::default(),
                None,
            );
            for index in 0..count {
                let name = format!("multi{index:03}");
                let first = registry.lookup(&name).expect("a registered name is found");
                let methods = registry.methods_of(first).expect("its methods are found");
                assert_eq!(methods.name, name, "of {count}");
                let method = methods.get("b").expect("its method is found");
                assert_eq!((method.name, method.method), (&*name, Some("b")));
                let plain = registry.lookup(&format!("{name}plain")).unwrap();
                assert!(
                    registry.methods_of(plain).is_none(),
                    "{name}plain of {count}"
                );
            }
        }
    }
}
