//! A handler's `State<T>` that the host did not provide stops the registry from building, with
//! every such handler named; misconfiguration shows at start-up, not on a user's tap.

use tcmpp_core::registry::BuildProblem;
use tcmpp_core::{Registry, State, mini_api};

struct Db;
struct Cache;
struct Optional;

#[mini_api("readDb")]
async fn read_db(_db: State<Db>) {}

#[mini_api("writeDb")]
fn write_db(_db: State<Db>, _cache: State<Cache>) {}

#[mini_api("maybeOptional")]
fn maybe_optional(_optional: Option<State<Optional>>) {}

fn line_of(needle: &str) -> u32 {
    let index = include_str!("missing_state.rs")
        .lines()
        .position(|line| line.contains(needle))
        .unwrap();
    index as u32 + 1
}

#[test]
fn every_missing_state_is_reported_with_the_handlers_that_need_it() {
    let error = Registry::builder().build().unwrap_err();
    let problems = error.problems();
    assert_eq!(problems.len(), 2, "{error}");
    let BuildProblem::MissingState {
        type_name,
        needed_by,
    } = &problems[0]
    else {
        panic!("{error}")
    };
    assert_eq!(*type_name, "missing_state::Cache");
    assert_eq!(
        needed_by.iter().map(|api| api.name).collect::<Vec<_>>(),
        ["writeDb"]
    );
    let BuildProblem::MissingState {
        type_name,
        needed_by,
    } = &problems[1]
    else {
        panic!("{error}")
    };
    assert_eq!(*type_name, "missing_state::Db");
    assert_eq!(
        needed_by.iter().map(|api| api.name).collect::<Vec<_>>(),
        ["readDb", "writeDb"]
    );
    assert_eq!(needed_by[0].location.line, line_of("async fn read_db"));

    let text = error.to_string();
    assert!(
        text.starts_with("cannot build the mini API registry: 2 problems\n"),
        "{text}"
    );
    assert!(text.contains("state `missing_state::Db` is not provided, but handlers take it as `State<missing_state::Db>`"), "{text}");
    let read_db_line = format!(
        "\"readDb\": missing_state::read_db at {}",
        needed_by[0].location
    );
    assert!(text.contains(&read_db_line), "{text}");
}

#[test]
fn providing_the_state_fixes_it_and_optional_state_is_not_required() {
    let error = Registry::builder().state(Db).build().unwrap_err();
    assert_eq!(error.problems().len(), 1);
    let registry = Registry::builder().state(Db).state(Cache).build().unwrap();
    assert_eq!(registry.len(), 3);
}
