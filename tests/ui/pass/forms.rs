//! Every supported handler form compiles.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tcmpp_core::{mini_api, ApiError, ApiName, AppInfo, MiniApiCall, State, WebViewId};

#[derive(Deserialize)]
struct Person {
    name: String,
}

#[derive(Serialize)]
struct Greeting {
    text: String,
}

struct Db;

#[mini_api("asyncStruct")]
async fn async_struct(person: Person) -> Greeting {
    Greeting { text: person.name }
}

#[mini_api("syncUnit")]
fn sync_unit() {}

#[mini_api("restrictedAndTimed", restricted, timeout_ms = 250)]
async fn restricted_and_timed() {}

#[mini_api("suffixedTimeout", timeout_ms = 1_500u32, crate = ::tcmpp_core)]
async fn suffixed_timeout() {}

/// Named like a built-in `wx` API on purpose, as Android's `@JsEvent("getAppBaseInfo")` is.
#[mini_api("getAppBaseInfo", overrides_builtin, restricted)]
fn get_app_base_info() {}

/// A fail body, and progress of a declared payload type.
#[mini_api("failBodyAndProgress", fail_body = BTreeMap<String, i32>)]
async fn fail_body_and_progress(progress: tcmpp_core::Progress<String>) -> Result<(), ApiError> {
    let _ = progress.send("1".to_owned());
    Err(ApiError::new("declined").with_body(BTreeMap::from([("status", -1)])))
}

#[mini_api("resultApiError")]
async fn result_api_error(_app: AppInfo) -> Result<Greeting, ApiError> {
    Err(ApiError::new("no").with_code(7))
}

#[mini_api("resultString")]
fn result_string(_id: WebViewId) -> Result<(), String> {
    Ok(())
}

#[mini_api("resultStdError")]
async fn result_std_error(text: String) -> Result<BTreeMap<String, u32>, std::num::ParseIntError> {
    Ok(BTreeMap::from([(text.clone(), text.parse()?)]))
}

#[mini_api("optionResult")]
async fn option_result(_name: ApiName, _call: MiniApiCall) -> Option<Greeting> {
    None
}

#[mini_api("everything")]
async fn everything(
    #[data] _person: Option<Person>,
    _app: Option<AppInfo>,
    _id: Option<WebViewId>,
    _db: State<Db>,
) -> Result<serde_json::Value, &'static str> {
    Ok(serde_json::json!({}))
}

fn main() {}
