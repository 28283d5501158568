use tcmpp_core::mini_api;

#[mini_api("pair")]
fn pair() -> (u32, u32) {
    (1, 2)
}

fn main() {}
