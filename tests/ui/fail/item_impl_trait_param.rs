use tcmpp_core::mini_api;

#[mini_api("implTrait")]
async fn impl_trait(_data: impl serde::de::DeserializeOwned) {}

fn main() {}
