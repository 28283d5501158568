use tcmpp_core::mini_api;

#[mini_api("count")]
fn count() -> i32 {
    1
}

fn main() {}
