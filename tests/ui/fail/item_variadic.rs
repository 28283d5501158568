use tcmpp_core::mini_api;

#[mini_api("variadic")]
unsafe extern "C" fn variadic(_count: i32, _more: ...) {}

fn main() {}
