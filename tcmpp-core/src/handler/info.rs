//! What the registry tells about each registered API: read from its handler's entry, so it
//! lives with the entry, and the registry and the layers both take it from here.

use std::fmt;
use std::time::Duration;

use super::{ApiEntry, HandlerKind};

/// A registered API, as [`Registry::apis`](crate::Registry::apis) lists it.
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
    /// For a multiplexed API, this method's own flag.
    pub restricted: bool,
    /// For a handler of one method of a multiplexed API (`#[mini_api("name", method = "…")]`),
    /// the method; `None` for a plain API.
    pub method: Option<&'static str>,
    /// For a handler of one method of a multiplexed API, the key of `data` that names the
    /// method ([`DEFAULT_METHOD_KEY`](crate::registry::DEFAULT_METHOD_KEY) unless `method_key` says
    /// otherwise); `None` for a plain API.
    pub method_key: Option<&'static str>,
}

impl ApiInfo {
    pub(crate) fn of(entry: &ApiEntry) -> Self {
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
            method: entry.method,
            method_key: entry.method_key,
        }
    }

    /// The information of each of `entries`, in their order: one list-building function for
    /// every list of them (the registry's, a build problem's handlers), not one per closure.
    pub(crate) fn all_of(entries: &[&'static ApiEntry]) -> Vec<Self> {
        entries.iter().map(|entry| ApiInfo::of(entry)).collect()
    }
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
