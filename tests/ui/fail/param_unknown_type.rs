use tcmpp_core::{mini_api, Registry};

#[mini_api("listApis")]
fn list_apis(registry: Registry) {
    let _ = registry.len();
}

fn main() {}
