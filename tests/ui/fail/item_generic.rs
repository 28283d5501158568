use tcmpp_core::mini_api;

#[mini_api("generic")]
async fn generic<T: serde::de::DeserializeOwned>(_data: T) {}

fn main() {}
