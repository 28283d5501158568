use tcmpp_core::{mini_api, ApiError};

#[mini_api("buy")]
async fn buy(count: Option<u32>) -> Result<(), ApiError> {
    let _count = count.ok_or("no count")?;
    Ok(())
}

fn main() {}
