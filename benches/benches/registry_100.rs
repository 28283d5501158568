//! Measurements 4 and 5 with a registry of 100 handlers.

#[path = "registry_common.rs"]
mod registry_common;

/// The handler every registry-size binary has.
#[tcmpp_core::mini_api("ping")]
fn ping() {}

include!(concat!(env!("OUT_DIR"), "/handlers_99.rs"));

fn main() {
    registry_common::run(100);
}
