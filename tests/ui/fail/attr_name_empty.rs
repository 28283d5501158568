use tcmpp_core::mini_api;

#[mini_api("")]
async fn empty_name() {}

fn main() {}
