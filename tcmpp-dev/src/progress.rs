//! Progress events, live: each client opens one WebSocket (`GET /api/progress`), learns its
//! subscription id from the first message, and names it in its calls; the events of those calls
//! reach that socket as the handler sends them, in order.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use tcmpp_core::progress::ProgressEvent;
use tokio::sync::mpsc;

use crate::server::Shared;

/// The open progress sockets, by subscription id.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    next: AtomicU64,
    sockets: Mutex<HashMap<u64, mpsc::UnboundedSender<String>>>,
}

impl Hub {
    fn open(&self) -> (u64, mpsc::UnboundedReceiver<String>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (sender, receiver) = mpsc::unbounded_channel();
        self.lock().insert(id, sender);
        (id, receiver)
    }

    fn close(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// The sink for one call's events to the socket `subscription`; `None` when no such socket
    /// is open.
    pub(crate) fn sink(&self, subscription: u64, call_id: String) -> Option<CallSink> {
        let sender = self.lock().get(&subscription)?.clone();
        Some(CallSink {
            sender,
            call_id,
            sent: Arc::new(AtomicUsize::new(0)),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, mpsc::UnboundedSender<String>>> {
        // The map is never left half-changed: a poisoned lock still holds a valid map.
        self.sockets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Where one call's events go: its socket, tagged with the client's call id and numbered.
#[derive(Clone, Debug)]
pub(crate) struct CallSink {
    sender: mpsc::UnboundedSender<String>,
    call_id: String,
    sent: Arc<AtomicUsize>,
}

impl CallSink {
    /// How many events were handed to the socket: the reply says so, and the client waits for
    /// that many before it settles the call.
    pub(crate) fn counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.sent)
    }

    /// Hands one event on. The core calls the sink while the call's event channel is locked,
    /// so `seq` follows the order the handler sent in.
    pub(crate) fn send(&self, event: ProgressEvent<'_>) {
        let seq = self.sent.load(Ordering::Relaxed);
        let message = serde_json::json!({
            "type": "progress",
            "callId": self.call_id,
            "seq": seq,
            "apiName": event.api_name,
            "stateEvent": event.state_event,
            "payload": event.payload,
        });
        // A socket closed meanwhile drops the event, as a host drops events nobody listens to.
        if self.sender.send(message.to_string()).is_ok() {
            self.sent.store(seq + 1, Ordering::Relaxed);
        }
    }
}

/// `GET /api/progress`: the WebSocket.
pub(crate) async fn socket(
    State(shared): State<Arc<Shared>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |socket| forward(shared, socket))
}

async fn forward(shared: Arc<Shared>, mut socket: WebSocket) {
    let (id, mut events) = shared.hub.open();
    let hello = serde_json::json!({ "type": "hello", "subscription": id.to_string() });
    if socket.send(Message::text(hello.to_string())).await.is_ok() {
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Some(text) => {
                        if socket.send(Message::text(text)).await.is_err() {
                            break;
                        }
                    }
                    None => break,
                },
                incoming = socket.recv() => match incoming {
                    // Clients send nothing but pings and the close; both need no answer here.
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
            }
        }
    }
    shared.hub.close(id);
}
