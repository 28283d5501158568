//! What a refused call costs in memory: a scan of its bytes, not a parse into values. Each
//! hostile call below is 4 MiB; refusing it allocates next to nothing, counted by this binary's
//! allocator (`stats_alloc`). (One test in its binary, so that no other test's allocations are
//! counted.)

use std::alloc::System;

use serde_json::Value;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES;
use tcmpp_core::reply::FailureKind;
use tcmpp_core::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Wire, mini_api};

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// What running `run` allocated: how many allocations, and their bytes in all, which bounds the
/// most that was live at once (the extra peak heap) from above.
fn allocations_of(run: impl FnOnce()) -> Cost {
    let region = Region::new(ALLOCATOR);
    run();
    let change = region.change();
    Cost {
        allocations: change.allocations + change.reallocations,
        allocated: change.bytes_allocated + change.bytes_reallocated.max(0).unsigned_abs(),
    }
}

#[derive(Debug)]
#[allow(dead_code)] // Read through `Debug`, in the assertions' messages.
struct Cost {
    allocations: usize,
    allocated: usize,
}

/// The most a refusal may allocate in all, and so the most extra heap it may hold at once: a
/// megabyte, for a call of four.
const MAX_PEAK: usize = 1_000_000;

#[mini_api("costSecret", restricted)]
fn cost_secret(data: serde_json::Value) -> serde_json::Value {
    data
}

/// A method of a multiplexed API, restricted: the method is found by a scan of `data`.
#[mini_api("costWallet", method = "sign", restricted)]
fn cost_sign(data: serde_json::Value) -> serde_json::Value {
    data
}

#[mini_api("costWallet", method = "language")]
fn cost_language() {}

/// `{"api_name":"<api>",<key>:` + `[[],[],…]` + `}`, padded to just under the size limit.
fn flood(api: &str, key: &str) -> String {
    flood_with(api, key, "")
}

/// [`flood`], with `first` written before the flood inside the object: `"methodName":"sign",`.
fn flood_with(api: &str, key: &str, first: &str) -> String {
    let head = format!(r#"{{"api_name":"{api}","{key}":{{{first}"e":["#);
    let tail = "[]]}}";
    let room = DEFAULT_MAX_CALL_BYTES - head.len() - tail.len();
    let mut call = String::with_capacity(DEFAULT_MAX_CALL_BYTES);
    call.push_str(&head);
    call.push_str(&"[],".repeat(room / 3));
    call.push_str(tail);
    call
}

/// `flood`'s call with a trailing comma in its data object, the only flaw, near the end.
fn malformed_at_the_end(flood: String) -> String {
    let call = flood.strip_suffix("]}}").unwrap();
    format!("{call}],}}}}")
}

/// `flood`'s call with `data` moved before `api_name`.
fn data_first(flood: String) -> String {
    let (head, data) = flood.split_once(r#","data":"#).unwrap();
    let data = data.strip_suffix('}').unwrap();
    format!(r#"{{"data":{data},{}}}"#, head.strip_prefix('{').unwrap())
}

#[test]
fn a_refused_call_of_four_mebibytes_allocates_next_to_nothing() {
    let registry = Registry::builder()
        .access_policy(AccessPolicy::new().grant("wx_granted", ["costSecret"]))
        .build()
        .unwrap();
    let stranger = Caller::new().with_app_info(AppInfo::with_app_id("wx_stranger"));
    let keys = {
        let mut call = String::from(r#"{"api_name":"noSuchApi""#);
        while call.len() < DEFAULT_MAX_CALL_BYTES - 16 {
            call.push_str(&format!(r#","k{}":0"#, call.len()));
        }
        call.push('}');
        call
    };
    let cases = [
        // appInfo in untrusted text, to a restricted API: refused for the appInfo.
        (
            "appInfo flood",
            flood("costSecret", "appInfo"),
            FailureKind::InvalidCall,
        ),
        // Unknown keys by the hundred thousand: refused at the key limit.
        ("key flood", keys, FailureKind::LimitExceeded),
        // A restricted API, a caller no grant names, megabytes of data: denied unread.
        (
            "data flood, denied",
            flood("costSecret", "data"),
            FailureKind::PermissionDenied,
        ),
        // The same, the data before the API's name.
        (
            "data flood before the name, denied",
            data_first(flood("costSecret", "data")),
            FailureKind::PermissionDenied,
        ),
        // An unknown API with megabytes of data.
        (
            "data flood, unknown",
            flood("noSuchApi", "data"),
            FailureKind::UnknownApi,
        ),
        // A restricted method of a multiplexed API: found by a scan, denied unread.
        (
            "data flood, method denied",
            flood_with("costWallet", "data", r#""methodName":"sign","#),
            FailureKind::PermissionDenied,
        ),
        // A multiplexed API's data that names no method: scanned to its end, refused unread.
        (
            "data flood, no method",
            flood("costWallet", "data"),
            FailureKind::InvalidData,
        ),
        (
            "data flood, unknown method",
            flood_with("costWallet", "data", r#""methodName":"share","#),
            FailureKind::InvalidData,
        ),
        // Not JSON only at its very end: the method's scan gives up there, and nothing may
        // then build the data's values to look for the method.
        (
            "malformed data flood, multiplexed",
            malformed_at_the_end(flood_with("costWallet", "data", r#""methodName":"sign","#)),
            FailureKind::InvalidCall,
        ),
    ];
    for (name, call, kind) in cases {
        assert!(
            call.len() > 4_000_000 && call.len() <= DEFAULT_MAX_CALL_BYTES,
            "{name}"
        );
        let mut reply = None;
        let cost = allocations_of(|| {
            reply = Some(
                registry
                    .call(call.as_str())
                    .caller(&stranger)
                    .reply()
                    .now_or_fail(),
            );
        });
        let reply = reply.unwrap();
        assert_eq!(
            reply.failure().map(|f| f.kind()),
            Some(kind),
            "{name}: {reply:?}"
        );
        assert!(
            cost.allocated < 64 * 1024 && cost.allocations < 64,
            "{name}: {cost:?}"
        );
    }
    the_rest_of_the_hostile_calls_cost_under_a_megabyte(&registry, &stranger);
}

/// `{"<key 0>":0,"<key 1>":0,…}`, `first` before them, just under the size limit: a legacy
/// call's data of many short keys, each written by `key`.
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

/// The shapes the second hostile review found, each refused under a megabyte of extra heap:
/// the legacy wire (every key the data's), a key given twice, a number, a name of megabytes,
/// and the entries that read a call without a registry.
fn the_rest_of_the_hostile_calls_cost_under_a_megabyte(registry: &Registry, stranger: &Caller) {
    let short = |index: usize| format!("k{index}");
    let escaped = |index: usize| format!("\\u0041{index}");
    let legacy_keys = many_keys("", short);
    let legacy_escaped = many_keys("", escaped);
    let legacy_sign = many_keys(r#""methodName":"sign""#, short);
    let legacy_share = many_keys(r#""methodName":"share""#, short);
    let key = "k".repeat(2 * 1024 * 1024 - 32);
    let duplicate = format!(r#"{{"api_name":"costSecret","{key}":1,"{key}":2}}"#);
    let number = format!(
        r#"{{"api_name":"costSecret","webviewId":{}}}"#,
        "1".repeat(DEFAULT_MAX_CALL_BYTES - 64)
    );
    let long_name = format!(
        r#"{{"api_name":"{}"}}"#,
        "n".repeat(DEFAULT_MAX_CALL_BYTES - 64)
    );
    let escaped_name = format!(
        r#"{{"api_name":"{}"}}"#,
        "\\u0041".repeat((DEFAULT_MAX_CALL_BYTES - 64) / 6)
    );
    let cases: [(&str, &str, Wire<'_>, FailureKind); 10] = [
        (
            "legacy keys, restricted",
            &legacy_keys,
            Wire::Legacy("costSecret"),
            FailureKind::PermissionDenied,
        ),
        (
            "legacy escaped keys, restricted",
            &legacy_escaped,
            Wire::Legacy("costSecret"),
            FailureKind::PermissionDenied,
        ),
        (
            "legacy keys, unknown API",
            &legacy_keys,
            Wire::Legacy("noSuchApi"),
            FailureKind::UnknownApi,
        ),
        (
            "legacy keys, method denied",
            &legacy_sign,
            Wire::Legacy("costWallet"),
            FailureKind::PermissionDenied,
        ),
        (
            "legacy keys, unknown method",
            &legacy_share,
            Wire::Legacy("costWallet"),
            FailureKind::InvalidData,
        ),
        (
            "a 2 MiB key twice",
            &duplicate,
            Wire::Unified,
            FailureKind::InvalidCall,
        ),
        (
            "a 4 MiB webviewId",
            &number,
            Wire::Unified,
            FailureKind::InvalidCall,
        ),
        (
            "a 4 MiB name against the reported one",
            &long_name,
            Wire::Named("costSecret"),
            FailureKind::InvalidCall,
        ),
        (
            "an escaped 4 MiB name",
            &escaped_name,
            Wire::Unified,
            FailureKind::UnknownApi,
        ),
        (
            "an escaped 4 MiB name against the reported one",
            &escaped_name,
            Wire::Named("costSecret"),
            FailureKind::InvalidCall,
        ),
    ];
    for (name, call, wire, kind) in cases {
        assert!(
            call.len() > 4_000_000 && call.len() <= DEFAULT_MAX_CALL_BYTES,
            "{name}: {} bytes",
            call.len()
        );
        let mut reply = None;
        let cost = allocations_of(|| {
            reply = Some(
                registry
                    .call(call)
                    .wire(wire)
                    .caller(stranger)
                    .reply()
                    .now_or_fail(),
            );
        });
        let reply = reply.unwrap();
        assert_eq!(
            reply.failure().map(|f| f.kind()),
            Some(kind),
            "{name}: {reply:?}"
        );
        assert!(
            reply.failure().unwrap().message().len() < 400,
            "{name}: {reply:?}"
        );
        assert!(cost.allocated < MAX_PEAK, "{name}: {cost:?}");
    }

    // The entries that read a call without a registry: over the limits, refused by a scan.
    let over = format!(
        r#"{{"api_name":"costSecret","data":[{}0]}}"#,
        "0,".repeat(DEFAULT_MAX_CALL_BYTES / 2)
    );
    let deep = format!(
        r#"{{"api_name":"costSecret","data":{}1{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    for (name, text, wire) in [
        ("from_json over the size limit", &over, Wire::Unified),
        ("from_json over the nesting limit", &deep, Wire::Unified),
        (
            "from_json, legacy, over the size limit",
            &over,
            Wire::Legacy("costSecret"),
        ),
    ] {
        let mut read = None;
        let cost = allocations_of(|| read = Some(MiniApiCall::from_json(text, wire)));
        let error = read.unwrap().expect_err(name);
        assert!(
            error.to_string().starts_with("invalid call: "),
            "{name}: {error}"
        );
        assert!(cost.allocated < MAX_PEAK, "{name}: {cost:?}");
    }
    let map = |text: &str| match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        _ => unreachable!("an object"),
    };
    for (name, params) in [
        ("from_map over the size limit", map(&over)),
        ("from_map over the nesting limit", map(&deep)),
    ] {
        let mut read = None;
        let cost = allocations_of(|| read = Some(MiniApiCall::from_map(params, Wire::Unified)));
        let error = read.unwrap().expect_err(name);
        assert!(
            error.to_string().starts_with("invalid call: "),
            "{name}: {error}"
        );
        assert!(cost.allocated < MAX_PEAK, "{name}: {cost:?}");
    }
}
