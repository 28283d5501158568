use tcmpp_core::{mini_api, AppInfo};

#[mini_api("both")]
async fn both(#[data] #[context] _app: AppInfo) {}

fn main() {}
