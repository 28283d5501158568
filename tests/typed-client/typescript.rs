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
//! TypeScript comes from the npm registry, installed into `target/typescript` on first use. When
//! it cannot be installed (no `node` or `npm`, no network), the test fails under `CI=true` and
//! is skipped, saying so, elsewhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tcmpp_core::{ClientTypes, Registry};
// The shop's handlers: the only ones this binary links.
use tcmpp_examples as _;

/// The TypeScript release the check runs, pinned so that error codes do not move under it.
const TYPESCRIPT: &str = "5.9.3";

/// The mini program sources the check compiles, besides the generated files.
const SOURCES: &[&str] = &[
    "miniprogram.ts",
    "checked.js",
    "globals.d.ts",
    "tsconfig.json",
];

#[test]
fn the_mini_program_compiles_against_the_declarations_and_each_mistake_is_an_error() {
    let Some(tsc) = typescript_compiler() else {
        return;
    };
    let types = shop_types();
    let dir = project("checked", &types, None);

    let output = tsc.check(&dir);
    assert!(
        output.success,
        "tsc refused the mini program:\n{}",
        output.text
    );

    // Without the directives, exactly the marked lines fail, each with its error.
    strip_directives(&dir);
    let output = tsc.check(&dir);
    assert!(
        !output.success,
        "tsc accepted the mistakes:\n{}",
        output.text
    );
    let expected = expected_errors();
    assert!(expected.len() >= 15, "the sources mark {expected:?}");
    assert_eq!(
        output.errors(),
        expected,
        "tsc's errors are not the marked ones:\n{}",
        output.text
    );
}

#[test]
fn declarations_that_type_everything_as_any_fail_the_check() {
    let Some(tsc) = typescript_compiler() else {
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
    let directives: BTreeSet<(String, usize, String)> = expected_errors()
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
    let Some(tsc) = typescript_compiler() else {
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

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Each marked mistake as `(file, line, code)`: the line after `// @ts-expect-error: … (TSnnnn)`.
fn expected_errors() -> BTreeSet<(String, usize, String)> {
    let mut expected = BTreeSet::new();
    for file in ["miniprogram.ts", "checked.js"] {
        for (index, line) in read(&sources_dir().join(file)).lines().enumerate() {
            if !line.trim_start().starts_with("// @ts-expect-error") {
                continue;
            }
            let code = line
                .rsplit_once("(TS")
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .unwrap_or_else(|| {
                    panic!("{file}:{}: name the expected error: (TSnnnn)", index + 1)
                });
            // Lines count from 1; the error is on the next line.
            expected.insert((file.to_owned(), index + 2, format!("TS{code}")));
        }
    }
    expected
}

/// Turns the directives into plain comments, keeping every line where it is.
fn strip_directives(dir: &Path) {
    for file in ["miniprogram.ts", "checked.js"] {
        let path = dir.join(file);
        let text = read(&path).replace("// @ts-expect-error", "// (expected error)");
        std::fs::write(&path, text).expect("the source is rewritten");
    }
}

/// The TypeScript compiler, run by node.
#[derive(Clone)]
struct Tsc {
    node: PathBuf,
    script: PathBuf,
}

/// What a check gave.
struct Checked {
    success: bool,
    text: String,
}

impl Tsc {
    fn check(&self, dir: &Path) -> Checked {
        let output = Command::new(&self.node)
            .arg(&self.script)
            .args(["--project", "tsconfig.json", "--pretty", "false"])
            .current_dir(dir)
            .output()
            .expect("tsc runs");
        Checked {
            success: output.status.success(),
            text: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }
}

impl Checked {
    /// The errors as `(file, line, code)`, from lines such as
    /// `miniprogram.ts(97,25): error TS2820: …`.
    fn errors(&self) -> BTreeSet<(String, usize, String)> {
        self.text
            .lines()
            .filter_map(|line| {
                let (file, rest) = line.split_once('(')?;
                let (line_number, rest) = rest.split_once(',')?;
                let code = rest.split_once("): error ")?.1.split(':').next()?;
                Some((file.to_owned(), line_number.parse().ok()?, code.to_owned()))
            })
            .collect()
    }
}

/// The compiler from `target/typescript`, installed there from the npm registry when it is
/// missing; `None` (after saying so) when it cannot be, unless under CI, which fails instead.
fn typescript_compiler() -> Option<Tsc> {
    static TSC: OnceLock<Result<Tsc, String>> = OnceLock::new();
    match TSC.get_or_init(install) {
        Ok(tsc) => Some(tsc.clone()),
        Err(reason) if std::env::var_os("CI").is_some_and(|ci| ci != "false") => {
            panic!("the TypeScript check cannot run under CI: {reason}")
        }
        Err(reason) => {
            println!("skipping the TypeScript check: {reason}");
            None
        }
    }
}

fn install() -> Result<Tsc, String> {
    // `target/tmp` is the tests' scratch directory; the compiler lives beside it.
    let prefix = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .ok_or("the target directory has no parent")?
        .join("typescript");
    let package = prefix.join("node_modules/typescript");
    let script = package.join("bin/tsc");
    let installed = std::fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|manifest| manifest["version"] == TYPESCRIPT);
    if !installed {
        let output = Command::new("npm")
            .args(["install", "--prefix"])
            .arg(&prefix)
            .arg(format!("typescript@{TYPESCRIPT}"))
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .output()
            .map_err(|e| format!("cannot run npm to install TypeScript {TYPESCRIPT}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "npm could not install TypeScript {TYPESCRIPT} into {}: {}",
                prefix.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    let node = PathBuf::from("node");
    let version = Command::new(&node)
        .arg(&script)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let version = String::from_utf8_lossy(&version.stdout);
    if !version.contains(TYPESCRIPT) {
        return Err(format!(
            "{} is not TypeScript {TYPESCRIPT}: {version}",
            script.display()
        ));
    }
    Ok(Tsc { node, script })
}
