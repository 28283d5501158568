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
//! The C ABI side of these calls is in `tests/c_abi.rs`.

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};

use futures_executor::block_on;
use serde_json::{Map, Value, json};
use tcmpp_core::{
    AccessPolicy, AppInfo, Caller, Dispatch, MiniApiCall, Progress, ProgressEvent, ProgressSink,
    Registry, Rendered, Rendering, ReplyKind, WebViewId, Wire, mini_api,
};

/// Moves money on behalf of the calling mini program: only the ones the policy names may.
#[mini_api("transfer", restricted)]
fn transfer(data: Value, app: AppInfo, progress: Progress) -> Value {
    // Best effort: a host may not listen.
    let _ = progress.send(json!({ "step": "transfer" }));
    json!({ "from": app.app_id, "data": data })
}

/// Says who it was told calls it, by every extractor that tells.
#[mini_api("whoCalls")]
async fn who_calls(
    app: Option<AppInfo>,
    web_view: Option<WebViewId>,
    call: MiniApiCall,
    progress: Progress,
) -> Value {
    let _ = progress.send(json!({ "step": "whoCalls" }));
    json!({
        "appId": app.and_then(|app| app.app_id),
        "webviewId": web_view.map(|id| id.0),
        "call": {
            "appId": call.app_info.and_then(|app| app.app_id),
            "webviewId": call.web_view_id,
            "stateEvent": call.state_event,
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

const APP_INFO_IN_TEXT: &str = "invalid call: `appInfo` in the call text is not believed: the host states the caller beside the call";
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
    /// The callback object the mini program receives; `Err` with the error's text when
    /// `MiniApiCall::from_json` refused to read the call at all.
    reply: Result<Value, String>,
    /// The progress events the sink received, when there was one.
    events: Vec<Event>,
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
                Value::Object(event.payload.clone()),
            ));
        }
    };
    (events, recorder)
}

/// `dispatch` with the caller and the progress sink the call is made with.
fn with_options<'a>(
    dispatch: Dispatch<'a>,
    caller: &Option<Caller>,
    sink: Option<impl ProgressSink>,
) -> Dispatch<'a> {
    let dispatch = match caller {
        Some(caller) => dispatch.caller(caller.clone()),
        None => dispatch,
    };
    match sink {
        Some(sink) => dispatch.progress(sink),
        None => dispatch,
    }
}

/// A bare reply, put back into the callback object it stands for.
fn bare_as_callback(rendered: Rendered, prefix: &str) -> Value {
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
    let mut options = |dispatch: Dispatch<'a>| with_options(dispatch, caller, recorder.take());
    let reply = match entry {
        Entry::DispatchJson => {
            if wire != Wire::Unified || caller.is_some() || progress {
                return None;
            }
            Ok(parse(&block_on(registry.dispatch_json(text))))
        }
        Entry::Await => {
            let future = options(registry.call(text).wire(wire)).into_future();
            let prefix = future.prefix().to_owned();
            Ok(parse(&block_on(future).to_callback_json(&prefix)))
        }
        Entry::Reply => {
            let future = options(registry.call(text).wire(wire)).reply();
            let prefix = future.prefix().to_owned();
            Ok(parse(&block_on(future).to_callback_json(&prefix)))
        }
        Entry::Callback => {
            let rendered =
                block_on(options(registry.call(text).wire(wire)).rendered(Rendering::Callback));
            let value = parse(&rendered.text);
            assert_eq!(
                rendered.kind == ReplyKind::Success,
                is_ok(&value),
                "{made:?}"
            );
            Ok(value)
        }
        Entry::Bare => {
            let future = options(registry.call(text).wire(wire)).rendered(Rendering::Bare);
            let prefix = future.prefix().to_owned();
            Ok(bare_as_callback(block_on(future), &prefix))
        }
        Entry::ReplyNow => {
            let future = options(registry.call(text).wire(wire)).reply();
            let prefix = future.prefix().to_owned();
            Ok(parse(&future.now_or_fail().to_callback_json(&prefix)))
        }
        Entry::CallbackNow => {
            let rendered = options(registry.call(text).wire(wire))
                .rendered(Rendering::Callback)
                .now_or_fail();
            Ok(parse(&rendered.text))
        }
        Entry::Bytes => {
            let rendered = block_on(
                options(registry.call(text.as_bytes()).wire(wire)).rendered(Rendering::Callback),
            );
            Ok(parse(&rendered.text))
        }
        Entry::FromJson => match MiniApiCall::from_json(text, wire) {
            Err(error) => Err(error.to_string()),
            Ok(read) => {
                let future = options(registry.call(read)).reply();
                let prefix = future.prefix().to_owned();
                Ok(parse(&block_on(future).to_callback_json(&prefix)))
            }
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
    match &answer.reply {
        Ok(reply) => assert_eq!(
            *reply,
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
    assert_eq!(answer.reply, Ok(expected), "{made:?}");
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
    callers.push(Some(Caller::from_call_text()));
    on_every_entry(&registry, legacy, wire, &callers, |made, answer| {
        assert_refused(made, &answer, "transfer", "permission denied");
    });
    // The granted caller, stated by the host, is answered, and the forged key reaches the
    // handler as the data it is.
    let granted = [
        Some(Caller::new().with_app_info(app("wx_wallet"))),
        Some(Caller::from_call_text().with_app_info(app("wx_wallet"))),
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
    callers.push(Some(Caller::from_call_text()));
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
        "call": { "appId": null, "webviewId": null, "stateEvent": null },
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
                    "call": { "appId": "wx_wallet", "webviewId": 3, "stateEvent": "hostEvent" },
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
        .caller(wallet)
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
        "call": { "appId": "wx_wallet", "webviewId": 7, "stateEvent": "sdkEvent" },
    });
    for wire in [Wire::Unified, Wire::Named("whoCalls")] {
        on_every_entry(
            &registry,
            text,
            wire,
            &[Some(Caller::from_call_text())],
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
        .caller(Caller::from_call_text())
        .rendered(Rendering::Callback)
        .now_or_fail();
    assert_eq!(
        rendered.text,
        r#"{"data":{},"from":"wx_wallet","errMsg":"transfer:ok"}"#
    );
    // Without `appInfo` in the text, the call has no caller.
    let reply = registry
        .call(r#"{"api_name":"transfer","data":{}}"#)
        .caller(Caller::from_call_text())
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
            Caller::from_call_text()
                .with_app_info(app("wx_other"))
                .with_web_view_id(3)
                .with_state_event("hostEvent"),
            json!({
                "appId": "wx_other",
                "webviewId": 3,
                "call": { "appId": "wx_other", "webviewId": 3, "stateEvent": "hostEvent" },
            }),
            "hostEvent",
        ),
        // Field by field: what the host leaves unstated comes from the text.
        (
            Caller::from_call_text().with_web_view_id(3),
            json!({
                "appId": "wx_wallet",
                "webviewId": 3,
                "call": { "appId": "wx_wallet", "webviewId": 3, "stateEvent": "sdkEvent" },
            }),
            "sdkEvent",
        ),
        (
            Caller::from_call_text().with_state_event("hostEvent"),
            json!({
                "appId": "wx_wallet",
                "webviewId": 7,
                "call": { "appId": "wx_wallet", "webviewId": 7, "stateEvent": "hostEvent" },
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
        .caller(Caller::from_call_text().with_app_info(app("wx_other")))
        .reply()
        .now_or_fail();
    assert_eq!(reply.failure().unwrap().message(), "permission denied");
    // And the other way round.
    let reply = registry
        .call(r#"{"api_name":"transfer","data":{},"appInfo":{"appId":"wx_other"}}"#)
        .caller(Caller::from_call_text().with_app_info(app("wx_wallet")))
        .reply()
        .now_or_fail();
    assert!(reply.is_success(), "{reply:?}");
}

#[test]
fn a_stated_caller_replaces_the_fields_of_a_call_the_host_built() {
    let registry = registry();
    let built = MiniApiCall::new("whoCalls", Value::Null)
        .with_app_info(app("wx_built"))
        .with_web_view_id(1)
        .with_state_event("builtEvent");
    let who = |app_id: &str, web_view_id: i64, state_event: &str| {
        json!({
            "appId": app_id,
            "webviewId": web_view_id,
            "call": { "appId": app_id, "webviewId": web_view_id, "stateEvent": state_event },
        })
    };
    let cases = [
        // The host built the call: its own fields are believed.
        (None, who("wx_built", 1, "builtEvent")),
        (Some(Caller::new()), who("wx_built", 1, "builtEvent")),
        // What the caller states replaces them, field by field.
        (
            Some(Caller::new().with_app_info(app("wx_wallet"))),
            who("wx_wallet", 1, "builtEvent"),
        ),
        (
            Some(Caller::new().with_web_view_id(2)),
            who("wx_built", 2, "builtEvent"),
        ),
        (
            Some(Caller::new().with_state_event("hostEvent")),
            who("wx_built", 1, "hostEvent"),
        ),
        (
            Some(
                Caller::new()
                    .with_app_info(app("wx_wallet"))
                    .with_web_view_id(2)
                    .with_state_event("hostEvent"),
            ),
            who("wx_wallet", 2, "hostEvent"),
        ),
        // There is no text to believe: the call's fields stand.
        (
            Some(Caller::from_call_text()),
            who("wx_built", 1, "builtEvent"),
        ),
    ];
    for (caller, expected) in cases {
        for progress in [false, true] {
            let (events, recorder) = sink();
            let mut dispatch = registry.call(built.clone());
            if let Some(caller) = &caller {
                dispatch = dispatch.caller(caller.clone());
            }
            if progress {
                dispatch = dispatch.progress(recorder);
            }
            let reply = block_on(dispatch.rendered(Rendering::Callback));
            let mut wanted = expected.clone();
            wanted["errMsg"] = json!("whoCalls:ok");
            assert_eq!(parse(&reply.text), wanted, "{caller:?}");
            let state_event = expected["call"]["stateEvent"].as_str().map(str::to_owned);
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

    // Access follows the same rule.
    let transfer =
        |app_id: &str| MiniApiCall::new("transfer", json!({})).with_app_info(app(app_id));
    let granted = |call: MiniApiCall, caller: Option<Caller>| {
        let dispatch = registry.call(call);
        let dispatch = match caller {
            Some(caller) => dispatch.caller(caller),
            None => dispatch,
        };
        dispatch.reply().now_or_fail().is_success()
    };
    assert!(granted(transfer("wx_wallet"), None));
    assert!(!granted(transfer("wx_other"), None));
    assert!(!granted(
        transfer("wx_wallet"),
        Some(Caller::new().with_app_info(app("wx_other")))
    ));
    assert!(granted(
        transfer("wx_other"),
        Some(Caller::new().with_app_info(app("wx_wallet")))
    ));
    assert!(!granted(MiniApiCall::new("transfer", json!({})), None));
}
