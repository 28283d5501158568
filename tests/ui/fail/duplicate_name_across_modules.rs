use tcmpp_core::mini_api;

mod users {
    use tcmpp_core::mini_api;

    #[mini_api("getProfile")]
    pub async fn get_profile() {}
}

mod shops {
    pub mod owners {
        use tcmpp_core::mini_api;

        #[mini_api("getProfile")]
        pub fn get_owner_profile() {}
    }
}

fn main() {
    #[mini_api("getProfile")]
    fn in_main() {}
}

#[mini_api("unique")]
fn unique() {}
