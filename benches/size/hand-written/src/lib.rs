//! The six handlers of `benches/size/six-handlers`, written by hand behind a C ABI of the same
//! shape as `tcmpp.h`: the baseline a team compares the bridge's size with.
#![allow(unsafe_code, missing_docs, clippy::missing_safety_doc)]

use std::ffi::{CStr, CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};

type ReplyFn = Option<unsafe extern "C" fn(*mut c_void, i32, *const c_char)>;
type ProgressFn = Option<unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char)>;

const RENDER_BARE: u32 = 1;
const HOST_FREES_STRINGS: u32 = 2;
const LEGACY_FORMAT: u32 = 4;
const APIS: &[(&str, bool)] = &[
    ("cCancel", false),
    ("cEcho", false),
    ("cFail", false),
    ("cPanic", true),
    ("cPing", true),
    ("cProgress", false),
];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Caller {
    #[serde(default, rename = "appInfo")]
    app_info: Option<Map<String, Value>>,
    #[serde(default, rename = "webviewId")]
    web_view_id: Option<i64>,
    #[serde(default, rename = "stateEvent")]
    state_event: Option<String>,
}

#[derive(Deserialize)]
struct Numbered {
    n: u64,
}

#[derive(Deserialize)]
struct Steps {
    steps: u32,
}

enum Outcome {
    Ok(Value),
    Fail(String, Option<i64>),
    Cancel,
}

struct Host {
    on_reply: unsafe extern "C" fn(*mut c_void, i32, *const c_char),
    on_progress: ProgressFn,
    context: *mut c_void,
    flags: u32,
    state_event: Option<String>,
}
unsafe impl Send for Host {}
unsafe impl Sync for Host {}

impl Host {
    fn give(&self, text: String) -> (*const c_char, Option<CString>) {
        let text = CString::new(text).unwrap_or_default();
        if self.flags & HOST_FREES_STRINGS != 0 {
            (text.into_raw(), None)
        } else {
            (text.as_ptr(), Some(text))
        }
    }

    fn progress(&self, payload: Value) {
        let Some(on_progress) = self.on_progress else {
            return;
        };
        let (payload, _kept) = self.give(payload.to_string());
        let (event, _kept_event) = match &self.state_event {
            Some(event) => {
                let (pointer, kept) = self.give(event.clone());
                (pointer, kept)
            }
            None => (std::ptr::null(), None),
        };
        unsafe { on_progress(self.context, event, payload) };
    }

    fn reply(self, api: &str, outcome: Outcome) {
        let (status, text) = render(api, outcome, self.flags);
        let (text, _kept) = self.give(text);
        unsafe { (self.on_reply)(self.context, status, text) };
    }
}

fn render(api: &str, outcome: Outcome, flags: u32) -> (i32, String) {
    let bare = flags & RENDER_BARE != 0;
    match outcome {
        Outcome::Ok(value) => {
            let mut map = match value {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            if !bare {
                map.insert("errMsg".into(), format!("{api}:ok").into());
            }
            (0, Value::Object(map).to_string())
        }
        Outcome::Fail(message, code) => {
            let mut map = Map::new();
            if bare {
                if let Some(code) = code {
                    map.insert("code".into(), code.into());
                }
                map.insert("message".into(), message.into());
            } else {
                if let Some(code) = code {
                    map.insert("errCode".into(), code.into());
                }
                map.insert("errMsg".into(), format!("{api}:fail {message}").into());
            }
            (1, Value::Object(map).to_string())
        }
        Outcome::Cancel if bare => (2, "{}".into()),
        Outcome::Cancel => (2, json!({ "errMsg": format!("{api}:cancel") }).to_string()),
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

fn data<T: for<'de> Deserialize<'de>>(data: &Value) -> Result<T, Outcome> {
    T::deserialize(data).map_err(|error| Outcome::Fail(format!("invalid data: {error}"), None))
}

fn sync_handler(api: &str) -> Option<Outcome> {
    match api {
        "cPing" => Some(Outcome::Ok(json!({ "pong": "c-host" }))),
        "cPanic" => Some(
            catch_unwind(|| -> Outcome { panic!("a bug in a handler") }).unwrap_or_else(|_| {
                Outcome::Fail("internal error: the handler panicked".into(), None)
            }),
        ),
        _ => None,
    }
}

async fn async_handler(api: &str, data_value: Value, host: &Host) -> Outcome {
    match api {
        "cEcho" => match data::<Numbered>(&data_value) {
            Ok(numbered) => {
                if numbered.n % 1000 == 0 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Outcome::Ok(json!({ "n": numbered.n }))
            }
            Err(outcome) => outcome,
        },
        "cFail" => Outcome::Fail("out of stock".into(), Some(1001)),
        "cCancel" => Outcome::Cancel,
        "cProgress" => match data::<Steps>(&data_value) {
            Ok(steps) => {
                for step in 1..=steps.steps {
                    host.progress(json!({ "step": step }));
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Outcome::Ok(json!({ "steps": steps.steps }))
            }
            Err(outcome) => outcome,
        },
        other => Outcome::Fail(
            format!("unknown API: no handler is registered for {other:?}"),
            None,
        ),
    }
}

unsafe fn read<'a>(pointer: *const c_char) -> Option<&'a str> {
    if pointer.is_null() {
        return None;
    }
    unsafe { CStr::from_ptr(pointer) }.to_str().ok()
}

/// The call's API name and data, or the reason it is refused.
fn parse(
    api_name: Option<&str>,
    call: Option<&str>,
    flags: u32,
) -> Result<(String, Value), String> {
    let call = call.ok_or("invalid call: call_json is NULL")?;
    let value: Value =
        serde_json::from_str(call).map_err(|error| format!("invalid call: {error}"))?;
    if flags & LEGACY_FORMAT != 0 {
        let name = api_name.ok_or("invalid call: a legacy-format call needs the api_name")?;
        return Ok((name.to_owned(), value));
    }
    let mut object = match value {
        Value::Object(object) => object,
        _ => return Err("invalid call: not an object".into()),
    };
    if object.contains_key("appInfo") {
        return Err("invalid call: `appInfo` in the call text is not believed".into());
    }
    let name = match object.remove("api_name") {
        Some(Value::String(name)) => name,
        _ => return Err("invalid call: missing `api_name`".into()),
    };
    if api_name.is_some_and(|given| given != name) {
        return Err("invalid call: the names disagree".into());
    }
    Ok((name, object.remove("data").unwrap_or(Value::Null)))
}

#[unsafe(no_mangle)]
pub extern "C" fn tcmpp_init() -> *mut c_char {
    std::ptr::null_mut()
}

#[unsafe(no_mangle)]
pub extern "C" fn tcmpp_apis_json() -> *mut c_char {
    let apis: Vec<Value> = APIS
        .iter()
        .map(|(name, sync)| json!({ "name": name, "sync": sync }))
        .collect();
    CString::new(Value::Array(apis).to_string())
        .unwrap_or_default()
        .into_raw()
}

#[unsafe(no_mangle)]
pub extern "C" fn tcmpp_custom_config_json() -> *mut c_char {
    let apis: Vec<Value> = APIS
        .iter()
        .map(|(name, sync)| json!({ "name": name, "sync": sync, "params": { "data": "" } }))
        .collect();
    CString::new(json!({ "extApi": apis }).to_string())
        .unwrap_or_default()
        .into_raw()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn tcmpp_dispatch(
    api_name: *const c_char,
    call_json: *const c_char,
    caller_json: *const c_char,
    flags: u32,
    on_reply: ReplyFn,
    on_progress: ProgressFn,
    context: *mut c_void,
) -> i32 {
    let Some(on_reply) = on_reply else { return -1 };
    let (api, call, caller) = unsafe { (read(api_name), read(call_json), read(caller_json)) };
    let mut host = Host {
        on_reply,
        on_progress,
        context,
        flags,
        state_event: None,
    };
    let caller: Caller = match caller.map(serde_json::from_str).transpose() {
        Ok(caller) => caller.unwrap_or_default(),
        Err(error) => {
            host.reply(
                api.unwrap_or("invokeNativePlugin"),
                Outcome::Fail(format!("invalid caller: {error}"), None),
            );
            return 0;
        }
    };
    let _ = (caller.app_info, caller.web_view_id);
    host.state_event = caller.state_event;
    let (name, data_value) = match parse(api, call, flags) {
        Ok(parsed) => parsed,
        Err(reason) => {
            host.reply(
                api.unwrap_or("invokeNativePlugin"),
                Outcome::Fail(reason, None),
            );
            return 0;
        }
    };
    if let Some(outcome) = sync_handler(&name) {
        host.reply(&name, outcome);
        return 0;
    }
    runtime().spawn(async move {
        let outcome = AssertUnwindSafe(async_handler(&name, data_value, &host)).await;
        host.reply(&name, outcome);
    });
    0
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn tcmpp_dispatch_sync(
    api_name: *const c_char,
    call_json: *const c_char,
    caller_json: *const c_char,
    flags: u32,
    status_out: *mut i32,
) -> *mut c_char {
    let (api, call, caller) = unsafe { (read(api_name), read(call_json), read(caller_json)) };
    let outcome = match caller.map(serde_json::from_str::<Caller>).transpose() {
        Err(error) => Err(format!("invalid caller: {error}")),
        Ok(_) => parse(api, call, flags),
    };
    let (name, outcome) = match outcome {
        Ok((name, _)) => {
            let outcome = sync_handler(&name).unwrap_or_else(|| {
                Outcome::Fail(
                    "this API is asynchronous and did not answer at once".into(),
                    None,
                )
            });
            (name, outcome)
        }
        Err(reason) => ("invokeNativePlugin".to_owned(), Outcome::Fail(reason, None)),
    };
    let (status, text) = render(&name, outcome, flags);
    if !status_out.is_null() {
        unsafe { status_out.write(status) };
    }
    CString::new(text).unwrap_or_default().into_raw()
}

#[unsafe(no_mangle)]
pub extern "C" fn tcmpp_abi_version() -> u32 {
    2
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn tcmpp_string_free(string: *mut c_char) {
    if !string.is_null() {
        drop(unsafe { CString::from_raw(string) });
    }
}
