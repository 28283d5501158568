use serde::Serialize;
use tcmpp_core::mini_api;

#[derive(Serialize)]
struct Greeting {
    text: String,
}

#[derive(Debug)]
enum GreetError {
    Shy,
}

#[mini_api("greet")]
async fn greet() -> Result<Greeting, GreetError> {
    Err(GreetError::Shy)
}

fn main() {}
