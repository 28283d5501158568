//! The six original handlers of `tests/c-host`, exported through the C ABI: what the size
//! attribution of docs/PERFORMANCE.md (issue 23) measures.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tcmpp_core::{ApiError, Progress, Registry, State, mini_api};

/// The host's name, given as state when the registry is built.
pub struct HostName(pub &'static str);

/// The registry the C ABI serves.
pub fn build_registry() -> Result<Registry, tcmpp_core::BuildError> {
    Registry::builder().state(HostName("c-host")).build()
}

tcmpp_ffi::export_c_abi!(build = build_registry);

/// The data of `cEcho`.
#[derive(Deserialize)]
pub struct Numbered {
    /// Echoed back.
    pub n: u64,
}

/// Echoes `n` from an async handler, after a timer.
#[mini_api("cEcho")]
pub async fn c_echo(numbered: Numbered) -> Value {
    if numbered.n % 1000 == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    json!({ "n": numbered.n })
}

/// Fails with a code.
#[mini_api("cFail")]
pub async fn c_fail() -> Result<(), ApiError> {
    Err(ApiError::new("out of stock").with_code(1001))
}

/// The user backed out.
#[mini_api("cCancel")]
pub async fn c_cancel() -> Result<(), ApiError> {
    Err(ApiError::cancelled())
}

/// The data of `cProgress`.
#[derive(Deserialize)]
pub struct Steps {
    /// How many progress events to send.
    pub steps: u32,
}

/// Sends `steps` progress events, then answers.
#[mini_api("cProgress")]
pub async fn c_progress(steps: Steps, progress: Progress) -> Result<Value, ApiError> {
    for step in 1..=steps.steps {
        progress.send(json!({ "step": step }))?;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(json!({ "steps": steps.steps }))
}

/// A plain `fn`: answers synchronous calls.
#[mini_api("cPing")]
pub fn c_ping(host: State<HostName>) -> Value {
    json!({ "pong": host.0 })
}

/// A handler that panics: the host gets a fail reply.
#[mini_api("cPanic")]
pub fn c_panic() {
    panic!("a bug in a handler");
}
