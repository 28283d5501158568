//! A binary that links no handler at all builds an empty registry, and says why at warn level:
//! the case of handlers in a package's `src/lib.rs` and a `src/bin/` binary that never
//! references that library. This test target defines no handler and references no crate of
//! them.

#[path = "../support/logs.rs"]
mod logs;

use tcmpp_core::Registry;

#[test]
fn an_empty_registry_warns_naming_the_linking_rule() {
    let mut registry = None;
    let logs = logs::logs_of(tracing::Level::WARN, || {
        registry = Some(
            Registry::builder()
                .build()
                .expect("an empty registry builds"),
        );
    });
    let registry = registry.unwrap();
    assert_eq!(registry.apis().count(), 0);
    assert!(logs.contains(" WARN "), "{logs}");
    assert!(
        logs.contains("the mini API registry has no handlers")
            && logs.contains("src/lib.rs")
            && logs.contains("`use my_crate as _;`"),
        "{logs}"
    );
    // Every call then fails as an unknown API.
    let reply = futures_executor::block_on(registry.dispatch_json(r#"{"api_name":"any"}"#));
    assert!(reply.contains("unknown API"), "{reply}");
}
