use tcmpp_core::mini_api;

#[mini_api("externApi")]
extern "C" fn extern_api() {}

fn main() {}
