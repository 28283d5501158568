//! The iOS bridge on this machine: the shipped Objective-C class (`tcmpp-ffi/ios/`), the
//! registration generated from the registry (`ExternalJsPlugin`), the SDK stand-ins of
//! `tests/ios/standins/` and `tests/ios/BridgeTest.m`, compiled with clang against GNUstep's
//! Foundation on gcc's Objective-C runtime (no ARC there: the bridge's manual memory management
//! is what runs), linked against the `cdylib` of `tests/c-host`, and run: natively with 10,000
//! calls from 8 threads, and under valgrind with fewer.
//!
//! What the machine lacks is installed with apt (`clang`, `libgnustep-base-dev`, `gobjc`,
//! `libblocksruntime-dev`, `valgrind`); without them the test fails under `CI=true`, and
//! elsewhere says why and passes.

#[path = "../support/built.rs"]
mod built;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tcmpp_ffi::ios::ExternalJsPlugin;

/// The Debian packages the Objective-C toolchain comes from.
const PACKAGES: &[&str] = &[
    "clang",
    "libgnustep-base-dev",
    "gobjc",
    "libblocksruntime-dev",
    "valgrind",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// Every check `BridgeTest.m` must have passed.
const CHECKS: &[&str] = &[
    "ok start: ABI version 3 checked, registry built",
    "ok api names (",
    "ok success: {\"n\":7}",
    "ok fail: {\"code\":1001,\"message\":\"out of stock\"}",
    "ok cancel: {}",
    "ok fail body: {\"body\":{\"key\":\"value\"},\"code\":-1,\"message\":\"not supported\"}",
    "ok handler panic:",
    "ok unknown API:",
    "ok params as JSON text: {\"n\":8}",
    "ok names disagree:",
    "ok params JSON cannot hold:",
    "ok params of another class:",
    "ok u128 exact: {\"max\":340282366920938463463374607431768211455}",
    "ok stated caller: {\"transferredBy\":\"wx_wallet\"}",
    "ok nobody stated: {\"message\":\"permission denied\"}",
    "ok forged appInfo in params refused: {\"message\":\"invalid call: `appInfo` in the call text is not believed",
    "ok forged appInfo in params refused (sync)",
    "ok stated webviewId and stateEvent: {\"appId\":\"wx_host\",\"stateEvent\":\"host\",\"webviewId\":4}",
    "ok caller JSON cannot hold:",
    "ok progress events in order before the reply: host42 {\"step\":1} ... {\"step\":5}",
    "ok progress reply: {\"steps\":5}",
    "ok string progress (iOS states) as NSStrings in order: \"1\" ... \"9\"",
    "ok string progress reply: {\"states\":9}",
    "ok sync call: {\"pong\":\"c-host\"}",
    "ok sync call to an async API:",
    "ok sync fail body:",
    "ok sync call with nil params: a fail reply",
    "ok cancellation: a cancel reply once, no event after it, the later reply dropped",
    "ok cancel handle: {}",
    "ok cancel after the reply: NO, the reply stands",
    "ok a throwing completion block is stopped in the bridge; calls go on",
    "ok plugin: doCallback with the result: result {\"n\":3}",
    "ok plugin: doCallback with an error and its code: error 1001 out of stock -",
    "ok plugin: a cancel is NSUserCancelledError: error 3072 cancel -",
    "ok plugin: string states through doSubscribe, then doCallback: state onSubscribe 1 |",
    "ok plugin: object states as JSON text through doSubscribe: state onSteps {\"step\":1} | state onSteps {\"step\":2} | result {\"steps\":2}",
    "ok plugin: a sync API returns its result: result {\"pong\":\"c-host\"}",
    "ok plugin: a sync API returns its error, with the fail body: error -1 not supported {\"key\":\"value\"}",
    "ok plugin: the caller from the context's tmfAppInfo: result {\"transferredBy\":\"wx_wallet\"}",
    "ok plugin: an appInfo forged in params is refused, whatever the context says",
    "ok plugin: another app in the context is denied: error -1 permission denied -",
    "ok plugin: handlers see the context's appId, not the params' webviewId or stateEvent: result {\"appId\":\"wx_ctx\",\"stateEvent\":null,\"webviewId\":null}",
    "all checks passed",
];

/// The Objective-C toolchain: clang with GNUstep's flags.
struct Toolchain {
    objc_flags: Vec<String>,
    link_flags: Vec<String>,
    gcc_include: String,
}

/// Whether `command` runs and succeeds (its output dropped).
fn works(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

impl Toolchain {
    /// Finds the toolchain, installing the Debian packages when one is missing; `None` (after
    /// saying why, and failing under CI) when it cannot be had.
    fn find_or_install() -> Option<Toolchain> {
        let ready = || {
            works(Command::new("clang").arg("--version"))
                && works(Command::new("gnustep-config").arg("--objc-flags"))
                && works(Command::new("valgrind").arg("--version"))
                && Path::new("/usr/include/Block.h").exists()
        };
        if !ready() {
            println!("installing {} with apt", PACKAGES.join(" "));
            let install = || {
                works(
                    Command::new("apt-get")
                        .args(["install", "-y", "-q"])
                        .args(PACKAGES),
                )
            };
            // Without package lists (a fresh machine), fetch them first, which only root may.
            let _ =
                install() || (works(Command::new("apt-get").args(["update", "-q"])) && install());
        }
        if !ready() {
            built::tool_missing(
                "the Objective-C bridge test",
                &format!(
                    "clang, GNUstep and valgrind: apt-get install {}",
                    PACKAGES.join(" ")
                ),
            );
            return None;
        }
        let split = |text: String| text.split_whitespace().map(str::to_owned).collect();
        Some(Toolchain {
            objc_flags: split(output_of("gnustep-config", &["--objc-flags"])?),
            link_flags: split(output_of("gnustep-config", &["--base-libs"])?),
            gcc_include: output_of("gcc", &["-print-file-name=include"])?,
        })
    }

    /// Compiles the bridge, the stand-ins, `plugin` (the generated registration) and the test
    /// program into `out/BridgeTest`, without ARC, warnings as errors.
    fn build(&self, out: &Path, plugin: &str) -> PathBuf {
        std::fs::create_dir_all(out.join("shim/objc")).expect("the output directory is writable");
        // GNUstep's headers include objc/blocks_runtime.h when blocks are on; gcc's runtime has
        // none: point it at libblocksruntime's Block.h (shared/notes/objc-on-linux.md).
        std::fs::write(
            out.join("shim/objc/blocks_runtime.h"),
            "#include <Block.h>\n",
        )
        .expect("the shim is writable");
        let plugin_file = out.join("RustApis.m");
        std::fs::write(&plugin_file, plugin).expect("the plugin is writable");
        let ws = workspace();
        let library_dir = built::deps_dir();
        let program = out.join("BridgeTest");
        let mut clang = Command::new("clang");
        clang
            .args([
                "-fblocks",
                "-fobjc-runtime=gcc",
                "-Wall",
                "-Wextra",
                "-Werror",
            ])
            // GNUstep's flags include -Wall and -MMD; the stand-in's macros leave `;`s.
            .args(["-Wno-unused-parameter", "-Wno-extra-semi"])
            .arg("-I")
            .arg(out.join("shim"))
            .arg("-I")
            .arg(&self.gcc_include)
            .args(&self.objc_flags)
            // clang 14 writes DWARF 5 by default, which valgrind 3.19 cannot read.
            .arg("-gdwarf-4")
            .arg("-I")
            .arg(ws.join("tcmpp-ffi/include"))
            .arg("-I")
            .arg(ws.join("tcmpp-ffi/ios"))
            .arg("-I")
            .arg(ws.join("tests/ios/standins"))
            .arg(ws.join("tcmpp-ffi/ios/TcmppBridge.m"))
            .arg(ws.join("tests/ios/standins/TCMPPSDK/TMAStandIn.m"))
            .arg(&plugin_file)
            .arg(ws.join("tests/ios/BridgeTest.m"))
            .arg("-o")
            .arg(&program)
            .arg("-L")
            .arg(&library_dir)
            .arg("-ltcmpp_c_host")
            .arg(format!("-Wl,-rpath,{}", library_dir.display()))
            // libBlocksRuntime before GNUstep's libraries: Debian's gnustep-base exports a
            // `_Block_copy` of its own that returns a stack block uncopied (its captures then
            // rot once the frame is gone); linked first, libBlocksRuntime's is the one bound.
            .arg("-lBlocksRuntime")
            .args(&self.link_flags)
            .arg("-lpthread")
            // GNUstep's flags write dependency files beside the objects: keep them in `out`.
            .current_dir(out);
        let built = run(&mut clang, Duration::from_secs(300));
        assert!(
            built.status.success(),
            "compiling the Objective-C test failed: {clang:?}\n{}",
            String::from_utf8_lossy(&built.stderr)
        );
        program
    }
}

impl Toolchain {
    /// Compiles the bridge with `tests/ios/StartTest.m`, which stands in for the C library.
    fn build_start_test(&self, out: &Path) -> PathBuf {
        let ws = workspace();
        let program = out.join("StartTest");
        let mut clang = Command::new("clang");
        clang
            .args([
                "-fblocks",
                "-fobjc-runtime=gcc",
                "-Wall",
                "-Wextra",
                "-Werror",
            ])
            .arg("-I")
            .arg(out.join("shim"))
            .arg("-I")
            .arg(&self.gcc_include)
            .args(&self.objc_flags)
            .arg("-gdwarf-4")
            .arg("-I")
            .arg(ws.join("tcmpp-ffi/include"))
            .arg("-I")
            .arg(ws.join("tcmpp-ffi/ios"))
            .arg(ws.join("tcmpp-ffi/ios/TcmppBridge.m"))
            .arg(ws.join("tests/ios/StartTest.m"))
            .arg("-o")
            .arg(&program)
            .arg("-lBlocksRuntime")
            .args(&self.link_flags)
            .arg("-lpthread")
            .current_dir(out);
        let built = run(&mut clang, Duration::from_secs(300));
        assert!(
            built.status.success(),
            "compiling the start-up test failed: {clang:?}\n{}",
            String::from_utf8_lossy(&built.stderr)
        );
        program
    }
}

/// Runs `command` within `timeout`, with `deps` first on the library path.
fn run(command: &mut Command, timeout: Duration) -> Output {
    let described = format!("{command:?}");
    let mut library_path = built::deps_dir().into_os_string();
    if let Some(inherited) = std::env::var_os("LD_LIBRARY_PATH") {
        library_path.push(":");
        library_path.push(inherited);
    }
    let mut child = command
        .env("LD_LIBRARY_PATH", library_path)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {described}: {e}"));
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let stdout = std::thread::spawn(move || read_all(stdout));
    let stderr = std::thread::spawn(move || read_all(stderr));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{described} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn read_all(mut pipe: impl std::io::Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    bytes
}

fn assert_checks(stdout: &str, stderr: &str) {
    for check in CHECKS {
        assert!(
            stdout.contains(check),
            "missing `{check}` in:\n{stdout}\nstderr:\n{stderr}"
        );
    }
}

/// Builds the test program once for both tests (they run in one process, possibly at once).
fn program() -> Option<PathBuf> {
    static PROGRAM: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    PROGRAM
        .get_or_init(|| {
            let toolchain = Toolchain::find_or_install()?;
            let registry = tcmpp_c_host::build_registry().expect("the test host's registry builds");
            let plugin = ExternalJsPlugin::new(&registry)
                .class_name("RustApis")
                .to_string();
            Some(toolchain.build(&built::deps_dir().join("ios-bridge-test"), &plugin))
        })
        .clone()
}

#[test]
fn the_objc_bridge_and_the_generated_registration_on_gnustep() {
    let Some(program) = program() else { return };
    let started = Instant::now();
    let ran = run(
        Command::new(&program).arg("10000"),
        Duration::from_secs(240),
    );
    let stdout = String::from_utf8_lossy(&ran.stdout);
    let stderr = String::from_utf8_lossy(&ran.stderr);
    println!("BridgeTest ran in {:?}:\n{stdout}", started.elapsed());
    assert!(
        ran.status.success(),
        "BridgeTest failed ({}):\n{stdout}\nstderr:\n{stderr}",
        ran.status
    );
    assert_checks(&stdout, &stderr);
    assert!(
        stdout.contains("ok concurrency: 10000 calls from 8 threads, each answered exactly once")
    );
    // The throwing completion's exception was logged by name, not by its reason.
    assert!(
        stderr.contains("a completion block threw TestException") && !stderr.contains("boom"),
        "{stderr}"
    );
}

#[test]
fn the_objc_bridge_under_valgrind_leaks_nothing_and_reads_nothing_invalid() {
    let Some(program) = program() else { return };
    let started = Instant::now();
    let ran = run(
        Command::new("valgrind")
            .args([
                "--error-exitcode=99",
                "--leak-check=full",
                // Definite leaks are ours to answer for; GNUstep's runtime keeps reachable and
                // "possibly lost" caches (its class tables) for the life of the process.
                "--errors-for-leak-kinds=definite",
                "--show-leak-kinds=definite",
                "--track-origins=no",
                "--num-callers=40",
            ])
            .arg(format!(
                "--suppressions={}",
                workspace().join("tests/ios/valgrind.supp").display()
            ))
            .arg(&program)
            .arg("400"),
        Duration::from_secs(600),
    );
    let stdout = String::from_utf8_lossy(&ran.stdout);
    let stderr = String::from_utf8_lossy(&ran.stderr);
    println!(
        "BridgeTest under valgrind ran in {:?}:\n{stdout}\n{stderr}",
        started.elapsed()
    );
    assert!(
        ran.status.success(),
        "BridgeTest under valgrind failed ({}): errors or definite leaks:\n{stderr}\n{stdout}",
        ran.status
    );
    assert_checks(&stdout, &stderr);
    assert!(stderr.contains("ERROR SUMMARY: 0 errors"), "{stderr}");
}

#[test]
fn start_up_refuses_another_abi_version_and_reports_build_problems() {
    // After `program()`: the shim directory it writes is needed here too.
    let Some(_) = program() else { return };
    let Some(toolchain) = Toolchain::find_or_install() else {
        return;
    };
    let program = toolchain.build_start_test(&built::deps_dir().join("ios-bridge-test"));
    let ran = run(&mut Command::new(&program), Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "StartTest failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    for check in [
        "ok another ABI version refused: the linked Rust library speaks C ABI version 4, but this bridge was compiled against tcmpp.h version 3: rebuild",
        "ok build problems as an NSError: the Rust registry cannot be built: duplicate API name",
        "ok a matching library with a registry starts",
        "all start-up checks passed",
    ] {
        assert!(stdout.contains(check), "missing `{check}` in:\n{stdout}");
    }
}

#[test]
fn the_generated_registration_routes_every_name_by_its_kind() {
    let registry = tcmpp_c_host::build_registry().expect("the test host's registry builds");
    let source = ExternalJsPlugin::new(&registry).to_string();
    assert!(source.contains("@implementation RustApis\n\nTMA_REGISTER_EXTENAL_JSPLUGIN;"));
    assert!(source.contains(
        "TMAExternalJSAPI_IMP(cEcho) {\n    return RustApisDispatch(@\"cEcho\", params, context);\n}"
    ));
    assert!(source.contains(
        "TMAExternalJSAPI_IMP(cPing) {\n    return RustApisDispatchSync(@\"cPing\", params, context);\n}"
    ));
    // A multiplexed API is registered once; synchronous only when every method is a plain fn.
    assert_eq!(
        source
            .matches("TMAExternalJSAPI_IMP(luffaWebRequest)")
            .count(),
        1
    );
    assert!(source.contains("return RustApisDispatch(@\"luffaWebRequest\""));
    // The caller is the context's, never the params'.
    assert!(source.contains("TMFMiniAppInfo *info = context.tmfAppInfo;"));
    assert!(!source.contains("objectForKey:@\"appInfo\""));
    let named = ExternalJsPlugin::new(&registry)
        .class_name("WalletApis")
        .to_string();
    assert!(named.contains("@interface WalletApis : NSObject"));
    assert!(named.contains("static TcmppCaller *WalletApisCaller("));
}

#[test]
#[should_panic(expected = "is not an Objective-C identifier")]
fn a_class_name_that_is_no_identifier_is_refused() {
    let registry = tcmpp_c_host::build_registry().expect("the test host's registry builds");
    let _ = ExternalJsPlugin::new(&registry).class_name("Rust Apis");
}
