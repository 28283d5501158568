use tcmpp_core::mini_api;

#[mini_api("quoted", crate = "tcmpp_core")]
async fn quoted() {}

fn main() {}
