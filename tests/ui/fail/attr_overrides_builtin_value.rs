use tcmpp_core::mini_api;

#[mini_api("getAppBaseInfo", overrides_builtin = true)]
fn get_app_base_info() {}

fn main() {}
