use tcmpp_core::mini_api;

#[mini_api("list")]
async fn list() -> Option<Vec<String>> {
    None
}

fn main() {}
