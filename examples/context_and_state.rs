//! Context parameters and shared state: `cargo run --example context_and_state`.
//!
//! Handlers ask for what they need by type: the calling mini program ([`AppInfo`]), the web
//! view it called from ([`WebViewId`]), and state the host registered ([`State`]). The registry
//! refuses to build if a handler needs state the host did not give it.

use std::collections::HashMap;
use std::sync::Mutex;

use futures_executor::block_on;
use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiError, AppInfo, Caller, MiniApiCall, Registry, State, WebViewId, mini_api};

/// The host's per-mini-program notes, shared by every call.
#[derive(Default)]
struct Notes {
    by_app: Mutex<HashMap<String, Vec<String>>>,
}

#[derive(Deserialize)]
struct Note {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    app_id: String,
    web_view_id: i64,
    count: usize,
}

/// Needs to know who calls: a call without `appInfo` fails before this runs.
#[mini_api("saveNote")]
async fn save_note(
    note: Note,
    app: AppInfo,
    web_view: WebViewId,
    notes: State<Notes>,
) -> Result<Saved, ApiError> {
    let app_id = app
        .app_id
        .ok_or_else(|| ApiError::new("the calling mini program has no appId"))?;
    let mut by_app = notes
        .by_app
        .lock()
        .map_err(|_| ApiError::new("notes are unavailable"))?;
    let saved = by_app.entry(app_id.clone()).or_default();
    saved.push(note.text);
    Ok(Saved {
        app_id,
        web_view_id: web_view.0,
        count: saved.len(),
    })
}

#[derive(Serialize)]
struct NoteList {
    notes: Vec<String>,
}

/// `Option<AppInfo>` accepts anonymous calls too.
#[mini_api("listNotes")]
fn list_notes(app: Option<AppInfo>, notes: State<Notes>) -> Result<NoteList, ApiError> {
    let Some(app_id) = app.and_then(|app| app.app_id) else {
        return Ok(NoteList { notes: Vec::new() });
    };
    let by_app = notes
        .by_app
        .lock()
        .map_err(|_| ApiError::new("notes are unavailable"))?;
    Ok(NoteList {
        notes: by_app.get(&app_id).cloned().unwrap_or_default(),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Forgetting the state is caught here, at start-up, with the handlers that need it.
    match Registry::builder().build() {
        Ok(_) => unreachable!("the handlers above need `Notes`"),
        Err(error) => println!("without state:\n{error}\n"),
    }
    let registry = Registry::builder().state(Notes::default()).build()?;

    // Who calls is what the host's SDK says, stated beside each call.
    let app = AppInfo::with_app_id("wx_demo_app");
    let in_web_view = |id| {
        Caller::new()
            .with_app_info(app.clone())
            .with_web_view_id(id)
    };
    let nobody = Caller::new();
    let calls = [
        (
            MiniApiCall::new("saveNote", serde_json::json!({ "text": "buy milk" })),
            in_web_view(4),
        ),
        (
            MiniApiCall::new("saveNote", serde_json::json!({ "text": "call mom" })),
            in_web_view(7),
        ),
        // No appInfo: `AppInfo` is required, so this fails with a clear message.
        (
            MiniApiCall::new("saveNote", serde_json::json!({ "text": "anonymous" })),
            nobody.clone().with_web_view_id(4),
        ),
        (
            MiniApiCall::new("listNotes", serde_json::Value::Null),
            in_web_view(4),
        ),
        (
            MiniApiCall::new("listNotes", serde_json::Value::Null),
            nobody,
        ),
    ];
    for (call, caller) in calls {
        let api = call.api_name.clone();
        let reply = block_on(registry.call(call).caller(&caller).reply());
        println!("{api:>9} -> {}", reply.to_callback_json(&api));
    }
    Ok(())
}
