//! The Android bridge's benchmark (`cargo bench -p tcmpp-tests --bench android_jvm`): compiles
//! `tests/android/Bench.kt` with the shipped bridge, as `tests/hosts/android.rs` does, and runs it on
//! the JVM against the release build of `tests/android-host`. It prints the seed call's cost
//! through the bridge and through the same handler in Kotlin over org.json, and their ratio.

#[path = "../android/jvm.rs"]
mod jvm;

use std::time::Duration;

use tcmpp_ffi::android::JsPlugin;

fn main() {
    // `cargo test --benches` runs this too: a quick check there, the benchmark under `cargo bench`.
    if std::env::args().any(|arg| arg == "--test" || arg == "--list") {
        return;
    }
    let Some(tools) = jvm::Tools::find_or_install() else {
        return;
    };
    let registry = tcmpp_android_host::build_registry().expect("the bench host's registry builds");
    let plugin = JsPlugin::new(&registry).to_string();
    let classes = tools.compile("bench", &plugin);
    let run = tools.run(
        &classes,
        "rs.tcmpp.test.BenchKt",
        &[jvm::native_library().as_os_str()],
        Duration::from_secs(600),
    );
    assert!(
        run.stdout.contains("ratio bridge / Kotlin"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}
