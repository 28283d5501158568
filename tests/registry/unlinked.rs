//! The other side of `linked.rs`: this binary has `tcmpp-test-handlers` available as a
//! dependency but never references it, so the crate is not linked and its handlers are absent.
//! This is the `inventory` caveat the crate docs describe; `use tcmpp_test_handlers as _;` fixes it.

use futures_executor::block_on;
use tcmpp_core::Registry;

#[test]
fn handlers_of_an_unreferenced_crate_are_not_registered() {
    let registry = Registry::builder().build().unwrap();
    assert!(registry.get("linkedEcho").is_none());
    assert!(registry.is_empty());
    let reply =
        block_on(registry.dispatch_json(r#"{"api_name":"linkedEcho","data":{"text":"hi"}}"#));
    assert_eq!(
        reply,
        r#"{"errMsg":"linkedEcho:fail unknown API: no handler is registered for \"linkedEcho\""}"#
    );
}
