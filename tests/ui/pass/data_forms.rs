//! Data parameters with serde attributes, tagged enums, and owned borrowing types.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use tcmpp_core::{mini_api, Registry};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Order {
    order_id: u64,
    #[serde(default)]
    note: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Placed {
    order_id: u64,
    has_note: bool,
}

#[mini_api("placeOrder")]
async fn place_order(order: Order) -> Placed {
    Placed { order_id: order.order_id, has_note: !order.note.is_empty() }
}

#[derive(Deserialize)]
#[serde(tag = "methodName", content = "params")]
enum Action {
    Open { url: String },
    Close,
}

#[derive(Serialize)]
struct Done {
    action: String,
}

#[mini_api("multiplexed")]
fn multiplexed(action: Action) -> Done {
    let action = match action {
        Action::Open { url } => format!("open {url}"),
        Action::Close => "close".to_owned(),
    };
    Done { action }
}

#[mini_api("cowText")]
fn cow_text(text: Cow<'_, str>) -> Done {
    Done { action: text.into_owned() }
}

fn main() {
    let registry = Registry::builder().build().unwrap();
    let reply = futures_executor::block_on(
        registry.dispatch_json(r#"{"api_name":"placeOrder","data":{"orderId":9}}"#),
    );
    assert_eq!(reply, r#"{"orderId":9,"hasNote":false,"errMsg":"placeOrder:ok"}"#);
    let reply = futures_executor::block_on(registry.dispatch_json(
        r#"{"api_name":"multiplexed","data":{"methodName":"Open","params":{"url":"u"}}}"#,
    ));
    assert_eq!(reply, r#"{"action":"open u","errMsg":"multiplexed:ok"}"#);
    let reply = futures_executor::block_on(
        registry.dispatch_json(r#"{"api_name":"cowText","data":"moo"}"#),
    );
    assert_eq!(reply, r#"{"action":"moo","errMsg":"cowText:ok"}"#);
}
