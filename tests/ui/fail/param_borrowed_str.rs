use tcmpp_core::mini_api;

#[mini_api("greet")]
async fn greet(_name: &str) {}

fn main() {}
