use tcmpp_core::mini_api;

#[mini_api("luffaWebRequest", method = "connect", method = "language")]
fn connect() {}

fn main() {}
