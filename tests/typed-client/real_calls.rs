//! Real mini program calls, type-checked against the declarations of handlers written for them.
//!
//! The handlers below answer the calls public mini programs make, in the shapes they make them:
//! Tencent's public demo (TCMPP-Team/mini-programs: `testState` and `myRequestPayment` with a
//! `progress` callback in `invoke-native-plugin.js`, `requestPayment` with `money` from page data
//! in `request-payment.js`, `mockLogin`/`mockPayment` with the options built in a variable first
//! in `native-page.js`) and Luffa's multiplexed `luffaWebRequest` (`connect` with `uuid`,
//! `initData`, `metadata`; `signMessageV2` with a nonce a number or a string; a promise helper
//! around it, as Luffa mini programs write one). `typescript/real/calls.ts` writes those calls as
//! a developer would, with no cast and no `any`; it must compile under `tsc --strict` with the
//! newest TypeScript and 4.9, and each of its `@ts-expect-error` lines must fail (with its code,
//! under the newest). The README's numbers-as-strings recipe (`serde_with`'s
//! `PickFirst<(_, DisplayFromStr)>`, with its `schemars_1` feature) is used here as written
//! there, and the reply each handler renders is checked against the schema by `never_lies.rs`.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::{DisplayFromStr, PickFirst, serde_as};
use tcmpp_core::reply::Rendering;
use tcmpp_core::{ApiError, ClientTypes, Progress, Registry, mini_api};

#[path = "support/tsc.rs"]
mod tsc;

/// `testState`'s data: `{ type: "test" }`; every key may be left out, so `data` may be too.
#[derive(Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct TestStateData {
    /// What to test.
    pub r#type: String,
}

/// A step `testState` reports before its reply.
#[derive(Serialize, JsonSchema)]
pub struct StateStep {
    /// 1, 2, 3…
    pub state: u32,
}

/// `testState`'s result.
#[derive(Serialize, JsonSchema)]
pub struct TestStateResult {
    /// Whether the test ran.
    pub done: bool,
    /// Left out when there is nothing to say (never `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[mini_api("testState")]
async fn test_state(data: TestStateData, progress: Progress<StateStep>) -> TestStateResult {
    for state in 1..=3 {
        let _ = progress.send(StateStep { state });
    }
    TestStateResult {
        done: !data.r#type.is_empty(),
        note: None,
    }
}

/// `myRequestPayment`'s data: `{ type: "test", amount: 189 }`; the amount may come as a string.
#[serde_as]
#[derive(Deserialize, JsonSchema)]
pub struct PaymentRequest {
    /// The kind of payment.
    pub r#type: String,
    /// 189 or "189".
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    pub amount: u64,
}

/// What `myRequestPayment` answers.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDone {
    /// The amount charged.
    pub paid_amount: u64,
}

#[mini_api("myRequestPayment")]
async fn my_request_payment(
    request: PaymentRequest,
    progress: Progress,
) -> Result<PaymentDone, ApiError> {
    let _ = progress.send(serde_json::json!({ "stage": "charging" }));
    if request.r#type.is_empty() {
        return Err(ApiError::new("no payment type").with_code(400));
    }
    Ok(PaymentDone {
        paid_amount: request.amount,
    })
}

/// `requestPayment`'s data: the page's `money`, a number or a string (`"123.45"`).
#[serde_as]
#[derive(Deserialize, JsonSchema)]
pub struct Money {
    /// 123.45 or "123.45".
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    pub money: f64,
}

#[mini_api("requestPayment")]
async fn request_payment(money: Money) -> Result<(), String> {
    if money.money > 0.0 {
        Ok(())
    } else {
        Err("nothing to pay".to_owned())
    }
}

/// The demo's mini program reference: `{ miniAppName, miniAppId }`; older pages send
/// `{ appName, appId }`, which serde's aliases read too.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MiniAppRef {
    /// Its name.
    #[serde(alias = "appName")]
    pub mini_app_name: String,
    /// Its id, when the page gives one.
    #[serde(alias = "appId")]
    pub mini_app_id: Option<String>,
}

/// `mockLogin`'s result: the user's name, left out when the user refused.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoginResult {
    /// Left out when the user refused (never `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

#[mini_api("mockLogin")]
fn mock_login(app: MiniAppRef) -> LoginResult {
    LoginResult {
        user_name: app.mini_app_id.map(|_| "kka".to_owned()),
    }
}

/// `mockPayment`'s result.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PayResult {
    /// In ten-thousandths of the currency.
    pub actual_amount: u64,
}

#[mini_api("mockPayment")]
async fn mock_payment(app: MiniAppRef) -> Result<PayResult, ApiError> {
    let _ = app.mini_app_name;
    Ok(PayResult {
        actual_amount: 1_890_000,
    })
}

/// Luffa's `connect`: `{ uuid, methodName, initData: { network }, metadata, from, data }`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect {
    /// 16 random characters.
    pub uuid: String,
    /// The chain.
    pub init_data: InitData,
    /// The page that asks, shown to the user.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Sent empty.
    #[serde(default)]
    pub from: String,
    /// Sent empty.
    #[serde(default)]
    pub data: Value,
}

/// `initData` of a Luffa call.
#[derive(Deserialize, JsonSchema)]
pub struct InitData {
    /// `"endless"` or `"eds"`.
    pub network: String,
}

/// `metadata` of a Luffa call.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Whether the page is a SuperBox mini program.
    #[serde(default)]
    pub super_box: bool,
    /// Its address.
    #[serde(default)]
    pub url: String,
    /// Its icon.
    #[serde(default)]
    pub icon: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
}

/// The wallet's user, as `connect` answers.
#[derive(Serialize, JsonSchema)]
pub struct WalletUser {
    /// The account's address.
    pub address: String,
    /// The user's nickname.
    pub nickname: String,
    /// The Luffa id.
    pub uid: String,
    /// The avatar's CID, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cid: Option<String>,
}

/// `signMessageV2`: `{ uuid, methodName, data: { message, nonce } }`.
#[derive(Deserialize, JsonSchema)]
pub struct SignMessage {
    /// 16 random characters.
    pub uuid: String,
    /// What to sign.
    pub data: SignData,
}

/// What to sign; the nonce a number (`1`) or a string (`"1"`), as pages send either.
#[serde_as]
#[derive(Deserialize, JsonSchema)]
pub struct SignData {
    /// The message.
    pub message: String,
    /// 1 or "1".
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    pub nonce: u64,
}

/// A signature.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Signed {
    /// Hex.
    pub signature: String,
    /// Hex.
    pub public_key: String,
}

/// Luffa's fail object beside `errMsg`: `{ status: -1, uuid }` (`-2` when the user refused).
#[derive(Serialize, JsonSchema)]
pub struct LuffaDeclined {
    /// `-1` failed, `-2` refused.
    pub status: i32,
    /// The call's `uuid`.
    pub uuid: String,
}

/// The user's language.
#[derive(Serialize, JsonSchema)]
pub struct Language {
    /// `"en"`, `"zh"`…
    pub language: String,
}

/// `share`'s data.
#[derive(Deserialize, JsonSchema)]
pub struct Share {
    /// What to share.
    pub text: String,
}

#[mini_api("luffaWebRequest", method = "connect")]
fn luffa_connect(connect: Connect) -> WalletUser {
    let _ = (connect.uuid, connect.init_data.network, connect.metadata);
    WalletUser {
        address: "0xb60e8dd61c5d32be".to_owned(),
        nickname: "kka".to_owned(),
        uid: "u-1".to_owned(),
        cid: None,
    }
}

#[mini_api("luffaWebRequest", method = "signMessageV2", fail_body = LuffaDeclined)]
async fn luffa_sign(sign: SignMessage) -> Result<Signed, ApiError> {
    if sign.data.message.is_empty() {
        return Err(ApiError::new("user rejected").with_body(LuffaDeclined {
            status: -2,
            uuid: sign.uuid,
        }));
    }
    Ok(Signed {
        signature: format!("{}:{}", sign.data.message.len(), sign.data.nonce),
        public_key: "0x01".to_owned(),
    })
}

#[mini_api("luffaWebRequest", method = "language")]
fn luffa_language() -> Language {
    Language {
        language: "en".to_owned(),
    }
}

#[mini_api("luffaWebRequest", method = "share")]
async fn luffa_share(share: Share) -> Result<(), String> {
    if share.text.is_empty() {
        Err("nothing to share".to_owned())
    } else {
        Ok(())
    }
}

fn types() -> ClientTypes {
    Registry::builder()
        .build()
        .expect("the registry builds")
        .client_types()
        .expect("every type is described")
}

const SOURCES: &[&str] = &["calls.ts", "globals.d.ts", "tsconfig.json"];
const MARKED: &[&str] = &["calls.ts"];

fn project(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("real-calls")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let generated = dir.join("generated");
    std::fs::create_dir_all(&generated).expect("the project directory is created");
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("typescript/real");
    for source in SOURCES {
        std::fs::copy(sources.join(source), dir.join(source))
            .unwrap_or_else(|e| panic!("cannot copy {source}: {e}"));
    }
    types()
        .write_to(&generated)
        .expect("the generated files are written");
    dir
}

#[test]
fn real_calls_compile_as_written_and_each_mistake_is_an_error() {
    let Some(tsc) = tsc::typescript_compiler(tsc::NEWEST) else {
        return;
    };
    tsc::check_marked(&tsc, &project("newest"), MARKED, 17);
}

#[test]
fn real_calls_compile_under_typescript_4_9() {
    let Some(tsc) = tsc::typescript_compiler(tsc::OLDEST) else {
        return;
    };
    tsc::check_marked(&tsc, &project("4.9"), MARKED, 17);
}

#[test]
fn the_calls_source_has_no_cast_and_no_any() {
    let source = tsc::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("typescript/real/calls.ts"));
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        assert!(
            !code.contains(" as ")
                && !code
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .any(|word| word == "any"),
            "calls.ts:{}: a cast or `any`: {line}",
            number + 1
        );
    }
}

#[test]
fn serde_aliases_are_declared_and_the_schema_takes_one_name_or_the_other() {
    let document: Value = serde_json::from_str(types().json_schema()).expect("the schema is JSON");
    let calls = jsonschema::draft202012::new(&document).expect("the root compiles");
    let registry = Registry::builder().build().expect("the registry builds");
    for (data, valid) in [
        (r#"{"miniAppName":"a"}"#, true),
        (r#"{"appName":"a"}"#, true),
        (r#"{"appName":"a","appId":"1"}"#, true),
        (r#"{"miniAppName":"a","appId":"1"}"#, true),
        (r#"{"miniAppName":"a","appName":"a"}"#, false),
        (r#"{"appName":"a","miniAppId":"1","appId":"1"}"#, false),
        (r#"{"appId":"1"}"#, false),
    ] {
        let call = format!(r#"{{"api_name":"mockPayment","data":{data}}}"#);
        let answered = never_lies::dispatch_and_check(&registry, &document, &call);
        assert_eq!(answered.accepted, valid, "the runtime on {call}");
        let call: Value = serde_json::from_str(&call).expect("JSON");
        assert_eq!(calls.is_valid(&call), valid, "the schema on {call}");
    }
    let declarations = types().declarations().to_owned();
    assert!(
        declarations.contains(
            "    type MiniAppRef = { appId?: string | null; miniAppId?: string | null; miniAppName: string } | { appId?: string | null; appName: string; miniAppId?: string | null };\n"
        ),
        "{declarations}"
    );
}

#[test]
fn the_numbers_as_strings_recipe_reads_both_and_is_declared_as_both() {
    let registry = Registry::builder().build().expect("the registry builds");
    for data in [r#"{"money":123.45}"#, r#"{"money":"123.45"}"#] {
        let call = format!(r#"{{"api_name":"requestPayment","data":{data}}}"#);
        let reply = futures_executor::block_on(registry.call(&call).rendered(Rendering::Callback));
        assert_eq!(reply.text, r#"{"errMsg":"requestPayment:ok"}"#, "{data}");
    }
    let declarations = types().declarations().to_owned();
    // serde_with names the type after the adapter; what it says is what matters.
    for line in [
        "      money: PickFirst_doublestring_;\n",
        "    type PickFirst_doublestring_ = number | string;\n",
    ] {
        assert!(
            declarations.contains(line),
            "no {line:?} in\n{declarations}"
        );
    }
}

#[path = "support/never_lies.rs"]
mod never_lies;

#[test]
fn every_reply_of_the_real_calls_validates_against_its_schema() {
    let document: Value = serde_json::from_str(types().json_schema()).expect("the schema is JSON");
    let registry = Registry::builder().build().expect("the registry builds");
    let calls = [
        (
            r#"{"api_name":"testState","data":{"type":"test"},"stateEvent":"onState"}"#,
            true,
        ),
        (r#"{"api_name":"testState","data":null}"#, true),
        (
            r#"{"api_name":"myRequestPayment","data":{"type":"test","amount":189}}"#,
            true,
        ),
        (
            r#"{"api_name":"myRequestPayment","data":{"type":"","amount":"189"}}"#,
            false,
        ),
        (
            r#"{"api_name":"requestPayment","data":{"money":"123.45"}}"#,
            true,
        ),
        (r#"{"api_name":"requestPayment","data":{"money":0}}"#, false),
        (
            r#"{"api_name":"mockLogin","data":{"miniAppName":"test app","miniAppId":"123456"}}"#,
            true,
        ),
        (
            r#"{"api_name":"mockLogin","data":{"miniAppName":"test app"},"sync":true}"#,
            true,
        ),
        (
            r#"{"api_name":"mockPayment","data":{"miniAppName":"test app"}}"#,
            true,
        ),
        (
            r#"{"api_name":"mockPayment","data":{"appName":"test app","appId":"1"}}"#,
            true,
        ),
        (
            r#"{"api_name":"luffaWebRequest","data":{"uuid":"u","methodName":"connect","initData":{"network":"endless"},"metadata":{"superBox":true,"url":"","icon":""},"from":"","data":{}}}"#,
            true,
        ),
        (
            r#"{"api_name":"luffaWebRequest","data":{"uuid":"u","methodName":"signMessageV2","data":{"message":"m","nonce":"1"}}}"#,
            true,
        ),
        (
            r#"{"api_name":"luffaWebRequest","data":{"uuid":"u","methodName":"signMessageV2","data":{"message":"","nonce":1}}}"#,
            false,
        ),
        (
            r#"{"api_name":"luffaWebRequest","data":{"methodName":"language"}}"#,
            true,
        ),
        (
            r#"{"api_name":"luffaWebRequest","data":{"methodName":"share","text":""}}"#,
            false,
        ),
    ];
    for (call, success) in calls {
        let answered = never_lies::dispatch_and_check(&registry, &document, call);
        assert!(answered.accepted, "the runtime refused {call}");
        assert_eq!(answered.success, success, "{call}");
    }
}
