use tcmpp_core::{mini_api, ApiError};

#[mini_api("pay", fail_body)]
async fn pay() -> Result<(), ApiError> {
    Ok(())
}

fn main() {}
