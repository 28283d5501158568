//! At TRACE, no log line of any call of the battery repeats what the mini program sent.

use super::*;

/// Names the program chose, which a log line may carry: the APIs the battery registers, the
/// fields of their data types, and the keys of the call envelope.
const PROGRAM_NAMES: [&str; 18] = [
    "typed",
    // The multiplexed API, its method and the key that names it; `method`, the span's field.
    "wallet",
    "connect",
    "methodName",
    "method",
    "listBody",
    "numbers",
    "needsApp",
    "needsWebView",
    "ownErrMsg",
    "signed",
    "api_name",
    "appInfo",
    "webviewId",
    "stateEvent",
    "appVerType",
    "secret",
    "whole",
];

/// What the mini program wrote in `input` that a log line could repeat: every key and string
/// in its data, its unknown keys and their values, its `appInfo` (less the `appId` of a
/// caller the host believes, which is logged as who calls), its `stateEvent`, and an API name
/// no handler has. At most the first 32 characters of each, and only those of six characters
/// or more, which no log line's own words could spell.
fn sent_by_mini_program(input: &Input) -> Vec<String> {
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(text) => out.push(text.clone()),
            Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
            Value::Object(map) => {
                for (key, value) in map {
                    out.push(key.clone());
                    strings(value, out);
                }
            }
            _ => {}
        }
    }
    let (text, believed, legacy, reported): (&[u8], bool, bool, Option<&str>) = match input {
        Input::Text(text) | Input::Bare(text) => (text.as_bytes(), false, false, None),
        Input::Trusted(text) => (text.as_bytes(), true, false, None),
        Input::Named(name, text) => (text.as_bytes(), false, false, Some(*name)),
        Input::Legacy(name, text) => (text.as_bytes(), false, true, Some(*name)),
        Input::Bytes(bytes) => (bytes.as_slice(), false, false, None),
        Input::Stated(caller, wire, text) => {
            let reported = match wire {
                Wire::Named(name) | Wire::Legacy(name) => Some(*name),
                _ => None,
            };
            let legacy = matches!(wire, Wire::Legacy(_));
            (text.as_bytes(), caller.trusts_call_text(), legacy, reported)
        }
    };
    let mut sent = Vec::new();
    sent.extend(reported.map(str::to_owned));
    if let Ok(Value::Object(call)) = serde_json::from_slice::<Value>(text) {
        if legacy {
            strings(&Value::Object(call), &mut sent);
        } else {
            for (key, value) in call {
                match key.as_str() {
                    "api_name" | "stateEvent" => strings(&value, &mut sent),
                    "webviewId" => {}
                    "appInfo" => {
                        let mut app = value;
                        if believed {
                            if let Some(app) = app.as_object_mut() {
                                app.remove("appId");
                            }
                        }
                        strings(&app, &mut sent);
                    }
                    "data" => strings(&value, &mut sent),
                    _ => strings(
                        &Value::Object([(key, value)].into_iter().collect()),
                        &mut sent,
                    ),
                }
            }
        }
    }
    sent.into_iter()
        .filter(|text| text.chars().count() >= 6 && !PROGRAM_NAMES.contains(&text.as_str()))
        .map(|text| text.chars().take(32).collect())
        .collect()
}

#[test]
fn no_log_line_carries_what_the_mini_program_sent() {
    let registries = Registries::new();
    let mut leaks = Vec::new();
    let mut logged_calls = 0;
    let cases = cases();
    for (index, case) in cases.iter().enumerate() {
        let logs = logs::logs_of(tracing::Level::TRACE, || {
            dispatch(registries.on(case.on), &case.input);
        });
        if logs.contains("mini API call") {
            logged_calls += 1;
        }
        for sent in sent_by_mini_program(&case.input) {
            if logs.contains(&sent) {
                leaks.push(format!("case {index}: {sent:?} in\n{logs}"));
            }
        }
    }
    // Every call is logged, so that the check above could see a leak.
    assert_eq!(logged_calls, cases.len());
    assert!(
        leaks.is_empty(),
        "{} log lines carry what the mini program sent:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}
