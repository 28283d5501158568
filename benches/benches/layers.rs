//! The seed call with and without one pass-through layer of the registry, run a given number of
//! times: a program for callgrind, as `instructions` is, kept apart from it so that the
//! contenders that budget the dispatch path without layers run the very program they always
//! did.
//!
//! ```sh
//! cargo bench -p tcmpp-bench --bench layers --no-run
//! valgrind --tool=callgrind target/release/deps/layers-<hash> json_layer 10000
//! valgrind --tool=callgrind target/release/deps/layers-<hash> json_layer 0
//! ```
//!
//! The difference of the two counts, divided by 10,000, is the contender's instructions per
//! call; a `_layer` contender minus its plain twin, measured in this binary, is what the layer
//! costs. `docs/PERFORMANCE.md` quotes them.

use std::hint::black_box;

use futures_executor::block_on;
use serde_json::Value;
use tcmpp_bench::{SEED_API, SEED_CALL, SEED_DATA, SEED_SYNC_API};
use tcmpp_core::middleware::{ApiRequest, ApiService, Next, NextFuture};
use tcmpp_core::{MiniApiCall, Registry};
use tower_layer::Layer;

tcmpp_bench::seed_handlers!();

/// A layer that hands every call on and its reply back: what one layer costs by itself.
struct PassThrough;

impl Layer<Next> for PassThrough {
    type Service = Through;

    fn layer(&self, inner: Next) -> Through {
        Through(inner)
    }
}

struct Through(Next);

impl ApiService for Through {
    type Future = NextFuture;

    fn call(&self, request: ApiRequest<'_>) -> NextFuture {
        self.0.call(request)
    }
}

/// The contenders, by the name they are chosen with. Each `_layer` contender runs its twin's
/// call through a registry with one [`PassThrough`] layer.
const CONTENDERS: &[(&str, &str)] = &[
    ("json", "dispatch_json of the seed call, async fn handler"),
    ("json_layer", "as json, through one pass-through layer"),
    (
        "json_sync",
        "dispatch_json of the seed call, plain fn handler",
    ),
    (
        "json_sync_layer",
        "as json_sync, through one pass-through layer",
    ),
    (
        "typed",
        "call of a clone of the seed MiniApiCall, async fn handler",
    ),
    ("typed_layer", "as typed, through one pass-through layer"),
    (
        "typed_sync",
        "call of a clone of the seed MiniApiCall, plain fn handler",
    ),
    (
        "typed_sync_layer",
        "as typed_sync, through one pass-through layer",
    ),
];

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let (Some(contender), Some(calls)) = (args.next(), args.next()) else {
        eprintln!("usage: layers <contender> <calls>; contenders:");
        for (name, what) in CONTENDERS {
            eprintln!("  {name:17} {what}");
        }
        // `cargo bench` runs every bench target without arguments: nothing to measure then.
        return;
    };
    let calls: u64 = calls.parse().expect("the number of calls is a number");
    let (name, layered) = match contender.strip_suffix("_layer") {
        Some(name) => (name, true),
        None => (contender.as_str(), false),
    };
    let builder = Registry::builder();
    let builder = if layered {
        builder.layer(PassThrough)
    } else {
        builder
    };
    let registry = builder.build().expect("the bench handlers register");
    let seed_value: Value = serde_json::from_str(SEED_DATA).expect("the seed data is JSON");
    let typed = MiniApiCall::new(SEED_API, seed_value.clone());
    let typed_sync = MiniApiCall::new(SEED_SYNC_API, seed_value);
    let sync_call = SEED_CALL.replace(SEED_API, SEED_SYNC_API);
    let run: Box<dyn Fn() -> usize> = match name {
        "json" => Box::new(|| block_on(registry.dispatch_json(black_box(SEED_CALL))).len()),
        "json_sync" => Box::new(|| block_on(registry.dispatch_json(black_box(&sync_call))).len()),
        "typed" => Box::new(|| {
            usize::from(block_on(registry.call(black_box(typed.clone())).reply()).is_success())
        }),
        "typed_sync" => Box::new(|| {
            usize::from(block_on(registry.call(black_box(typed_sync.clone())).reply()).is_success())
        }),
        other => panic!("no contender named {other:?}; run without arguments for the list"),
    };
    let mut total = 0;
    for _ in 0..calls {
        total += run();
    }
    // Printed, so that nothing the calls produced can be optimized away.
    println!("{contender}: {calls} calls, {total} bytes or replies");
}
