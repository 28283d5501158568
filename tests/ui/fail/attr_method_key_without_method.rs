use tcmpp_core::mini_api;

#[mini_api("luffaWebRequest", method_key = "action")]
fn connect() {}

fn main() {}
