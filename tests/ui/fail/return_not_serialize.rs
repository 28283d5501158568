use tcmpp_core::mini_api;

struct Greeting {
    text: String,
}

#[mini_api("greet")]
async fn greet() -> Greeting {
    Greeting { text: String::new() }
}

fn main() {}
