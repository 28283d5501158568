use tcmpp_core::mini_api;

#[mini_api("twice", crate = tcmpp_core, crate = tcmpp_core)]
async fn twice() {}

fn main() {}
