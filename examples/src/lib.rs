//! Runnable examples of tcmpp-core: run them with `cargo run --example NAME`.
//!
//! The library holds the handlers of the `typescript` example, so that the tests can use them
//! too.

pub mod shop;
