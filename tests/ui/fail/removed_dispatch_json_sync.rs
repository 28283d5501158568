use tcmpp_core::{mini_api, Registry};

#[mini_api("ping")]
fn ping() {}

fn main() {
    let registry = Registry::builder().build().unwrap();
    // A user of the release before `Registry::call`: the compiler used to suggest
    // `dispatch_json`, an async call, instead of naming the synchronous answer.
    let reply: String = registry.dispatch_json_sync(r#"{"api_name":"ping"}"#);
    println!("{reply}");
}
