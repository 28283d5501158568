//! The crate root of `tcmpp-core` stays a front page: at most 20 names, what handler authors and
//! hosts use every day, and none of the traits that exist only for compile errors (those are in
//! `tcmpp_core::bounds`). Read from the source, since a re-export leaves no trace at run time.

use std::collections::BTreeSet;

/// The names the crate root re-exports (`pub use` at the top level of lib.rs), under any feature.
fn root_names() -> BTreeSet<String> {
    let lib = include_str!("../../tcmpp-core/src/lib.rs");
    let mut names = BTreeSet::new();
    let mut statement = String::new();
    for line in lib.lines() {
        if statement.is_empty() && !line.starts_with("pub use ") {
            continue;
        }
        statement.push_str(line);
        if !line.trim_end().ends_with(';') {
            continue;
        }
        let tree = statement["pub use ".len()..].trim_end_matches(';');
        let leaves = match tree.split_once('{') {
            Some((_, group)) => group.trim_end_matches('}').to_owned(),
            None => tree.rsplit("::").next().unwrap_or_default().to_owned(),
        };
        for leaf in leaves.split(',') {
            let leaf = leaf.trim();
            if !leaf.is_empty() {
                names.insert(leaf.rsplit(" as ").next().unwrap_or(leaf).to_owned());
            }
        }
        statement.clear();
    }
    names
}

#[test]
fn the_crate_root_holds_at_most_twenty_names() {
    let names = root_names();
    assert!(
        names.contains("Registry") && names.contains("mini_api"),
        "{names:?}"
    );
    assert!(
        names.len() <= 20,
        "the crate root re-exports {} names: {names:?}; put the new one in the module of its concept",
        names.len()
    );
}

#[test]
fn the_diagnostic_traits_are_in_bounds_not_at_the_root() {
    let names = root_names();
    for bound in [
        "DataParam",
        "ReplyValue",
        "StateValue",
        "DescribedType",
        "ApiErrorSource",
        "IntoApiError",
    ] {
        assert!(!names.contains(bound), "{bound} is re-exported at the root");
    }
    // And they are where compile errors say they are.
    fn data<T: tcmpp_core::bounds::DataParam>() {}
    fn reply<T: tcmpp_core::bounds::ReplyValue>() {}
    fn state<T: tcmpp_core::bounds::StateValue>() {}
    fn error<T: tcmpp_core::bounds::IntoApiError>() {}
    data::<u8>();
    reply::<u8>();
    state::<u8>();
    error::<String>();
}
