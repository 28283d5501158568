use tcmpp_core::mini_api;

#[mini_api("myApiName")]
static HANDLER: fn() = || {};

fn main() {}
