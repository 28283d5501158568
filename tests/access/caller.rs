//! Forged identities: who calls is what the host states beside the call, never what the mini
//! program writes into the call text.
//!
//! On Android the call text (`req.jsonParams`) is the mini program's own `opts` object, so every
//! key in it is the mini program's to write, `appInfo` included. A mini program that writes
//! another's `appInfo` must not be granted what that other one is granted; one that writes a
//! `webviewId` or `stateEvent` must not reach another web view or route another call's
//! progress. Each forged call below is tried on every entry a host has (the `dispatch_json`
//! shortcut, `registry.call` awaited, as a `Reply`, rendered as a callback object and bare,
//! answered at once with `now_or_fail`, bytes, and a `MiniApiCall` read with `from_json`), with
//! and without a progress sink, and with every caller a host might state.
//!
//! The C ABI side of these calls is in `tests/hosts/c_abi.rs`.

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};

use futures_executor::block_on;
use serde_json::{Map, Value, json};
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::dispatch::PendingCall;
use tcmpp_core::progress::{ProgressEvent, ProgressSink};
use tcmpp_core::reply::{RenderedReply, Rendering, ReplyKind};
use tcmpp_core::{
    AccessPolicy, ApiError, AppInfo, Caller, MiniApiCall, Progress, Registry, Reply, WebViewId,
    Wire, mini_api,
};

/// Moves money on behalf of the calling mini program: only the ones the policy names may.
#[mini_api("transfer", restricted)]
fn transfer(data: Value, app: AppInfo, progress: Progress) -> Value {
    // Best effort: a host may not listen.
    let _ = progress.send(json!({ "step": "transfer" }));
    json!({ "from": app.app_id, "data": data })
}

/// Who calls, as the call's context holds it.
struct Seen {
    app_id: Option<String>,
    web_view_id: Option<i64>,
    state_event: Option<String>,
}

impl FromContext for Seen {
    fn from_context(cx: &CallContext<'_>) -> Result<Self, ApiError> {
        Ok(Seen {
            app_id: cx.app_info().and_then(|app| app.app_id.clone()),
            web_view_id: cx.web_view_id(),
            state_event: cx.state_event().map(str::to_owned),
        })
    }
}

/// Says who it was told calls it, by every extractor that tells.
#[mini_api("whoCalls")]
async fn who_calls(
    app: Option<AppInfo>,
    web_view: Option<WebViewId>,
    #[context] seen: Seen,
    progress: Progress,
) -> Value {
    let _ = progress.send(json!({ "step": "whoCalls" }));
    json!({
        "appId": app.and_then(|app| app.app_id),
        "webviewId": web_view.map(|id| id.0),
        "context": {
            "appId": seen.app_id,
            "webviewId": seen.web_view_id,
            "stateEvent": seen.state_event,
        },
    })
}

/// Needs the web view it was called from.
#[mini_api("whereCalled")]
fn where_called(web_view: WebViewId, progress: Progress) -> Value {
    let _ = progress.send(json!({ "step": "whereCalled" }));
    json!({ "webviewId": web_view.0 })
}

/// The access policy, as a host loads it from its config: `wx_wallet` and `wx_good` may
/// transfer. `wx_good` is granted too, so that a call whose text names it would be granted if
/// that text were believed: a refusal is the caller rule at work, not a missing grant.
fn registry() -> Registry {
    let policy: AccessPolicy = serde_json::from_value(json!({
        "grants": [
            { "appId": "wx_wallet", "apis": ["transfer"] },
            { "appId": "wx_good", "apis": ["transfer"] },
        ],
    }))
    .expect("the policy is valid");
    Registry::builder()
        .access_policy(policy)
        .build()
        .expect("the test handlers register")
}

const APP_INFO_IN_TEXT: &str = "invalid call: `appInfo` in the call text is not believed: the host states the caller beside the call, or, when the text is its own SDK's rendering, says to believe it with `Caller::trust_call_text()`";
const NAMED_WITHOUT_API_NAME: &str = "invalid call: missing `api_name`: a unified call names its API itself (a legacy-format call, whose whole object is the data, must be read as legacy)";

fn app(app_id: &str) -> AppInfo {
    AppInfo::with_app_id(app_id)
}

/// The ways a host hands a call to the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    /// `registry.dispatch_json(text)`: no wire, caller or progress can be stated.
    DispatchJson,
    /// `registry.call(text).await`.
    Await,
    /// `registry.call(text).reply()`, rendered with the future's prefix.
    Reply,
    /// `registry.call(text).rendered(Rendering::Callback)`.
    Callback,
    /// `registry.call(text).rendered(Rendering::Bare)`.
    Bare,
    /// `registry.call(text).reply().now_or_fail()`.
    ReplyNow,
    /// `registry.call(text).rendered(Rendering::Callback).now_or_fail()`.
    CallbackNow,
    /// `registry.call(text.as_bytes()).rendered(Rendering::Callback)`.
    Bytes,
    /// `registry.call(MiniApiCall::from_json(text, wire)?).reply()`.
    FromJson,
}

const ENTRIES: [Entry; 9] = [
    Entry::DispatchJson,
    Entry::Await,
    Entry::Reply,
    Entry::Callback,
    Entry::Bare,
    Entry::ReplyNow,
    Entry::CallbackNow,
    Entry::Bytes,
    Entry::FromJson,
];

/// One progress event as the host's sink saw it: the API, the `stateEvent`, the payload.
type Event = (String, Option<String>, Value);

/// What one entry answered.
#[derive(Debug, PartialEq)]
struct Answer {
    reply: Replied,
    /// The progress events the sink received, when there was one.
    events: Vec<Event>,
}

/// How an entry answered.
#[derive(Debug, PartialEq)]
enum Replied {
    /// The callback object the mini program receives, as rendered.
    Text(Value),
    /// A [`Reply`], which carries no `errMsg` prefix of its own.
    Reply(Reply),
    /// `MiniApiCall::from_json` refused to read the call at all: the error's text.
    NotRead(String),
}

impl Replied {
    /// The callback object, a [`Reply`] rendered with the called API's name.
    fn callback(&self, api: &str) -> Result<Value, String> {
        match self {
            Replied::Text(value) => Ok(value.clone()),
            Replied::Reply(reply) => Ok(parse(&reply.to_callback_json(api))),
            Replied::NotRead(error) => Err(error.clone()),
        }
    }
}

/// How one call was made, for failure messages.
#[derive(Debug)]
struct Made<'a> {
    entry: Entry,
    wire: Wire<'a>,
    caller: &'a Option<Caller>,
    progress: bool,
}

/// The progress sink: records every event.
fn sink() -> (
    Arc<Mutex<Vec<Event>>>,
    impl Fn(ProgressEvent<'_>) + Send + Sync + 'static,
) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let recorder = {
        let events = events.clone();
        move |event: ProgressEvent<'_>| {
            events.lock().unwrap().push((
                event.api_name.to_owned(),
                event.state_event.map(str::to_owned),
                event.payload.clone(),
            ));
        }
    };
    (events, recorder)
}

/// `dispatch` with the caller and the progress sink the call is made with.
fn with_options<'a>(
    dispatch: PendingCall<'a>,
    caller: &'a Option<Caller>,
    sink: Option<impl ProgressSink>,
) -> PendingCall<'a> {
    let dispatch = match caller {
        Some(caller) => dispatch.caller(caller),
        None => dispatch,
    };
    match sink {
        Some(sink) => dispatch.progress(sink),
        None => dispatch,
    }
}

/// A bare reply, put back into the callback object it stands for.
fn bare_as_callback(rendered: RenderedReply, prefix: &str) -> Value {
    let mut body: Map<String, Value> =
        serde_json::from_str(&rendered.text).expect("a bare reply is a JSON object");
    let err_msg = match rendered.kind {
        ReplyKind::Success => format!("{prefix}:ok"),
        ReplyKind::Cancel => {
            assert!(body.is_empty(), "a bare cancel is {{}}");
            format!("{prefix}:cancel")
        }
        ReplyKind::Fail => {
            let message = body
                .remove("message")
                .expect("a bare failure has a message");
            if let Some(code) = body.remove("code") {
                body.insert("errCode".into(), code);
            }
            assert!(
                body.keys().all(|key| key == "errCode"),
                "a bare failure is message and code: {}",
                rendered.text
            );
            format!("{prefix}:fail {}", message.as_str().unwrap())
        }
    };
    body.insert("errMsg".into(), Value::String(err_msg));
    Value::Object(body)
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("a reply is JSON")
}

/// The call `text` made through `entry`; `None` when the entry cannot state what is asked
/// (`dispatch_json` takes no wire, caller or sink).
fn answer<'a>(registry: &'a Registry, made: &Made<'a>, text: &'a str) -> Option<Answer> {
    let Made {
        entry,
        wire,
        caller,
        progress,
    } = *made;
    let (events, recorder) = sink();
    let mut recorder = progress.then_some(recorder);
    let mut options = |dispatch: PendingCall<'a>| with_options(dispatch, caller, recorder.take());
    let reply = match entry {
        Entry::DispatchJson => {
            if wire != Wire::Unified || caller.is_some() || progress {
                return None;
            }
            Replied::Text(parse(&block_on(registry.dispatch_json(text))))
        }
        Entry::Await => Replied::Reply(block_on(
            options(registry.call(text).wire(wire)).into_future(),
        )),
        Entry::Reply => Replied::Reply(block_on(options(registry.call(text).wire(wire)).reply())),
        Entry::Callback => {
            let rendered =
                block_on(options(registry.call(text).wire(wire)).rendered(Rendering::Callback));
            let value = parse(&rendered.text);
            assert_eq!(
                rendered.kind == ReplyKind::Success,
                is_ok(&value),
                "{made:?}"
            );
            Replied::Text(value)
        }
        Entry::Bare => {
            let future = options(registry.call(text).wire(wire)).rendered(Rendering::Bare);
            let prefix = future.prefix().to_owned();
            Replied::Text(bare_as_callback(block_on(future), &prefix))
        }
        Entry::ReplyNow => Replied::Reply(
            options(registry.call(text).wire(wire))
                .reply()
                .now_or_fail(),
        ),
        Entry::CallbackNow => {
            let rendered = options(registry.call(text).wire(wire))
                .rendered(Rendering::Callback)
                .now_or_fail();
            Replied::Text(parse(&rendered.text))
        }
        Entry::Bytes => {
            let rendered = block_on(
                options(registry.call(text.as_bytes()).wire(wire)).rendered(Rendering::Callback),
            );
            Replied::Text(parse(&rendered.text))
        }
        Entry::FromJson => match MiniApiCall::from_json(text, wire) {
            Err(error) => Replied::NotRead(error.to_string()),
            Ok(read) => Replied::Reply(block_on(options(registry.call(read)).reply())),
        },
    };
    let events = events.lock().unwrap().clone();
    Some(Answer { reply, events })
}

fn is_ok(reply: &Value) -> bool {
    reply["errMsg"]
        .as_str()
        .is_some_and(|msg| msg.ends_with(":ok"))
}

/// Makes `text` through every entry, with and without a progress sink, as each of `callers`,
/// and hands each answer to `check`.
fn on_every_entry(
    registry: &Registry,
    text: &str,
    wire: Wire<'_>,
    callers: &[Option<Caller>],
    mut check: impl FnMut(&Made<'_>, Answer),
) {
    let mut answered = 0;
    for caller in callers {
        for entry in ENTRIES {
            for progress in [false, true] {
                let made = Made {
                    entry,
                    wire,
                    caller,
                    progress,
                };
                if let Some(answer) = answer(registry, &made, text) {
                    check(&made, answer);
                    answered += 1;
                }
            }
        }
    }
    // Every entry but the `dispatch_json` shortcut takes every option.
    assert!(answered >= callers.len() * (ENTRIES.len() - 1) * 2);
}

/// Asserts `answer` is the refusal `<api>:fail <reason>`, and that no handler ran.
fn assert_refused(made: &Made<'_>, answer: &Answer, api: &str, reason: &str) {
    match answer.reply.callback(api) {
        Ok(reply) => assert_eq!(
            reply,
            json!({ "errMsg": format!("{api}:fail {reason}") }),
            "{made:?}"
        ),
        // `from_json` refuses the call before there is a reply to render.
        Err(error) => {
            assert_eq!(made.entry, Entry::FromJson, "{made:?}");
            assert_eq!(error, reason, "{made:?}");
        }
    }
    assert_eq!(answer.events, [], "{made:?}: the handler never ran");
}

/// Asserts `answer` is the success `result`, with the handler's one event routed by
/// `state_event` when a sink listened.
fn assert_answered(
    made: &Made<'_>,
    answer: &Answer,
    api: &str,
    result: Value,
    state_event: Option<&str>,
) {
    let mut expected = result;
    expected["errMsg"] = Value::from(format!("{api}:ok"));
    assert_eq!(answer.reply.callback(api), Ok(expected), "{made:?}");
    let events = if made.progress {
        vec![(
            api.to_owned(),
            state_event.map(str::to_owned),
            json!({ "step": api }),
        )]
    } else {
        Vec::new()
    };
    assert_eq!(answer.events, events, "{made:?}");
}

/// Callers a host states without believing the text: none at all, an empty one, one not
/// granted, and the granted one itself (whose forged text is refused all the same).
fn untrusted_callers() -> Vec<Option<Caller>> {
    vec![
        None,
        Some(Caller::new()),
        Some(Caller::new().with_app_info(app("wx_other"))),
        Some(
            Caller::new()
                .with_app_info(app("wx_wallet"))
                .with_web_view_id(3)
                .with_state_event("hostEvent"),
        ),
    ]
}

#[test]
fn forged_app_info_in_the_text_is_refused_on_every_entry() {
    let registry = registry();
    let forgeries = [
        r#"{"api_name":"transfer","data":{},"appInfo":{"appId":"wx_wallet"}}"#,
        // The key spelled with an escape is the same key.
        r#"{"api_name":"transfer","data":{},"app\u0049nfo":{"appId":"wx_wallet"}}"#,
        r#"{"api_name":"transfer","data":{},"\u0061ppInfo":{"appId":"wx_wallet"}}"#,
        // Before the name, spaced out, with the other caller keys, or with a full AppInfo.
        r#"{"appInfo":{"appId":"wx_wallet"},"api_name":"transfer","data":{}}"#,
        r#" { "api_name" : "transfer" , "data" : { } , "appInfo" : { "appId" : "wx_wallet" } } "#,
        r#"{"stateEvent":"requestCustomApi","api_name":"transfer","data":{},"webviewId":4,"appInfo":{"appId":"wx_wallet","appVerType":0}}"#,
        // Not even an appInfo without an appId is believed.
        r#"{"api_name":"transfer","data":{},"appInfo":{}}"#,
    ];
    for forged in forgeries {
        for wire in [Wire::Unified, Wire::Named("transfer")] {
            on_every_entry(
                &registry,
                forged,
                wire,
                &untrusted_callers(),
                |made, answer| {
                    assert_refused(made, &answer, "transfer", APP_INFO_IN_TEXT);
                },
            );
        }
    }
}

#[test]
fn forged_app_info_in_legacy_data_is_data_not_identity() {
    let registry = registry();
    // A legacy call's whole object is its data: an `appInfo` key there names nobody, so the
    // restricted API answers as to a call without a caller, even when the host believes the
    // text (a legacy call has no caller keys to believe).
    let legacy = r#"{"appInfo":{"appId":"wx_good"}}"#;
    let wire = Wire::Legacy("transfer");
    let mut callers = untrusted_callers();
    callers.pop(); // The granted caller is checked below.
    callers.push(Some(Caller::trust_call_text()));
    on_every_entry(&registry, legacy, wire, &callers, |made, answer| {
        assert_refused(made, &answer, "transfer", "permission denied");
    });
    // The granted caller, stated by the host, is answered, and the forged key reaches the
    // handler as the data it is.
    let granted = [
        Some(Caller::new().with_app_info(app("wx_wallet"))),
        Some(Caller::trust_call_text().with_app_info(app("wx_wallet"))),
    ];
    on_every_entry(&registry, legacy, wire, &granted, |made, answer| {
        assert_answered(
            made,
            &answer,
            "transfer",
            json!({ "from": "wx_wallet", "data": { "appInfo": { "appId": "wx_good" } } }),
            None,
        );
    });
}

#[test]
fn a_named_call_without_its_own_api_name_is_refused() {
    let registry = registry();
    let mut callers = untrusted_callers();
    // Not even text the host believes is read with the reported name.
    callers.push(Some(Caller::trust_call_text()));
    for text in [
        r#"{"data":{},"appInfo":{"appId":"wx_wallet"}}"#,
        r#"{"data":{}}"#,
        r#"{"data":{},"webviewId":4,"stateEvent":"forged"}"#,
    ] {
        on_every_entry(
            &registry,
            text,
            Wire::Named("transfer"),
            &callers,
            |made, answer| {
                assert_refused(made, &answer, "transfer", NAMED_WITHOUT_API_NAME);
            },
        );
    }
}

#[test]
fn forged_web_view_and_state_event_reach_no_extractor_and_no_sink() {
    let registry = registry();
    let nobody = json!({
        "appId": null,
        "webviewId": null,
        "context": { "appId": null, "webviewId": null, "stateEvent": null },
    });
    let texts = [
        (
            r#"{"api_name":"whoCalls","webviewId":7,"stateEvent":"forged"}"#,
            Wire::Unified,
        ),
        (
            r#"{"stateEvent":"forged","api_name":"whoCalls","data":{"x":1},"webviewId":7}"#,
            Wire::Named("whoCalls"),
        ),
        // Extra keys send the call to the full reader.
        (
            r#"{"api_name":"whoCalls","webviewId":7,"stateEvent":"forged","traceId":"t"}"#,
            Wire::Unified,
        ),
        // In a legacy call they are data.
        (
            r#"{"webviewId":7,"stateEvent":"forged"}"#,
            Wire::Legacy("whoCalls"),
        ),
    ];
    for (text, wire) in texts {
        on_every_entry(
            &registry,
            text,
            wire,
            &[None, Some(Caller::new())],
            |made, answer| assert_answered(made, &answer, "whoCalls", nobody.clone(), None),
        );
        // What the host states is what the handler and the sink see, not the text's.
        let stated = Caller::new()
            .with_app_info(app("wx_wallet"))
            .with_web_view_id(3)
            .with_state_event("hostEvent");
        on_every_entry(&registry, text, wire, &[Some(stated)], |made, answer| {
            assert_answered(
                made,
                &answer,
                "whoCalls",
                json!({
                    "appId": "wx_wallet",
                    "webviewId": 3,
                    "context": { "appId": "wx_wallet", "webviewId": 3, "stateEvent": "hostEvent" },
                }),
                Some("hostEvent"),
            );
        });
    }
    // A handler that needs a web view gets none from the text.
    for (text, wire) in [
        (r#"{"api_name":"whereCalled","webviewId":7}"#, Wire::Unified),
        (
            r#"{"api_name":"whereCalled","webviewId":7}"#,
            Wire::Named("whereCalled"),
        ),
        (r#"{"webviewId":7}"#, Wire::Legacy("whereCalled")),
    ] {
        on_every_entry(
            &registry,
            text,
            wire,
            &untrusted_callers()[..3],
            |made, answer| {
                assert_refused(
                    made,
                    &answer,
                    "whereCalled",
                    "missing context: this call carries no webviewId",
                );
            },
        );
        on_every_entry(
            &registry,
            text,
            wire,
            &[Some(Caller::new().with_web_view_id(3))],
            |made, answer| {
                assert_answered(
                    made,
                    &answer,
                    "whereCalled",
                    json!({ "webviewId": 3 }),
                    None,
                );
            },
        );
    }
    // Still checked for their type: a mistyped one is a broken call, whoever calls.
    for (text, reason) in [
        (
            r#"{"api_name":"whoCalls","webviewId":"7"}"#,
            "invalid call: `webviewId` must be an integer, found a string",
        ),
        (
            r#"{"api_name":"whoCalls","stateEvent":7}"#,
            "invalid call: `stateEvent` must be a string, found a number",
        ),
    ] {
        on_every_entry(
            &registry,
            text,
            Wire::Unified,
            &untrusted_callers(),
            |made, answer| {
                assert_refused(made, &answer, "whoCalls", reason);
            },
        );
    }
}

#[test]
fn the_caller_the_host_states_is_granted() {
    let registry = registry();
    let text = r#"{"api_name":"transfer","data":{"amount":5}}"#;
    let wallet = Caller::new()
        .with_app_info(app("wx_wallet"))
        .with_state_event("onTransfer");
    for wire in [Wire::Unified, Wire::Named("transfer")] {
        on_every_entry(
            &registry,
            text,
            wire,
            &[Some(wallet.clone())],
            |made, answer| {
                assert_answered(
                    made,
                    &answer,
                    "transfer",
                    json!({ "from": "wx_wallet", "data": { "amount": 5 } }),
                    Some("onTransfer"),
                );
            },
        );
        // Nobody, or somebody not granted, is denied.
        on_every_entry(
            &registry,
            text,
            wire,
            &untrusted_callers()[..3],
            |made, answer| assert_refused(made, &answer, "transfer", "permission denied"),
        );
    }
    // The exact text, for a host that routes on it.
    let rendered = registry
        .call(text)
        .caller(&wallet)
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(rendered.kind, ReplyKind::Success);
    assert_eq!(
        rendered.text,
        r#"{"data":{"amount":5},"from":"wx_wallet","errMsg":"transfer:ok"}"#
    );
    assert_eq!(
        block_on(registry.dispatch_json(text)),
        r#"{"errMsg":"transfer:fail permission denied"}"#
    );
}

#[test]
fn text_the_host_believes_gives_the_caller() {
    let registry = registry();
    let text = r#"{"stateEvent":"sdkEvent","api_name":"whoCalls","webviewId":7,"appInfo":{"appId":"wx_wallet"}}"#;
    let from_text = json!({
        "appId": "wx_wallet",
        "webviewId": 7,
        "context": { "appId": "wx_wallet", "webviewId": 7, "stateEvent": "sdkEvent" },
    });
    for wire in [Wire::Unified, Wire::Named("whoCalls")] {
        on_every_entry(
            &registry,
            text,
            wire,
            &[Some(Caller::trust_call_text())],
            |made, answer| {
                if made.entry == Entry::FromJson {
                    // `from_json` never reads the caller from text.
                    assert_refused(made, &answer, "whoCalls", APP_INFO_IN_TEXT);
                } else {
                    assert_answered(
                        made,
                        &answer,
                        "whoCalls",
                        from_text.clone(),
                        Some("sdkEvent"),
                    );
                }
            },
        );
    }
    // And is granted what the text's app is granted.
    let transfer = r#"{"api_name":"transfer","data":{},"appInfo":{"appId":"wx_wallet"}}"#;
    let rendered = registry
        .call(transfer)
        .caller(&Caller::trust_call_text())
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(
        rendered.text,
        r#"{"data":{},"from":"wx_wallet","errMsg":"transfer:ok"}"#
    );
    // Without `appInfo` in the text, the call has no caller.
    let reply = registry
        .call(r#"{"api_name":"transfer","data":{}}"#)
        .caller(&Caller::trust_call_text())
        .reply()
        .now_or_fail();
    assert_eq!(reply.failure().unwrap().message(), "permission denied");
}

#[test]
fn what_the_host_states_wins_over_the_text_it_believes() {
    let registry = registry();
    let text = r#"{"stateEvent":"sdkEvent","api_name":"whoCalls","webviewId":7,"appInfo":{"appId":"wx_wallet"}}"#;
    let cases = [
        (
            Caller::trust_call_text()
                .with_app_info(app("wx_other"))
                .with_web_view_id(3)
                .with_state_event("hostEvent"),
            json!({
                "appId": "wx_other",
                "webviewId": 3,
                "context": { "appId": "wx_other", "webviewId": 3, "stateEvent": "hostEvent" },
            }),
            "hostEvent",
        ),
        // Field by field: what the host leaves unstated comes from the text.
        (
            Caller::trust_call_text().with_web_view_id(3),
            json!({
                "appId": "wx_wallet",
                "webviewId": 3,
                "context": { "appId": "wx_wallet", "webviewId": 3, "stateEvent": "sdkEvent" },
            }),
            "sdkEvent",
        ),
        (
            Caller::trust_call_text().with_state_event("hostEvent"),
            json!({
                "appId": "wx_wallet",
                "webviewId": 7,
                "context": { "appId": "wx_wallet", "webviewId": 7, "stateEvent": "hostEvent" },
            }),
            "hostEvent",
        ),
    ];
    for (caller, expected, state_event) in cases {
        on_every_entry(
            &registry,
            text,
            Wire::Unified,
            &[Some(caller)],
            |made, answer| {
                if made.entry != Entry::FromJson {
                    assert_answered(
                        made,
                        &answer,
                        "whoCalls",
                        expected.clone(),
                        Some(state_event),
                    );
                }
            },
        );
    }
    // The text says wx_wallet, the host says wx_other: wx_other is not granted.
    let reply = registry
        .call(r#"{"api_name":"transfer","data":{},"appInfo":{"appId":"wx_wallet"}}"#)
        .caller(&Caller::trust_call_text().with_app_info(app("wx_other")))
        .reply()
        .now_or_fail();
    assert_eq!(reply.failure().unwrap().message(), "permission denied");
    // And the other way round.
    let reply = registry
        .call(r#"{"api_name":"transfer","data":{},"appInfo":{"appId":"wx_other"}}"#)
        .caller(&Caller::trust_call_text().with_app_info(app("wx_wallet")))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
}

#[test]
fn a_call_the_host_built_has_the_caller_it_states_and_no_other() {
    let registry = registry();
    let who = |app_id: Option<&str>, web_view_id: Option<i64>, state_event: Option<&str>| {
        json!({
            "appId": app_id,
            "webviewId": web_view_id,
            "context": { "appId": app_id, "webviewId": web_view_id, "stateEvent": state_event },
        })
    };
    // A call built from what the mini program sent, which named a caller in its keys and in
    // its data: input, never identity.
    let mut forged = MiniApiCall::new(
        "whoCalls",
        json!({ "appInfo": { "appId": "wx_wallet" }, "webviewId": 7, "stateEvent": "forged" }),
    );
    forged
        .extra
        .insert("appInfo".into(), json!({ "appId": "wx_wallet" }));
    forged.extra.insert("webviewId".into(), json!(7));
    forged.extra.insert("stateEvent".into(), json!("forged"));
    let cases = [
        (None, who(None, None, None)),
        (Some(Caller::new()), who(None, None, None)),
        // There is no text to believe.
        (Some(Caller::trust_call_text()), who(None, None, None)),
        (
            Some(Caller::new().with_app_info(app("wx_wallet"))),
            who(Some("wx_wallet"), None, None),
        ),
        (
            Some(Caller::new().with_web_view_id(2)),
            who(None, Some(2), None),
        ),
        (
            Some(Caller::new().with_state_event("hostEvent")),
            who(None, None, Some("hostEvent")),
        ),
        (
            Some(
                Caller::trust_call_text()
                    .with_app_info(app("wx_wallet"))
                    .with_web_view_id(2)
                    .with_state_event("hostEvent"),
            ),
            who(Some("wx_wallet"), Some(2), Some("hostEvent")),
        ),
    ];
    for built in [MiniApiCall::new("whoCalls", Value::Null), forged] {
        for (caller, expected) in &cases {
            for progress in [false, true] {
                let (events, recorder) = sink();
                let dispatch = with_options(
                    registry.call(built.clone()),
                    caller,
                    progress.then_some(recorder),
                );
                let reply = block_on(dispatch.rendered(Rendering::Callback));
                let mut wanted = expected.clone();
                wanted["errMsg"] = json!("whoCalls:ok");
                assert_eq!(parse(&reply.text), wanted, "{caller:?} {built:?}");
                let state_event = expected["context"]["stateEvent"]
                    .as_str()
                    .map(str::to_owned);
                let wanted_events = if progress {
                    vec![(
                        "whoCalls".to_owned(),
                        state_event,
                        json!({ "step": "whoCalls" }),
                    )]
                } else {
                    Vec::new()
                };
                assert_eq!(*events.lock().unwrap(), wanted_events, "{caller:?}");
            }
        }
    }

    // Access follows the same rule.
    let mut forged_transfer =
        MiniApiCall::new("transfer", json!({ "appInfo": { "appId": "wx_good" } }));
    forged_transfer
        .extra
        .insert("appInfo".into(), json!({ "appId": "wx_wallet" }));
    let reply = |call: MiniApiCall, caller: Option<Caller>| {
        with_options(registry.call(call), &caller, None::<fn(ProgressEvent<'_>)>)
            .reply()
            .now_or_fail()
    };
    for call in [
        MiniApiCall::new("transfer", json!({})),
        forged_transfer.clone(),
    ] {
        let denied = [
            None,
            Some(Caller::new()),
            Some(Caller::trust_call_text()),
            Some(Caller::new().with_app_info(app("wx_other"))),
        ];
        for caller in denied {
            let refused = reply(call.clone(), caller.clone());
            assert_eq!(
                refused.failure().map(|failure| failure.message()),
                Some("permission denied"),
                "{caller:?} {call:?}"
            );
        }
        let granted = reply(
            call.clone(),
            Some(Caller::new().with_app_info(app("wx_wallet"))),
        );
        assert_eq!(
            granted.result().unwrap()["from"],
            json!("wx_wallet"),
            "{call:?}"
        );
    }
}

/// The reply when access control needs a version type that no number can be read from.
const UNREADABLE_VER_TYPE: &str = "invalid caller: `appInfo.appVerType` must be an integer, or a string of one, for the access policy to decide this call";

#[test]
fn a_version_type_no_number_reads_from_fails_only_where_access_needs_it() {
    // Read without an error, kept as sent, and written back as sent.
    let beta: AppInfo =
        serde_json::from_value(json!({ "appId": "wx_beta", "appVerType": "beta" })).unwrap();
    assert_eq!(beta.app_ver_type, None);
    assert_eq!(beta.extra.get("appVerType"), Some(&json!("beta")));
    assert_eq!(
        serde_json::to_value(&beta).unwrap(),
        json!({ "appId": "wx_beta", "appVerType": "beta" })
    );
    let numeric: AppInfo =
        serde_json::from_value(json!({ "appId": "wx_beta", "appVerType": " 2 " })).unwrap();
    assert_eq!((numeric.app_ver_type, numeric.extra.len()), (Some(2), 0));

    let policy = AccessPolicy::new()
        .deny_by_default()
        .with_grant(tcmpp_core::access::Grant::new("wx_beta", ["transfer"]).app_ver_types([2]))
        .grant("*", ["whoCalls"]);
    let registry = Registry::builder().access_policy(policy).build().unwrap();
    let reply_to = |api: &str, app: &AppInfo| {
        let caller = Caller::new().with_app_info(app.clone());
        let text = format!(r#"{{"api_name":"{api}","data":{{}}}}"#);
        block_on(registry.call(&text).caller(&caller).reply())
    };
    let failure = |reply: Reply| reply.failure().map(|f| (f.kind(), f.message().to_owned()));
    let unreadable = Some((
        tcmpp_core::reply::FailureKind::InvalidCall,
        UNREADABLE_VER_TYPE.to_owned(),
    ));
    // The grant for this caller names version types: the call cannot be decided.
    assert_eq!(failure(reply_to("transfer", &beta)), unreadable);
    // An invitation that does not need the version type (the grant of `whoCalls` to every
    // caller) tells it that an API does not exist.
    assert_eq!(
        failure(reply_to("noSuchApi", &beta)),
        Some((
            tcmpp_core::reply::FailureKind::UnknownApi,
            r#"unknown API: no handler is registered for "noSuchApi""#.to_owned()
        ))
    );
    // A grant that does not need the version type settles the call.
    assert!(reply_to("whoCalls", &beta).is_success());
    // Another caller's grant is not this caller's concern.
    let other = serde_json::from_value(json!({ "appId": "wx_other", "appVerType": "beta" }));
    let other: AppInfo = other.unwrap();
    assert_eq!(
        failure(reply_to("transfer", &other)),
        Some((
            tcmpp_core::reply::FailureKind::PermissionDenied,
            "permission denied".to_owned()
        ))
    );
    // A host that keeps the version type among the other keys has it read there too.
    let mut kept = AppInfo::with_app_id("wx_beta");
    kept.extra.insert("appVerType".to_owned(), json!("2"));
    assert!(reply_to("transfer", &kept).is_success());
    kept.extra.insert("appVerType".to_owned(), json!(3));
    assert_eq!(
        failure(reply_to("transfer", &kept)),
        Some((
            tcmpp_core::reply::FailureKind::PermissionDenied,
            "permission denied".to_owned()
        ))
    );
    // Under default deny with only the versioned grant, whether an unknown API is hidden from
    // this caller depends on its version type too.
    let versioned_only =
        Registry::builder()
            .access_policy(AccessPolicy::new().deny_by_default().with_grant(
                tcmpp_core::access::Grant::new("wx_beta", ["transfer"]).app_ver_types([2]),
            ))
            .build()
            .unwrap();
    let caller = Caller::new().with_app_info(beta);
    let reply = block_on(
        versioned_only
            .call(r#"{"api_name":"noSuchApi"}"#)
            .caller(&caller)
            .reply(),
    );
    assert_eq!(failure(reply), unreadable);
}
