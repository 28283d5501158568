//! Two handlers under one API name stop the registry from building, naming both.

use tcmpp_core::{BuildProblem, Registry, mini_api};

mod first {
    use tcmpp_core::mini_api;

    #[mini_api("sameName")]
    pub(crate) fn one() {}
}

mod second {
    use tcmpp_core::mini_api;

    #[mini_api("sameName")]
    pub(crate) async fn two() {}
}

#[mini_api("uniqueName")]
fn unique() {}

#[test]
fn duplicate_names_are_reported_with_every_location() {
    let error = Registry::builder().build().unwrap_err();
    let [BuildProblem::DuplicateApi { name, handlers }] = error.problems() else {
        panic!("{error}")
    };
    assert_eq!(*name, "sameName");
    let paths: Vec<_> = handlers.iter().map(|api| api.rust_path).collect();
    assert_eq!(paths, ["duplicates::first::one", "duplicates::second::two"]);
    let source = include_str!("duplicates.rs");
    for (api, needle) in handlers.iter().zip(["fn one()", "async fn two()"]) {
        let line = source
            .lines()
            .position(|line| line.contains(needle))
            .unwrap() as u32
            + 1;
        assert_eq!(api.location.line, line);
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
