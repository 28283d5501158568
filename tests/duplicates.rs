//! Two handlers under one API name stop the registry from building, naming both. Within one
//! crate `#[mini_api]` already refuses that at compile time, so the second handler lives in a
//! crate of its own.

use tcmpp_core::{BuildProblem, Registry, mini_api};
use tcmpp_duplicate_handlers as _;

mod first {
    use tcmpp_core::mini_api;

    #[mini_api("sameName")]
    pub(crate) fn one() {}
}

#[mini_api("uniqueName")]
fn unique() {}

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
    let [BuildProblem::DuplicateApi { name, handlers }] = error.problems() else {
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
                include_str!("duplicate-handlers/src/lib.rs"),
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
