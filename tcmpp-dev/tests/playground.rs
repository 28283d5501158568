//! The playground page in a real browser: Debian's chromium, headless, driven by
//! `playwright-core` from npm (installed into `target/playwright` when missing; chromium with
//! apt). Under `CI=true` a missing tool fails the test; elsewhere the test is skipped, saying
//! why. One browser launch for the whole test, to stay light on a 2-core CI.
//!
//! The page, against the real server and the app's registry: pick an API, fill its form, send,
//! read the reply; a fail with `errCode` and a body; a cancel; progress events live (before the
//! reply) and in order; a multiplexed API's method forms; a `restricted` method refused for one
//! profile and answered for another; a field no form fits edited as JSON and checked against
//! the schema; the history's resend; the typed snippet; with the schema taken away, raw JSON;
//! and a wrong token, refused on the page. A screenshot is kept at `target/tmp/tcmpp-dev/playground/playground.png`.

mod support;

use std::path::PathBuf;

use serde_json::{Value, json};
use support::{app_registry, start, tools};
use tcmpp_dev::DevOptions;

/// The playwright-core release the driver runs, pinned so that its API does not move under it.
const PLAYWRIGHT: &str = "1.57.0";

/// The driver: runs the page through playwright-core and prints what it saw as JSON.
const DRIVER: &str = include_str!("playground/driver.mjs");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_calls_the_real_handlers_in_a_real_browser() {
    let Some((node, playwright, chromium)) = tools_or_skip() else {
        return;
    };
    let running = start(app_registry(), DevOptions::new()).await;
    let dir = tools::scratch("playground");
    let driver = dir.join("driver.mjs");
    std::fs::write(&driver, DRIVER).unwrap();
    let shot = dir.join("playground.png");
    let args = [
        playwright.display().to_string(),
        chromium.display().to_string(),
        running.url.clone(),
        shot.display().to_string(),
    ];
    let output = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        node.run(&driver, &args)
    })
    .await
    .unwrap()
    .unwrap_or_else(|why| panic!("{why}"));
    let out: Value = serde_json::from_str(&output).unwrap_or_else(|e| panic!("{e}: {output}"));

    assert_eq!(out["errors"], json!([]), "the page logged errors");
    assert_eq!(out["profiles"], json!(["shop", "partner", "nobody"]));
    let apis = out["apis"].as_array().unwrap();
    assert_eq!(apis.len(), 10, "every API and method: {apis:?}");
    assert!(apis.contains(&json!(["wallet", "signMessage"])));

    // The form, the reply.
    assert_eq!(
        out["getProductFields"],
        json!(["currency", "productId", "withReviews"])
    );
    let get = &out["getProduct"];
    assert_eq!(get["kind"], "success");
    assert_eq!(get["errMsg"], "getProduct:ok");
    let body: Value = serde_json::from_str(get["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["price"], json!({ "amount": 25000, "currency": "USD" }));
    assert_eq!(body["reviews"], json!([{ "stars": 5, "text": null }]));
    assert!(
        get["time"].as_str().unwrap().contains("in the registry"),
        "{get}"
    );
    let snippet = out["getProductSnippet"].as_str().unwrap();
    assert!(
        snippet.contains(
            r#"const res: Tcmpp.Success<"getProduct"> = await invokeNative("getProduct", {"#
        ),
        "{snippet}"
    );
    assert!(
        snippet.contains(r#""productId": "kopi""#) && snippet.contains(r#""currency": "USD""#),
        "{snippet}"
    );
    assert_eq!(
        out["asJson"],
        json!({ "productId": "kopi", "withReviews": true, "currency": "USD" })
    );
    let without_time = |reply: &Value| {
        let mut reply = reply.clone();
        reply.as_object_mut().unwrap().remove("time");
        reply
    };
    assert_eq!(without_time(&out["asJsonReply"]), without_time(get));
    assert_eq!(out["requiredErrors"], "data.productId: required");
    assert_eq!(out["sentAnyway"], false);

    // Fail with a code and a body; cancel.
    let fail = &out["failWithCode"];
    assert_eq!(fail["kind"], "fail");
    assert_eq!(
        fail["errMsg"],
        "countdown:fail count from at most 20, at most 200 ms apart"
    );
    assert_eq!(fail["errCode"], "errCode 400");
    let body: Value = serde_json::from_str(fail["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({ "maxFrom": 20, "maxIntervalMs": 200 }));
    assert_eq!(out["cancel"]["kind"], "cancel");
    assert_eq!(out["cancel"]["errMsg"], "confirmOrder:cancel");

    // Progress: live, in order.
    assert_eq!(out["pendingAtFirstEvent"], "pending");
    assert_eq!(
        out["progress"],
        json!([
            r#"#0 {"left":4}"#,
            r#"#1 {"left":3}"#,
            r#"#2 {"left":2}"#,
            r#"#3 {"left":1}"#,
            r#"#4 {"left":0}"#
        ])
    );
    assert_eq!(out["countdown"]["errMsg"], "countdown:ok");
    // Events 20 ms apart, the last just before the reply: all shown with it.
    assert_eq!(out["lastCountdown"]["kind"], "success");
    assert_eq!(
        out["lastProgress"],
        json!([
            r#"#0 {"left":3}"#,
            r#"#1 {"left":2}"#,
            r#"#2 {"left":1}"#,
            r#"#3 {"left":0}"#
        ])
    );

    // The JSON editor for a field no form fits.
    assert_eq!(
        out["payOrderFields"],
        json!([
            "campaign",
            "orderId",
            "payment",
            "total.amount",
            "total.currency"
        ])
    );
    assert!(
        out["paymentErrors"]
            .as_str()
            .unwrap()
            .contains("data.payment"),
        "{}",
        out["paymentErrors"]
    );
    let declined = &out["declined"];
    assert_eq!(declined["errMsg"], "payOrder:fail declined");
    let body: Value = serde_json::from_str(declined["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({ "status": -1, "uuid": "p-7" }));

    // The multiplexed API's method forms, and the restricted method per profile.
    assert_eq!(out["connectFields"], json!(["dappUrl"]));
    assert_eq!(out["signFields"], json!(["message", "nonce"]));
    assert!(
        out["signSnippet"]
            .as_str()
            .unwrap()
            .contains(r#""methodName": "signMessage""#)
    );
    assert_eq!(out["profileInfo"], "appId wx_partner · web view 2");
    assert_eq!(out["asPartner"]["errMsg"], "wallet:fail permission denied");
    assert_eq!(out["asShop"]["kind"], "success");
    assert!(
        out["asShop"]["body"]
            .as_str()
            .unwrap()
            .contains(r#""signature": "2:1""#)
    );
    assert_eq!(
        out["resent"]["errMsg"], "wallet:fail permission denied",
        "resent as the partner"
    );
    assert_eq!(
        out["history"].as_array().unwrap()[..3],
        [
            json!("wallet.signMessage as partner → fail"),
            json!("wallet.signMessage as shop → success"),
            json!("wallet.signMessage as partner → fail")
        ]
    );

    // The JSON editor for a whole shape no form fits.
    assert!(
        out["couponLabel"]
            .as_str()
            .unwrap()
            .contains("checked against the API's schema")
    );
    assert!(
        out["couponErrors"]
            .as_str()
            .unwrap()
            .contains("data: matches none of the 2 shapes"),
        "{}",
        out["couponErrors"]
    );
    assert_eq!(out["coupon"]["kind"], "success");

    // Raw JSON without schemas.
    assert!(
        out["rawNotice"]
            .as_str()
            .unwrap()
            .contains("cannot be described")
    );
    assert!(out["rawLabel"].as_str().unwrap().contains("raw JSON"));
    assert!(!out["rawSnippet"].as_str().unwrap().contains("Tcmpp."));
    assert_eq!(out["rawReply"][0], "success");

    // A wrong token: the refusal on the page, and a box to give the right one.
    let notice = out["wrongTokenNotice"].as_str().unwrap();
    assert!(
        notice.starts_with("wrong-token: the dev token given is not this server's"),
        "{notice}"
    );
    assert_eq!(out["wrongTokenBoxShown"], true);

    let png = std::fs::read(&shot).expect("the screenshot is kept");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a real screenshot"
    );
    println!("screenshot: {}", shot.display());
}

/// node, playwright-core and chromium, installed when missing; `None` (said) when they cannot
/// be, unless under CI, which fails instead.
fn tools_or_skip() -> Option<(tools::Node, PathBuf, PathBuf)> {
    let check = "the playground's browser test";
    let node = match tools::node() {
        Ok(node) => node,
        Err(why) => {
            tools::missing(check, &why);
            return None;
        }
    };
    let playwright = match tools::npm_package(
        &tools::target_dir("playwright"),
        "playwright-core",
        PLAYWRIGHT,
    ) {
        Ok(dir) => dir,
        Err(why) => {
            tools::missing(check, &why);
            return None;
        }
    };
    let chromium = match tools::chromium() {
        Ok(path) => path,
        Err(why) => {
            tools::missing(check, &why);
            return None;
        }
    };
    Some((node, playwright, chromium))
}
