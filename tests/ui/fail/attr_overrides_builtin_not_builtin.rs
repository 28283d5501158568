use tcmpp_core::mini_api;

#[mini_api("scanTicket", overrides_builtin)]
fn scan_ticket() {}

fn main() {}
