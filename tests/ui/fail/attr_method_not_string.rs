use tcmpp_core::mini_api;

#[mini_api("luffaWebRequest", method = connect)]
fn connect() {}

fn main() {}
