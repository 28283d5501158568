//! One contender of the seed call, run a given number of times and nothing else: a program for
//! callgrind, whose instruction counts hold on a loaded machine where timings do not.
//!
//! ```sh
//! cargo bench -p tcmpp-bench --bench instructions --no-run
//! valgrind --tool=callgrind target/release/deps/instructions-<hash> json 10000
//! valgrind --tool=callgrind target/release/deps/instructions-<hash> json 0
//! ```
//!
//! The difference of the two counts, divided by 10,000, is the contender's instructions per
//! call. `docs/PERFORMANCE.md` quotes them; the contenders are listed in [`CONTENDERS`].

use std::hint::black_box;

use futures_executor::block_on;
use serde::de::IgnoredAny;
use serde_json::Value;
use tcmpp_bench::{
    SEED_API, SEED_CALL, SEED_DATA, SEED_SYNC_API, hand_written_boxed_dispatch,
    hand_written_dispatch, hostile_calls, serde_floor_seed, typed_envelope_floor_seed,
};
use tcmpp_core::reply::Rendering;
use tcmpp_core::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, mini_api};

tcmpp_bench::seed_handlers!();

/// No data, no result: what dispatch costs around a handler that does nothing.
#[mini_api("ping")]
fn ping() {}

/// The seed's handler as one method of a multiplexed API, beside a second method: the call
/// names it with `methodName` in its data, which the seed's type ignores.
#[mini_api("myApiMultiplexed", method = "greet")]
async fn my_api_multiplexed(
    person: tcmpp_bench::Person,
) -> Result<tcmpp_bench::Greeting, tcmpp_core::ApiError> {
    Ok(tcmpp_bench::greet(person))
}

#[mini_api("myApiMultiplexed", method = "other")]
fn my_api_other() {}

/// The seed call to [`my_api_multiplexed`].
const MULTIPLEXED_CALL: &str = r#"{"stateEvent":"requestCustomApi","api_name":"myApiMultiplexed","data":{"methodName":"greet","name":"kka","age":22},"webviewId":4}"#;

/// The seed call to an API no handler is registered for: refused.
const UNKNOWN_CALL: &str = r#"{"stateEvent":"requestCustomApi","api_name":"noSuchApi","data":{"name":"kka","age":22},"webviewId":4}"#;

/// What each contender runs once per call, by the name it is chosen with.
const CONTENDERS: &[(&str, &str)] = &[
    ("json", "dispatch_json of the seed call, async fn handler"),
    (
        "json_sync",
        "dispatch_json of the seed call, plain fn handler",
    ),
    (
        "rendered",
        "call(..).rendered(Rendering::Callback), as the C ABI runs it",
    ),
    (
        "rendered_bare",
        "call(..).rendered(Rendering::Bare), as the C ABI runs it for bare replies",
    ),
    (
        "unknown",
        "call(..).rendered(Rendering::Callback) of the seed call to an unknown API, as the C ABI runs it",
    ),
    (
        "typed",
        "call of a clone of the seed MiniApiCall, async fn handler",
    ),
    (
        "typed_sync",
        "call of a clone of the seed MiniApiCall, plain fn handler",
    ),
    (
        "hand_written",
        "the hand-written dispatcher on a clone of the seed MiniApiCall",
    ),
    (
        "hand_written_boxed",
        "the same, its handler's future boxed, as a registry of async handlers must box it",
    ),
    ("clone", "the clone of the seed MiniApiCall alone"),
    (
        "multiplexed",
        "dispatch_json of the seed call to a method of a multiplexed API, async fn handler",
    ),
    (
        "multiplexed_typed",
        "call of a clone of the seed MiniApiCall to a method of a multiplexed API",
    ),
    (
        "ping",
        "call of MiniApiCall::new(\"ping\", null), answered at once",
    ),
    (
        "serde_floor",
        "from_str of the seed data, to_string of the result",
    ),
    (
        "envelope_floor",
        "the whole seed call parsed with serde into a typed envelope, result rendered with errMsg",
    ),
    (
        "refused_<call>",
        "one of measurement 8's 4 MiB hostile calls, refused (run with 10 calls, not 10,000)",
    ),
    (
        "one_pass_<call>",
        "serde_json's IgnoredAny over the same call: one validating pass, nothing built",
    ),
];

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let (Some(contender), Some(calls)) = (args.next(), args.next()) else {
        eprintln!("usage: instructions <contender> <calls>; contenders:");
        for (name, what) in CONTENDERS {
            eprintln!("  {name:15} {what}");
        }
        // `cargo bench` runs every bench target without arguments: nothing to measure then.
        return;
    };
    let calls: u64 = calls.parse().expect("the number of calls is a number");
    let registry = Registry::builder()
        .build()
        .expect("the bench handlers register");
    let seed_value: Value = serde_json::from_str(SEED_DATA).expect("the seed data is JSON");
    let typed = MiniApiCall::new(SEED_API, seed_value.clone());
    let typed_sync = MiniApiCall::new(SEED_SYNC_API, seed_value);
    let sync_call = SEED_CALL.replace(SEED_API, SEED_SYNC_API);
    let multiplexed_typed = MiniApiCall::new(
        "myApiMultiplexed",
        serde_json::json!({ "methodName": "greet", "name": "kka", "age": 22 }),
    );
    // Measurement 8: every API guarded, the caller invited to none of them.
    let refusing = Registry::builder()
        .access_policy(
            AccessPolicy::new()
                .deny_by_default()
                .grant("wx_granted", ["*"]),
        )
        .build()
        .expect("the bench handlers register");
    let stranger = Caller::new().with_app_info(AppInfo::with_app_id("wx_stranger"));
    let run: Box<dyn Fn() -> usize> = match contender.as_str() {
        "json" => Box::new(|| block_on(registry.dispatch_json(black_box(SEED_CALL))).len()),
        "json_sync" => Box::new(|| block_on(registry.dispatch_json(black_box(&sync_call))).len()),
        "rendered" => Box::new(|| {
            let call = registry.call(black_box(SEED_CALL));
            block_on(call.rendered(Rendering::Callback)).text.len()
        }),
        "unknown" => Box::new(|| {
            let call = registry.call(black_box(UNKNOWN_CALL));
            block_on(call.rendered(Rendering::Callback)).text.len()
        }),
        "rendered_bare" => Box::new(|| {
            let call = registry.call(black_box(SEED_CALL));
            block_on(call.rendered(Rendering::Bare)).text.len()
        }),
        "typed" => Box::new(|| {
            usize::from(block_on(registry.call(black_box(typed.clone())).reply()).is_success())
        }),
        "typed_sync" => Box::new(|| {
            usize::from(block_on(registry.call(black_box(typed_sync.clone())).reply()).is_success())
        }),
        "hand_written" => Box::new(|| {
            block_on(hand_written_dispatch(black_box(typed.clone()))).map_or(0, |map| map.len())
        }),
        "hand_written_boxed" => Box::new(|| {
            block_on(hand_written_boxed_dispatch(black_box(typed.clone())))
                .map_or(0, |map| map.len())
        }),
        "multiplexed" => {
            Box::new(|| block_on(registry.dispatch_json(black_box(MULTIPLEXED_CALL))).len())
        }
        "multiplexed_typed" => Box::new(|| {
            usize::from(
                block_on(registry.call(black_box(multiplexed_typed.clone())).reply()).is_success(),
            )
        }),
        "clone" => Box::new(|| black_box(typed.clone()).api_name.len()),
        "ping" => Box::new(|| {
            let call = MiniApiCall::new("ping", Value::Null);
            usize::from(registry.call(black_box(call)).reply().try_now().is_some())
        }),
        "serde_floor" => Box::new(|| serde_floor_seed(black_box(SEED_DATA)).map_or(0, |t| t.len())),
        "envelope_floor" => {
            Box::new(|| typed_envelope_floor_seed(black_box(SEED_CALL)).map_or(0, |t| t.len()))
        }
        other => hostile(other, &refusing, &stranger).unwrap_or_else(|| {
            panic!("no contender named {other:?}; run without arguments for the list")
        }),
    };
    let mut total = 0;
    for _ in 0..calls {
        total += run();
    }
    // Printed, so that nothing the calls produced can be optimized away.
    println!("{contender}: {calls} calls, {total} bytes or replies");
}

/// `refused_<call>` or `one_pass_<call>` for one of [`hostile_calls`], to the seed's API.
fn hostile<'a>(
    contender: &str,
    registry: &'a Registry,
    caller: &'a Caller,
) -> Option<Box<dyn Fn() -> usize + 'a>> {
    let (refused, name) = match contender.strip_prefix("refused_") {
        Some(name) => (true, name),
        None => (false, contender.strip_prefix("one_pass_")?),
    };
    let (_, call) = hostile_calls(SEED_API)
        .into_iter()
        .find(|(hostile, _)| *hostile == name)?;
    Some(if refused {
        let reply = registry
            .call(call.as_str())
            .caller(caller)
            .reply()
            .now_or_fail();
        assert!(!reply.is_success(), "{name} is refused");
        Box::new(move || {
            let reply = registry
                .call(black_box(call.as_str()))
                .caller(caller)
                .reply();
            usize::from(reply.now_or_fail().is_success())
        })
    } else {
        Box::new(move || usize::from(serde_json::from_str::<IgnoredAny>(black_box(&call)).is_ok()))
    })
}
