use tcmpp_core::{mini_api, ApiError};

#[mini_api("check")]
async fn check() -> Result<bool, ApiError> {
    Ok(true)
}

fn main() {}
