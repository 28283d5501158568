//! Runnable examples of tcmpp-core: run them with `cargo run --example NAME`.
