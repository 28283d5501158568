use tcmpp_core::mini_api;

struct Session;

#[mini_api("session")]
async fn session(#[context] _session: Session) {}

fn main() {}
