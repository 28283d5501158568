//! The handlers of the `typescript` example: a small shop whose types use the serde attributes
//! the generated declarations and schema honour. Its types derive `schemars::JsonSchema` beside
//! their serde derives: the one extra derive the mini program side's types need.
//!
//! The handlers are registered only in a binary that references this module
//! (`use tcmpp_examples::shop as _;`), as handlers of any library are.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tcmpp_core::{ApiError, Progress, mini_api};

/// A currency, as its ISO code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// US dollars.
    Usd,
    /// Indonesian rupiah.
    Idr,
}

/// An amount of money, used by several APIs and declared once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Money {
    /// In the currency's smallest unit.
    pub amount: u32,
    /// The currency.
    pub currency: Currency,
}

/// `getProduct`'s data.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductQuery {
    /// The product.
    pub product_id: String,
    /// Whether to include reviews; `false` when left out.
    #[serde(default)]
    pub with_reviews: bool,
    /// The currency of the price; the product's own when left out.
    pub currency: Option<Currency>,
}

/// A product, as `getProduct` answers.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// The product.
    pub product_id: String,
    /// Its name.
    pub title: String,
    /// Its price.
    pub price: Money,
    /// Its reviews; the key is left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
    /// Free-form attributes.
    pub attributes: BTreeMap<String, String>,
    /// What the shop paid: never sent.
    #[serde(skip)]
    pub cost: u32,
}

/// A review.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Review {
    /// 1 to 5.
    pub stars: u8,
    /// What the reviewer wrote, if anything.
    pub text: Option<String>,
}

/// How an order is paid: `{ "method": "card", "last4": "4242" }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "camelCase")]
pub enum Payment {
    /// A saved card.
    Card {
        /// The card's last four digits.
        last4: String,
    },
    /// A wallet.
    Wallet {
        /// The wallet.
        wallet_id: String,
        /// Whether to remember the wallet.
        #[serde(default)]
        remember: bool,
    },
    /// Cash on delivery.
    Cash,
}

/// Where a call comes from, flattened into `payOrder`'s data.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Tracking {
    /// The campaign, when there is one.
    pub campaign: Option<String>,
}

/// `payOrder`'s data.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PayOrder {
    /// The order.
    pub order_id: u64,
    /// What to charge.
    pub total: Money,
    /// How.
    pub payment: Payment,
    /// Tracking keys, at the top level of `data`.
    #[serde(flatten)]
    pub tracking: Tracking,
}

/// A payment's outcome: `{ "state": "settled", "detail": { … } }`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "state", content = "detail", rename_all = "camelCase")]
pub enum PaymentState {
    /// Paid.
    Settled {
        /// The receipt.
        receipt_id: String,
    },
    /// Waiting for the bank.
    Pending,
}

/// What `payOrder` sends as progress before its reply.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PayStep {
    /// The step the payment is at, such as `"charging"`.
    pub step: String,
}

/// What `payOrder`'s fail object carries beside `errMsg` and `errCode` when the payment is
/// declined (`ApiError::with_body`), as Luffa's `{status: -1, uuid}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PaymentDeclined {
    /// `-1`.
    pub status: i32,
    /// The payment attempt, for the mini program to retry or report.
    pub uuid: String,
}

/// `payOrder`'s result.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The order.
    pub order_id: u64,
    /// What was charged.
    pub charged: Money,
    /// Where the payment stands.
    pub state: PaymentState,
}

/// `applyCoupon`'s data: a code, or a percentage.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Coupon {
    /// A coupon code: `"SAVE10"`.
    Code(String),
    /// A percentage off: `{ "percent": 10 }`.
    Percent {
        /// 0 to 100.
        percent: u8,
    },
}

/// `logEvent`'s data.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Event {
    /// The event's name.
    pub name: String,
    /// Its parameters, any JSON.
    #[serde(default)]
    pub params: HashMap<String, serde_json::Value>,
    /// Anything else the mini program wants logged.
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// The cart, as `getCart` answers: `None` while it is empty.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Cart {
    /// What is in it.
    pub items: Vec<CartItem>,
    /// What it costs.
    pub total: Money,
}

/// One line of the cart.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CartItem {
    /// The product.
    pub product_id: String,
    /// How many.
    pub quantity: u16,
}

/// An `async fn` that fails with [`ApiError`]: its fail object may carry `errCode`, and it can
/// be cancelled.
#[mini_api("getProduct")]
pub async fn get_product(query: ProductQuery) -> Result<Product, ApiError> {
    if query.product_id.is_empty() {
        return Err(ApiError::new("no such product").with_code(404));
    }
    Ok(Product {
        product_id: query.product_id,
        title: "Kopi".to_owned(),
        price: Money {
            amount: 25_000,
            currency: query.currency.unwrap_or(Currency::Idr),
        },
        reviews: if query.with_reviews {
            vec![Review {
                stars: 5,
                text: None,
            }]
        } else {
            Vec::new()
        },
        attributes: BTreeMap::from([("roast".to_owned(), "dark".to_owned())]),
        cost: 9_000,
    })
}

/// An `async fn` that sends progress of a declared type, fails with a body of a declared type,
/// and can be cancelled.
#[mini_api("payOrder", fail_body = PaymentDeclined)]
pub async fn pay_order(order: PayOrder, progress: Progress<PayStep>) -> Result<Receipt, ApiError> {
    // Progress is best effort: dropped when the host does not listen.
    let _ = progress.send(PayStep {
        step: "charging".to_owned(),
    });
    if order.total.amount == 0 {
        return Err(ApiError::new("declined").with_body(PaymentDeclined {
            status: -1,
            uuid: format!("p-{}", order.order_id),
        }));
    }
    let state = match order.payment {
        Payment::Cash => PaymentState::Pending,
        Payment::Card { .. } | Payment::Wallet { .. } => PaymentState::Settled {
            receipt_id: format!("r-{}", order.order_id),
        },
    };
    Ok(Receipt {
        order_id: order.order_id,
        charged: order.total,
        state,
    })
}

/// An `async fn` whose error is a message: its fail object has no `errCode`.
#[mini_api("applyCoupon")]
pub async fn apply_coupon(coupon: Coupon) -> Result<Money, String> {
    match coupon {
        Coupon::Code(code) if code == "SAVE10" => Ok(Money {
            amount: 1_000,
            currency: Currency::Idr,
        }),
        Coupon::Code(code) => Err(format!("unknown coupon {code}")),
        Coupon::Percent { percent } => Ok(Money {
            amount: u32::from(percent) * 100,
            currency: Currency::Idr,
        }),
    }
}

/// A plain `fn`: it can answer `sync: true` calls. It replies an empty object.
#[mini_api("logEvent")]
pub fn log_event(event: Event) {
    let _ = (event.name, event.params, event.extra);
}

/// A plain `fn` without data, whose result may be empty.
#[mini_api("getCart")]
pub fn get_cart() -> Option<Cart> {
    Some(Cart {
        items: vec![CartItem {
            product_id: "kopi".to_owned(),
            quantity: 2,
        }],
        total: Money {
            amount: 50_000,
            currency: Currency::Idr,
        },
    })
}

/// `wallet`'s `connect` data.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect {
    /// The page that asks.
    pub dapp_url: String,
}

/// `wallet`'s `signMessage` data: the nonce is a string, as wallets send it.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SignMessage {
    /// What to sign.
    pub message: String,
    /// A string, even when it holds a number.
    pub nonce: String,
}

/// A wallet account.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Account {
    /// The account's address.
    pub address: String,
}

/// A signature.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Signature {
    /// The signature, hex.
    pub signature: String,
}

/// A multiplexed API, as wallets in super apps have them: one `api_name`, a handler per
/// method, chosen by `data.methodName`. This method is a plain `fn`.
#[mini_api("wallet", method = "connect")]
pub fn wallet_connect(connect: Connect) -> Account {
    let _ = connect.dapp_url;
    Account {
        address: "0xb60e8dd61c5d32be".to_owned(),
    }
}

/// Another method of `wallet`, an `async fn` with its own data, result and access rule.
#[mini_api("wallet", method = "signMessage", restricted)]
pub async fn wallet_sign_message(sign: SignMessage) -> Result<Signature, ApiError> {
    Ok(Signature {
        signature: format!("{}:{}", sign.message.len(), sign.nonce),
    })
}
