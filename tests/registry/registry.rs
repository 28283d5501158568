//! The registry lists what is registered, where, and how; and checks its state at build time.

use std::sync::Arc;

use serde_json::Value;
use tcmpp_core::registry::{BuildProblem, HandlerKind};
use tcmpp_core::{MiniApiCall, Registry, State, mini_api};

struct Config {
    greeting: &'static str,
}

#[mini_api("listedAsync")]
async fn listed_async(config: State<Config>) -> Value {
    serde_json::json!({ "greeting": config.greeting })
}

#[mini_api("listedSync")]
fn listed_sync() {}

mod nested {
    use tcmpp_core::mini_api;

    #[mini_api("aNested")]
    pub(crate) fn in_a_module() {}
}

/// The 1-based line and column of `needle` in this file.
fn position_of(needle: &str) -> (u32, u32) {
    let source = include_str!("registry.rs");
    for (index, line) in source.lines().enumerate() {
        if let Some(column) = line.find(needle) {
            return (index as u32 + 1, column as u32 + 1);
        }
    }
    panic!("{needle} is not in this file");
}

fn registry() -> Registry {
    Registry::builder()
        .state(Config { greeting: "hi" })
        .build()
        .unwrap()
}

#[test]
fn lists_every_api_sorted_by_name() {
    let registry = registry();
    let names: Vec<_> = registry.apis().map(|api| api.name).collect();
    assert_eq!(names, ["aNested", "listedAsync", "listedSync"]);
    assert_eq!(registry.len(), 3);
    assert!(!registry.is_empty());
}

#[test]
fn each_api_has_its_kind_path_and_location() {
    let registry = registry();
    let listed = registry.get("listedAsync").unwrap();
    assert_eq!(listed.kind, HandlerKind::Async);
    assert_eq!(listed.rust_path, "registry::listed_async");
    assert!(
        listed.location.file.ends_with("registry.rs"),
        "{}",
        listed.location.file
    );
    let (line, column) = position_of("listed_async(config");
    assert_eq!(
        (listed.location.line, listed.location.column),
        (line, column)
    );
    assert_eq!(
        listed.location.to_string(),
        format!("{}:{line}:{column}", listed.location.file)
    );

    let sync = registry.get("listedSync").unwrap();
    assert_eq!(sync.kind, HandlerKind::Plain);
    assert_eq!(
        registry.get("aNested").unwrap().rust_path,
        "registry::nested::in_a_module"
    );
    assert!(registry.get("missing").is_none());
}

#[test]
fn shared_state_and_state_reach_the_handler() {
    let registry = Registry::builder()
        .shared_state(Arc::new(Config { greeting: "shared" }))
        .build()
        .unwrap();
    let reply = futures_executor::block_on(
        registry
            .call(MiniApiCall::new("listedAsync", Value::Null))
            .reply(),
    );
    assert_eq!(reply.result().unwrap()["greeting"], "shared");
}

#[test]
fn a_state_given_twice_is_reported() {
    let error = Registry::builder()
        .state(Config { greeting: "a" })
        .state(Config { greeting: "b" })
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [BuildProblem::DuplicateState {
            type_name: "registry::Config"
        }]
    );
    assert_eq!(
        error.to_string(),
        "cannot build the mini API registry: 1 problem\n  - state `registry::Config` is provided more than once; provide each type once"
    );
}

#[test]
fn registries_are_send_sync_and_cheap_to_clone() {
    fn shareable<T: Send + Sync + Clone + 'static>(_: &T) {}
    let registry = registry();
    shareable(&registry);
    let debug = format!("{registry:?}");
    assert!(debug.contains("listedAsync"), "{debug}");
}
