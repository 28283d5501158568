//! The declarations never lie: what a registry's handlers answer, checked against the schema
//! `client_types()` wrote for them.
//!
//! A call is dispatched as the mini program sends it; its reply, as the mini program receives
//! it (the callback object), must validate against the schema of its API, or of the method its
//! data names: a success against `<prefix>.result` (with `errMsg`), a handler's failure against
//! `<prefix>.fail` and its body's keys against `<prefix>.failBody` (no keys where none is
//! declared), and every progress payload against `<prefix>.progress`.

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use tcmpp_core::progress::ProgressEvent;
use tcmpp_core::reply::{FailureKind, Rendering};
use tcmpp_core::{AppInfo, Caller, Registry};

/// A validator for one of the document's definitions (or any schema over them).
pub(crate) fn validator_of(document: &Value, schema: Value) -> jsonschema::Validator {
    let mut schema = schema;
    schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    schema["$defs"] = document["$defs"].clone();
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

fn definition(name: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{}", name.replace('~', "~0").replace('/', "~1")) })
}

/// How the runtime took a call.
pub(crate) struct Answered {
    /// Whether the runtime read the call and its data and ran the handler: anything but a call
    /// it could not read, an unknown API or method, data that does not fit, a call over a
    /// limit or a synchronous call it could not answer.
    pub(crate) accepted: bool,
    /// Whether the reply is a success.
    pub(crate) success: bool,
}

/// Dispatches `call` (JSON text) to `registry`, from a mini program its policy grants, checks its reply and progress against
/// `document` when the handler ran, and says how the runtime took it.
pub(crate) fn dispatch_and_check(registry: &Registry, document: &Value, call: &str) -> Answered {
    let payloads: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = {
        let payloads = Arc::clone(&payloads);
        move |event: ProgressEvent<'_>| {
            let payload = serde_json::from_str(&event.payload_json()).expect("a payload is JSON");
            payloads.lock().expect("not poisoned").push(payload);
        }
    };
    // A caller every access policy of the tests grants, so that what is refused is the call.
    let caller = Caller::new().with_app_info(AppInfo::with_app_id("wx_granted"));
    let reply =
        futures_executor::block_on(registry.call(call).caller(&caller).progress(sink).reply());
    let rendered = futures_executor::block_on(
        registry
            .call(call)
            .caller(&caller)
            .rendered(Rendering::Callback),
    );
    let accepted = match reply.failure() {
        None => true,
        Some(failure) => !matches!(
            failure.kind(),
            FailureKind::InvalidCall
                | FailureKind::UnknownApi
                | FailureKind::InvalidData
                | FailureKind::LimitExceeded
                | FailureKind::NotSynchronous
        ),
    };
    if accepted {
        let call: Value = serde_json::from_str(call).expect("an accepted call is JSON");
        let prefix = prefix_of(document, &call);
        let object: Value =
            serde_json::from_str(&rendered.text).expect("the rendered reply is JSON");
        check_reply(document, &prefix, &object, &reply);
        for payload in payloads.lock().expect("not poisoned").iter() {
            let progress = validator_of(document, definition(&format!("{prefix}.progress")));
            assert!(
                progress.is_valid(payload),
                "{prefix}: the progress payload {payload} is not `{prefix}.progress`"
            );
        }
    }
    Answered {
        accepted,
        success: reply.is_success(),
    }
}

/// `<api>` for a plain API, `<api>.<method>` for a multiplexed one.
fn prefix_of(document: &Value, call: &Value) -> String {
    let name = call["api_name"]
        .as_str()
        .expect("an accepted call has a name");
    let api = &document["x-tcmpp-apis"][name];
    match api["methodKey"].as_str() {
        Some(key) => {
            let method = call["data"][key]
                .as_str()
                .expect("an accepted call names a method");
            format!("{name}.{method}")
        }
        None => name.to_owned(),
    }
}

fn check_reply(document: &Value, prefix: &str, object: &Value, reply: &tcmpp_core::Reply) {
    let Some(failure) = reply.failure() else {
        // `<prefix>.result` is the success object without `errMsg`.
        let mut result = object.clone();
        let err_msg = result.as_object_mut().and_then(|map| map.remove("errMsg"));
        assert!(
            err_msg.as_ref().is_some_and(Value::is_string),
            "{prefix}: the success object {object} has no `errMsg`"
        );
        let success = validator_of(document, definition(&format!("{prefix}.result")));
        assert!(
            success.is_valid(&result),
            "{prefix}: the success object {object} is not `{prefix}.result`"
        );
        return;
    };
    let fail = validator_of(document, definition(&format!("{prefix}.fail")));
    assert!(
        fail.is_valid(object),
        "{prefix}: the fail object {object} is not `{prefix}.fail`"
    );
    if failure.kind() != FailureKind::Handler {
        return;
    }
    let body: Map<String, Value> = object
        .as_object()
        .expect("a fail object")
        .iter()
        .filter(|(key, _)| *key != "errMsg" && *key != "errCode")
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if body.is_empty() {
        return;
    }
    let declared = &document["$defs"][format!("{prefix}.failBody")];
    assert!(
        !declared.is_null(),
        "{prefix}: the fail object {object} carries keys but the handler declares no fail body"
    );
    let fail_body = validator_of(document, definition(&format!("{prefix}.failBody")));
    assert!(
        fail_body.is_valid(&Value::Object(body)),
        "{prefix}: the fail object {object} does not carry `{prefix}.failBody`"
    );
}
