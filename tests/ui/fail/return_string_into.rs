use tcmpp_core::{mini_api, ApiError};

#[mini_api("buy")]
async fn buy(count: u32) -> Result<(), ApiError> {
    if count == 0 {
        return Err(format!("cannot buy {count}").into());
    }
    Err("out of stock".into())
}

fn main() {}
