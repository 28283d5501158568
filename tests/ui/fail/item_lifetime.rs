use tcmpp_core::mini_api;

#[mini_api("borrowing")]
async fn borrowing<'a>(_name: std::borrow::Cow<'a, str>) {}

fn main() {}
