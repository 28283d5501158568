use tcmpp_core::mini_api;

#[mini_api]
async fn no_name() {}

fn main() {}
