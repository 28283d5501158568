use tcmpp_core::mini_api;

#[mini_api("luffaWebRequest", method = "connect", method_key = "")]
fn connect() {}

fn main() {}
