//! What `Registry::client_types` says about each form of handler: which APIs take data and
//! whether it may be left out, which fails carry `errCode` and may cancel, which send progress,
//! what a type used both as data and as a result is declared as, and that the same registry
//! gives the same bytes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tcmpp_core::context::{CallContext, FromContext};
use tcmpp_core::{ApiError, ClientTypes, Progress, Registry, mini_api};

/// Data and result at once: `y` may be left out of the data, and is always in the result.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Point {
    x: i32,
    #[serde(default)]
    y: i32,
}

/// Refers to `Point`: declared twice as well, since the `Point` it refers to differs.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Segment {
    from: Point,
    to: Point,
}

/// Only ever data: declared once.
#[derive(Deserialize, JsonSchema)]
struct Settings {
    #[serde(default)]
    verbose: bool,
}

type ApiResult<T> = Result<T, ApiError>;

struct Token;

impl FromContext for Token {
    fn from_context(_: &CallContext<'_>) -> Result<Self, ApiError> {
        Err(ApiError::new("no token").with_code(401))
    }
}

#[mini_api("movePoint")]
fn move_point(point: Point) -> Point {
    point
}

#[mini_api("reverse")]
async fn reverse(segment: Segment) -> ApiResult<Segment> {
    Ok(Segment {
        from: segment.to,
        to: segment.from,
    })
}

#[mini_api("configure")]
async fn configure(settings: Settings, progress: Option<Progress>) -> Result<(), String> {
    let _ = (settings.verbose, progress);
    Ok(())
}

#[mini_api("maybePoint")]
fn maybe_point(point: Option<Point>, #[context] _token: Token) -> Option<Point> {
    point
}

#[mini_api("ping")]
async fn ping(progress: Progress) {
    let _ = progress.send(json!({ "n": 1 }));
}

/// A method whose name would end a `/** … */` comment if written into one as it is.
#[mini_api("oddNames", method = "a*/b")]
fn odd_names() {}

fn types() -> ClientTypes {
    Registry::builder()
        .build()
        .expect("the registry builds")
        .client_types()
        .expect("every type is described")
}

fn schema() -> Value {
    serde_json::from_str(types().json_schema()).expect("the schema is JSON")
}

#[test]
fn each_api_says_what_it_takes_and_how_it_can_fail() {
    let schema = schema();
    let flags: BTreeMap<&str, Value> = ["configure", "maybePoint", "movePoint", "ping", "reverse"]
        .into_iter()
        .map(|name| (name, schema["x-tcmpp-apis"][name].clone()))
        .collect();
    assert_eq!(
        flags,
        BTreeMap::from([
            // A message error: no code, no cancel; an optional Progress is progress.
            (
                "configure",
                json!({ "sync": false, "errCode": false, "cancel": false, "progress": true, "failBody": false, "handler": "client_types::configure" })
            ),
            // A context of the user's own may refuse with a code.
            (
                "maybePoint",
                json!({ "sync": true, "errCode": true, "cancel": true, "progress": false, "failBody": false, "handler": "client_types::maybe_point" })
            ),
            (
                "movePoint",
                json!({ "sync": true, "errCode": false, "cancel": false, "progress": false, "failBody": false, "handler": "client_types::move_point" })
            ),
            (
                "ping",
                json!({ "sync": false, "errCode": false, "cancel": false, "progress": true, "failBody": false, "handler": "client_types::ping" })
            ),
            // An alias of `Result<_, ApiError>` is seen through.
            (
                "reverse",
                json!({ "sync": false, "errCode": true, "cancel": true, "progress": false, "failBody": false, "handler": "client_types::reverse" })
            ),
        ])
    );

    let declarations = types().declarations().to_owned();
    for (api, data, optional, result) in [
        ("configure", "Types.Settings", true, "{}"),
        (
            "maybePoint",
            "Types.Point | null",
            true,
            "Types.PointOutput | {}",
        ),
        ("movePoint", "Types.Point", false, "Types.PointOutput"),
        ("ping", "Tcmpp.JsonValue", true, "{}"),
        ("reverse", "Types.Segment", false, "Types.SegmentOutput"),
    ] {
        let entry = format!(
            "    {api}: {{\n      data: {data};\n      dataOptional: {optional};\n      result: {result};\n"
        );
        assert!(
            declarations.contains(&entry),
            "no {entry:?} in\n{declarations}"
        );
    }
}

#[test]
fn a_type_whose_data_and_result_differ_is_declared_twice_and_others_once() {
    let declarations = types().declarations().to_owned();
    for declaration in [
        "    interface Point {\n      x: number;\n      y?: number;\n    }\n",
        "    interface PointOutput {\n      x: number;\n      y: number;\n    }\n",
        "    interface Segment {\n      from: Point;\n      to: Point;\n    }\n",
        "    interface SegmentOutput {\n      from: PointOutput;\n      to: PointOutput;\n    }\n",
        "    interface Settings {\n      verbose?: boolean;\n    }\n",
    ] {
        assert_eq!(
            declarations.matches(declaration).count(),
            1,
            "{declaration:?} in\n{declarations}"
        );
    }
    let schema = schema();
    let definitions = schema["$defs"].as_object().expect("$defs is an object");
    let types: Vec<&str> = definitions
        .keys()
        .map(String::as_str)
        .filter(|name| !name.contains('.'))
        .collect();
    assert_eq!(
        types,
        [
            "Declined",
            "Point",
            "PointOutput",
            "Segment",
            "SegmentOutput",
            "Settings"
        ]
    );
    assert_eq!(
        schema["$defs"]["SegmentOutput"]["properties"]["from"],
        json!({ "$ref": "#/$defs/PointOutput" })
    );
    // The fail object carries `errCode` exactly where a code can be set.
    assert!(schema["$defs"]["reverse.fail"]["properties"]["errCode"].is_object());
    assert!(schema["$defs"]["configure.fail"]["properties"]["errCode"].is_null());
    // A result of `()` is the empty success object.
    assert_eq!(
        schema["$defs"]["configure.result"],
        json!({ "type": "object", "maxProperties": 0 })
    );
}

#[test]
fn the_same_registry_gives_the_same_bytes() {
    let first = types();
    let second = Registry::builder()
        .build()
        .expect("the registry builds again")
        .client_types()
        .expect("every type is described");
    assert_eq!(first, second);
    assert!(first.declarations().len() > 1000);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("client_types");
    std::fs::create_dir_all(&dir).expect("the directory is created");
    first.write_to(&dir).expect("the files are written");
    for (name, text) in first.files() {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).expect("the file is there"),
            text
        );
    }
}

/// A declared fail body.
#[derive(Serialize, JsonSchema)]
struct Declined {
    status: i32,
    uuid: String,
}

/// iOS-style string progress, typed.
#[mini_api("subscribe", fail_body = Declined)]
async fn subscribe(progress: Option<Progress<String>>) -> Result<(), ApiError> {
    if let Some(progress) = progress {
        let _ = progress.send("1".to_owned());
    }
    Err(ApiError::new("declined").with_body(Declined {
        status: -1,
        uuid: "u-1".to_owned(),
    }))
}

#[test]
fn a_declared_fail_body_and_a_typed_progress_payload_are_described() {
    let schema = schema();
    assert_eq!(schema["x-tcmpp-apis"]["subscribe"]["failBody"], true);
    assert_eq!(schema["x-tcmpp-apis"]["subscribe"]["progress"], true);
    assert_eq!(
        schema["$defs"]["subscribe.failBody"]["allOf"][0],
        json!({ "$ref": "#/$defs/Declined" })
    );
    assert_eq!(
        schema["$defs"]["Declined"]["required"],
        json!(["status", "uuid"])
    );
    assert_eq!(
        schema["$defs"]["subscribe.progress"]["allOf"][0],
        json!({ "type": "string" })
    );
    // An untyped `Progress` sends any JSON value.
    assert!(schema["$defs"]["ping.progress"].get("type").is_none());
    assert!(schema["$defs"]["ping.failBody"].is_null());
    let declarations = types().declarations().to_owned();
    assert!(
        declarations.contains("      progress: string;\n      failBody: Types.Declined;\n"),
        "{declarations}"
    );
    assert!(
        declarations.contains("      progress: Tcmpp.JsonValue;\n      failBody: {};\n"),
        "{declarations}"
    );
}

#[test]
fn a_method_that_spells_the_end_of_a_comment_stays_inside_it() {
    let declarations = types().declarations().to_owned();
    // In the doc comment: escaped; in the data's discriminant: the string as it is.
    assert!(
        declarations.contains("- `a*\\/b`"),
        "no escaped method in\n{declarations}"
    );
    assert!(
        declarations.contains(r#"methodName: "a*/b""#),
        "no discriminant in\n{declarations}"
    );
    assert!(
        declarations.contains(r#"        "a*/b": {"#),
        "no method entry in\n{declarations}"
    );
    assert_eq!(
        declarations.matches("*/").count(),
        declarations.matches("/*").count() + 2,
        "every comment closes once (the two more are the discriminant's and the method entry's)"
    );
}
