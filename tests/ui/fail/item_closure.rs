use tcmpp_core::mini_api;

fn main() {
    let handler = #[mini_api("myApiName")]
    || {};
    handler();
}
