use tcmpp_core::mini_api;

#[mini_api("marker")]
async fn marker(#[data(rename = "x")] _x: String) {}

fn main() {}
