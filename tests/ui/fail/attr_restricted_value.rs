use tcmpp_core::mini_api;

#[mini_api("secret", restricted = true)]
fn secret() {}

fn main() {}
