use tcmpp_core::mini_api;

#[mini_api(myApiName)]
async fn ident_name() {}

fn main() {}
