use tcmpp_core::mini_api;

#[mini_api("myApiName")]
trait NotAFunction {
    fn handle(&self);
}

fn main() {}
