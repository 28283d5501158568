//! Measurement 8: what a hostile 4 MiB call costs to refuse, against one pass over its bytes.
//!
//! Each call is just under the 4 MiB size limit and refused: `appInfo` in untrusted text, a
//! hundred thousand unknown keys, megabytes of data to an API the caller may not call or that
//! does not exist; then the shapes of the second hostile review: the legacy wire (every key the
//! data's, plain and `\u`-escaped, to a restricted API, an unknown one and a multiplexed one's
//! denied and unknown methods), a key of 2 MiB given twice, a `webviewId` of 4 MiB of digits,
//! a name of 4 MiB against the reported one, an escaped name of 4 MiB, megabytes of data to a
//! multiplexed API's denied or unknown method, and `MiniApiCall::from_json` over the size
//! limit. The baseline is one validating pass of serde_json over the same text (`IgnoredAny`:
//! syntax checked, nothing built), which any reader of the call must at least make; the target
//! is one such pass. `tests/wire/refused_cost.rs` pins what the same calls allocate.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use serde::de::IgnoredAny;
use tcmpp_bench::hostile_calls;
use tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES;
use tcmpp_core::reply::FailureKind;
use tcmpp_core::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Wire, mini_api};

#[mini_api("benchSecret", restricted)]
fn bench_secret(data: serde_json::Value) -> serde_json::Value {
    data
}

/// A restricted method of a multiplexed API, and one anybody may call.
#[mini_api("benchWallet", method = "sign", restricted)]
fn bench_sign(data: serde_json::Value) -> serde_json::Value {
    data
}

#[mini_api("benchWallet", method = "language")]
fn bench_language() {}

/// `{"<key 0>":0,…}`, `first` before them, just under the size limit.
fn many_keys(first: &str, key: impl Fn(usize) -> String) -> String {
    let mut call = format!("{{{first}");
    let mut index = 0;
    while call.len() < DEFAULT_MAX_CALL_BYTES - 64 {
        if index > 0 || !first.is_empty() {
            call.push(',');
        }
        call.push_str(&format!(r#""{}":0"#, key(index)));
        index += 1;
    }
    call.push('}');
    call
}

/// `{"api_name":"benchWallet","data":{<first>"e":[[],[],…]}}`, just under the size limit.
fn method_flood(first: &str) -> String {
    let head = format!(r#"{{"api_name":"benchWallet","data":{{{first}"e":["#);
    let tail = "[]]}}";
    let room = DEFAULT_MAX_CALL_BYTES - head.len() - tail.len();
    format!("{head}{}{tail}", "[],".repeat(room / 3))
}

/// The shapes of the second hostile review: each with the format the host states, and what it
/// is refused as.
fn second_review_calls() -> Vec<(&'static str, String, Wire<'static>, FailureKind)> {
    let short = |index: usize| format!("k{index}");
    let escaped = |index: usize| format!("\\u0041{index}");
    let key = "k".repeat(2 * 1024 * 1024 - 32);
    vec![
        (
            "legacy_keys_denied",
            many_keys("", short),
            Wire::Legacy("benchSecret"),
            FailureKind::PermissionDenied,
        ),
        (
            "legacy_escaped_keys_denied",
            many_keys("", escaped),
            Wire::Legacy("benchSecret"),
            FailureKind::PermissionDenied,
        ),
        (
            "legacy_keys_unknown",
            many_keys("", short),
            Wire::Legacy("noSuchApi"),
            FailureKind::UnknownApi,
        ),
        (
            "legacy_method_denied",
            many_keys(r#""methodName":"sign""#, short),
            Wire::Legacy("benchWallet"),
            FailureKind::PermissionDenied,
        ),
        (
            "legacy_method_unknown",
            many_keys(r#""methodName":"share""#, short),
            Wire::Legacy("benchWallet"),
            FailureKind::InvalidData,
        ),
        (
            "duplicate_key",
            format!(r#"{{"api_name":"benchSecret","{key}":1,"{key}":2}}"#),
            Wire::Unified,
            FailureKind::InvalidCall,
        ),
        (
            "long_web_view_id",
            format!(
                r#"{{"api_name":"benchSecret","webviewId":{}}}"#,
                "1".repeat(DEFAULT_MAX_CALL_BYTES - 64)
            ),
            Wire::Unified,
            FailureKind::InvalidCall,
        ),
        (
            "named_long_name",
            format!(
                r#"{{"api_name":"{}"}}"#,
                "n".repeat(DEFAULT_MAX_CALL_BYTES - 64)
            ),
            Wire::Named("benchSecret"),
            FailureKind::InvalidCall,
        ),
        (
            "escaped_name",
            format!(
                r#"{{"api_name":"{}"}}"#,
                "\\u0041".repeat((DEFAULT_MAX_CALL_BYTES - 64) / 6)
            ),
            Wire::Unified,
            FailureKind::UnknownApi,
        ),
        (
            "method_denied_data_flood",
            method_flood(r#""methodName":"sign","#),
            Wire::Unified,
            FailureKind::PermissionDenied,
        ),
        (
            "method_unknown_data_flood",
            method_flood(r#""methodName":"share","#),
            Wire::Unified,
            FailureKind::InvalidData,
        ),
    ]
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
    for (name, call, wire, kind) in &second_review_calls() {
        assert!(
            call.len() > 4_000_000 && call.len() <= DEFAULT_MAX_CALL_BYTES,
            "{name}"
        );
        let reply = registry
            .call(call.as_str())
            .wire(*wire)
            .caller(&stranger)
            .reply()
            .now_or_fail();
        assert_eq!(
            reply.failure().map(|failure| failure.kind()),
            Some(*kind),
            "{name} is refused for what it is: {reply:?}"
        );
        group.throughput(Throughput::Bytes(call.len() as u64));
        group.bench_function(BenchmarkId::new("tcmpp", name), |b| {
            b.iter(|| {
                registry
                    .call(black_box(call.as_str()))
                    .wire(*wire)
                    .caller(&stranger)
                    .reply()
                    .now_or_fail()
            })
        });
        group.bench_function(BenchmarkId::new("one_pass", name), |b| {
            b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(call)).is_ok())
        });
    }
    // `MiniApiCall::from_json` on a call one byte over the size limit: refused by its length.
    // Against the pass over the 4 MiB the limit allows, which reading it would cost at least.
    let over = {
        let (_, flood) = &cases[2];
        let mut over = flood.clone();
        over.insert_str(1, &" ".repeat(DEFAULT_MAX_CALL_BYTES + 1 - flood.len()));
        over
    };
    assert!(MiniApiCall::from_json(&over, Wire::Unified).is_err());
    group.throughput(Throughput::Bytes(over.len() as u64));
    group.bench_function(BenchmarkId::new("tcmpp", "from_json_over_limit"), |b| {
        b.iter(|| MiniApiCall::from_json(black_box(&over), Wire::Unified).is_err())
    });
    group.bench_function(BenchmarkId::new("one_pass", "from_json_over_limit"), |b| {
        b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(&cases[2].1)).is_ok())
    });
    group.finish();
    criterion.final_summary();
}
