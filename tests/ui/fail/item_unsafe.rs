use tcmpp_core::mini_api;

#[mini_api("unsafeApi")]
unsafe fn unsafe_api() {}

fn main() {}
