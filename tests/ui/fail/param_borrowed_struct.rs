use serde::Deserialize;
use tcmpp_core::mini_api;

#[derive(Deserialize)]
struct Person {
    name: String,
}

#[mini_api("greet")]
async fn greet(person: &Person) {
    let _ = &person.name;
}

fn main() {}
