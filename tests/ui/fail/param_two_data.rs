use tcmpp_core::mini_api;

#[mini_api("twoData")]
async fn two_data(_name: String, _age: u32) {}

fn main() {}
