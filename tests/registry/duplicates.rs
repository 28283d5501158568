//! Two handlers under one API name stop the registry from building, naming both; so do two
//! handlers of one method of a multiplexed API, a name registered both plain and multiplexed,
//! and methods of one API that disagree on their key. Within one crate `#[mini_api]` already
//! refuses a name or a method registered twice at compile time, so the second handler of each
//! lives in a crate of its own.

use tcmpp_core::registry::BuildProblem;
use tcmpp_core::{Registry, mini_api};
use tcmpp_duplicate_handlers as _;

mod first {
    use tcmpp_core::mini_api;

    #[mini_api("sameName")]
    pub(crate) fn one() {}
}

#[mini_api("uniqueName")]
fn unique() {}

#[mini_api("sameWallet", method = "connect")]
fn connect() {}

#[mini_api("sameWallet", method = "language")]
fn language() {}

#[mini_api("mixedName")]
fn mixed_plain() {}

#[mini_api("mixedName", method = "a")]
fn mixed_method() {}

#[mini_api("keyed", method = "a")]
fn keyed_default() {}

#[mini_api("keyed", method = "b", method_key = "action")]
fn keyed_action() {}

fn line_of(source: &str, needle: &str) -> u32 {
    source
        .lines()
        .position(|line| line.contains(needle))
        .unwrap() as u32
        + 1
}

#[test]
fn duplicate_names_are_reported_with_every_location() {
    let error = Registry::builder().build().unwrap_err();
    let Some(BuildProblem::DuplicateApi { name, handlers }) = error
        .problems()
        .iter()
        .find(|problem| matches!(problem, BuildProblem::DuplicateApi { .. }))
    else {
        panic!("{error}")
    };
    assert_eq!(*name, "sameName");
    let mut paths: Vec<_> = handlers.iter().map(|api| api.rust_path).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        ["duplicates::first::one", "tcmpp_duplicate_handlers::two"]
    );
    for api in handlers {
        let (source, needle) = if api.rust_path.starts_with("duplicates") {
            (include_str!("duplicates.rs"), "fn one()")
        } else {
            (
                include_str!("../duplicate-handlers/src/lib.rs"),
                "async fn two()",
            )
        };
        assert_eq!(
            api.location.line,
            line_of(source, needle),
            "{}",
            api.rust_path
        );
    }
    let text = error.to_string();
    assert!(
        text.contains(
            "API name \"sameName\" is registered 2 times; give each handler its own name:"
        ),
        "{text}"
    );
    for api in handlers {
        assert!(
            text.contains(&format!("{} at {}", api.rust_path, api.location)),
            "{text}"
        );
    }
}

/// The `file:line` of `needle` in this file, as a location prints.
fn here(needle: &str) -> String {
    format!(
        "tests/registry/duplicates.rs:{}",
        line_of(include_str!("duplicates.rs"), needle)
    )
}

#[test]
fn multiplexed_problems_are_reported_with_every_location() {
    let error = Registry::builder().build().unwrap_err();
    let problems = error.problems();
    assert_eq!(problems.len(), 4, "{error}");
    let text = error.to_string();

    // Sorted by name: keyed, mixedName, sameName (the test above), sameWallet.
    let [BuildProblem::MethodKeyMismatch { name, handlers }, ..] = problems else {
        panic!("{error}")
    };
    assert_eq!(*name, "keyed");
    let keys: Vec<_> = handlers.iter().map(|api| api.method_key).collect();
    assert_eq!(keys, [Some("methodName"), Some("action")]);
    assert!(
        text.contains("the methods of API \"keyed\" disagree on the key of `data` that names the method; give them all the same `method_key`:"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "duplicates::keyed_action (method \"b\", method_key \"action\") at {}:",
            here("fn keyed_action()")
        )),
        "{text}"
    );

    let [_, BuildProblem::PlainAndMultiplexed { name, handlers }, ..] = problems else {
        panic!("{error}")
    };
    assert_eq!(*name, "mixedName");
    assert_eq!(handlers.len(), 2);
    assert!(
        text.contains(
            "API name \"mixedName\" is registered both as a plain API and as a multiplexed one"
        ),
        "{text}"
    );
    for (path, needle) in [
        ("duplicates::mixed_plain (plain)", "fn mixed_plain()"),
        (
            "duplicates::mixed_method (method \"a\")",
            "fn mixed_method()",
        ),
    ] {
        assert!(
            text.contains(&format!("{path} at {}:", here(needle))),
            "{text}"
        );
    }

    let [
        ..,
        BuildProblem::DuplicateMethod {
            name,
            method,
            handlers,
        },
    ] = problems
    else {
        panic!("{error}")
    };
    assert_eq!((*name, *method), ("sameWallet", "connect"));
    let mut paths: Vec<_> = handlers.iter().map(|api| api.rust_path).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "duplicates::connect",
            "tcmpp_duplicate_handlers::connect_again"
        ]
    );
    let again = handlers
        .iter()
        .find(|api| api.rust_path == "tcmpp_duplicate_handlers::connect_again")
        .unwrap();
    assert!(
        text.contains("method \"connect\" of API \"sameWallet\" is registered 2 times; give each handler its own method:"),
        "{text}"
    );
    assert!(
        text.contains(&format!("duplicates::connect at {}:", here("fn connect()"))),
        "{text}"
    );
    let other = line_of(
        include_str!("../duplicate-handlers/src/lib.rs"),
        "pub fn connect_again()",
    );
    assert!(
        text.contains(&format!(
            "tcmpp_duplicate_handlers::connect_again at {}:{other}:",
            again.location.file
        )),
        "{text}"
    );
}
