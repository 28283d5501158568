use tcmpp_core::mini_api;

#[mini_api("greet")]
fn greet() -> &'static str {
    "hello"
}

fn main() {}
