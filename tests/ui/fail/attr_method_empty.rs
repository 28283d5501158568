use tcmpp_core::mini_api;

#[mini_api("luffaWebRequest", method = "")]
fn connect() {}

fn main() {}
