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
use tcmpp_core::{AccessPolicy, AppInfo, Caller, DEFAULT_MAX_CALL_BYTES, Registry, mini_api};

#[mini_api("benchSecret", restricted)]
fn bench_secret(data: serde_json::Value) -> serde_json::Value {
    data
}

/// `{"api_name":"<api>","<key>":{"e":[[],[],…]}}`, just under the size limit.
fn flood(api: &str, key: &str) -> String {
    let head = format!(r#"{{"api_name":"{api}","{key}":{{"e":["#);
    let tail = "[]]}}";
    let room = DEFAULT_MAX_CALL_BYTES - head.len() - tail.len();
    let mut call = String::with_capacity(DEFAULT_MAX_CALL_BYTES);
    call.push_str(&head);
    call.push_str(&"[],".repeat(room / 3));
    call.push_str(tail);
    call
}

/// A hundred thousand unknown keys, just under the size limit.
fn keys() -> String {
    let mut call = String::from(r#"{"api_name":"noSuchApi""#);
    let mut key = 0;
    while call.len() < DEFAULT_MAX_CALL_BYTES - 16 {
        call.push_str(&format!(r#","k{key}":0"#));
        key += 1;
    }
    call.push('}');
    call
}

fn main() {
    let registry = Registry::builder()
        .access_policy(AccessPolicy::new().grant("wx_granted", ["benchSecret"]))
        .build()
        .expect("the bench handler registers");
    let stranger = Caller::new().with_app_info(AppInfo::with_app_id("wx_stranger"));
    let cases = [
        ("app_info_flood", flood("benchSecret", "appInfo")),
        ("key_flood", keys()),
        ("data_flood_denied", flood("benchSecret", "data")),
        ("data_flood_unknown", flood("noSuchApi", "data")),
    ];
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
        assert!(!reply.is_success(), "{name} is refused");
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
