//! Measurement 8: what a hostile 4 MiB call costs to refuse, against one pass over its bytes.
//!
//! Each call is just under the 4 MiB size limit and refused: `appInfo` in untrusted text, a
//! hundred thousand unknown keys, megabytes of data to an API the caller may not call or that
//! does not exist. The baseline is one validating pass of serde_json over the same text
//! (`IgnoredAny`: syntax checked, nothing built), which any reader of the call must at least
//! make; the target is 2x of it. `tests/refused_cost.rs` pins what the same calls allocate.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use serde::de::IgnoredAny;
use tcmpp_bench::hostile_calls;
use tcmpp_core::reply::FailureKind;
use tcmpp_core::{AccessPolicy, AppInfo, Caller, Registry, mini_api};

#[mini_api("benchSecret", restricted)]
fn bench_secret(data: serde_json::Value) -> serde_json::Value {
    data
}

fn main() {
    let registry = Registry::builder()
        .access_policy(AccessPolicy::new().grant("wx_granted", ["benchSecret"]))
        .build()
        .expect("the bench handler registers");
    let stranger = Caller::new().with_app_info(AppInfo::with_app_id("wx_stranger"));
    let cases = hostile_calls("benchSecret");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
        .configure_from_args();
    let mut group = criterion.benchmark_group("refused");
    for (name, call) in &cases {
        let reply = registry
            .call(call.as_str())
            .caller(&stranger)
            .reply()
            .now_or_fail();
        let kind = reply.failure().map(|failure| failure.kind());
        assert!(kind.is_some(), "{name} is refused");
        assert!(
            (kind == Some(FailureKind::LimitExceeded)) == (*name == "key_flood"),
            "{name} is refused for what it is: {reply:?}"
        );
        group.throughput(Throughput::Bytes(call.len() as u64));
        group.bench_function(BenchmarkId::new("tcmpp", name), |b| {
            b.iter(|| {
                registry
                    .call(black_box(call.as_str()))
                    .caller(&stranger)
                    .reply()
                    .now_or_fail()
            })
        });
        group.bench_function(BenchmarkId::new("one_pass", name), |b| {
            b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(call)).is_ok())
        });
    }
    group.finish();
    criterion.final_summary();
}
