use tcmpp_core::mini_api;

#[mini_api("myApiName")]
enum NotAFunction {
    A,
}

fn main() {}
