//! The JVM toolchain for the Android bridge's test and benchmark: `java` and `javac` from the
//! machine, `kotlinc` and kotlinx-coroutines from the npm package `kotlin-compiler`, and Android's
//! `org.json` from Debian's `libandroid-json-java`, the last two installed into `target/` when
//! missing. Compiles the shipped bridge, the SDK stand-ins, a generated plugin and a Kotlin
//! program, and runs it.

use std::ffi::OsStr;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "../support/built.rs"]
mod built;

/// The `kotlin-compiler` npm package's version: a full kotlinc that runs on JDK 17, shipping
/// kotlinx-coroutines.
const KOTLIN_COMPILER: &str = "kotlin-compiler@2.4.20";

/// The workspace root.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

pub(crate) use built::deps_dir;

/// `target/`.
pub(crate) fn target_dir() -> PathBuf {
    let deps = deps_dir();
    deps.ancestors()
        .nth(2)
        .map_or_else(|| deps.clone(), Path::to_path_buf)
}

/// The native library of `tests/android-host`.
pub(crate) fn native_library() -> PathBuf {
    let name = if cfg!(target_os = "macos") {
        "libtcmpp_android_host.dylib"
    } else {
        "libtcmpp_android_host.so"
    };
    built::built_library(name)
}

/// `what` is missing: fails under CI, says why and skips elsewhere.
#[allow(dead_code)] // Used by tests/hosts/android.rs, not by the benchmark, which shares this module.
pub(crate) fn missing_tool(what: &str) {
    built::tool_missing("the JVM test", what);
}

/// Fails under CI, says why and skips elsewhere.
fn missing(what: &str) -> Option<Tools> {
    built::tool_missing("the JVM test", what);
    None
}

/// What compiling and running Kotlin takes.
pub(crate) struct Tools {
    pub(crate) java: PathBuf,
    pub(crate) javac: PathBuf,
    kotlinc: PathBuf,
    /// kotlinc's `lib/`: kotlin-stdlib and kotlinx-coroutines.
    kotlin_lib: PathBuf,
    org_json: PathBuf,
}

/// One run of a JVM program.
pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Tools {
    /// Finds the tools, installing `kotlinc` and `org.json` into `target/` when missing; `None`
    /// (after saying why) outside CI when one cannot be had.
    pub(crate) fn find_or_install() -> Option<Tools> {
        let Some((java, javac)) = jdk() else {
            return missing("a JDK (java and javac): apt-get install openjdk-17-jdk-headless");
        };
        let Some((kotlinc, kotlin_lib)) = kotlinc() else {
            return missing(&format!("kotlinc: `npm install {KOTLIN_COMPILER}` failed"));
        };
        let Some(org_json) = org_json() else {
            return missing("Android's org.json: Debian's libandroid-json-java could not be had");
        };
        Some(Tools {
            java,
            javac,
            kotlinc,
            kotlin_lib,
            org_json,
        })
    }

    /// What the compiled classes need beside themselves: kotlin-stdlib, kotlinx-coroutines and
    /// org.json (part of Android itself).
    pub(crate) fn library_jars(&self) -> Vec<PathBuf> {
        vec![
            self.kotlin_lib.join("kotlin-stdlib.jar"),
            self.kotlin_lib.join("kotlinx-coroutines-core-jvm.jar"),
            self.org_json.clone(),
        ]
    }

    /// Compiles the stand-ins, the shipped bridge, `plugin` (the generated source) and the
    /// Kotlin program `tests/android/<name>.kt`-style sources listed in `programs`, into a
    /// directory of classes named `name`; reused while the sources are unchanged.
    pub(crate) fn compile(&self, name: &str, plugin: &str) -> Vec<PathBuf> {
        let out = deps_dir().join("jvm").join(name);
        let generated = out.join("generated");
        std::fs::create_dir_all(&generated).expect("the output directory can be created");
        let plugin_file = generated.join("RustApis.kt");
        std::fs::write(&plugin_file, plugin).expect("the plugin can be written");

        let tests = workspace().join("tests/android");
        let stand_ins = kotlin_sources(&tests.join("standins"), "java");
        let mut kotlin = kotlin_sources(&workspace().join("tcmpp-ffi/android/src"), "kt");
        kotlin.extend(kotlin_sources(&tests, "kt"));
        kotlin.push(plugin_file);
        // Java programs of the test, which kotlinc reads (the Kotlin calls them) and javac
        // compiles against the Kotlin classes.
        let java = kotlin_sources(&tests.join("java"), "java");

        let stamp = out.join("stamp");
        let fingerprint = fingerprint(stand_ins.iter().chain(&kotlin).chain(&java));
        let stand_in_classes = out.join("standins");
        let classes = out.join("classes");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(fingerprint.as_str()) {
            // A compilation that fails half-way must not leave a stamp that vouches for it.
            let _ = std::fs::remove_file(&stamp);
            let _ = std::fs::remove_dir_all(&stand_in_classes);
            let _ = std::fs::remove_dir_all(&classes);
            let started = Instant::now();
            let mut javac = Command::new(&self.javac);
            javac
                .args(["--release", "8", "-nowarn", "-d"])
                .arg(&stand_in_classes)
                .arg("-cp")
                .arg(&self.org_json)
                .args(&stand_ins);
            run(
                &mut javac,
                Duration::from_secs(120),
                "javac (the SDK stand-ins)",
            );
            let mut kotlinc = Command::new(&self.kotlinc);
            kotlinc
                // Java 8 class files: ProGuard 6.2.2, standing in for R8, reads no later ones, and
                // Android's minSdk 21 runs them.
                .args(["-nowarn", "-jvm-target", "1.8", "-d"])
                .arg(&classes)
                .arg("-cp")
                .arg(class_path(
                    std::iter::once(stand_in_classes.clone()).chain(self.library_jars()),
                ))
                .args(&kotlin)
                .args(&java)
                // kotlinc starts a JVM of its own: keep it small beside cargo's jobs.
                .env("JAVA_OPTS", "-Xmx1g -XX:TieredStopAtLevel=1");
            run(&mut kotlinc, Duration::from_secs(420), "kotlinc");
            let mut javac = Command::new(&self.javac);
            javac
                .args(["--release", "8", "-nowarn", "-d"])
                .arg(&classes)
                .arg("-cp")
                .arg(class_path(
                    [classes.clone(), stand_in_classes.clone()]
                        .into_iter()
                        .chain(self.library_jars()),
                ))
                .args(&java);
            run(
                &mut javac,
                Duration::from_secs(120),
                "javac (the Java programs)",
            );
            println!("compiled the Kotlin sources in {:?}", started.elapsed());
            std::fs::write(&stamp, fingerprint).expect("the stamp can be written");
        }
        let mut path = vec![classes, stand_in_classes];
        path.extend(self.library_jars());
        path
    }

    /// The classes directory `compile` wrote (the shipped bridge, the plugin, the programs)
    /// and the stand-ins' classes, which `compile`'s class path lists first.
    #[allow(dead_code)] // Used by tests/hosts/android.rs, not by the benchmark.
    pub(crate) fn compiled_dirs(class_path: &[PathBuf]) -> (&Path, &Path) {
        (&class_path[0], &class_path[1])
    }

    /// Runs `main_class` with `-Xcheck:jni`, expecting success.
    #[allow(dead_code)] // Used by tests/hosts/android.rs, not by the benchmark.
    pub(crate) fn run(
        &self,
        class_path_entries: &[PathBuf],
        main_class: &str,
        args: &[&OsStr],
        timeout: Duration,
    ) -> Run {
        let program = Program {
            class_path_entries,
            main_class,
            args,
        };
        self.run_with(&["-Xcheck:jni"], program, timeout)
    }

    /// Runs `program` with the JVM options `options`, expecting success.
    pub(crate) fn run_with(
        &self,
        options: &[&str],
        program: Program<'_>,
        timeout: Duration,
    ) -> Run {
        let Program {
            class_path_entries,
            main_class,
            args,
        } = program;
        let started = Instant::now();
        let mut java = Command::new(&self.java);
        java.args(options)
            .args(["-Xss2m", "-cp"])
            .arg(class_path(class_path_entries.iter().cloned()))
            .arg(main_class)
            .args(args)
            .env("RUST_BACKTRACE", "0");
        let output = run(&mut java, timeout, main_class);
        let run = Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        println!(
            "{main_class} ran in {:?}:\n{}",
            started.elapsed(),
            run.stdout
        );
        run
    }
}

/// What a JVM runs: a main class, where its classes are, and its arguments.
pub(crate) struct Program<'a> {
    pub(crate) class_path_entries: &'a [PathBuf],
    pub(crate) main_class: &'a str,
    pub(crate) args: &'a [&'a OsStr],
}

/// `java` and `javac`, from `JAVA_HOME` or the `PATH`; installed with apt when missing and
/// possible (as root).
fn jdk() -> Option<(PathBuf, PathBuf)> {
    let from_home = std::env::var_os("JAVA_HOME").map(|home| Path::new(&home).join("bin"));
    let find = || {
        let tool = |name: &str| {
            let path = from_home
                .as_ref()
                .map_or_else(|| PathBuf::from(name), |bin| bin.join(name));
            works(Command::new(&path).arg("-version")).then_some(path)
        };
        Some((tool("java")?, tool("javac")?))
    };
    find().or_else(|| {
        let installed =
            works(Command::new("apt-get").args(["install", "-y", "-q", "openjdk-17-jdk-headless"]));
        if installed { find() } else { None }
    })
}

/// kotlinc and its `lib/`, installed from npm into `target/jvm-tools/` when missing.
fn kotlinc() -> Option<(PathBuf, PathBuf)> {
    let prefix = target_dir().join("jvm-tools/kotlin");
    let package = prefix.join("node_modules/kotlin-compiler");
    let kotlinc = package.join("bin/kotlinc");
    let lib = package.join("lib");
    let ready = || {
        lib.join("kotlinx-coroutines-core-jvm.jar").exists()
            && works(Command::new(&kotlinc).arg("-version"))
    };
    if !ready() {
        std::fs::create_dir_all(&prefix).ok()?;
        println!(
            "installing {KOTLIN_COMPILER} from npm into {}",
            prefix.display()
        );
        let installed = works(
            Command::new("npm")
                .args([
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                ])
                .arg(&prefix)
                .arg(KOTLIN_COMPILER),
        );
        if !installed || !ready() {
            return None;
        }
    }
    Some((kotlinc, lib))
}

/// Android's `org.json` (the AOSP code, packaged by Debian as `libandroid-json-java`): the
/// system's jar, else the package downloaded and unpacked into `target/jvm-tools/`.
fn org_json() -> Option<PathBuf> {
    let system = PathBuf::from("/usr/share/java/com.android.json.jar");
    if system.exists() {
        return Some(system);
    }
    let dir = target_dir().join("jvm-tools/android-json");
    let jar = dir.join("usr/share/java/com.android.json.jar");
    if jar.exists() {
        return Some(jar);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let download = || {
        works(
            Command::new("apt-get")
                .args(["download", "-q", "libandroid-json-java"])
                .current_dir(&dir),
        )
    };
    // Without package lists (a fresh machine), fetch them first, which only root may.
    let downloaded =
        download() || (works(Command::new("apt-get").args(["update", "-q"])) && download());
    if !downloaded {
        return None;
    }
    let package = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "deb"))?;
    works(Command::new("dpkg-deb").arg("-x").arg(&package).arg(&dir));
    jar.exists().then_some(jar)
}

/// Whether `command` runs and succeeds (its output dropped).
pub(crate) fn works(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The files under `dir` ending in `.<extension>`, sorted.
fn kotlin_sources(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("the sources are readable") {
            let path = entry.expect("the sources are readable").path();
            if path.is_dir() {
                // The stand-ins are Java, compiled apart.
                if !(extension == "kt" && path.ends_with("standins")) {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A fingerprint of the sources' paths and contents.
fn fingerprint<'a>(files: impl Iterator<Item = &'a PathBuf>) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    KOTLIN_COMPILER.hash(&mut hasher);
    // The class file version the sources are compiled to.
    "jvm-target 1.8, javac --release 8".hash(&mut hasher);
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(file)
            .expect("the sources are readable")
            .hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

pub(crate) fn class_path(entries: impl Iterator<Item = PathBuf>) -> std::ffi::OsString {
    std::env::join_paths(entries).expect("the class path joins")
}

/// Runs `command` to success within `timeout`, or panics with its output.
pub(crate) fn run(command: &mut Command, timeout: Duration, what: &str) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {what}: {error}"));
    // Read the pipes while the child runs, so that a chatty child cannot block on them.
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
            panic!(
                "{what} did not finish within {timeout:?}:\n{}\n{}",
                String::from_utf8_lossy(&stdout.join().unwrap_or_default()),
                String::from_utf8_lossy(&stderr.join().unwrap_or_default())
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn read_all(mut pipe: impl std::io::Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    bytes
}
