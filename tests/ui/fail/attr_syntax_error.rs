use tcmpp_core::mini_api;

#[mini_api("first" "second")]
async fn missing_comma() {}

fn main() {}
