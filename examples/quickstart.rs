//! The seed's `myApiName`, typed: `cargo run --example quickstart`.
//!
//! A mini program calls
//! `wx.invokeNativePlugin({ api_name: 'myApiName', data: { name: 'kka', age: 22 }, … })`; this
//! host answers with `{ result: "success", method: "myApiHandler" }`.

use serde::{Deserialize, Serialize};
use tcmpp_core::reply::Rendering;
use tcmpp_core::{ApiError, AppInfo, Caller, Registry, Wire, mini_api};

/// What the mini program sends as `data`.
#[derive(Deserialize)]
struct Person {
    name: String,
    age: u32,
}

/// What goes back to its `success` callback.
#[derive(Serialize)]
struct Greeting {
    result: &'static str,
    method: &'static str,
}

#[mini_api("myApiName")]
async fn my_api(person: Person, app: Option<AppInfo>) -> Result<Greeting, ApiError> {
    let caller = app
        .and_then(|app| app.app_id)
        .unwrap_or_else(|| "an unknown mini program".into());
    println!(
        "myApiName: {} ({}) called from {caller}",
        person.name, person.age
    );
    Ok(Greeting {
        result: "success",
        method: "myApiHandler",
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::builder().build()?;
    for api in registry.apis() {
        println!(
            "registered {:?} ({:?}) at {}",
            api.name, api.kind, api.location
        );
    }

    // SDK 2.2.17 and later, and iOS: the unified format, through the one way in. Who calls is
    // what the host's SDK says (Android `mMiniAppContext.getMiniAppInfo()`, iOS `context.tmfAppInfo`), stated
    // beside the call, never read from it.
    let unified = r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"#;
    println!("unified call: {unified}");
    let caller = Caller::new()
        .with_app_info(AppInfo::with_app_id("wx_demo_app"))
        .with_web_view_id(4);
    let rendered = futures_executor::block_on(
        registry
            .call(unified)
            .caller(&caller)
            .rendered(Rendering::Callback),
    );
    println!("reply:        {} ({:?})", rendered.text, rendered.kind);

    // `dispatch_json` is the shortcut for a call whose caller the host does not know: the
    // callback object's text alone.
    println!(
        "reply:        {}",
        futures_executor::block_on(registry.dispatch_json(unified))
    );

    // Android SDK 2.2.16 and earlier: the parameters are the data, the name arrives beside them.
    let legacy = r#"{"name":"kka","age":22}"#;
    println!("legacy call:  {legacy} (api name \"myApiName\")");
    let reply = registry
        .call(legacy)
        .wire(Wire::Legacy("myApiName"))
        .caller(&caller)
        .rendered(Rendering::Callback);
    println!("reply:        {}", futures_executor::block_on(reply).text);

    // Data that does not fit `Person` is a fail reply that says where and why.
    let bad = r#"{"api_name":"myApiName","data":{"name":"kka","age":"x"}}"#;
    println!("bad call:     {bad}");
    println!(
        "reply:        {}",
        futures_executor::block_on(registry.dispatch_json(bad))
    );
    Ok(())
}
