use tcmpp_core::mini_api;

struct Service;

#[mini_api("myApiName")]
impl Service {
    fn handle() {}
}

fn main() {}
