//! Serves the shop of `tcmpp_examples::shop` to the playground page and to the mini program
//! IDE, on loopback: `cargo run --example devserver` prints the page's URL (with its token)
//! and what to give `useDevServer` in the mini program. `-- PORT` picks another port than 7370.
//!
//! The registry is built as a host builds its own: the shop's handlers, and an access policy
//! that lets `wx_shop` (the `shop` profile) call the restricted `wallet.signMessage` and nobody
//! else. Switch the profile on the page to see the other answer.

use tcmpp_core::{AccessPolicy, Registry};
use tcmpp_dev::{DEFAULT_PORT, DevOptions, Profile};
// The handlers live in the examples' library: reference it, or they are not linked.
use tcmpp_examples as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = match std::env::args().nth(1) {
        None => DEFAULT_PORT,
        Some(port) => port
            .parse()
            .map_err(|_| format!("usage: cargo run --example devserver -- [PORT], not {port:?}"))?,
    };
    let registry = Registry::builder()
        .access_policy(AccessPolicy::new().grant("wx_shop", ["wallet.signMessage"]))
        .build()?;
    let options = DevOptions::new()
        .port(port)
        .profile(
            Profile::new("shop")
                .app_id("wx_shop")
                .app_ver_type(0)
                .web_view_id(1),
        )
        .profile(Profile::new("partner").app_id("wx_partner").web_view_id(2))
        .profile(Profile::anonymous("anonymous"));
    tcmpp_dev::serve(registry, options).await?;
    Ok(())
}
