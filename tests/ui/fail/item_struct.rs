use tcmpp_core::mini_api;

#[mini_api("myApiName")]
struct NotAFunction;

fn main() {}
