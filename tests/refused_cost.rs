//! What a refused call costs in memory: a scan of its bytes, not a parse into values. Each
//! hostile call below is 4 MiB; refusing it allocates next to nothing, counted by this binary's
//! allocator (`stats_alloc`). (One test in its binary, so that no other test's allocations are counted.)

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES;
use tcmpp_core::reply::FailureKind;
use tcmpp_core::{AccessPolicy, AppInfo, Caller, Registry, mini_api};

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

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

/// What dispatching one call allocated: how many allocations, and their bytes in all (which
/// bounds the most that was live at once).
fn allocations_of(run: impl FnOnce()) -> (usize, usize) {
    let region = Region::new(ALLOCATOR);
    run();
    let change = region.change();
    (
        change.allocations + change.reallocations,
        change.bytes_allocated + change.bytes_reallocated.max(0).unsigned_abs(),
    )
}

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
        let (calls, total) = allocations_of(|| {
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
            total < 64 * 1024 && calls < 64,
            "{name}: {calls} allocations, {total} bytes in all"
        );
    }
}
