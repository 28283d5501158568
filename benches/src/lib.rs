//! What the benchmarks share: the seed's API and a sized payload, written once so that the
//! framework, the hand-written baseline, the serde floor and jsonrpsee all run the same handler
//! bodies on the same data.
//!
//! The `#[mini_api]` handlers themselves live in the bench binaries, not here: a binary's
//! registry holds every handler linked into it, and each binary needs its own set.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use tcmpp_core::MiniApiCall;

/// The seed's call, in the unified format, exactly as the SDK sends it.
pub const SEED_CALL: &str = r#"{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"#;

/// The seed call's `data`, alone: what the serde floor parses.
pub const SEED_DATA: &str = r#"{"name":"kka","age":22}"#;

/// The seed's API name.
pub const SEED_API: &str = "myApiName";

/// The API name of the seed's handler written as a plain `fn`.
pub const SEED_SYNC_API: &str = "myApiNameSync";

/// Defines the seed's two `#[mini_api]` handlers in the binary that invokes it: `myApiName`, as
/// the quickstart declares it, and `myApiNameSync`, the same body as a plain `fn`, whose reply is
/// ready when `dispatch` returns, so it needs no boxed future.
///
/// A macro because a binary's registry holds the handlers linked into it: each benchmark
/// binary that measures the seed call defines them once, and the registry-size binaries do not.
#[macro_export]
macro_rules! seed_handlers {
    () => {
        /// The seed's handler, as the quickstart declares it.
        #[::tcmpp_core::mini_api("myApiName")]
        async fn my_api(
            person: $crate::Person,
        ) -> ::core::result::Result<$crate::Greeting, ::tcmpp_core::ApiError> {
            Ok($crate::greet(person))
        }

        /// The seed's handler as a plain `fn`.
        #[::tcmpp_core::mini_api("myApiNameSync")]
        fn my_api_sync(
            person: $crate::Person,
        ) -> ::core::result::Result<$crate::Greeting, ::tcmpp_core::ApiError> {
            Ok($crate::greet(person))
        }
    };
}

/// The API name of the sized-payload handler.
pub const ECHO_API: &str = "echoItems";

/// What the seed's mini program sends as `data`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Person {
    /// The caller's name.
    pub name: String,
    /// The caller's age.
    pub age: u32,
}

/// What the seed's handler answers.
#[derive(Clone, Debug, Serialize)]
pub struct Greeting {
    /// Always `"success"`.
    pub result: &'static str,
    /// Always `"myApiHandler"`.
    pub method: &'static str,
}

/// The seed handler's body: every contender calls this, so only the plumbing differs.
pub fn greet(person: Person) -> Greeting {
    std::hint::black_box(person);
    Greeting {
        result: "success",
        method: "myApiHandler",
    }
}

/// One record of the sized payload: strings, numbers, a bool and a nested array, so that the
/// payload exercises more of serde than one flat struct.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// A running number.
    pub id: u64,
    /// A short label.
    pub name: String,
    /// A few labels.
    pub tags: Vec<String>,
    /// A fractional number.
    pub score: f64,
    /// A flag.
    pub is_active: bool,
}

/// The sized payload's `data`: a list of records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// The records.
    pub items: Vec<Item>,
}

/// What the sized-payload handler answers: the records back, and their count. The reply grows
/// with the payload, so both decoding and encoding scale.
#[derive(Clone, Debug, Serialize)]
pub struct Echo {
    /// How many records came in.
    pub count: usize,
    /// The records, unchanged.
    pub items: Vec<Item>,
}

/// The sized-payload handler's body.
pub fn echo(batch: Batch) -> Echo {
    Echo {
        count: batch.items.len(),
        items: batch.items,
    }
}

/// A batch whose JSON text is about `bytes` long (never fewer than one record).
pub fn batch_of_size(bytes: usize) -> Batch {
    let mut batch = Batch { items: Vec::new() };
    let mut length = r#"{"items":[]}"#.len();
    while batch.items.is_empty() || length < bytes {
        let id = batch.items.len() as u64;
        let item = Item {
            id,
            name: format!("item number {id}"),
            tags: vec!["alpha".to_owned(), format!("tag-{}", id % 7)],
            score: id as f64 * 0.25,
            is_active: id.is_multiple_of(3),
        };
        length += serde_json::to_string(&item).map_or(0, |text| text.len()) + 1;
        batch.items.push(item);
    }
    batch
}

/// The unified-format call text of `api_name` with `data` (JSON text).
pub fn call_text(api_name: &str, data: &str) -> String {
    format!(
        r#"{{"stateEvent":"requestCustomApi","api_name":"{api_name}","data":{data},"webviewId":4}}"#
    )
}

/// The JSON-RPC 2.0 request jsonrpsee answers for the same call.
pub fn json_rpc_request(api_name: &str, data: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{api_name}","params":{data}}}"#)
}

/// Why the hand-written dispatcher refused a call.
#[derive(Debug)]
pub struct HandWrittenError(pub String);

/// The typed baseline of measurement 1: what a team writes without a framework. It matches on
/// the name and converts with `serde_json::from_value` / `to_value` itself, and it is `async`,
/// like the handlers, but needs no boxing because it knows every handler's type.
pub fn hand_written_dispatch(
    call: MiniApiCall,
) -> impl Future<Output = Result<Map<String, Value>, HandWrittenError>> {
    dispatch_by_hand::<false>(call)
}

/// [`hand_written_dispatch`] with its handlers' futures boxed, as any dispatcher must box them
/// once it looks handlers up by name among types it does not know: the part of the framework's
/// cost that comes with `async` handlers in a registry rather than with the framework.
pub fn hand_written_boxed_dispatch(
    call: MiniApiCall,
) -> impl Future<Output = Result<Map<String, Value>, HandWrittenError>> {
    dispatch_by_hand::<true>(call)
}

/// The hand-written dispatcher; `BOXED` is a constant, so each variant compiles to its own code
/// with nothing of the other in it.
async fn dispatch_by_hand<const BOXED: bool>(
    call: MiniApiCall,
) -> Result<Map<String, Value>, HandWrittenError> {
    // Awaits a handler's body in place, or boxed as a registry must. The box goes through
    // `black_box`, or the compiler, seeing its type, could call the future directly and drop
    // the allocation. A macro, not a function: another `async fn` layer would cost the
    // in-place variant a state machine the baseline does not have.
    macro_rules! run_handler {
        ($body:expr) => {
            if BOXED {
                let boxed: Pin<Box<dyn Future<Output = _> + Send>> = Box::pin(async move { $body });
                black_box(boxed).await
            } else {
                async move { $body }.await
            }
        };
    }
    let data = call.data.unwrap_or(Value::Null);
    let result = match call.api_name.as_str() {
        SEED_API => {
            let person: Person = serde_json::from_value(data).map_err(invalid_data)?;
            let greeting = run_handler!(greet(person));
            serde_json::to_value(greeting)
        }
        ECHO_API => {
            let batch: Batch = serde_json::from_value(data).map_err(invalid_data)?;
            let echoed = run_handler!(echo(batch));
            serde_json::to_value(echoed)
        }
        other => return Err(HandWrittenError(format!("unknown API {other}"))),
    };
    match result {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(HandWrittenError("not an object".to_owned())),
        Err(error) => Err(HandWrittenError(error.to_string())),
    }
}

fn invalid_data(error: serde_json::Error) -> HandWrittenError {
    HandWrittenError(format!("invalid data: {error}"))
}

/// The serde floor of measurement 2 for the seed call: `from_str` of the data struct and
/// `to_string` of the result, nothing else.
pub fn serde_floor_seed(data: &str) -> Result<String, serde_json::Error> {
    let person: Person = serde_json::from_str(data)?;
    serde_json::to_string(&greet(person))
}

/// The serde floor for the sized payload.
pub fn serde_floor_echo(data: &str) -> Result<String, serde_json::Error> {
    let batch: Batch = serde_json::from_str(data)?;
    serde_json::to_string(&echo(batch))
}

/// A unified-format call with typed data, as a hand-written JSON entry would declare it.
#[derive(Deserialize)]
struct TypedCall<'a, T> {
    #[serde(rename = "api_name", borrow)]
    api_name: &'a str,
    data: T,
    #[serde(rename = "webviewId")]
    _web_view_id: Option<i64>,
    #[serde(rename = "stateEvent", borrow)]
    _state_event: Option<&'a str>,
}

/// A unified-format call with its data left unread.
#[derive(Deserialize)]
struct RawCall<'a> {
    #[serde(rename = "api_name", borrow)]
    _api_name: &'a str,
    #[serde(borrow)]
    data: &'a RawValue,
    #[serde(rename = "webviewId")]
    _web_view_id: Option<i64>,
    #[serde(rename = "stateEvent", borrow)]
    _state_event: Option<&'a str>,
}

/// What reading a call's envelope costs on its own: serde reads the whole call text, decodes
/// its name and small fields and finds where `data` lies, without decoding `data`. Added to the
/// serde floor, it is what a JSON entry pays that reads the call with serde and then decodes
/// `data` from its text (reading `data`'s bytes twice, as serde's `RawValue` must); serde's
/// typed-envelope floor reads them once.
pub fn envelope_read(call: &str) -> Result<&str, serde_json::Error> {
    serde_json::from_str::<RawCall<'_>>(call).map(|call| call.data.get())
}

/// A callback object: `errMsg` and the result's own keys.
#[derive(Serialize)]
struct Callback<'a, T> {
    #[serde(rename = "errMsg")]
    err_msg: &'a str,
    #[serde(flatten)]
    result: T,
}

/// A second floor for measurement 2, fairer to any JSON entry: the whole call text parsed into
/// a typed envelope (so the envelope's bytes are read, as any entry must), the result rendered
/// with `errMsg`. It still skips the name lookup, the unknown-key bookkeeping and the error
/// paths the framework keeps.
pub fn typed_envelope_floor_seed(call: &str) -> Result<String, serde_json::Error> {
    let call: TypedCall<'_, Person> = serde_json::from_str(call)?;
    let err_msg = format!("{}:ok", call.api_name);
    serde_json::to_string(&Callback {
        err_msg: &err_msg,
        result: greet(call.data),
    })
}

/// [`typed_envelope_floor_seed`] for the sized payload.
pub fn typed_envelope_floor_echo(call: &str) -> Result<String, serde_json::Error> {
    let call: TypedCall<'_, Batch> = serde_json::from_str(call)?;
    let err_msg = format!("{}:ok", call.api_name);
    serde_json::to_string(&Callback {
        err_msg: &err_msg,
        result: echo(call.data),
    })
}

/// The hostile calls of measurement 8, each just under the 4 MiB size limit, by name: `appInfo`
/// in untrusted text to `guarded_api`, a hundred thousand unknown keys, and megabytes of data to
/// `guarded_api` (which the caller may not call; once named before the data, once after it)
/// and to an API that does not exist.
pub fn hostile_calls(guarded_api: &str) -> [(&'static str, String); 5] {
    let data_first = flood(guarded_api, "data").replacen(
        &format!(r#"{{"api_name":"{guarded_api}","data":"#),
        r#"{"data":"#,
        1,
    );
    let data_first = format!(
        r#"{},"api_name":"{guarded_api}"}}"#,
        data_first.strip_suffix('}').unwrap_or(&data_first)
    );
    let calls = [
        ("app_info_flood", flood(guarded_api, "appInfo")),
        ("key_flood", key_flood()),
        ("data_flood_denied", flood(guarded_api, "data")),
        ("data_first_denied", data_first),
        ("data_flood_unknown", flood("noSuchApi", "data")),
    ];
    for (name, call) in &calls {
        assert!(
            call.len() <= tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES,
            "{name} is within the size limit"
        );
    }
    calls
}

/// `{"api_name":"<api>","<key>":{"e":[[],[],…]}}`, just under the size limit: every byte of
/// the value is structural, the worst case for a scan.
fn flood(api: &str, key: &str) -> String {
    let head = format!(r#"{{"api_name":"{api}","{key}":{{"e":["#);
    let tail = "[]]}}";
    let room = tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES - head.len() - tail.len();
    let mut call = String::with_capacity(tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES);
    call.push_str(&head);
    call.push_str(&"[],".repeat(room / 3));
    call.push_str(tail);
    call
}

/// A hundred thousand unknown keys to an unknown API, just under the size limit.
fn key_flood() -> String {
    let mut call = String::from(r#"{"api_name":"noSuchApi""#);
    let mut key = 0;
    while call.len() < tcmpp_core::limits::DEFAULT_MAX_CALL_BYTES - 16 {
        call.push_str(&format!(r#","k{key}":0"#));
        key += 1;
    }
    call.push('}');
    call
}
