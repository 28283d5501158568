//! Luffa's `luffaWebRequest`: one `api_name`, many actions chosen by `data.methodName`, in the
//! shapes Luffa's mini programs send (`uuid`, `methodName`, `initData`, `metadata`, `from`,
//! `data`), each action a handler of its own.
//!
//! Shared by the tests that dispatch them (`#[path]`-included): the Rust tests and the C host.

use serde::Deserialize;
use serde_json::{Value, json};
use tcmpp_core::{ApiError, AppInfo, mini_api};

// Relative to this file, wherever it is included from.
#[path = "yield_once.rs"]
mod yield_once;
use yield_once::YieldOnce;

/// `initData` of `connect`.
#[derive(Deserialize)]
pub(crate) struct InitData {
    /// `"endless"` or `"eds"`.
    pub(crate) network: String,
}

/// `metadata` of `connect`: the page that asks.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metadata {
    /// Set by SuperBox pages.
    #[serde(default)]
    pub(crate) super_box: bool,
    /// The page's URL.
    pub(crate) url: String,
    /// The page's icon.
    pub(crate) icon: String,
}

/// `connect`'s call.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Connect {
    /// Echoed in the reply.
    pub(crate) uuid: String,
    /// The chain.
    pub(crate) init_data: InitData,
    /// Who asks.
    pub(crate) metadata: Metadata,
}

/// Connects the wallet: a plain `fn`, so it answers synchronous calls too.
#[mini_api("luffaWebRequest", method = "connect")]
pub(crate) fn luffa_connect(call: Connect) -> Value {
    json!({
        "uuid": call.uuid,
        "status": 0,
        "data": {
            "address": "0xb60e8dd61c5d32be8058bb8eb970870f07233155",
            "network": call.init_data.network,
            "superBox": call.metadata.super_box,
            "url": call.metadata.url,
            "icon": call.metadata.icon,
        },
    })
}

/// `signMessageV2`'s `data`: the nonce is a string, as Luffa sends it.
#[derive(Deserialize)]
pub(crate) struct SignMessage {
    /// What to sign.
    pub(crate) message: String,
    /// A string, even when it holds a number.
    pub(crate) nonce: String,
}

/// `signMessageV2`'s call.
#[derive(Deserialize)]
pub(crate) struct SignMessageCall {
    /// Echoed in the reply.
    pub(crate) uuid: String,
    /// The message.
    pub(crate) data: SignMessage,
}

/// Signs a message: restricted to the mini programs the access policy grants.
#[mini_api("luffaWebRequest", method = "signMessageV2", restricted)]
pub(crate) async fn luffa_sign_message(call: SignMessageCall, app: AppInfo) -> Value {
    json!({
        "uuid": call.uuid,
        "status": 0,
        "data": {
            "signature": format!("sig({}#{})", call.data.message, call.data.nonce),
            "signedFor": app.app_id,
        },
    })
}

/// `packageTransaction`'s `data`: its own `data` is a JSON string of the arguments.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Package {
    /// The module's address.
    pub(crate) module: String,
    /// The module.
    pub(crate) module_name: String,
    /// The function.
    pub(crate) function_name: String,
    /// The arguments, as JSON text.
    pub(crate) data: String,
}

/// `packageTransaction`'s call.
#[derive(Deserialize)]
pub(crate) struct PackageCall {
    /// Echoed in the reply.
    pub(crate) uuid: String,
    /// The transaction.
    pub(crate) data: Package,
}

/// Packages a transaction: an `async fn` that yields once, so it cannot answer a synchronous
/// call; and a timeout of its own.
#[mini_api("luffaWebRequest", method = "packageTransaction", timeout_ms = 5000)]
pub(crate) async fn luffa_package_transaction(call: PackageCall) -> Result<Value, ApiError> {
    YieldOnce::new().await;
    let arguments: Vec<Value> = serde_json::from_str(&call.data.data)
        .map_err(|_| ApiError::new("data.data must be a JSON array of the arguments, as text"))?;
    Ok(json!({
        "uuid": call.uuid,
        "status": 0,
        "data": {
            "function": format!("{}::{}::{}", call.data.module, call.data.module_name, call.data.function_name),
            "arguments": arguments.len(),
        },
    }))
}

/// The user's language: no data parameter at all.
#[mini_api("luffaWebRequest", method = "language")]
pub(crate) fn luffa_language() -> Value {
    json!({ "status": 0, "data": { "language": "en" } })
}
