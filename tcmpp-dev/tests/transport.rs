//! The promise helper's dev transport under node, with a stand-in for the mini program
//! runtime's `wx.request` and `wx.connectSocket` that speaks real HTTP and WebSocket (node's
//! `fetch` and `WebSocket`) to a dev server on loopback.
//!
//! Checked: the same calls give, byte for byte, the replies the registry's one entry gives for
//! the text the transport sent, as the same caller; `invokeNative` settles by the reply's kind;
//! progress events reach `onProgress` in order, all before the call settles; the profile
//! decides what a `restricted` API answers; the transport is off by default (calls go to
//! `wx.invokeNativePlugin`) and refused in a release build; a wrong token is a clear rejection.
//!
//! What this does not check: the WeChat or TCMPP IDE itself. Its `wx.request` and
//! `wx.connectSocket` are assumed to behave as the documented API the stand-in follows.

mod support;

use serde_json::{Value, json};
use support::{app_registry, start, tools};
use tcmpp_core::reply::Rendering;
use tcmpp_core::{AppInfo, Caller};
use tcmpp_dev::{DEV_STATE_EVENT, DevOptions};

/// The stand-in runtime and the calls, run by node: prints what it saw as JSON.
const SCRIPT: &str = r#"
const [helperPath, url, token] = process.argv.slice(2);
let envVersion = "develop";
const sent = [];       // what wx.request sent and got: { body, status, text }
const plugin = [];     // calls that reached wx.invokeNativePlugin
const log = [];        // progress events and settlements, in the order they happened
globalThis.wx = {
  getAccountInfoSync: () => ({ miniProgram: { envVersion } }),
  invokeNativePlugin(options) {
    plugin.push(options.api_name);
    options.fail({ errMsg: options.api_name + ":fail no native side here" });
  },
  request(options) {
    const record = { body: options.data };
    sent.push(record);
    fetch(options.url, { method: options.method, headers: options.header, body: options.data })
      .then(async (res) => {
        const text = await res.text();
        record.status = res.status;
        record.text = text;
        record.kind = res.headers.get("x-tcmpp-reply-kind");
        options.success({ statusCode: res.status, header: Object.fromEntries(res.headers), data: text });
      })
      .catch((err) => options.fail({ errMsg: "request:fail " + err.message }));
    return {};
  },
  connectSocket({ url }) {
    const socket = new WebSocket(url);
    return {
      onOpen: (f) => socket.addEventListener("open", () => f({})),
      onMessage: (f) => socket.addEventListener("message", (e) => f({ data: e.data })),
      onClose: (f) => socket.addEventListener("close", (e) => f({ code: e.code, reason: e.reason })),
      onError: (f) => socket.addEventListener("error", () => f({ errMsg: "connectSocket:fail" })),
      send: ({ data }) => socket.send(data),
      close: () => socket.close(),
    };
  },
};
const { invokeNative, useDevServer, stopDevServer } = await import(helperPath);
const settle = (name, promise) =>
  promise.then(
    (value) => { log.push({ settled: name }); return { settled: "resolved", value }; },
    (value) => { log.push({ settled: name }); return { settled: "rejected", value }; },
  );

const out = {};
// Off by default: the native plugin answers.
out.offByDefault = await settle("off", invokeNative("getCart"));
// Refused in a release build.
envVersion = "release";
out.releaseUse = useDevServer({ url, token });
out.inRelease = await settle("release", invokeNative("getCart"));
envVersion = "develop";
out.developUse = useDevServer({ url, token, profile: "shop", onProgress: (event) => log.push({ progress: event }) });
const calls = [
  ["getProduct", { productId: "kopi", withReviews: true }],
  ["getProduct", { productId: "" }],
  ["getCart", undefined],
  ["applyCoupon", "NOPE"],
  ["applyCoupon", { percent: 12 }],
  ["payOrder", { orderId: 7, total: { amount: 0, currency: "IDR" }, payment: { method: "cash" } }],
  ["payOrder", { orderId: 8, total: { amount: 500, currency: "USD" }, payment: { method: "card", last4: "4242" } }],
  ["confirmOrder", { orderId: 9, confirm: false }],
  ["wallet", { methodName: "signMessage", message: "hi", nonce: "1" }],
  ["wallet", { methodName: "share" }],
  ["getProduct", { productId: 5 }],
  ["nope", {}],
  ["countdown", { from: 5, interval_ms: 20 }],
];
out.calls = [];
for (const [name, data] of calls) out.calls.push(await settle(name, invokeNative(name, data)));
// Several at once, sharing the socket.
out.together = await Promise.all([1, 2, 3].map((n) => settle("together", invokeNative("countdown", { from: n, interval_ms: 10 }))));
// Another profile: the restricted method refuses it.
useDevServer({ url, token, profile: "partner" });
out.partner = await settle("partner", invokeNative("wallet", { methodName: "signMessage", message: "hi", nonce: "1" }));
// A wrong token, and an unknown profile: clear rejections.
useDevServer({ url, token: "0".repeat(32) });
out.wrongToken = await settle("wrong", invokeNative("getCart"));
useDevServer({ url, token, profile: "ghost" });
out.ghost = await settle("ghost", invokeNative("getCart"));
stopDevServer();
out.stopped = await settle("stopped", invokeNative("getCart"));
out.sent = sent;
out.plugin = plugin;
out.log = log;
console.log(JSON.stringify(out));
process.exit(0);
"#;

fn caller(app_id: &str, ver_type: Option<i64>, web_view: i64) -> Caller {
    let mut app_info = AppInfo::with_app_id(app_id);
    app_info.app_ver_type = ver_type;
    Caller::new()
        .with_app_info(app_info)
        .with_web_view_id(web_view)
        .with_state_event(DEV_STATE_EVENT)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_transport_gives_the_one_entrys_replies_byte_for_byte() {
    let node = match tools::node() {
        Ok(node) => node,
        Err(why) => return tools::missing("the dev transport test", &why),
    };
    let running = start(app_registry(), DevOptions::new()).await;
    let dir = tools::scratch("transport");
    let types = running
        .registry
        .client_types()
        .expect("the shop is described");
    let helper = dir.join("tcmpp-invoke.mjs");
    std::fs::write(&helper, types.promise_helper()).unwrap();
    let script = dir.join("stand-in.mjs");
    std::fs::write(&script, SCRIPT).unwrap();
    let helper_url = format!("file://{}", helper.display());
    let (base_url, token) = (running.base_url.clone(), running.token.clone());
    let output =
        tokio::task::spawn_blocking(move || node.run(&script, &[&helper_url, &base_url, &token]))
            .await
            .unwrap()
            .unwrap_or_else(|why| panic!("{why}"));
    let out: Value = serde_json::from_str(&output).unwrap_or_else(|e| panic!("{e}: {output}"));

    // Off by default, and in release: the native plugin answers.
    assert_eq!(
        out["offByDefault"],
        json!({ "settled": "rejected", "value": { "errMsg": "getCart:fail no native side here" } })
    );
    assert_eq!(out["releaseUse"], false);
    assert_eq!(
        out["inRelease"]["value"]["errMsg"],
        "getCart:fail no native side here"
    );
    assert_eq!(out["developUse"], true);
    assert_eq!(
        out["plugin"],
        json!(["getCart", "getCart", "getCart"]),
        "the stopped transport hands back to the plugin"
    );

    // Every call through the transport: the reply the one entry gives for the text sent.
    let sent = out["sent"].as_array().unwrap();
    let calls = out["calls"].as_array().unwrap();
    let together = out["together"].as_array().unwrap();
    assert_eq!(sent.len(), calls.len() + together.len() + 3);
    let shop = caller("wx_shop", Some(0), 1);
    let partner = caller("wx_partner", None, 2);
    let settled: Vec<&Value> = calls
        .iter()
        .chain(together)
        .chain([&out["partner"]])
        .collect();
    let mut kinds = Vec::new();
    for (i, (record, result)) in sent.iter().zip(&settled).enumerate() {
        let body = record["body"].as_str().unwrap();
        let caller = if i == settled.len() - 1 {
            &partner
        } else {
            &shop
        };
        let expected = running
            .registry
            .call(body)
            .caller(caller)
            .rendered(Rendering::Callback)
            .await;
        assert_eq!(record["status"], 200, "{record}");
        assert_eq!(
            record["text"].as_str().unwrap(),
            expected.text,
            "call {i}: {body}"
        );
        let kind = match expected.kind {
            tcmpp_core::reply::ReplyKind::Success => "success",
            tcmpp_core::reply::ReplyKind::Cancel => "cancel",
            _ => "fail",
        };
        assert_eq!(record["kind"], kind);
        let reply: Value = serde_json::from_str(&expected.text).unwrap();
        assert_eq!(result["value"], reply, "call {i}");
        assert_eq!(
            result["settled"],
            if kind == "success" {
                "resolved"
            } else {
                "rejected"
            }
        );
        kinds.push(kind);
    }
    // The calls covered every outcome.
    for kind in ["success", "fail", "cancel"] {
        assert!(kinds.contains(&kind), "no {kind} among {kinds:?}");
    }
    assert_eq!(
        sent[2]["body"], r#"{"api_name":"getCart"}"#,
        "no data, no key"
    );
    assert_eq!(
        calls[8]["value"]["signature"], "2:1",
        "the shop profile may sign"
    );
    assert_eq!(
        out["partner"]["value"]["errMsg"],
        "wallet:fail permission denied"
    );

    // Progress: each countdown's ticks in order, all before its call settled.
    let log = out["log"].as_array().unwrap();
    let countdown_settled = log
        .iter()
        .position(|e| e["settled"] == "countdown")
        .unwrap();
    let ticks: Vec<(Value, Value)> = log[..countdown_settled]
        .iter()
        .filter(|e| e["progress"]["apiName"] == "countdown")
        .map(|e| {
            (
                e["progress"]["seq"].clone(),
                e["progress"]["payload"]["left"].clone(),
            )
        })
        .collect();
    assert_eq!(
        ticks,
        (0..5)
            .map(|seq| (json!(seq), json!(4 - seq)))
            .collect::<Vec<_>>()
    );
    let progress_total = log.iter().filter(|e| e["progress"].is_object()).count();
    assert_eq!(
        progress_total,
        5 + (1 + 2 + 3) + 2,
        "countdowns of 5, 1, 2 and 3, and one step of each payOrder"
    );
    for result in together {
        assert_eq!(result["settled"], "resolved");
    }
    assert_eq!(
        together[2]["value"],
        json!({ "ticks": 3, "errMsg": "countdown:ok" })
    );

    // Refusals reject with what the server said.
    let wrong = out["wrongToken"]["value"]["errMsg"].as_str().unwrap();
    assert!(
        wrong.starts_with("getCart:fail the dev server refused the call (wrong-token): "),
        "{wrong}"
    );
    let ghost = out["ghost"]["value"]["errMsg"].as_str().unwrap();
    assert!(
        ghost.contains(r#"no profile \"ghost\""#) || ghost.contains(r#"no profile "ghost""#),
        "{ghost}"
    );
}

/// The TypeScript release the declarations are checked with: the typed-client tests' own.
const TYPESCRIPT: &str = "5.9.3";

/// A mini program's use of the dev transport, checked by `tsc --strict` against the
/// declarations: the right use compiles, and each marked mistake must be an error (an unused
/// `@ts-expect-error` fails the check, so declarations that typed everything as `any` would).
const TYPED_USE: &str = r#"
import { invokeNative, stopDevServer, useDevServer } from "./tcmpp-invoke";

const on: boolean = useDevServer({
  url: "http://127.0.0.1:7370",
  token: "0123456789abcdef",
  profile: "shop",
  onProgress(event) {
    if (event.apiName === "countdown") {
      const left: number = event.payload.left;
      console.log(left, event.seq);
    }
  },
});
invokeNative("countdown", { from: 3 }).then((done) => console.log(on, done.ticks));
stopDevServer();

// @ts-expect-error: the token is required
useDevServer({ url: "http://127.0.0.1:7370" });
useDevServer({
  url: "",
  token: "",
  onProgress(event) {
    // @ts-expect-error: countdown's progress has no such key
    if (event.apiName === "countdown") console.log(event.payload.right);
  },
});
"#;

#[test]
fn the_dev_transport_is_typed() {
    if let Err(why) = tools::node() {
        return tools::missing("the dev transport's types", &why);
    }
    let typescript =
        match tools::npm_package(&tools::target_dir("typescript"), "typescript", TYPESCRIPT) {
            Ok(dir) => dir,
            Err(why) => return tools::missing("the dev transport's types", &why),
        };
    let dir = tools::scratch("transport-types");
    let types = app_registry()
        .client_types()
        .expect("the registry is described");
    types.write_to(&dir).unwrap();
    std::fs::write(dir.join("dev.ts"), TYPED_USE).unwrap();
    std::fs::write(
        dir.join("globals.d.ts"),
        "declare const wx: WechatMiniprogram.Wx;\ndeclare const console: { log(...values: unknown[]): void };\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("tsconfig.json"),
        r#"{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2018", "lib": ["es2018"],
             "module": "esnext", "moduleResolution": "bundler", "types": [] },
           "files": ["tcmpp.d.ts", "globals.d.ts", "dev.ts"] }"#,
    )
    .unwrap();
    let output = std::process::Command::new("node")
        .arg(typescript.join("bin/tsc"))
        .arg("-p")
        .arg(&dir)
        .output()
        .expect("node runs tsc");
    assert!(
        output.status.success(),
        "tsc refused the dev transport's use, or missed a mistake:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
