//! Why a registry could not be built: every problem, with where it is.

use std::fmt;

use super::ApiInfo;

/// Why a [`Registry`](crate::Registry) could not be built: every problem found, not just the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    pub(super) problems: Vec<BuildProblem>,
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

/// One problem that stops a [`Registry`](crate::Registry) from being built.
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
    /// Several handlers are registered for one method of a multiplexed API.
    DuplicateMethod {
        /// The API's name.
        name: &'static str,
        /// The method.
        method: &'static str,
        /// Every handler registered for it.
        handlers: Vec<ApiInfo>,
    },
    /// A name is registered both for a plain API (`#[mini_api("name")]`) and for methods of a
    /// multiplexed one (`#[mini_api("name", method = "…")]`).
    PlainAndMultiplexed {
        /// The name.
        name: &'static str,
        /// Every handler registered under it, plain and multiplexed.
        handlers: Vec<ApiInfo>,
    },
    /// The methods of one multiplexed API name different keys of `data` (`method_key`).
    MethodKeyMismatch {
        /// The API's name.
        name: &'static str,
        /// Every handler of the API, each with its key ([`ApiInfo::method_key`]).
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
    /// An access grant names the empty `appId`, which would admit every caller whose host
    /// stated an empty one: a host's placeholder, not a mini program.
    EmptyAppIdInPolicy {
        /// The APIs the grant names.
        apis: Vec<String>,
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
    pub(super) fn sort_key(&self) -> (u8, &str, &str) {
        match self {
            BuildProblem::DuplicateApi { name, .. }
            | BuildProblem::PlainAndMultiplexed { name, .. }
            | BuildProblem::MethodKeyMismatch { name, .. } => (0, name, ""),
            BuildProblem::DuplicateMethod { name, method, .. } => (0, name, method),
            BuildProblem::MissingState { type_name, .. } => (1, type_name, ""),
            BuildProblem::DuplicateState { type_name } => (2, type_name, ""),
            BuildProblem::UnknownApiInPolicy { api, app_id } => (3, api, app_id),
            BuildProblem::EmptyAppIdInPolicy { apis } => {
                (5, apis.first().map_or("", String::as_str), "")
            }
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
                handler_lines(f, handlers, Detail::None)
            }
            BuildProblem::DuplicateMethod {
                name,
                method,
                handlers,
            } => {
                write!(
                    f,
                    "method \"{method}\" of API \"{name}\" is registered {} times; give each handler its own method:",
                    handlers.len()
                )?;
                handler_lines(f, handlers, Detail::None)
            }
            BuildProblem::PlainAndMultiplexed { name, handlers } => {
                write!(
                    f,
                    "API name \"{name}\" is registered both as a plain API and as a multiplexed one; \
                     give every handler of \"{name}\" a `method = \"…\"`, or give the plain one its own name:"
                )?;
                handler_lines(f, handlers, Detail::Method)
            }
            BuildProblem::MethodKeyMismatch { name, handlers } => {
                write!(
                    f,
                    "the methods of API \"{name}\" disagree on the key of `data` that names the method; \
                     give them all the same `method_key`:"
                )?;
                handler_lines(f, handlers, Detail::MethodKey)
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
                handler_lines(f, needed_by, Detail::Name)
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
            BuildProblem::EmptyAppIdInPolicy { apis } => write!(
                f,
                "the access policy grants the empty appId the APIs {apis:?}; name the mini \
                 program's appId, or \"*\" for every caller"
            ),
            BuildProblem::UnknownApiInPolicy { api, app_id } => write!(
                f,
                "the access policy grants \"{app_id}\" the API \"{api}\", but no handler is \
                 registered under that name (\"name\", or \"name.method\" for one method of a \
                 multiplexed API); fix the name or remove it from the grant"
            ),
        }
    }
}

/// What a problem's list of handlers says of each besides its Rust path and location.
#[derive(Clone, Copy)]
enum Detail {
    None,
    /// Its method, or that it is plain.
    Method,
    /// Its method and its `method_key`.
    MethodKey,
    /// Its API name, before the path.
    Name,
}

/// A problem's list of handlers, one line each. One loop for every problem's list, where each
/// problem's own loop was its own formatting code.
fn handler_lines(f: &mut fmt::Formatter<'_>, handlers: &[ApiInfo], detail: Detail) -> fmt::Result {
    for api in handlers {
        f.write_str("\n      ")?;
        if let Detail::Name = detail {
            write!(f, "\"{}\": ", api.name)?;
        }
        f.write_str(api.rust_path)?;
        match (detail, api.method) {
            (Detail::Method, Some(method)) => write!(f, " (method \"{method}\")")?,
            (Detail::Method, None) => f.write_str(" (plain)")?,
            (Detail::MethodKey, method) => write!(
                f,
                " (method \"{}\", method_key \"{}\")",
                method.unwrap_or_default(),
                api.method_key.unwrap_or_default(),
            )?,
            (Detail::None | Detail::Name, _) => {}
        }
        write!(f, " at {}", api.location)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::{ApiInfo, BuildProblem};
    use crate::registry::{HandlerKind, SourceLocation};

    fn api(name: &'static str, method: Option<&'static str>, key: Option<&'static str>) -> ApiInfo {
        ApiInfo {
            name,
            kind: HandlerKind::Plain,
            location: SourceLocation {
                file: "src/api.rs",
                line: 12,
                column: 5,
            },
            rust_path: "crate::api::handler",
            timeout: None,
            restricted: false,
            method,
            method_key: key,
        }
    }

    /// The lists of handlers as each problem wrote its own before they shared `handler_lines`.
    fn written_before(problem: &BuildProblem) -> String {
        let mut text = String::new();
        match problem {
            BuildProblem::DuplicateApi { handlers, .. }
            | BuildProblem::DuplicateMethod { handlers, .. } => {
                for api in handlers {
                    write!(text, "\n      {} at {}", api.rust_path, api.location).unwrap();
                }
            }
            BuildProblem::PlainAndMultiplexed { handlers, .. } => {
                for api in handlers {
                    match api.method {
                        Some(method) => write!(
                            text,
                            "\n      {} (method \"{method}\") at {}",
                            api.rust_path, api.location
                        ),
                        None => write!(
                            text,
                            "\n      {} (plain) at {}",
                            api.rust_path, api.location
                        ),
                    }
                    .unwrap();
                }
            }
            BuildProblem::MethodKeyMismatch { handlers, .. } => {
                for api in handlers {
                    write!(
                        text,
                        "\n      {} (method \"{}\", method_key \"{}\") at {}",
                        api.rust_path,
                        api.method.unwrap_or_default(),
                        api.method_key.unwrap_or_default(),
                        api.location
                    )
                    .unwrap();
                }
            }
            BuildProblem::MissingState { needed_by, .. } => {
                for api in needed_by {
                    write!(
                        text,
                        "\n      \"{}\": {} at {}",
                        api.name, api.rust_path, api.location
                    )
                    .unwrap();
                }
            }
            _ => {}
        }
        text
    }

    #[test]
    fn every_list_of_handlers_is_written_as_each_problem_wrote_its_own() {
        let handlers = vec![
            api("wallet", None, None),
            api("wallet", Some("connect"), Some("methodName")),
            api("wallet", Some(""), None),
            api("wallet", None, Some("action")),
        ];
        let problems = [
            BuildProblem::DuplicateApi {
                name: "wallet",
                handlers: handlers.clone(),
            },
            BuildProblem::DuplicateMethod {
                name: "wallet",
                method: "connect",
                handlers: handlers.clone(),
            },
            BuildProblem::PlainAndMultiplexed {
                name: "wallet",
                handlers: handlers.clone(),
            },
            BuildProblem::MethodKeyMismatch {
                name: "wallet",
                handlers: handlers.clone(),
            },
            BuildProblem::MissingState {
                type_name: "app::Config",
                needed_by: handlers,
            },
        ];
        for problem in problems {
            let text = problem.to_string();
            let expected = written_before(&problem);
            assert!(text.ends_with(&expected), "{text}");
            assert!(
                !text[..text.len() - expected.len()].contains('\n'),
                "{text}"
            );
        }
    }
}
