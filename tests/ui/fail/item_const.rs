use tcmpp_core::mini_api;

#[mini_api("myApiName")]
const HANDLER: fn() = || {};

fn main() {}
