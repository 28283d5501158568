//! Handlers in another crate are collected when the binary links that crate. A crate nothing
//! references is not linked, so it is referenced here, once: `use … as _;`.

use futures_executor::block_on;
use tcmpp_core::Registry;
use tcmpp_core::registry::HandlerKind;
use tcmpp_test_handlers as _;

#[test]
fn handlers_of_a_referenced_crate_are_registered() {
    let registry = Registry::builder().build().unwrap();
    let echo = registry
        .get("linkedEcho")
        .expect("linked through `use tcmpp_test_handlers as _`");
    assert_eq!(echo.kind, HandlerKind::Async);
    assert_eq!(echo.rust_path, "tcmpp_test_handlers::linked_echo");
    assert!(
        echo.location.file.ends_with("linked-handlers/src/lib.rs"),
        "{}",
        echo.location.file
    );
    assert_eq!(registry.get("linkedPing").unwrap().kind, HandlerKind::Plain);

    let reply =
        block_on(registry.dispatch_json(r#"{"api_name":"linkedEcho","data":{"text":"hi"}}"#));
    assert_eq!(
        reply,
        r#"{"echoed":"HI","from":"tcmpp-test-handlers","errMsg":"linkedEcho:ok"}"#
    );
}
