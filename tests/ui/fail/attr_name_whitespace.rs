use tcmpp_core::mini_api;

#[mini_api("get user")]
async fn get_user() {}

fn main() {}
