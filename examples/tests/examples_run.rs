//! Every example runs, as the README and each example's first line say (`cargo run --example
//! quickstart` first of all), and prints the replies it is there to show.
//!
//! Each is run through `cargo run`, as a reader runs it: under `cargo test` the examples are
//! built already, so this only runs them. `devserver` serves until stopped: it is left out, and
//! the server it starts is `tcmpp-dev`'s, which that crate's tests run.

use std::path::Path;
use std::process::Command;

/// Runs `cargo run --example <example> -- <args>` and returns its standard output, failing the
/// test when it does not exit with success.
fn run(example: &str, args: &[&str]) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--color", "never", "--example", example])
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .arg("--")
        .args(args)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "`cargo run --example {example}` failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Asserts that `output` of `example` holds each of `lines`.
fn assert_shows(example: &str, output: &str, lines: &[&str]) {
    for line in lines {
        assert!(
            output.contains(line),
            "`{example}` does not print {line:?}:\n{output}"
        );
    }
}

#[test]
fn the_quickstart_answers_the_seed_call_and_refuses_bad_data() {
    let output = run("quickstart", &[]);
    assert_shows(
        "quickstart",
        &output,
        &[
            r#"{"result":"success","method":"myApiHandler","errMsg":"myApiName:ok"}"#,
            r#"{"errMsg":"myApiName:fail invalid data: age: invalid type: string \"x\", expected u32"}"#,
        ],
    );
}

#[test]
fn the_examples_of_the_handler_forms_run() {
    let cases: [(&str, &[&str]); 6] = [
        (
            "typed_params",
            &[
                r#"typedGreet -> {"errMsg":"typedGreet:fail invalid data: age: invalid type: string \"22\", expected u32"}"#,
                r#"unknown method \"drop\""#,
            ],
        ),
        (
            "context_and_state",
            &[
                r#""count":2"#,
                r#"{"errMsg":"saveNote:fail missing context: this call carries no appInfo"}"#,
            ],
        ),
        (
            "custom_config",
            &[r#""extApi""#, r#""name": "getGreeting""#],
        ),
        (
            "rate_limit",
            &[
                r#"wx_busy: {"errCode":429,"errMsg":"getBalance:fail rate limited: try again later"}"#,
                r#"wx_calm: {"appId":"wx_calm","balance":120,"errMsg":"getBalance:ok"}"#,
            ],
        ),
        (
            "metrics",
            &[
                r#"{"errMsg":"pay:cancel"}"#,
                "scan   ok                         2",
            ],
        ),
        (
            "auth",
            &[
                r#"signed out: {"errCode":401,"errMsg":"getProfile:fail sign in to the app first"}"#,
                r#""errMsg":"getProfile:ok""#,
            ],
        ),
    ];
    for (example, lines) in cases {
        assert_shows(example, &run(example, &[]), lines);
    }
}

#[test]
fn the_typescript_example_writes_the_four_files() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("typescript-example");
    let _ = std::fs::remove_dir_all(&dir);
    run(
        "typescript",
        &[dir.to_str().expect("the target directory is UTF-8")],
    );
    // The declarations and the schema describe the shop's APIs; the helper calls
    // `wx.invokeNativePlugin`.
    for (file, holds) in [
        ("tcmpp.d.ts", "payOrder"),
        ("tcmpp.schema.json", "payOrder"),
        ("tcmpp-invoke.d.ts", "invokeNativePlugin"),
        ("tcmpp-invoke.js", "wx.invokeNativePlugin"),
    ] {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|error| panic!("{file} is written: {error}"));
        assert!(text.contains(holds), "{file} does not hold {holds:?}");
    }
}
