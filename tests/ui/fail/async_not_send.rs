use std::rc::Rc;
use tcmpp_core::mini_api;

async fn tick() {}

#[mini_api("notSend")]
async fn not_send() {
    let shared = Rc::new(1);
    tick().await;
    drop(shared);
}

fn main() {}
