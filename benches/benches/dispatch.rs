//! Dispatch against what it replaces, in one run: the hand-written typed dispatcher (1), the
//! serde floor (2), jsonrpsee's in-process `raw_json_request` (3), payloads from 100 bytes to
//! 1 MB (6) and concurrent dispatch on tokio's multi-threaded runtime (7).
//!
//! `docs/PERFORMANCE.md` explains the measurements; `benches/report.py` turns criterion's
//! estimates into the ratio table.

use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use futures_executor::block_on;
use jsonrpsee::RpcModule;
use jsonrpsee::types::ErrorObjectOwned;
use serde_json::Value;
use serde_json::value::RawValue;
use tcmpp_bench::{
    Batch, ECHO_API, Echo, Person, SEED_API, SEED_CALL, SEED_DATA, SEED_SYNC_API, batch_of_size,
    call_text, echo, envelope_read, greet, hand_written_boxed_dispatch, hand_written_dispatch,
    json_rpc_request, serde_floor_echo, serde_floor_seed, typed_envelope_floor_echo,
    typed_envelope_floor_seed,
};
use tcmpp_core::{ApiError, MiniApiCall, Registry, mini_api};

// The seed's handler as an `async fn` and as a plain `fn`, measured side by side to show what
// the boxed future of an `async fn` costs.
tcmpp_bench::seed_handlers!();

/// The sized-payload handler.
#[mini_api("echoItems")]
async fn echo_items(batch: Batch) -> Result<Echo, ApiError> {
    Ok(echo(batch))
}

/// Payload sizes of measurement 6, with the label each shows under.
const SIZES: [(&str, usize); 5] = [
    ("100B", 100),
    ("1KB", 1_000),
    ("10KB", 10_000),
    ("100KB", 100_000),
    ("1MB", 1_000_000),
];

/// The same two APIs served by jsonrpsee.
fn json_rpc_module() -> RpcModule<()> {
    let mut module = RpcModule::new(());
    module
        .register_method(SEED_API, |params, _, _| {
            let person: Person = params.parse()?;
            Ok::<_, ErrorObjectOwned>(greet(person))
        })
        .expect("the name is registered once");
    module
        .register_method(ECHO_API, |params, _, _| {
            let batch: Batch = params.parse()?;
            Ok::<_, ErrorObjectOwned>(echo(batch))
        })
        .expect("the name is registered once");
    module
}

/// Measurements 1 and 2 on the seed call, and the seed call's share of measurement 3.
fn seed_call(c: &mut Criterion, registry: &Registry, module: &RpcModule<()>) {
    let seed_value: Value = serde_json::from_str(SEED_DATA).expect("the seed data is JSON");
    let seed_call = MiniApiCall::new(SEED_API, seed_value);
    assert!(
        block_on(registry.call(seed_call.clone()).reply()).is_success(),
        "the framework answers the seed call"
    );

    let mut group = c.benchmark_group("typed");
    group.bench_function(BenchmarkId::new("tcmpp", "seed"), |b| {
        b.iter_batched(
            || seed_call.clone(),
            |call| block_on(registry.call(call).reply()),
            BatchSize::SmallInput,
        )
    });
    let seed_call_sync =
        MiniApiCall::new(SEED_SYNC_API, seed_call.data.clone().unwrap_or_default());
    group.bench_function(BenchmarkId::new("tcmpp_sync_fn", "seed"), |b| {
        b.iter_batched(
            || seed_call_sync.clone(),
            |call| block_on(registry.call(call).reply()),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("hand_written", "seed"), |b| {
        b.iter_batched(
            || seed_call.clone(),
            |call| block_on(hand_written_dispatch(call)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("hand_written_boxed", "seed"), |b| {
        b.iter_batched(
            || seed_call.clone(),
            |call| block_on(hand_written_boxed_dispatch(call)),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("json");
    group.bench_function(BenchmarkId::new("tcmpp", "seed"), |b| {
        b.iter(|| block_on(registry.dispatch_json(black_box(SEED_CALL))))
    });
    let sync_call = SEED_CALL.replace(SEED_API, SEED_SYNC_API);
    group.bench_function(BenchmarkId::new("tcmpp_sync_fn", "seed"), |b| {
        b.iter(|| block_on(registry.dispatch_json(black_box(&sync_call))))
    });
    group.bench_function(BenchmarkId::new("serde_floor", "seed"), |b| {
        b.iter(|| serde_floor_seed(black_box(SEED_DATA)))
    });
    group.bench_function(BenchmarkId::new("envelope_floor", "seed"), |b| {
        b.iter(|| typed_envelope_floor_seed(black_box(SEED_CALL)))
    });
    group.bench_function(BenchmarkId::new("envelope_read", "seed"), |b| {
        b.iter(|| envelope_read(black_box(SEED_CALL)).map(str::len))
    });
    let request = json_rpc_request(SEED_API, SEED_DATA);
    group.bench_function(BenchmarkId::new("jsonrpsee", "seed"), |b| {
        b.iter(|| block_on(module.raw_json_request(black_box(&request), 1)))
    });
    group.finish();
}

/// Measurement 6, which also gives measurements 1 to 3 their larger payload (10 KB).
fn payload_sizes(c: &mut Criterion, registry: &Registry, module: &RpcModule<()>) {
    let mut group = c.benchmark_group("payload");
    for (label, bytes) in SIZES {
        let data = serde_json::to_string(&batch_of_size(bytes)).expect("a batch serializes");
        let call = call_text(ECHO_API, &data);
        let typed_call = MiniApiCall::new(
            ECHO_API,
            serde_json::from_str(&data).expect("a batch is JSON"),
        );
        let request = json_rpc_request(ECHO_API, &data);
        assert!(block_on(registry.call(typed_call.clone()).reply()).is_success());
        group.throughput(Throughput::Bytes(data.len() as u64));
        if bytes >= 100_000 {
            group.sample_size(10);
        }
        group.bench_function(BenchmarkId::new("tcmpp_json", label), |b| {
            b.iter(|| block_on(registry.dispatch_json(black_box(&call))))
        });
        group.bench_function(BenchmarkId::new("serde_floor", label), |b| {
            b.iter(|| serde_floor_echo(black_box(&data)))
        });
        // What finding the end of `data` costs, the pass the JSON entry makes before it knows
        // the handler's type (see docs/PERFORMANCE.md).
        group.bench_function(BenchmarkId::new("skip_data", label), |b| {
            b.iter(|| serde_json::from_str::<&RawValue>(black_box(&data)).map(RawValue::get))
        });
        group.bench_function(BenchmarkId::new("envelope_floor", label), |b| {
            b.iter(|| typed_envelope_floor_echo(black_box(&call)))
        });
        group.bench_function(BenchmarkId::new("jsonrpsee", label), |b| {
            b.iter(|| block_on(module.raw_json_request(black_box(&request), 1)))
        });
        let batch_size = if bytes >= 100_000 {
            BatchSize::PerIteration
        } else {
            BatchSize::SmallInput
        };
        group.bench_function(BenchmarkId::new("tcmpp_typed", label), |b| {
            b.iter_batched(
                || typed_call.clone(),
                |call| block_on(registry.call(call).reply()),
                batch_size,
            )
        });
        group.bench_function(BenchmarkId::new("hand_written", label), |b| {
            b.iter_batched(
                || typed_call.clone(),
                |call| block_on(hand_written_dispatch(call)),
                batch_size,
            )
        });
    }
    group.finish();
}

/// Measurement 7: the seed call dispatched from many tasks on a multi-threaded runtime with
/// one worker per core, against the same loop on a single-threaded runtime. The serde floor runs
/// in the same tasks, so that what the machine gives (other processes share its cores) shows
/// apart from what dispatch costs.
fn concurrent(c: &mut Criterion, registry: &Registry) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("concurrent");
    group.throughput(Throughput::Elements(1));

    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .build()
        .expect("a tokio runtime starts");
    let single = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime starts");
    for (name, runtime, threads) in [
        ("multi_thread", &multi, cores),
        ("current_thread", &single, 1),
    ] {
        group.bench_function(BenchmarkId::new(format!("tcmpp_{name}"), threads), |b| {
            b.iter_custom(|calls| {
                runtime.block_on(run_tasks(threads * 8, calls, {
                    let registry = registry.clone();
                    move || {
                        let registry = registry.clone();
                        async move { registry.dispatch_json(black_box(SEED_CALL)).await }
                    }
                }))
            })
        });
        group.bench_function(
            BenchmarkId::new(format!("serde_floor_{name}"), threads),
            |b| {
                b.iter_custom(|calls| {
                    runtime.block_on(run_tasks(threads * 8, calls, || async {
                        serde_floor_seed(black_box(SEED_DATA))
                    }))
                })
            },
        );
    }
    group.finish();
}

/// Spawns `tasks` tasks that run `calls` calls of `call` between them; the time they took.
async fn run_tasks<C, F>(tasks: usize, calls: u64, call: C) -> Duration
where
    C: Fn() -> F + Clone + Send + 'static,
    F: Future<Output: Send> + Send,
{
    let tasks = tasks as u64;
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let call = call.clone();
            let share = calls / tasks + u64::from(task < calls % tasks);
            tokio::spawn(async move {
                for _ in 0..share {
                    black_box(call().await);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("a benchmark task does not panic");
    }
    start.elapsed()
}

fn main() {
    let registry = Registry::builder()
        .build()
        .expect("the bench handlers register");
    let module = json_rpc_module();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    seed_call(&mut criterion, &registry, &module);
    payload_sizes(&mut criterion, &registry, &module);
    concurrent(&mut criterion, &registry);
    criterion.final_summary();
}
