use tcmpp_core::mini_api;

#[mini_api("user.get")]
async fn get_user() {}

fn main() {}
