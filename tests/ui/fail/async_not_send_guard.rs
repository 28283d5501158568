use std::sync::Mutex;
use tcmpp_core::mini_api;

static VISITS: Mutex<u32> = Mutex::new(0);

async fn save() {}

#[mini_api("visit")]
async fn visit() {
    let mut visits = VISITS.lock().unwrap();
    *visits += 1;
    save().await;
}

fn main() {}
