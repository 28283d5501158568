//! Who may call, and who calls: under default deny an uninvited caller cannot tell an unknown API
//! from a forbidden one; a caller's `stateEvent` and `appVerType` are checked; the bare
//! rendering of refusals; the caller keys of a call's text believed only when the host says so.

use super::hostile::call_of_keys;
use super::*;

/// The refusal of a call whose `stateEvent` has a NUL.
const NUL_STATE_EVENT: &str = "invalid call: `stateEvent` contains a NUL character";

/// A string whose characters are not one JSON value's: `\u0000` stands for NUL in the text.
const VICTIM: &str = r"victim\u0000Listener";

/// The calls about access and the caller, after [`hostile`](super::hostile::hostile)'s, in the
/// battery's order.
pub(super) fn access(battery: &mut Battery) {
    // Default deny: a caller no grant names cannot tell an API that does not exist from one
    // it may not call, nor from one that does not exist for anyone; a granted caller learns
    // that an API is unknown.
    let denied = |api: &str| format!("{api}:fail permission denied");
    let uninvited = [
        Caller::new(),
        app(STRANGER),
        app(""),
        Caller::new().with_app_info(AppInfo::default()),
    ];
    for caller in uninvited {
        for (api, data) in [
            ("doesNotExist", "{}"),
            ("typed", r#"{"name":"kka","age":22}"#),
            ("echo", "1"),
        ] {
            battery.fail_on(
                On::DenyByDefault,
                from_host(
                    caller.clone(),
                    Wire::Unified,
                    format!(r#"{{"api_name":"{api}","data":{data}}}"#),
                ),
                &denied(api),
            );
        }
    }
    // Malformed data does not tell either: access is decided first.
    battery.fail_on(
        On::DenyByDefault,
        from_host(
            app(STRANGER),
            Wire::Unified,
            call_text("typed", r#"{"age":"x"}"#),
        ),
        &denied("typed"),
    );
    // Through every entry that states no caller.
    battery.fail_on(
        On::DenyByDefault,
        call("doesNotExist", "{}"),
        &denied("doesNotExist"),
    );
    battery.fail_on(On::DenyByDefault, call("typed", "{}"), &denied("typed"));
    battery.fail_on(
        On::DenyByDefault,
        Input::Legacy("doesNotExist", "{}".to_owned()),
        &denied("doesNotExist"),
    );
    battery.fail_on(
        On::DenyByDefault,
        Input::Named("doesNotExist", r#"{"api_name":"doesNotExist"}"#.to_owned()),
        &denied("doesNotExist"),
    );
    battery.fail_on(
        On::DenyByDefault,
        Input::Bytes(br#"{"api_name":"doesNotExist"}"#.to_vec()),
        &denied("doesNotExist"),
    );
    // Even a name no handler could have is denied, not echoed.
    battery.fail_on(
        On::DenyByDefault,
        text(r#"{"api_name":"no such api"}"#),
        "invokeNativePlugin:fail permission denied",
    );
    // The text the host believes names a stranger: denied alike.
    battery.fail_on(
        On::DenyByDefault,
        Input::Trusted(format!(
            r#"{{"api_name":"doesNotExist","appInfo":{{"appId":"{STRANGER}"}}}}"#
        )),
        &denied("doesNotExist"),
    );
    // A granted caller learns what does not exist, and what it may not call.
    battery.fail_on(
        On::DenyByDefault,
        from_host(app(GRANTED), Wire::Unified, call_text("doesNotExist", "{}")),
        "doesNotExist:fail unknown API: no handler is registered for \"doesNotExist\"",
    );
    battery.fail_on(
        On::DenyByDefault,
        Input::Trusted(format!(
            r#"{{"api_name":"doesNotExist","appInfo":{{"appId":"{GRANTED}"}}}}"#
        )),
        "doesNotExist:fail unknown API: no handler is registered for \"doesNotExist\"",
    );
    battery.fail_on(
        On::DenyByDefault,
        from_host(app(GRANTED), Wire::Unified, call_text("echo", "1")),
        &denied("echo"),
    );
    battery.fail_on(
        On::DenyByDefault,
        from_host(
            app(GRANTED),
            Wire::Unified,
            call_text("typed", r#"{"age":"x"}"#),
        ),
        r#"typed:fail invalid data: age: invalid type: string "x", expected u32"#,
    );
    battery.reply(
        On::DenyByDefault,
        from_host(
            app(GRANTED),
            Wire::Unified,
            call_text("typed", r#"{"name":"kka","age":22}"#),
        ),
        ReplyKind::Success,
        r#"{"name":"kka","age":22,"errMsg":"typed:ok"}"#,
    );
    // Without default deny, unknown stays unknown to everyone.
    battery.fail_on(
        On::Grants,
        from_host(
            app(STRANGER),
            Wire::Unified,
            call_text("doesNotExist", "{}"),
        ),
        "doesNotExist:fail unknown API: no handler is registered for \"doesNotExist\"",
    );

    // A caller whose host stated an empty `appId` is nobody's grant (and a grant of the empty
    // `appId` cannot be built: `an_empty_app_id_cannot_be_granted`).
    battery.fail_on(
        On::Grants,
        from_host(
            app(""),
            Wire::Unified,
            r#"{"api_name":"secret"}"#.to_owned(),
        ),
        &denied("secret"),
    );
    battery.fail_on(
        On::Grants,
        Input::Trusted(r#"{"api_name":"secret","appInfo":{"appId":""}}"#.to_owned()),
        &denied("secret"),
    );
    battery.reply(
        On::Grants,
        from_host(
            app(GRANTED),
            Wire::Unified,
            r#"{"api_name":"secret"}"#.to_owned(),
        ),
        ReplyKind::Success,
        r#"{"secret":true,"errMsg":"secret:ok"}"#,
    );

    // A NUL in `stateEvent` would cut it short on its way to C, routing progress to another
    // listener: refused, from the text whoever is believed, and from the host's caller.
    let nul = |api: &str| format!("{api}:fail {NUL_STATE_EVENT}");
    for event in [VICTIM, r"\u0000", r"ev\u0000", r"\u0000ev"] {
        battery.fail(
            text(format!(r#"{{"api_name":"echo","stateEvent":"{event}"}}"#)),
            &nul("echo"),
        );
    }
    let victim_call = format!(r#"{{"api_name":"echo","data":1,"stateEvent":"{VICTIM}"}}"#);
    battery.fail(Input::Trusted(victim_call.clone()), &nul("echo"));
    battery.fail(Input::Bytes(victim_call.clone().into_bytes()), &nul("echo"));
    battery.fail(Input::Named("echo", victim_call.clone()), &nul("echo"));
    battery.fail(
        from_host(app(GRANTED), Wire::Unified, victim_call),
        &nul("echo"),
    );
    let stated_nul = Caller::new().with_state_event("victim\0Listener");
    // The caller is refused, not the call: the reply is named after the API the call names.
    battery.fail(
        from_host(stated_nul.clone(), Wire::Unified, call_text("echo", "1")),
        &nul("echo"),
    );
    // A name written with escapes is not read by the scan that finds it.
    battery.fail(
        from_host(
            stated_nul.clone(),
            Wire::Unified,
            r#"{"api_name":"\u0065cho"}"#.to_owned(),
        ),
        &nul("invokeNativePlugin"),
    );
    battery.fail(
        from_host(
            stated_nul.clone(),
            Wire::Named("echo"),
            call_text("echo", "1"),
        ),
        &nul("echo"),
    );
    battery.fail(
        from_host(stated_nul.clone(), Wire::Legacy("echo"), "{}".to_owned()),
        &nul("echo"),
    );
    battery.fail(
        from_host(
            Caller::trust_call_text().with_state_event("\0"),
            Wire::Unified,
            call_text("echo", "1"),
        ),
        &nul("echo"),
    );
    // Refused before anything else: a call that is itself broken, or to an API that does not
    // exist, gets the same reply.
    battery.fail(
        from_host(stated_nul.clone(), Wire::Unified, "not json".to_owned()),
        &nul("invokeNativePlugin"),
    );
    battery.fail(
        from_host(
            stated_nul,
            Wire::Named("doesNotExist"),
            call_text("doesNotExist", "1"),
        ),
        &nul("doesNotExist"),
    );

    // `appVerType` as a number or a string of one. Anything else is kept as sent (in the
    // `AppInfo`'s other keys), not an error: `needsApp` restricts nobody, so it answers.
    let app_needed = |ver_type: &str| {
        Input::Trusted(format!(
            r#"{{"api_name":"needsApp","appInfo":{{"appId":"wx1","appVerType":{ver_type}}}}}"#
        ))
    };
    let answered = r#"{"appId":"wx1","errMsg":"needsApp:ok"}"#;
    let unreadable = [
        r#""1.5""#,
        r#""""#,
        r#""0x1""#,
        r#""１""#,
        "1.5",
        "true",
        "[0]",
        r#"{"v":0}"#,
        "9223372036854775808",
        r#""9223372036854775808""#,
    ];
    for ver_type in ["0", r#""0""#, r#"" 1 ""#, r#""-2""#, r#""+3""#, "null"]
        .into_iter()
        .chain(unreadable)
    {
        battery.reply(
            On::Default,
            app_needed(ver_type),
            ReplyKind::Success,
            answered,
        );
        battery.reply(
            On::Grants,
            app_needed(ver_type),
            ReplyKind::Success,
            answered,
        );
    }
    // Access control reads it: a grant of version type 0 admits `"0"`, and only it; a version
    // type no number can be read from is an error where a grant needs it, and only there.
    let secret_as = |app_id: &str, ver_type: &str| {
        Input::Trusted(format!(
            r#"{{"api_name":"secret","appInfo":{{"appId":"{app_id}","appVerType":{ver_type}}}}}"#
        ))
    };
    let secret_ok = r#"{"secret":true,"errMsg":"secret:ok"}"#;
    battery.reply(
        On::Grants,
        secret_as(RELEASE_ONLY, r#""0""#),
        ReplyKind::Success,
        secret_ok,
    );
    battery.reply(
        On::Grants,
        secret_as(RELEASE_ONLY, "0"),
        ReplyKind::Success,
        secret_ok,
    );
    battery.fail_on(
        On::Grants,
        secret_as(RELEASE_ONLY, r#""1""#),
        &denied("secret"),
    );
    battery.fail_on(
        On::Grants,
        secret_as(RELEASE_ONLY, "null"),
        &denied("secret"),
    );
    let unreadable_ver_type = "secret:fail invalid caller: `appInfo.appVerType` must be an integer, or a string of one, for the access policy to decide this call";
    for ver_type in [r#""zero""#].into_iter().chain(unreadable) {
        battery.fail_on(
            On::Grants,
            secret_as(RELEASE_ONLY, ver_type),
            unreadable_ver_type,
        );
        // A grant without version types settles it; no grant for the caller denies it.
        battery.reply(
            On::Grants,
            secret_as(GRANTED, ver_type),
            ReplyKind::Success,
            secret_ok,
        );
        battery.fail_on(
            On::Grants,
            secret_as("wx_stranger", ver_type),
            &denied("secret"),
        );
        battery.fail(secret_as(RELEASE_ONLY, ver_type), &denied("secret"));
    }
    // The same, from an `AppInfo` the host states (as the C ABI's `caller_json` reads it).
    let stated: AppInfo = serde_json::from_str(&format!(
        r#"{{"appId":"{RELEASE_ONLY}","appVerType":"zero"}}"#
    ))
    .unwrap();
    battery.fail_on(
        On::Grants,
        from_host(
            Caller::new().with_app_info(stated.clone()),
            Wire::Unified,
            r#"{"api_name":"secret"}"#,
        ),
        unreadable_ver_type,
    );
    battery.reply(
        On::Grants,
        from_host(
            Caller::new().with_app_info(stated),
            Wire::Unified,
            r#"{"api_name":"needsApp"}"#,
        ),
        ReplyKind::Success,
        &format!(r#"{{"appId":"{RELEASE_ONLY}","errMsg":"needsApp:ok"}}"#),
    );

    // The bare rendering: a result's own `errMsg` is left out, as the callback rendering
    // replaces it; failures are `{"message":…}`.
    battery.reply(
        On::Default,
        Input::Bare(r#"{"api_name":"ownErrMsg"}"#.to_owned()),
        ReplyKind::Success,
        r#"{"v":1}"#,
    );
    battery.reply(
        On::Default,
        text(r#"{"api_name":"ownErrMsg"}"#),
        ReplyKind::Success,
        r#"{"v":1,"errMsg":"ownErrMsg:ok"}"#,
    );
    battery.reply(
        On::Default,
        Input::Bare(r#"{"api_name":"secret"}"#.to_owned()),
        ReplyKind::Fail,
        r#"{"message":"permission denied"}"#,
    );
    // A fail body that is not an object is refused like a result that is not one.
    let list_body = "invalid result: the handler's fail body is an array, but a fail body must be a JSON object (attach a struct or a map)";
    battery.fail(
        text(r#"{"api_name":"listBody"}"#),
        &format!("listBody:fail {list_body}"),
    );
    battery.reply(
        On::Default,
        Input::Bare(r#"{"api_name":"listBody"}"#.to_owned()),
        ReplyKind::Fail,
        &format!(r#"{{"message":"{list_body}"}}"#),
    );
    battery.reply(
        On::Default,
        Input::Bare(format!(r#"{{"api_name":"{}"}}"#, "b".repeat(1_000))),
        ReplyKind::Fail,
        &format!(
            r#"{{"message":"unknown API: no handler is registered for \"{}\""}}"#,
            echoed(&"b".repeat(1_000))
        ),
    );
    battery.reply(
        On::Default,
        Input::Bare(call_of_keys(65)),
        ReplyKind::Fail,
        r#"{"message":"invalid call: more than 64 top-level keys, the registry's limit"}"#,
    );
    battery.reply(
        On::DenyByDefault,
        Input::Bare(r#"{"api_name":"doesNotExist"}"#.to_owned()),
        ReplyKind::Fail,
        r#"{"message":"permission denied"}"#,
    );

    // Who calls is the host's to state: the text's caller keys are checked whoever is stated,
    // and not believed unless the host says so.
    let stated = app("wx1").with_web_view_id(5);
    battery.fail(
        from_host(
            stated.clone(),
            Wire::Unified,
            r#"{"api_name":"needsApp","appInfo":{"appId":"wx_other"}}"#.to_owned(),
        ),
        &APP_INFO_IN_TEXT.replace("echo:", "needsApp:"),
    );
    battery.fail(
        from_host(
            stated.clone(),
            Wire::Unified,
            r#"{"api_name":"echo","webviewId":"5"}"#.to_owned(),
        ),
        "echo:fail invalid call: `webviewId` must be an integer, found a string",
    );
    battery.fail(
        text(r#"{"api_name":"needsWebView","webviewId":4}"#),
        "needsWebView:fail missing context: this call carries no webviewId",
    );
    battery.reply(
        On::Default,
        Input::Trusted(r#"{"api_name":"needsWebView","webviewId":4}"#.to_owned()),
        ReplyKind::Success,
        r#"{"webView":4,"errMsg":"needsWebView:ok"}"#,
    );
    // The host's values take precedence over the text's it believes.
    battery.reply(
        On::Default,
        from_host(
            Caller::trust_call_text().with_web_view_id(5),
            Wire::Unified,
            r#"{"api_name":"needsWebView","webviewId":4}"#.to_owned(),
        ),
        ReplyKind::Success,
        r#"{"webView":5,"errMsg":"needsWebView:ok"}"#,
    );
    battery.reply(
        On::Default,
        from_host(
            stated,
            Wire::Legacy("needsApp"),
            r#"{"appInfo":{"appId":"wx_other"}}"#.to_owned(),
        ),
        ReplyKind::Success,
        answered,
    );
}
