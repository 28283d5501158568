use std::rc::Rc;
use tcmpp_core::{mini_api, State};

#[mini_api("counter")]
async fn counter(_count: State<Rc<u8>>) {}

fn main() {}
