use tcmpp_core::mini_api;

#[mini_api("luffaWebRequest", method = "connect")]
fn connect() {}

#[mini_api("luffaWebRequest", method = "connect")]
fn connect_again() {}

fn main() {}
