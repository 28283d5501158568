use std::cell::Cell;
use tcmpp_core::{mini_api, State};

#[mini_api("counter")]
fn counter(_count: State<Cell<u8>>) {}

fn main() {}
