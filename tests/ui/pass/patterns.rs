//! Parameters may be patterns: the adapter passes arguments, it does not name them.

use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiName, Caller, mini_api, Registry, WebViewId};
use tcmpp_core::reply::Rendering;

#[derive(Deserialize)]
struct Person {
    name: String,
    age: u32,
}

#[derive(Serialize)]
struct Described {
    text: String,
}

#[mini_api("destructured")]
async fn destructured(Person { name, age }: Person, ApiName(api): ApiName) -> Described {
    Described { text: format!("{api}: {name} is {age}") }
}

#[mini_api("tupleStruct")]
fn tuple_struct(WebViewId(id): WebViewId, _: Option<ApiName>, mut extra: Vec<u8>) -> Described {
    extra.push(1);
    Described { text: format!("{id}/{}", extra.len()) }
}

fn main() {
    let registry = Registry::builder().build().unwrap();
    let reply = futures_executor::block_on(registry.dispatch_json(
        r#"{"api_name":"destructured","data":{"name":"kka","age":22}}"#,
    ));
    assert_eq!(reply, r#"{"text":"destructured: kka is 22","errMsg":"destructured:ok"}"#);
    // The web view is the host's to state, beside the call.
    let reply = futures_executor::block_on(
        registry
            .call(r#"{"api_name":"tupleStruct","data":[7]}"#)
            .caller(&Caller::new().with_web_view_id(4))
            .rendered(Rendering::Callback),
    );
    assert_eq!(reply.text, r#"{"text":"4/2","errMsg":"tupleStruct:ok"}"#);
}
