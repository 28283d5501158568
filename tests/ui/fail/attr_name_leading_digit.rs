use tcmpp_core::mini_api;

#[mini_api("2fa")]
async fn two_factor() {}

fn main() {}
