//! Each call takes one access decision, reads its data once and runs its handler at most once,
//! whichever steps need them and however it ends: read with data a handler decodes, malformed
//! data, a typed call, a refused caller, an unknown API, a method of a multiplexed API, a legacy
//! call.

use serde_json::{Map, Value, json};

use crate::handler::{ApiEntry, DescribeFn, HandlerKind, Invocation, Outcome, success};
use crate::passes::{Pass, taken};
use crate::reply::{Rendering, ReplyFormat};
use crate::{AccessPolicy, AppInfo, Caller, MiniApiCall, Registry, Wire};

/// A handler that decodes its data as an object and answers it back.
fn echo(mut invocation: Invocation<'_>) -> Outcome {
    match invocation.data::<Map<String, Value>>() {
        Ok(map) => {
            let format: ReplyFormat = invocation.reply_format();
            Outcome::Ready(success(&map, format))
        }
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
        named_like_builtin: false,
        describe: DescribeFn::new(|_| {}),
    }
}

inventory::submit!(entry("onePassEcho", false, None));
inventory::submit!(entry("onePassGuarded", true, None));
inventory::submit!(entry("onePassMulti", false, Some("a")));
inventory::submit!(entry("onePassMulti", true, Some("b")));

/// One call of the test, dispatched to its rendered reply.
type Dispatch<'a> = Box<dyn Fn() -> String + 'a>;

/// What one call took of each pass: access decisions, reads of its data, runs of its handler.
#[derive(Debug, PartialEq, Eq)]
struct Taken {
    access_checks: usize,
    data_reads: usize,
    handler_runs: usize,
}

/// The passes `dispatch` took, and its reply.
fn passes_of(dispatch: impl FnOnce() -> String) -> (Taken, String) {
    let now = || [Pass::AccessCheck, Pass::DataRead, Pass::HandlerRun].map(taken);
    let before = now();
    let text = dispatch();
    let after = now();
    let taken = Taken {
        access_checks: after[0] - before[0],
        data_reads: after[1] - before[1],
        handler_runs: after[2] - before[2],
    };
    (taken, text)
}

#[test]
fn every_call_takes_each_pass_once() {
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
            "fail invalid call: not valid JSON: expected value at line 1 column 42",
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
        let (taken, text) = passes_of(dispatch);
        assert!(text.contains(expected), "{case}: {text}");
        let (data_reads, handler_runs) = expected_passes(case);
        let expected = Taken {
            access_checks: 1,
            data_reads,
            handler_runs,
        };
        assert_eq!(taken, expected, "{case}: {text}");
    }
}

/// What each case of [`every_call_takes_each_pass_once`] reads of its data, after the reader,
/// and runs of its handler.
fn expected_passes(case: &str) -> (usize, usize) {
    match case {
        // The handler's decoder is the one read; malformed data is refused from what it found,
        // the call neither read nor run again.
        "data a handler decodes" | "malformed data" | "a restricted API, a granted caller" => {
            (1, 1)
        }
        // The reader checked the data as it read the call and refused it: no step after it
        // reads the data, no handler runs.
        "malformed data, to an API the caller may not call" => (0, 0),
        // Checked by the reader's pass; refused before any handler.
        "a restricted API, a stranger" | "an unknown API" | "a restricted method, a stranger" => {
            (1, 0)
        }
        // The reader's pass checks the data and finds the method in it (a repeated method key
        // must be refused, so the whole object is scanned); the method's handler then decodes
        // it: two passes, the price of naming the handler inside its data.
        "a method of a multiplexed API" => (2, 1),
        // The full reader reads a legacy call's keys, to refuse one given twice, before the
        // handler decodes the same object.
        "a legacy call" => (2, 1),
        // Data given as a value is never read as text; this caller is refused before its
        // handler would decode it.
        "a typed call" => (0, 0),
        other => panic!("no expectation for {other}"),
    }
}
