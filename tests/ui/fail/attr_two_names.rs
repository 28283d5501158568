use tcmpp_core::mini_api;

#[mini_api("first", "second")]
async fn two_names() {}

fn main() {}
