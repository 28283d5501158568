//! Context parameters: state, optional state, custom `FromContext` types, and the markers.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiError, mini_api, Registry, State};
use tcmpp_core::context::{CallContext, FromContext};

#[derive(Serialize)]
struct Count {
    count: u32,
}

struct Counter(AtomicU32);

struct Log(Mutex<Vec<String>>);

#[mini_api("count")]
async fn count(counter: State<Counter>, log: Option<State<Log>>) -> Count {
    if let Some(log) = log {
        log.0.lock().unwrap().push("count".to_owned());
    }
    Count { count: counter.0.fetch_add(1, Ordering::Relaxed) + 1 }
}

/// A context type of the application's own.
struct CallerName(String);

impl FromContext for CallerName {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(CallerName(cx.api_name().to_owned()))
    }
}

#[derive(Serialize)]
struct Named {
    name: String,
}

#[mini_api("custom")]
fn custom(#[context] caller: CallerName) -> Named {
    Named { name: caller.0 }
}

/// A data type whose name is also a context type's: `#[data]` says which it is.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum AppInfo {
    On,
    Off,
}

#[mini_api("marked")]
fn marked(#[data] state: AppInfo) -> Named {
    let name = match state {
        AppInfo::On => "on",
        AppInfo::Off => "off",
    };
    Named { name: name.to_owned() }
}

fn main() {
    let registry = Registry::builder().state(Counter(AtomicU32::new(0))).build().unwrap();
    let reply = futures_executor::block_on(registry.dispatch_json(r#"{"api_name":"count"}"#));
    assert_eq!(reply, r#"{"count":1,"errMsg":"count:ok"}"#);
    let reply = futures_executor::block_on(registry.dispatch_json(r#"{"api_name":"custom"}"#));
    assert_eq!(reply, r#"{"name":"custom","errMsg":"custom:ok"}"#);
    let reply =
        futures_executor::block_on(registry.dispatch_json(r#"{"api_name":"marked","data":"off"}"#));
    assert_eq!(reply, r#"{"name":"off","errMsg":"marked:ok"}"#);
}
