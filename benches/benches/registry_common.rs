//! The registry-size benchmarks, shared by the `registry_*` binaries: measurement 4 (lookup) and
//! measurement 5 (building). Each binary defines the handler `ping` and links a number of
//! generated handlers, so its registry has exactly the size it is named after.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion};
use futures_executor::block_on;
use serde_json::Value;
use tcmpp_core::{MiniApiCall, Registry};

/// The cheapest call there is: a plain `fn` handler without data, so the lookup is as large a
/// share of the cost as it can be.
const PING_CALL: &str = r#"{"api_name":"ping","webviewId":4}"#;

/// Runs the benchmarks of a binary whose registry holds `size` handlers.
pub(crate) fn run(size: usize) {
    let registry = Registry::builder().build().expect("the handlers register");
    assert_eq!(registry.len(), size, "the binary links {size} handlers");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();

    let mut group = criterion.benchmark_group("lookup");
    group.bench_function(BenchmarkId::new("dispatch_json", size), |b| {
        b.iter(|| block_on(registry.dispatch_json(black_box(PING_CALL))))
    });
    group.bench_function(BenchmarkId::new("dispatch", size), |b| {
        b.iter_batched(
            || MiniApiCall::new("ping", Value::Null),
            |call| registry.call(call).reply().try_now(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("get", size), |b| {
        b.iter(|| registry.get(black_box("ping")).is_some())
    });
    group.finish();

    let mut group = criterion.benchmark_group("build");
    if size >= 10_000 {
        group.sample_size(20);
    }
    group.bench_function(BenchmarkId::from_parameter(size), |b| {
        b.iter(|| Registry::builder().build())
    });
    group.finish();
    criterion.final_summary();
}
