use tcmpp_core::mini_api;

struct Person {
    name: String,
}

#[mini_api("greet")]
async fn greet(person: Person) {
    let _ = person.name;
}

fn main() {}
