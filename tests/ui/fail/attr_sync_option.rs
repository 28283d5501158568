use tcmpp_core::mini_api;

#[mini_api("quick", sync = true)]
fn quick() {}

fn main() {}
