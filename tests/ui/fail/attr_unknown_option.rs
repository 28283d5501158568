use tcmpp_core::mini_api;

#[mini_api("slow", timeout = 5)]
async fn slow() {}

fn main() {}
