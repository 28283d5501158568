//! `tcmpp_dispatch_sync`'s body with handlers that use Tokio on their first poll.

use std::ffi::{CStr, CString};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tcmpp_core::{Registry, mini_api};

use crate::prepare::HostCall;
use crate::registry::{Built, build};
use crate::{STATUS_FAIL, STATUS_SUCCESS};

#[mini_api("sleepsFirst")]
async fn sleeps_first() -> Value {
    tokio::time::sleep(Duration::from_millis(1)).await;
    json!({ "slept": true })
}

static SPAWNED_RAN: AtomicU64 = AtomicU64::new(0);

#[mini_api("spawnsFirst")]
async fn spawns_first() -> Value {
    drop(tokio::spawn(async {
        SPAWNED_RAN.fetch_add(1, Ordering::SeqCst);
    }));
    json!({ "spawned": true })
}

fn registry() -> &'static Built {
    static REGISTRY: OnceLock<Built> = OnceLock::new();
    REGISTRY.get_or_init(|| build(|| Registry::builder().build()))
}

/// `tcmpp_dispatch_sync(NULL, call, NULL, 0, &status)`.
#[allow(unsafe_code)] // The C ABI's entry, with strings this test owns.
fn dispatch_sync(api: &str) -> (i32, String) {
    let call =
        CString::new(format!(r#"{{"api_name":"{api}","data":{{}}}}"#)).expect("no NUL in the call");
    let mut status = -1;
    let host_call = HostCall {
        api_name: std::ptr::null(),
        call_json: call.as_ptr(),
        caller: crate::prepare::HostCaller::Json(std::ptr::null()),
        flags: 0,
    };
    // SAFETY: the call is a valid C string; `status` is writable.
    let text = unsafe { super::dispatch_sync(registry, host_call, &mut status) };
    // SAFETY: a string the entry just handed out, freed once.
    let reply = unsafe { CStr::from_ptr(text) }
        .to_str()
        .expect("replies are UTF-8")
        .to_owned();
    // SAFETY: as above.
    unsafe { super::string_free(text) };
    (status, reply)
}

#[test]
fn a_sync_call_that_waits_on_a_tokio_timer_is_answered_as_not_synchronous() {
    let (status, reply) = dispatch_sync("sleepsFirst");
    assert_eq!(status, STATUS_FAIL);
    assert!(
        reply.starts_with(
            r#"{"errMsg":"sleepsFirst:fail this API is asynchronous and did not answer at once"#
        ),
        "{reply}"
    );
}

#[test]
fn a_sync_call_can_spawn_a_tokio_task_which_runs_on_the_runtime() {
    let before = SPAWNED_RAN.load(Ordering::SeqCst);
    let (status, reply) = dispatch_sync("spawnsFirst");
    assert_eq!(
        (status, reply.as_str()),
        (
            STATUS_SUCCESS,
            r#"{"spawned":true,"errMsg":"spawnsFirst:ok"}"#
        )
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while SPAWNED_RAN.load(Ordering::SeqCst) == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        SPAWNED_RAN.load(Ordering::SeqCst) > before,
        "the task never ran"
    );
}

#[mini_api("listedThing", method = "get", method_key = "op")]
fn listed_get() {}

#[mini_api("listedThing", method = "set", method_key = "op")]
fn listed_set() {}

/// `tcmpp_apis_json`'s text as the derived `Serialize` of this struct wrote it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedApi {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    method_key: Option<&'static str>,
    sync: bool,
    rust_path: &'static str,
    location: String,
}

#[test]
fn the_apis_text_is_what_the_derived_serializer_wrote() {
    let Ok(registry) = registry() else {
        panic!("the test registry builds");
    };
    let derived: Vec<ListedApi> = registry
        .apis()
        .map(|api| ListedApi {
            name: api.name,
            method: api.method,
            method_key: api.method_key,
            sync: api.kind == tcmpp_core::registry::HandlerKind::Plain,
            rust_path: api.rust_path,
            location: api.location.to_string(),
        })
        .collect();
    assert!(derived.iter().any(|api| api.method_key == Some("op")));
    assert!(derived.iter().any(|api| api.sync) && derived.iter().any(|api| !api.sync));
    let expected = serde_json::to_string(&derived).expect("strings and booleans");
    assert_eq!(super::apis_text(registry.apis()), expected);
    assert_eq!(super::apis_text(registry.apis().take(0)), "[]");
    // serde_json's escapes, for the text of a location or a path.
    let mut text = String::new();
    super::push_member(&mut text, ",\"k\":", "a\"b\\c\u{1}\n\u{7f}é/");
    assert_eq!(
        text,
        format!(
            ",\"k\":{}",
            serde_json::to_string("a\"b\\c\u{1}\n\u{7f}é/").unwrap()
        )
    );
}
