//! The generated TypeScript declarations, checked by the real TypeScript compiler.
//!
//! `typescript/miniprogram.ts` (and `checked.js`, plain JavaScript under `// @ts-check`) call the
//! shop example's APIs (`examples/src/shop.rs`) the way a mini program page does. Against the
//! declarations generated from this binary's registry, `tsc --strict` must accept the file, and
//! each line after a `// @ts-expect-error: … (TSnnnn)` must fail with exactly that error: a wrong
//! `api_name`, a missing field, a wrong field type, a result key that does not exist,
//! `sync: true` on an async API and more. Declarations that type everything as `any` fail the
//! check (`typescript/any.d.ts`, the control).
//!
//! The check runs under the newest TypeScript and under 4.9 (see `support/tsc.rs`), each
//! installed from the npm registry into `target/` on first use.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use tcmpp_core::{ClientTypes, Registry};
// The shop's handlers: the only ones this binary links.
use tcmpp_examples as _;

#[path = "support/tsc.rs"]
mod tsc;

use tsc::{NEWEST, OLDEST, check_marked, expected_errors, read, typescript_compiler};

/// The mini program sources the check compiles, besides the generated files.
const SOURCES: &[&str] = &[
    "miniprogram.ts",
    "checked.js",
    "globals.d.ts",
    "tsconfig.json",
];

/// The sources with marked mistakes.
const MARKED: &[&str] = &["miniprogram.ts", "checked.js"];

#[test]
fn the_mini_program_compiles_against_the_declarations_and_each_mistake_is_an_error() {
    let Some(tsc) = typescript_compiler(NEWEST) else {
        return;
    };
    let dir = project("checked", &shop_types(), None);
    check_marked(&tsc, &dir, MARKED, 15);
}

#[test]
fn the_declarations_compile_under_typescript_4_9_too() {
    let Some(tsc) = typescript_compiler(OLDEST) else {
        return;
    };
    let dir = project("checked-4.9", &shop_types(), None);
    check_marked(&tsc, &dir, MARKED, 15);
}

#[test]
fn declarations_that_type_everything_as_any_fail_the_check() {
    let Some(tsc) = typescript_compiler(NEWEST) else {
        return;
    };
    let types = shop_types();
    let any = read(&sources_dir().join("any.d.ts"));
    let dir = project("any", &types, Some(&any));

    let output = tsc.check(&dir);
    assert!(
        !output.success,
        "tsc accepted the mini program against all-`any` declarations:\n{}",
        output.text
    );
    // Every directive is unused ("Unused '@ts-expect-error' directive"): none of the mistakes
    // is caught. (The callbacks' parameters are implicitly `any` besides.)
    let directives: BTreeSet<(String, usize, String)> = expected_errors(&sources_dir(), MARKED)
        .into_iter()
        .map(|(file, line, _)| (file, line - 1, "TS2578".to_owned()))
        .collect();
    let unused: BTreeSet<_> = output
        .errors()
        .into_iter()
        .filter(|(_, _, code)| code == "TS2578")
        .collect();
    assert_eq!(unused, directives, "{}", output.text);
}

#[test]
fn the_promise_helper_resolves_with_success_and_rejects_with_fail_and_cancel() {
    let Some(tsc) = typescript_compiler(NEWEST) else {
        return;
    };
    let types = shop_types();
    let dir = project("helper", &types, None);
    let helper = dir.join("tcmpp-invoke.mjs");
    std::fs::write(&helper, types.promise_helper()).expect("the helper is written");
    // A stand-in for the SDK's `wx.invokeNativePlugin`, which answers by `api_name`.
    let script = format!(
        r#"
        const calls = [];
        globalThis.wx = {{
          invokeNativePlugin(options) {{
            calls.push(options.api_name);
            if (options.api_name === "getProduct") options.success({{ title: "Kopi", id: options.data.productId, errMsg: "getProduct:ok" }});
            else if (options.api_name === "payOrder") options.cancel({{ errMsg: "payOrder:cancel" }});
            else options.fail({{ errMsg: options.api_name + ":fail no", errCode: 3 }});
          }},
        }};
        const {{ invokeNative }} = await import({helper:?});
        const ok = await invokeNative("getProduct", {{ productId: "kopi" }});
        const failed = await invokeNative("applyCoupon", "X").then(() => "resolved", (fail) => fail);
        const cancelled = await invokeNative("payOrder", {{}}).then(() => "resolved", (cancel) => cancel);
        console.log(JSON.stringify({{ ok, failed, cancelled, calls }}));
        "#,
        helper = format!("file://{}", helper.display()),
    );
    let output = Command::new(&tsc.node)
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    assert_eq!(
        seen,
        serde_json::json!({
            "ok": { "title": "Kopi", "id": "kopi", "errMsg": "getProduct:ok" },
            "failed": { "errMsg": "applyCoupon:fail no", "errCode": 3 },
            "cancelled": { "errMsg": "payOrder:cancel" },
            "calls": ["getProduct", "applyCoupon", "payOrder"],
        })
    );
}

/// The types of this binary's registry: the shop's APIs.
fn shop_types() -> ClientTypes {
    let registry = Registry::builder().build().expect("the registry builds");
    let names: Vec<&str> = registry.apis().map(|api| api.name).collect();
    assert_eq!(
        names,
        [
            "applyCoupon",
            "getCart",
            "getProduct",
            "logEvent",
            "payOrder",
            "wallet",
            "wallet"
        ]
    );
    registry
        .client_types()
        .expect("the shop's types are described")
}

/// A fresh project directory with the sources and the generated files; with `declarations`,
/// those replace the generated `tcmpp.d.ts`.
fn project(name: &str, types: &ClientTypes, declarations: Option<&str>) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("typescript")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let generated = dir.join("generated");
    std::fs::create_dir_all(&generated).expect("the project directory is created");
    for source in SOURCES {
        std::fs::copy(sources_dir().join(source), dir.join(source))
            .unwrap_or_else(|e| panic!("cannot copy {source}: {e}"));
    }
    types
        .write_to(&generated)
        .expect("the generated files are written");
    if let Some(declarations) = declarations {
        std::fs::write(generated.join(ClientTypes::DECLARATIONS_FILE), declarations)
            .expect("the declarations are replaced");
    }
    dir
}

fn sources_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("typescript")
}
