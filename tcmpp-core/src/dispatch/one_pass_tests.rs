//! Each call takes one access decision, whichever steps need it and however it ends: read with
//! data a handler decodes, malformed data, a typed call, a refused caller, an unknown API, a
//! method of a multiplexed API, a legacy call.

use serde_json::{Map, Value, json};

use super::flight::counted::access_checks;
use crate::handler::{
    ApiEntry, DescribeFn, HandlerKind, Invocation, Outcome, ReplyFormat, success,
};
use crate::reply::Rendering;
use crate::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Wire};

/// A handler that decodes its data as an object and answers it back.
fn echo(invocation: Invocation<'_>) -> Outcome {
    let format: ReplyFormat = invocation.reply_format();
    match invocation.data::<Map<String, Value>>() {
        Ok(map) => Outcome::Ready(success(&map, format)),
        Err(refused) => refused,
    }
}

const fn entry(name: &'static str, restricted: bool, method: Option<&'static str>) -> ApiEntry {
    ApiEntry {
        name,
        rust_path: "one_pass_tests::echo",
        kind: HandlerKind::Plain,
        file: file!(),
        line: line!(),
        column: 1,
        handler: echo,
        takes_data: true,
        required_states: &[],
        timeout_ms: None,
        restricted,
        method,
        method_key: match method {
            Some(_) => Some("methodName"),
            None => None,
        },
        overrides_builtin: false,
        describe: DescribeFn::new(|_| {}),
    }
}

inventory::submit!(entry("onePassEcho", false, None));
inventory::submit!(entry("onePassGuarded", true, None));
inventory::submit!(entry("onePassMulti", false, Some("a")));
inventory::submit!(entry("onePassMulti", true, Some("b")));

/// One call of the test, dispatched to its rendered reply.
type Dispatch<'a> = Box<dyn Fn() -> String + 'a>;

/// The access decisions `dispatch` took.
fn checks_of(dispatch: impl FnOnce() -> String) -> (usize, String) {
    let before = access_checks();
    let text = dispatch();
    (access_checks() - before, text)
}

#[test]
fn every_call_takes_one_access_decision() {
    let registry = Registry::builder()
        .access_policy(AccessPolicy::new().grant("wx_friend", ["onePassGuarded"]))
        .build()
        .expect("the test's handlers register");
    let friend = Caller::new().with_app_info(AppInfo::with_app_id("wx_friend"));
    let stranger = Caller::new().with_app_info(AppInfo::with_app_id("wx_stranger"));
    let text = |json: &str, caller: &Caller| {
        let call = registry.call(json).caller(caller);
        call.rendered(Rendering::Callback).now_or_fail().text
    };
    let cases: Vec<(&str, Dispatch<'_>, &str)> = vec![
        (
            "data a handler decodes",
            Box::new(|| text(r#"{"api_name":"onePassEcho","data":{"a":1}}"#, &friend)),
            r#"{"a":1,"errMsg":"onePassEcho:ok"}"#,
        ),
        (
            "malformed data",
            Box::new(|| text(r#"{"api_name":"onePassEcho","data":{"a":[1,]}}"#, &friend)),
            "fail invalid call: not valid JSON",
        ),
        (
            "malformed data, to an API the caller may not call",
            Box::new(|| {
                text(
                    r#"{"api_name":"onePassGuarded","data":{"a":[1,]}}"#,
                    &stranger,
                )
            }),
            "fail invalid call: not valid JSON",
        ),
        (
            "a restricted API, a granted caller",
            Box::new(|| text(r#"{"api_name":"onePassGuarded","data":{}}"#, &friend)),
            r#"{"errMsg":"onePassGuarded:ok"}"#,
        ),
        (
            "a restricted API, a stranger",
            Box::new(|| text(r#"{"api_name":"onePassGuarded","data":{}}"#, &stranger)),
            "permission denied",
        ),
        (
            "an unknown API",
            Box::new(|| text(r#"{"api_name":"onePassNowhere","data":{}}"#, &friend)),
            "unknown API",
        ),
        (
            "a method of a multiplexed API",
            Box::new(|| {
                text(
                    r#"{"api_name":"onePassMulti","data":{"methodName":"a","x":2}}"#,
                    &friend,
                )
            }),
            r#""errMsg":"onePassMulti:ok""#,
        ),
        (
            "a restricted method, a stranger",
            Box::new(|| {
                text(
                    r#"{"api_name":"onePassMulti","data":{"methodName":"b"}}"#,
                    &stranger,
                )
            }),
            "permission denied",
        ),
        (
            "a legacy call",
            Box::new(|| {
                let call = registry
                    .call(r#"{"a":3}"#)
                    .wire(Wire::Legacy("onePassEcho"));
                call.caller(&friend)
                    .rendered(Rendering::Callback)
                    .now_or_fail()
                    .text
            }),
            r#"{"a":3,"errMsg":"onePassEcho:ok"}"#,
        ),
        (
            "a typed call",
            Box::new(|| {
                let call = MiniApiCall::new("onePassGuarded", json!({ "b": 4 }));
                let call = registry.call(call).caller(&stranger);
                call.rendered(Rendering::Callback).now_or_fail().text
            }),
            "permission denied",
        ),
    ];
    for (case, dispatch, expected) in cases {
        let (checks, text) = checks_of(dispatch);
        assert!(text.contains(expected), "{case}: {text}");
        assert_eq!(checks, 1, "{case}: {checks} access decisions for {text}");
    }
}
