use tcmpp_core::mini_api;

#[mini_api("slow", timeout_ms = "5s")]
async fn slow() {}

#[mini_api("zero", timeout_ms = 0)]
async fn zero() {}

fn main() {}
