//! The runtime `async fn` handlers run on: a Tokio multi-thread runtime (one worker per core,
//! threads named `tcmpp-worker`), started on the first asynchronous dispatch that needs it and
//! living until the process exits.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

/// The runtime, started on first use; or why it cannot start.
pub(crate) fn runtime() -> Result<&'static Runtime, &'static str> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .enable_all()
                .thread_name("tcmpp-worker")
                .build()
                .map_err(|error| format!("cannot start the async runtime: {error}"))
        })
        .as_ref()
        .map_err(String::as_str)
}
