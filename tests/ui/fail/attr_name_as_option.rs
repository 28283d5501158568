use tcmpp_core::mini_api;

#[mini_api(name = "getUser")]
async fn get_user() {}

fn main() {}
