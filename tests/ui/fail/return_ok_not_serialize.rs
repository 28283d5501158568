use tcmpp_core::{mini_api, ApiError};

struct Greeting {
    text: String,
}

#[mini_api("greet")]
async fn greet() -> Result<Greeting, ApiError> {
    Ok(Greeting { text: String::new() })
}

fn main() {}
