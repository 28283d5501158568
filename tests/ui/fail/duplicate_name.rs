use tcmpp_core::mini_api;

#[mini_api("ping")]
fn ping() {}

#[mini_api("ping")]
fn ping_again() {}

fn main() {}
