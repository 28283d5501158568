//! Measurements 4 and 5 with a registry of 1 handler.

#[path = "registry_common.rs"]
mod registry_common;

/// The handler every registry-size binary has.
#[tcmpp_core::mini_api("ping")]
fn ping() {}

fn main() {
    registry_common::run(1);
}
