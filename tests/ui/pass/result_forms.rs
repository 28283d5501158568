//! Every `Result` a handler may return: aliases, boxed errors, Display-only errors.

use std::fmt;

use serde::Serialize;
use tcmpp_core::{mini_api, ApiError, Registry};

#[derive(Serialize)]
struct Done {
    done: bool,
}

type ApiResult<T> = Result<T, ApiError>;

/// An error type like `anyhow::Error`: `Display`, but not `std::error::Error`.
struct Report(String);

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[mini_api("ioResult")]
fn io_result() -> std::io::Result<Done> {
    Err(std::io::Error::other("disk full"))
}

#[mini_api("userAlias")]
async fn user_alias() -> ApiResult<Done> {
    Err(ApiError::new("nope").with_code(3))
}

#[mini_api("boxedError")]
async fn boxed_error() -> Result<Done, Box<dyn std::error::Error + Send + Sync>> {
    Err("boxed".into())
}

#[mini_api("displayOnly")]
fn display_only() -> Result<Done, Report> {
    Err(Report("only display".to_owned()))
}

#[mini_api("fullyQualified")]
fn fully_qualified() -> core::result::Result<Done, String> {
    Ok(Done { done: true })
}

#[mini_api("unitOk")]
async fn unit_ok() -> Result<(), &'static str> {
    Ok(())
}

fn main() {
    let registry = Registry::builder().build().unwrap();
    let call = |name: &str| {
        futures_executor::block_on(registry.dispatch_json(&format!(r#"{{"api_name":"{name}"}}"#)))
    };
    assert_eq!(call("ioResult"), r#"{"errMsg":"ioResult:fail disk full"}"#);
    assert_eq!(call("userAlias"), r#"{"errCode":3,"errMsg":"userAlias:fail nope"}"#);
    assert_eq!(call("boxedError"), r#"{"errMsg":"boxedError:fail boxed"}"#);
    assert_eq!(call("displayOnly"), r#"{"errMsg":"displayOnly:fail only display"}"#);
    assert_eq!(call("fullyQualified"), r#"{"done":true,"errMsg":"fullyQualified:ok"}"#);
    assert_eq!(call("unitOk"), r#"{"errMsg":"unitOk:ok"}"#);
}
