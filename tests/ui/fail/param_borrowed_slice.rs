use tcmpp_core::mini_api;

#[mini_api("upload")]
fn upload(_bytes: &mut [u8]) {}

fn main() {}
