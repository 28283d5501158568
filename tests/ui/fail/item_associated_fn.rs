use tcmpp_core::mini_api;

struct Service;

impl Service {
    #[mini_api("myApiName")]
    fn handle() {}
}

fn main() {}
