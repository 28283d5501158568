//! The C ABI as a real C host uses it: `tests/c/host_test.c`, compiled with the system C
//! compiler (`$CC`, else `cc`) with `-Werror` against `tcmpp-ffi/include/tcmpp.h`, linked once
//! against the `cdylib` and once, whole-archive, against the `staticlib` of `tests/c-host`, and
//! run. Also checks that the header declares exactly the functions the libraries export, with
//! the constants the Rust side uses.
//!
//! Cargo builds both libraries before this test runs: `tcmpp-c-host` is a dev-dependency of
//! this package, and its `crate-type` lists `cdylib` and `staticlib`. They land, unhashed, in
//! the `deps` directory beside this test's executable. Where no C compiler exists the C tests
//! print why and pass; everything else still runs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "../support/built.rs"]
mod built;

/// The workspace root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

fn header_path() -> PathBuf {
    workspace().join("tcmpp-ffi/include/tcmpp.h")
}

use built::{built_library, deps_dir, tool_missing};

fn library(kind: &str) -> PathBuf {
    let name = match kind {
        "dynamic" if cfg!(target_os = "macos") => "libtcmpp_c_host.dylib",
        "dynamic" => "libtcmpp_c_host.so",
        _ => "libtcmpp_c_host.a",
    };
    built_library(name)
}

/// The C compiler, or `None` (after saying so) when there is none: a failure under CI.
fn c_compiler() -> Option<String> {
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    match Command::new(&compiler)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => Some(compiler),
        _ => {
            tool_missing(
                "the C host test",
                &format!("a C compiler (`{compiler}`, or `CC`)"),
            );
            None
        }
    }
}

fn run(command: &mut Command, timeout: Duration) -> Output {
    let described = format!("{command:?}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {described}: {e}"));
    let started = Instant::now();
    while child
        .try_wait()
        .expect("the child can be waited for")
        .is_none()
    {
        if started.elapsed() > timeout {
            let _ = child.kill();
            panic!("{described} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("the output is readable")
}

/// Compiles `tests/c/host_test.c` with warnings as errors, linked as `link` says, and runs it.
fn compile_and_run(compiler: &str, name: &str, link: &[&std::ffi::OsStr]) -> String {
    let out_dir = deps_dir().join("c-host-test");
    std::fs::create_dir_all(&out_dir).expect("the output directory can be created");
    let program = out_dir.join(name);
    let started = Instant::now();
    let mut compile = Command::new(compiler);
    compile
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-O1",
        ])
        .arg("-I")
        .arg(header_path().parent().unwrap())
        .arg(workspace().join("tests/c/host_test.c"))
        .arg("-o")
        .arg(&program)
        .args(link);
    let compiled = run(&mut compile, Duration::from_secs(300));
    assert!(
        compiled.status.success(),
        "compiling the C host failed: {compile:?}\n{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let compile_time = started.elapsed();

    let started = Instant::now();
    // cargo's own library path lists `target/<profile>` before `deps`, where an older build
    // of the same library may sit; it would win over the rpath. `deps` goes first.
    let mut library_path = deps_dir().into_os_string();
    if let Some(inherited) = std::env::var_os("LD_LIBRARY_PATH") {
        library_path.push(":");
        library_path.push(inherited);
    }
    let ran = run(
        Command::new(&program)
            .env("RUST_BACKTRACE", "0")
            .env("LD_LIBRARY_PATH", library_path),
        Duration::from_secs(120),
    );
    let stdout = String::from_utf8_lossy(&ran.stdout).into_owned();
    println!(
        "{name}: compiled in {compile_time:?}, ran in {:?}\n{stdout}",
        started.elapsed()
    );
    assert!(
        ran.status.success(),
        "the C host failed ({}):\n{stdout}\nstderr:\n{}",
        ran.status,
        String::from_utf8_lossy(&ran.stderr)
    );
    stdout
}

/// What every run of the C host must have checked.
fn assert_all_checks_ran(stdout: &str) {
    for check in [
        "ok abi version: 3",
        "ok api list: [{\"name\":\"cCancel\",\"sync\":false,",
        "ok custom config:",
        "ok success: {\"n\":7,\"errMsg\":\"cEcho:ok\"}",
        "ok fail: {\"errCode\":1001,\"errMsg\":\"cFail:fail out of stock\"}",
        "ok bare fail: {\"code\":1001,\"message\":\"out of stock\"}",
        "ok cancel:",
        "ok unknown API:",
        "ok bad JSON: {\"errMsg\":\"invokeNativePlugin:fail invalid call: not valid JSON",
        "ok NULL call:",
        "ok invalid UTF-8:",
        "ok handler panic:",
        "ok u128 callback: {\"max\":340282366920938463463374607431768211455,\"errMsg\":\"cHuge:ok\"}",
        "ok u128 bare (sync): {\"max\":340282366920938463463374607431768211455}",
        "ok forged appInfo: {\"errMsg\":\"transfer:fail invalid call: `appInfo` in the call text is not believed",
        "ok forged appInfo (sync): {\"errMsg\":\"transfer:fail invalid call:",
        "ok forged escaped appInfo: {\"errMsg\":\"transfer:fail invalid call:",
        "ok forged escaped appInfo (sync): {\"errMsg\":\"transfer:fail invalid call:",
        "ok forged appInfo, named: {\"errMsg\":\"transfer:fail invalid call:",
        "ok forged appInfo, named (sync): {\"errMsg\":\"transfer:fail invalid call:",
        "ok forged escaped appInfo, named: {\"errMsg\":\"transfer:fail invalid call:",
        "ok forged escaped appInfo, named (sync): {\"errMsg\":\"transfer:fail invalid call:",
        "ok forged legacy appInfo: {\"errMsg\":\"transfer:fail permission denied\"}",
        "ok forged legacy appInfo (sync): {\"errMsg\":\"transfer:fail permission denied\"}",
        "ok stated caller: {\"transferredBy\":\"wx_wallet\",\"errMsg\":\"transfer:ok\"}",
        "ok stated caller (sync): {\"transferredBy\":\"wx_wallet\",\"errMsg\":\"transfer:ok\"}",
        "ok stated caller, named: {\"transferredBy\":\"wx_wallet\",\"errMsg\":\"transfer:ok\"}",
        "ok stated caller, named (sync): {\"transferredBy\":\"wx_wallet\",",
        "ok stated caller, legacy (sync): {\"transferredBy\":\"wx_wallet\",",
        "ok caller from the call text: {\"transferredBy\":\"wx_wallet\"",
        "ok untrusted webviewId and stateEvent: {\"appId\":null,\"stateEvent\":null,\"webviewId\":null,",
        "ok stated webviewId and stateEvent (sync): {\"appId\":\"wx_host\",\"stateEvent\":\"host\",\"webviewId\":4,",
        "ok caller keys from the call text: {\"appId\":\"wx_sdk\",",
        "ok caller not JSON: {\"errMsg\":\"cWho:fail invalid caller: expected value",
        "ok caller not JSON, call without a name: {\"errMsg\":\"invokeNativePlugin:fail invalid caller:",
        "ok caller not JSON, escaped name (sync): {\"errMsg\":\"invokeNativePlugin:fail invalid caller:",
        "ok caller appInfo of the wrong type (sync): {\"message\":\"invalid caller: `appInfo.appId`:",
        "ok caller of the wrong type (sync): {\"errMsg\":\"cWho:fail invalid caller: `webviewId`:",
        "ok caller not UTF-8 (sync): {\"errMsg\":\"cWho:fail invalid caller: caller_json is not UTF-8",
        "ok progress events in order before the reply: host42 {\"step\":1} ... host42 {\"step\":5}",
        "ok progress, host frees strings: {\"steps\":2}",
        "ok untrusted stateEvent does not reach on_progress: NULL {\"step\":1}",
        "ok stateEvent from the call text with TCMPP_CALLER_FROM_CALL_TEXT: sdk44 {\"step\":1}",
        "ok multiplexed connect: {\"data\":{\"address\":",
        "ok multiplexed connect (sync): {\"data\":{\"address\":",
        "ok multiplexed signMessageV2: {\"data\":{\"signature\":\"sig(hi#1)\",\"signedFor\":\"wx_wallet\"}",
        "ok multiplexed signMessageV2 denied (sync): {\"errMsg\":\"luffaWebRequest:fail permission denied\"}",
        "ok multiplexed numeric nonce: {\"errMsg\":\"luffaWebRequest:fail invalid data: data.nonce:",
        "ok multiplexed packageTransaction: {\"data\":{\"arguments\":3,",
        "ok multiplexed language, legacy (sync): {\"data\":{\"language\":\"en\"},\"status\":0}",
        "ok multiplexed unknown method: {\"errMsg\":\"luffaWebRequest:fail invalid data: methodName: unknown method",
        "ok multiplexed unknown method, granted caller (sync): {\"errMsg\":\"luffaWebRequest:fail invalid data:",
        "ok multiplexed in the api list and once in the custom config",
        "ok progress without a listener: {\"steps\":1,\"errMsg\":\"cProgress:ok\"}",
        "ok string progress in order before the reply: onSubscribe \"1\" ... onSubscribe \"9\"",
        "ok fail body: {\"errCode\":-1,\"errMsg\":\"cFailSync:fail not supported\",\"key\":\"value\"}",
        "ok fail body (sync): {\"errCode\":-1,",
        "ok bare fail body: {\"body\":{\"key\":\"value\"},\"code\":-1,\"message\":\"not supported\"}",
        "ok bare fail body (sync): {\"body\":{\"key\":\"value\"},",
        "ok sync call: {\"pong\":\"c-host\",\"errMsg\":\"cPing:ok\"}",
        "ok sync call to an async API:",
        "ok sync call to an async API done at once (sync): {\"n\":1}",
        "ok handle states the caller (handle): {\"appId\":\"wx_host\",\"stateEvent\":\"host\",\"webviewId\":4,\"errMsg\":\"cWho:ok\"}",
        "ok freed handle (handle): {\"errMsg\":\"cWho:fail invalid caller: the caller handle was freed",
        "ok made-up handle (handle):",
        "ok caller handles",
        "ok concurrency: 10000 calls from 8 threads, each answered exactly once",
        "ok unknown flag bit (sync): {\"errMsg\":\"cEcho:fail invalid call: unknown flag bits 0x10;",
        "ok unknown flag bit, bare: {\"message\":\"invalid call: unknown flag bits 0x10;",
        "ok high flag bit: {\"errMsg\":\"invokeNativePlugin:fail invalid call: unknown flag bits 0x80000000;",
        "ok unknown flag bits refused",
        "all checks passed",
    ] {
        assert!(stdout.contains(check), "missing `{check}` in:\n{stdout}");
    }
}

#[test]
fn a_c_host_linked_against_the_cdylib() {
    let Some(compiler) = c_compiler() else { return };
    let library = library("dynamic");
    let dir = library.parent().unwrap();
    let mut rpath = std::ffi::OsString::from("-Wl,-rpath,");
    rpath.push(dir);
    let mut search = std::ffi::OsString::from("-L");
    search.push(dir);
    let stdout = compile_and_run(
        &compiler,
        "host_test_cdylib",
        &[
            search.as_os_str(),
            "-ltcmpp_c_host".as_ref(),
            rpath.as_os_str(),
            "-lpthread".as_ref(),
        ],
    );
    assert_all_checks_ran(&stdout);
}

#[test]
fn a_c_host_linked_against_the_staticlib() {
    let Some(compiler) = c_compiler() else { return };
    let library = library("static");
    // Handlers register themselves from objects nothing references: link the archive whole.
    let (whole, no_whole): (std::ffi::OsString, Option<&str>) = if cfg!(target_os = "macos") {
        let mut force_load = std::ffi::OsString::from("-Wl,-force_load,");
        force_load.push(&library);
        (force_load, None)
    } else {
        ("-Wl,--whole-archive".into(), Some("-Wl,--no-whole-archive"))
    };
    let mut link: Vec<&std::ffi::OsStr> = vec![whole.as_os_str()];
    if let Some(no_whole) = no_whole {
        link.push(library.as_os_str());
        link.push(no_whole.as_ref());
    }
    link.extend(["-lpthread", "-ldl", "-lm"].map(std::ffi::OsStr::new));
    let stdout = compile_and_run(&compiler, "host_test_staticlib", &link);
    assert_all_checks_ran(&stdout);
}

/// The functions `tcmpp.h` declares: every `tcmpp_…(` that starts a prototype.
fn declared_functions(header: &str) -> BTreeSet<String> {
    let mut declared = BTreeSet::new();
    for line in header.lines() {
        let line = line.trim_start();
        if line.starts_with("typedef") || line.starts_with('*') || line.starts_with("/*") {
            continue;
        }
        // The first `tcmpp_` name followed by `(`: a return type may be one too
        // (`tcmpp_caller *tcmpp_caller_new(`).
        for (start, _) in line.match_indices("tcmpp_") {
            let name: String = line[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if line[start + name.len()..].starts_with('(') {
                declared.insert(name);
                break;
            }
        }
    }
    declared
}

/// The `tcmpp_` functions a library defines, as `nm` lists them; `None` without `nm`.
fn exported_functions(library: &Path) -> Option<BTreeSet<String>> {
    let mut nm = Command::new("nm");
    if library.extension().is_some_and(|ext| ext == "a") {
        nm.arg("--defined-only");
    } else {
        nm.args(["-D", "--defined-only"]);
    }
    let output = match nm.arg(library).output() {
        Ok(output) if output.status.success() => output,
        _ => {
            tool_missing("the symbol check", "`nm` (binutils)");
            return None;
        }
    };
    let listing = String::from_utf8_lossy(&output.stdout);
    Some(
        listing
            .lines()
            .filter_map(|line| {
                let mut fields = line.split_whitespace().rev();
                let symbol = fields.next()?;
                let kind = fields.next()?;
                // Mach-O prefixes C symbols with `_`.
                let symbol = symbol
                    .strip_prefix('_')
                    .filter(|s| s.starts_with("tcmpp_"))
                    .or(Some(symbol).filter(|s| s.starts_with("tcmpp_")))?;
                (kind == "T").then(|| symbol.to_owned())
            })
            .collect(),
    )
}

#[test]
fn the_header_declares_exactly_the_exported_functions() {
    let header = std::fs::read_to_string(header_path()).expect("tcmpp.h is readable");
    let declared = declared_functions(&header);
    assert_eq!(
        declared.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "tcmpp_abi_version",
            "tcmpp_apis_json",
            "tcmpp_caller_dispatch",
            "tcmpp_caller_dispatch_sync",
            "tcmpp_caller_free",
            "tcmpp_caller_new",
            "tcmpp_custom_config_json",
            "tcmpp_dispatch",
            "tcmpp_dispatch_sync",
            "tcmpp_init",
            "tcmpp_string_free",
        ]
    );
    if cfg!(windows) {
        // It reads the libraries with `nm`: like a missing tool, a failure under CI.
        tool_missing(
            "the symbol check",
            "`nm` and a Unix library (not on Windows)",
        );
        return;
    }
    for kind in ["dynamic", "static"] {
        let library = library(kind);
        if let Some(exported) = exported_functions(&library) {
            assert_eq!(
                exported,
                declared,
                "{} exports other functions than tcmpp.h declares",
                library.display()
            );
        }
    }
}

#[test]
fn the_header_constants_match_the_rust_side() {
    let header = std::fs::read_to_string(header_path()).expect("tcmpp.h is readable");
    let defined = |name: &str| -> i64 {
        let line = header
            .lines()
            .find(|line| {
                line.starts_with("#define") && line.split_whitespace().nth(1) == Some(name)
            })
            .unwrap_or_else(|| panic!("tcmpp.h does not define {name}"));
        let value = line.split_whitespace().nth(2).unwrap();
        value
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim_end_matches('u')
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not a number: {value}"))
    };
    let rust_side = [
        ("TCMPP_ABI_VERSION", i64::from(tcmpp_ffi::ABI_VERSION)),
        ("TCMPP_STATUS_SUCCESS", i64::from(tcmpp_ffi::STATUS_SUCCESS)),
        ("TCMPP_STATUS_FAIL", i64::from(tcmpp_ffi::STATUS_FAIL)),
        ("TCMPP_STATUS_CANCEL", i64::from(tcmpp_ffi::STATUS_CANCEL)),
        (
            "TCMPP_RENDER_CALLBACK",
            i64::from(tcmpp_ffi::RENDER_CALLBACK),
        ),
        ("TCMPP_RENDER_BARE", i64::from(tcmpp_ffi::RENDER_BARE)),
        (
            "TCMPP_HOST_FREES_STRINGS",
            i64::from(tcmpp_ffi::HOST_FREES_STRINGS),
        ),
        ("TCMPP_LEGACY_FORMAT", i64::from(tcmpp_ffi::LEGACY_FORMAT)),
        (
            "TCMPP_CALLER_FROM_CALL_TEXT",
            i64::from(tcmpp_ffi::CALLER_FROM_CALL_TEXT),
        ),
        (
            "TCMPP_DISPATCH_ACCEPTED",
            i64::from(tcmpp_ffi::DISPATCH_ACCEPTED),
        ),
        (
            "TCMPP_DISPATCH_NO_REPLY_CALLBACK",
            i64::from(tcmpp_ffi::DISPATCH_NO_REPLY_CALLBACK),
        ),
    ];
    for (name, value) in rust_side {
        assert_eq!(defined(name), value, "{name}");
    }
}
