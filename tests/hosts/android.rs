//! The Android bridge on a real JVM: the shipped Kotlin class (`tcmpp-ffi/android/`), the
//! `@JsEvent` plugin generated from the registry, and `tests/android/BridgeTest.kt`, compiled
//! with `kotlinc` against the SDK stand-ins of `tests/android/standins/` and run with `java`
//! against the `cdylib` of `tests/android-host`, which cargo builds as a dev-dependency.
//!
//! What the machine lacks is installed into `target/`: `kotlinc` (with kotlinx-coroutines) from
//! the npm package `kotlin-compiler`, Android's `org.json` from Debian's `libandroid-json-java`.
//! A JDK is expected (`java`, `javac`; `apt-get install openjdk-17-jdk-headless`). Without one
//! of them the test fails under `CI=true`, and elsewhere says why and passes.

#[path = "../android/jvm.rs"]
mod jvm;
#[path = "../android/proguard.rs"]
mod proguard;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use tcmpp_ffi::android::{JAVA_LOOKUPS, JsPlugin, LookupKind, consumer_rules};

/// Every check `BridgeTest.kt` must have passed.
const CHECKS: &[&str] = &[
    "ok Java call sites: catch (TcmppBuildException e), dispatch with a lambda, dispatchSync: SUCCESS {\"n\":9}, SUCCESS {\"pong\":\"android-host\"}, SUCCESS {\"appId\":\"wx_java\",",
    "ok apis:",
    "ok custom config",
    "ok caller handle: {\"appId\":\"wx_wallet\",",
    "ok closed caller handle: {\"errMsg\":\"aWho:fail invalid caller: the caller handle was freed (closed), or never made\"}",
    "ok caller handles: the stated caller, progress, access control; closed and refused ones",
    "ok success, callback: {\"n\":7,\"errMsg\":\"aEcho:ok\"}",
    "ok success, bare: {\"n\":7}",
    "ok success from a worker, bare:",
    "ok fail, callback: {\"errCode\":1001,\"errMsg\":\"aFail:fail out of stock\"}",
    "ok fail, bare: {\"code\":1001,\"message\":\"out of stock\"}",
    "ok cancel, callback: {\"errMsg\":\"aCancel:cancel\"}",
    "ok cancel, bare: {}",
    "ok unknown API, callback:",
    "ok unknown API, bare:",
    "ok bad JSON, callback:",
    "ok bad data, bare:",
    "ok handler panic, callback:",
    "ok handler panic, bare:",
    "ok names disagree:",
    "ok legacy: {\"n\":3}",
    "ok legacy, callback:",
    "ok legacy without a name:",
    "ok sync call: {\"pong\":\"android-host\"}",
    "ok sync call, callback:",
    "ok sync call to an async API done at once:",
    "ok sync call to an async API:",
    "ok sync cancel:",
    "ok sync panic:",
    "ok sync call to an async API that sleeps on a Tokio timer:",
    "ok sync call to an async API that spawns a Tokio task: {\"spawned\":true}",
    "ok sync legacy:",
    "ok stated caller:",
    "ok stated caller (sync): {\"transferredBy\":\"wx_wallet\"}",
    "ok untrusted webviewId and stateEvent:",
    "ok forged appInfo:",
    "ok forged appInfo (sync):",
    "ok forged legacy appInfo:",
    "ok nobody stated:",
    "ok progress events in order before the reply: host42 {\"step\":1} ... reply {\"steps\":5}",
    "ok untrusted stateEvent does not reach onProgress",
    "ok string progress in order before the reply: onSubscribe \"1\" ... reply {\"states\":9}",
    "ok fail body, bare: {\"body\":{\"key\":\"value\"},\"code\":-1,\"message\":\"not supported\"}",
    "ok fail body, callback: {\"errCode\":-1,\"errMsg\":\"aFailSync:fail not supported\",\"key\":\"value\"}",
    "ok plugin: failSync with the fail body",
    "ok plugin: string progress through sendState",
    "ok null paramsJson:",
    "ok null paramsJson, async:",
    "ok lone surrogate in paramsJson:",
    "ok lone surrogate in apiName:",
    "ok lone surrogate in the caller:",
    "ok a surrogate pair is fine:",
    "ok a throwing listener: other replies arrive",
    "ok coroutine cancellation drops the handler's future",
    "ok a cancelled callback call gets a cancel reply:",
    "ok withTimeout drops the handler's future",
    "ok plugin: sendState, then ok",
    "ok plugin: fail",
    "ok plugin: okSync with the caller from mMiniAppContext.getMiniAppInfo()",
    "ok plugin: the page sees errCode and the fail body:",
    "ok plugin: a cancel reaches the page as :cancel",
    "ok plugin: the caller is every MiniAppInfo field and the web view:",
    "ok plugin: the API name the SDK routed by is passed",
    "ok plugin: onDestroy cancels the calls still running",
    "ok plugin: failSync, and req.jsonParams never names the caller",
    "ok concurrency: 100000 calls from 8 threads, each answered exactly once",
    "ok no global reference leaked: 0 held, 1000 watched listeners collected",
    "ok no thread left attached: 0 attached, no tcmpp thread in the JVM",
    "ok the runtime restarts after a shutdown, and stops again",
    "all checks passed",
];

/// The tools and the compiled classes, shared by the tests of this file (compiled once).
fn compiled() -> Option<&'static (jvm::Tools, Vec<PathBuf>)> {
    static COMPILED: OnceLock<Option<(jvm::Tools, Vec<PathBuf>)>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            let tools = jvm::Tools::find_or_install()?;
            let registry =
                tcmpp_android_host::build_registry().expect("the test host's registry builds");
            let plugin = JsPlugin::new(&registry)
                .package("rs.tcmpp.generated")
                .class_name("RustApis")
                .web_view_id("req.webViewId")
                .to_string();
            let classes = tools.compile("bridge-test", &plugin);
            Some((tools, classes))
        })
        .as_ref()
}

#[test]
fn the_kotlin_bridge_on_a_real_jvm() {
    let Some((tools, classes)) = compiled() else {
        return;
    };
    let run = tools.run(
        classes,
        "rs.tcmpp.test.BridgeTestKt",
        &[jvm::native_library().as_os_str(), "100000".as_ref()],
        Duration::from_secs(240),
    );
    bridge_test_passed(&run);
}

/// What a run of `BridgeTest.kt` must have printed, and not.
fn bridge_test_passed(run: &jvm::Run) {
    for check in CHECKS {
        assert!(
            run.stdout.contains(check),
            "missing `{check}` in:\n{}",
            run.stdout
        );
    }
    // The exceptions the throwing listener threw were printed, not lost, nor fatal.
    for thrown in [
        "listener boom on the calling thread",
        "listener boom on a worker",
    ] {
        assert!(
            run.stderr.contains(thrown),
            "`{thrown}` not printed:\n{}",
            run.stderr
        );
    }
    // -Xcheck:jni reports misuse of JNI (a pending exception ignored, a wrong type) as warnings.
    assert!(
        !run.stdout.contains("WARNING in native method")
            && !run.stderr.contains("WARNING in native method"),
        "-Xcheck:jni found misuse:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}

/// A JVM whose main thread ends without `shutdown()` exits: the runtime's workers, which answered
/// it, are daemon threads. (`run` fails the test if the JVM does not end in time.)
#[test]
fn a_jvm_exits_without_shutdown() {
    let Some((tools, classes)) = compiled() else {
        return;
    };
    let run = tools.run(
        classes,
        "rs.tcmpp.test.ExitTestKt",
        &[jvm::native_library().as_os_str()],
        Duration::from_secs(60),
    );
    assert!(
        run.stdout.contains("ok workers attached as daemons:"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn the_generated_plugin_routes_every_api_by_its_kind() {
    let registry = tcmpp_android_host::build_registry().expect("the test host's registry builds");
    let source = JsPlugin::new(&registry).to_string();
    assert!(source.contains("package rs.tcmpp.generated"));
    assert!(source.contains(
        "@JsEvent(\"aCaller\", \"aCancel\", \"aEcho\", \"aFail\", \"aProgress\", \"aSleepy\", \"aSlow\", \"aSpawns\", \"aSubscribe\", \"aYield\", \"myApiName\", \"requestPay\")\n    fun dispatch(req: RequestEvent)"
    ), "{source}");
    assert!(source.contains(
        "@JsEvent(\"aFailSync\", \"aPanic\", \"aPing\", \"aSlowDropped\", \"aSpawnedRan\", \"aWallet\", \"aWho\", \"transfer\")\n    fun dispatchSync(req: RequestEvent): String"
    ), "{source}");
    // The name the SDK routed by is passed, whatever the SDK generation.
    assert!(source.contains("TcmppBridge.dispatch(\n            req.event,"));
    assert!(source.contains("val webViewId: Long? = null\n"), "{source}");
    let with_web_view = JsPlugin::new(&registry)
        .web_view_id("req.webViewId")
        .to_string();
    assert!(with_web_view.contains("val webViewId: Long? = (req.webViewId)?.toLong()\n"));
    let legacy = JsPlugin::new(&registry).legacy_sdk(true).to_string();
    assert!(legacy.contains("TcmppBridge.dispatch(\n            req.event,"));
    assert!(legacy.contains(
        "TcmppBridge.dispatchSync(req.event, req.jsonParams, caller(req), TcmppRendering.BARE, true)"
    ));
}

#[test]
fn the_shipped_keep_rules_are_written_from_the_lookup_table() {
    let path = jvm::workspace().join("tcmpp-ffi/android/consumer-rules.pro");
    // TCMPP_BLESS=1 rewrites the file from the table (after a look-up was added).
    if std::env::var_os("TCMPP_BLESS").is_some() {
        std::fs::write(&path, consumer_rules()).expect("consumer-rules.pro can be written");
    }
    let shipped = std::fs::read_to_string(&path).expect("the module ships consumer-rules.pro");
    assert_eq!(
        shipped,
        consumer_rules(),
        "tcmpp-ffi/android/consumer-rules.pro is not what tcmpp_ffi::android::consumer_rules() writes"
    );
}

/// Every string the bridge's Rust side hands to JNI as a name or signature is an entry of the
/// table the keep rules are written from: a look-up added without one fails here.
#[test]
fn every_jni_lookup_of_the_bridge_is_in_the_table() {
    let dir = jvm::workspace().join("tcmpp-ffi/src/android");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("the bridge's sources are readable") {
        let path = entry.expect("readable").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        for (macro_name, is_name) in [("jni_str!(\"", true), ("jni_sig!(\"", false)] {
            for (at, _) in text.match_indices(macro_name) {
                let literal = &text[at + macro_name.len()..];
                let literal = &literal[..literal.find('"').expect("a closed literal")];
                // The name runtime workers attach to the JVM with: not a look-up.
                if literal == "tcmpp-worker" {
                    continue;
                }
                let listed = JAVA_LOOKUPS.iter().any(|lookup| {
                    if is_name {
                        lookup.name == literal
                    } else {
                        lookup.descriptor == literal
                    }
                });
                assert!(
                    listed,
                    "{}: `{literal}` is looked up by JNI but not listed in tcmpp_ffi::android::JAVA_LOOKUPS, \
                     so the shipped keep rules do not keep it",
                    path.display()
                );
                seen += 1;
            }
        }
        // Look-ups that take a name some other way (a `&str` converted at run time).
        for call in [
            "find_class(",
            "get_method_id(",
            "get_static_method_id(",
            "get_field_id(",
            "new_object(",
            "call_static_method(",
        ] {
            assert!(
                !text.contains(call),
                "{}: `{call}` finds a Java member by name: list it in JAVA_LOOKUPS and use jni_str!",
                path.display()
            );
        }
    }
    assert!(
        seen >= 4,
        "the scan found {seen} look-ups: it no longer reads the bridge"
    );
}

/// The native methods the library exports are the table's: the JVM binds each by name.
#[test]
fn the_exported_native_methods_are_the_tables() {
    let library = jvm::native_library();
    let Ok(output) = std::process::Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&library)
        .output()
    else {
        jvm::missing_tool("nm");
        return;
    };
    let symbols = String::from_utf8_lossy(&output.stdout);
    let mut exported: Vec<String> = symbols
        .lines()
        .filter_map(|line| line.split_whitespace().last())
        .filter_map(|symbol| symbol.strip_prefix("Java_"))
        .map(|symbol| symbol.replace('_', "."))
        .collect();
    exported.sort();
    let mut listed: Vec<String> = JAVA_LOOKUPS
        .iter()
        .filter(|lookup| lookup.kind == LookupKind::Native)
        .map(|lookup| format!("{}.{}", lookup.class, lookup.name))
        .collect();
    listed.sort();
    assert_eq!(exported, listed);
}

/// A release build: the bridge and `BridgeTest.kt` shrunk by ProGuard under Android's default
/// rules plus the shipped ones keep every looked-up member by name, and the shrunk jar passes
/// every check of the plain one, the 100,000 calls from 8 threads under `-Xcheck:jni` included.
/// Without the shipped rules the same shrinking loses the listener's callbacks.
#[test]
fn a_release_build_shrunk_with_the_shipped_rules_keeps_every_reply() {
    let Some((tools, classes)) = compiled() else {
        return;
    };
    let Some(proguard_jar) = proguard::proguard_jar() else {
        jvm::missing_tool(
            "ProGuard: Debian's libproguard-java could not be had (apt-get download libproguard-java)",
        );
        return;
    };
    let shrinker = proguard::Shrinker::new(tools, proguard_jar);
    let (program, stand_ins) = jvm::Tools::compiled_dirs(classes);
    let mut libraries = vec![stand_ins.to_path_buf()];
    libraries.extend(tools.library_jars());
    let main = "rs.tcmpp.test.BridgeTestKt";
    let app = proguard::App {
        program,
        libraries: &libraries,
        main_class: main,
    };

    // Without the shipped rules: Android's defaults alone lose what only native code calls.
    let bare = shrinker.shrink("without-rules", &app, false);
    let check = shrinker.check(&bare.jar, &libraries);
    let said = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(
        !check.status.success()
            && said.contains("MISSING callback rs.tcmpp.android.NativeListener.onReply"),
        "without the shipped rules ProGuard was expected to drop onReply:\n{said}"
    );

    let shrunk = shrinker.shrink("with-rules", &app, true);
    let check = shrinker.check(&shrunk.jar, &libraries);
    let said = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(
        check.status.success(),
        "a looked-up member is missing from the shrunk jar:\n{said}"
    );
    for lookup in JAVA_LOOKUPS {
        assert!(
            said.contains(&format!(
                "found {}",
                match lookup.kind {
                    LookupKind::Native => "native",
                    LookupKind::Callback => "callback",
                }
            )),
            "{said}"
        );
    }
    // The shrunk app really is shrunk and obfuscated: the bridge's private listener class is
    // renamed.
    let listing = std::fs::read(&shrunk.jar).expect("the shrunk jar is readable");
    assert!(
        !contains(&listing, b"rs/tcmpp/android/TcmppBridge$Listener"),
        "ProGuard did not obfuscate: the test would not show what a release build does"
    );

    let mut class_path = vec![shrunk.jar.clone()];
    class_path.extend(libraries);
    let run = tools.run(
        &class_path,
        main,
        &[jvm::native_library().as_os_str(), "100000".as_ref()],
        Duration::from_secs(240),
    );
    bridge_test_passed(&run);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// `now_or_fail()` with no runtime entered: a handler that needs Tokio on its first poll is
/// answered as not synchronous, not as a panicked handler; with a runtime entered, its timers
/// and `spawn` work.
#[test]
fn now_or_fail_answers_tokio_handlers_with_or_without_a_runtime() {
    use tcmpp_core::reply::ReplyKind;
    let registry = tcmpp_android_host::build_registry().expect("the test host's registry builds");
    let now = |api: &str| {
        registry
            .call(&format!(r#"{{"api_name":"{api}","data":{{}}}}"#))
            .reply()
            .now_or_fail()
    };
    for api in ["aSleepy", "aSpawns"] {
        let reply = now(api);
        let failure = reply
            .failure()
            .unwrap_or_else(|| panic!("{api}: {reply:?}"));
        assert!(
            failure
                .message()
                .starts_with("this API is asynchronous and did not answer at once"),
            "{api} without a runtime: {reply:?}"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime starts");
    let _entered = runtime.enter();
    let slept = now("aSleepy");
    assert!(
        slept
            .failure()
            .is_some_and(|failure| failure.message().starts_with("this API is asynchronous")),
        "{slept:?}"
    );
    let ran = || now("aSpawnedRan").result().expect("a plain fn answers")["ran"].as_u64();
    let before = ran();
    let spawned = now("aSpawns");
    assert_eq!(spawned.kind(), ReplyKind::Success, "{spawned:?}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while ran() == before && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(ran() > before, "the task aSpawns spawned never ran");
}

/// An AAR assembled by the module's `assemble-aar.sh` from what builds here has the layout an
/// app build reads: the manifest, `classes.jar` with the bridge's classes (and nothing of the
/// test's), the consumer rules as `proguard.txt`, and `jni/<abi>/lib<crate>.so`. The library
/// here is the host's build standing in for cargo-ndk's (the NDK cannot be fetched here).
#[test]
fn the_assembled_aar_has_the_layout_an_app_build_reads() {
    let Some((tools, classes)) = compiled() else {
        return;
    };
    let (program, _) = jvm::Tools::compiled_dirs(classes);
    let dir = jvm::deps_dir().join("jvm/aar");
    let _ = std::fs::remove_dir_all(&dir);
    let abi = dir.join("jniLibs/x86_64");
    std::fs::create_dir_all(&abi).expect("the directory can be made");
    std::fs::copy(jvm::native_library(), abi.join("libtcmpp_android_host.so"))
        .expect("the library can be copied");
    let aar = dir.join("tcmpp.aar");
    let module = jvm::workspace().join("tcmpp-ffi/android");
    let mut script = std::process::Command::new("sh");
    script
        .arg(module.join("assemble-aar.sh"))
        .arg(program)
        .arg(dir.join("jniLibs"))
        .arg(&aar)
        .env("PATH", path_with_jdk(&tools.java));
    jvm::run(&mut script, Duration::from_secs(60), "assemble-aar.sh");

    let list = |archive: &std::path::Path| {
        let output = std::process::Command::new(tools.java.with_file_name("jar"))
            .arg("tf")
            .arg(archive)
            .output()
            .expect("jar runs");
        let mut entries: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        entries.sort();
        entries
    };
    let entries = list(&aar);
    for expected in [
        "AndroidManifest.xml",
        "classes.jar",
        "proguard.txt",
        "R.txt",
        "jni/x86_64/libtcmpp_android_host.so",
    ] {
        assert!(
            entries.iter().any(|entry| entry == expected),
            "{expected} missing: {entries:?}"
        );
    }
    let unpacked = dir.join("unpacked");
    std::fs::create_dir_all(&unpacked).expect("the directory can be made");
    let status = std::process::Command::new(tools.java.with_file_name("jar"))
        .arg("xf")
        .arg(&aar)
        .current_dir(&unpacked)
        .status()
        .expect("jar runs");
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(unpacked.join("proguard.txt")).expect("proguard.txt"),
        consumer_rules(),
        "the AAR's proguard.txt is not the shipped consumer rules"
    );
    let manifest = std::fs::read_to_string(unpacked.join("AndroidManifest.xml")).expect("manifest");
    assert!(manifest.contains("<manifest xmlns:android="), "{manifest}");
    let classes_jar = list(&unpacked.join("classes.jar"));
    for class in [
        "rs/tcmpp/android/TcmppBridge.class",
        "rs/tcmpp/android/TcmppNative.class",
        "rs/tcmpp/android/NativeListener.class",
        "rs/tcmpp/android/TcmppCaller.class",
    ] {
        assert!(
            classes_jar.iter().any(|entry| entry == class),
            "{class} missing: {classes_jar:?}"
        );
    }
    assert!(
        classes_jar
            .iter()
            .all(|entry| entry.starts_with("rs/tcmpp/android/")
                || entry.starts_with("META-INF/")
                || entry == "rs/"
                || entry == "rs/tcmpp/"),
        "classes.jar holds more than the bridge: {classes_jar:?}"
    );
}

/// `PATH` with the JDK's `bin/` first, for the scripts that call `jar`.
fn path_with_jdk(java: &std::path::Path) -> std::ffi::OsString {
    let resolved = std::fs::canonicalize(java).unwrap_or_else(|_| java.to_path_buf());
    let mut paths = vec![
        resolved
            .parent()
            .expect("java is in a directory")
            .to_path_buf(),
    ];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("the PATH joins")
}

/// A log sink that keeps every line, for the tests of what the `logcat` feature writes.
#[derive(Clone, Default)]
struct Collected(
    std::sync::Arc<std::sync::Mutex<Vec<(tcmpp_ffi::android::log::Priority, String)>>>,
);

impl tcmpp_ffi::android::log::LogSink for Collected {
    fn write(&self, priority: tcmpp_ffi::android::log::Priority, line: &str) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((priority, line.to_owned()));
    }
}

impl Collected {
    fn lines(&self) -> Vec<(tcmpp_ffi::android::log::Priority, String)> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// What goes to logcat: each `tracing` level at Android's priority of the same name, each event
/// as one line with its message first, and nothing of what the mini program sent.
#[test]
fn logcat_lines_are_tracing_events_at_androids_priorities() {
    use tcmpp_ffi::android::log::{LogcatLayer, Priority};
    use tracing_subscriber::layer::SubscriberExt as _;

    assert_eq!(Priority::of(&tracing::Level::TRACE), Priority::Verbose);
    assert_eq!(Priority::of(&tracing::Level::DEBUG), Priority::Debug);
    assert_eq!(Priority::of(&tracing::Level::INFO), Priority::Info);
    assert_eq!(Priority::of(&tracing::Level::WARN), Priority::Warn);
    assert_eq!(Priority::of(&tracing::Level::ERROR), Priority::Error);
    assert_eq!((Priority::Verbose as i32, Priority::Error as i32), (2, 6));

    let sink = Collected::default();
    let subscriber = tracing_subscriber::registry().with(LogcatLayer::new(sink.clone()));
    tracing::subscriber::with_default(subscriber, || {
        tracing::warn!(api = "aEcho", attempt = 2, "a message");
        let registry = tcmpp_android_host::build_registry().expect("the registry builds");
        // Data the handler cannot read, carrying a marker that must not reach a log line.
        let reply = registry
            .call(r#"{"api_name":"aEcho","data":{"n":"SECRET-DATA-17"}}"#)
            .reply()
            .now_or_fail();
        assert!(reply.failure().is_some());
        let panicked = registry
            .call(r#"{"api_name":"aPanic","data":{}}"#)
            .reply()
            .now_or_fail();
        assert!(panicked.failure().is_some());
    });
    let lines = sink.lines();
    assert_eq!(
        lines[0],
        (
            Priority::Warn,
            "android: a message api=aEcho attempt=2".to_owned()
        )
    );
    assert!(
        lines.len() > 1,
        "the registry's own events were not written: {lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|(_, line)| !line.contains("SECRET-DATA-17")),
        "a line carries what the mini program sent: {lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(priority, line)| *priority == Priority::Error
                && line.starts_with(
                    "tcmpp_core::panics: mini_api{api=aPanic}: mini API handler panicked"
                )),
        "the handler's panic was not logged as an error: {lines:?}"
    );
}

/// The panic hook writes each panic to the log at error priority, then runs the hook that was
/// there before.
#[test]
fn logcat_panic_hook_writes_the_panic_and_chains() {
    use tcmpp_ffi::android::log::{Priority, install_panic_hook};

    let sink = Collected::default();
    let before = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = before.clone();
    std::panic::set_hook(Box::new(move |_| {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }));
    install_panic_hook(sink.clone());
    let line = line!() + 1;
    let caught = std::panic::catch_unwind(|| panic!("boom {}", 7));
    // Back to the standard hook for the other tests.
    drop(std::panic::take_hook());
    assert!(caught.is_err());
    let expected = format!("panicked at tests/hosts/android.rs:{line}:");
    assert!(
        sink.lines()
            .iter()
            .any(|(priority, text)| *priority == Priority::Error
                && text.starts_with(&expected)
                && text.ends_with(": boom 7")),
        "{:?}",
        sink.lines()
    );
    assert!(
        before.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the previous hook did not run"
    );
}
