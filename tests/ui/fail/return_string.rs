use tcmpp_core::mini_api;

#[mini_api("greet")]
async fn greet() -> String {
    "hello".to_owned()
}

fn main() {}
