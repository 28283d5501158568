use serde::Deserialize;
use tcmpp_core::mini_api;

#[derive(Deserialize)]
enum State {
    On,
    Off,
}

#[mini_api("toggle")]
async fn toggle(_state: State) {}

fn main() {}
