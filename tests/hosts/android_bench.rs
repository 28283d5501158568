//! The Android bridge's benchmark (`cargo bench -p tcmpp-tests --bench android_jvm`): compiles
//! `tests/android/Bench.kt` with the shipped bridge, as `tests/hosts/android.rs` does, and runs it on
//! the JVM against the release build of `tests/android-host`. It prints the seed call's cost
//! through the bridge and through the same handler in Kotlin over org.json, and their ratio, from
//! four JVMs: two with `-Xcheck:jni` and two without, alternately.

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
    let library = jvm::native_library();
    // Each JVM twice, alternately: with `-Xcheck:jni`, as the correctness tests run it, which adds
    // its checks to every JNI call of the bridge and none to the Kotlin handler; and without, as
    // a release app runs on a phone.
    let modes: [(&str, &[&str]); 2] = [("-Xcheck:jni", &["-Xcheck:jni"]), ("no -Xcheck:jni", &[])];
    let mut ratios: Vec<(&str, Vec<String>)> =
        modes.iter().map(|(name, _)| (*name, Vec::new())).collect();
    for _ in 0..2 {
        for (index, (name, options)) in modes.iter().enumerate() {
            println!("JVM {name}:");
            let program = jvm::Program {
                class_path_entries: &classes,
                main_class: "rs.tcmpp.test.BenchKt",
                args: &[library.as_os_str()],
            };
            let run = tools.run_with(options, program, Duration::from_secs(600));
            let ratio = run
                .stdout
                .lines()
                .find_map(|line| line.strip_prefix("ratio bridge / Kotlin, caller handle: "))
                .and_then(|rest| rest.split_whitespace().next());
            let Some(ratio) = ratio else {
                panic!("no ratio in the output:\n{}\n{}", run.stdout, run.stderr);
            };
            ratios[index].1.push(ratio.to_owned());
        }
    }
    for (name, ratios) in &ratios {
        println!("handle / Kotlin, {name}: {}", ratios.join(", "));
    }
}
