//! `crate = path` names tcmpp_core where an application re-exports it.

mod my_app {
    pub use tcmpp_core as tcmpp;
}

use my_app::tcmpp::Registry;

#[my_app::tcmpp::mini_api("reexported", crate = my_app::tcmpp)]
fn reexported() -> Option<std::collections::HashMap<String, u8>> {
    None
}

fn main() {
    let registry = Registry::builder().build().unwrap();
    assert!(registry.get("reexported").is_some());
}
