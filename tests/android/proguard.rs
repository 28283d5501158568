//! A release build, as far as this machine can make one: the compiled bridge and a program
//! shrunk, optimized and obfuscated by ProGuard 6.2.2 (Debian's `libproguard-java`, standing in
//! for R8, which cannot be fetched here) under Android's default rules plus the module's
//! shipped `consumer-rules.pro`. See `/work/shared/notes/proguard-for-r8.md` for the recipe.
//!
//! ProGuard is taken from `/usr/share/java/proguard.jar`, else downloaded with `apt-get download`
//! and unpacked into `target/jvm-tools/`; without it the test fails under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use tcmpp_ffi::android::{JAVA_LOOKUPS, LookupKind};

use super::jvm::{self, Tools};

/// The ProGuard jar, found or installed; `None` when it cannot be had.
pub(crate) fn proguard_jar() -> Option<PathBuf> {
    let system = PathBuf::from("/usr/share/java/proguard.jar");
    if system.exists() {
        return Some(system);
    }
    let dir = jvm::target_dir().join("jvm-tools/proguard");
    let jar = dir.join("usr/share/java/proguard.jar");
    if jar.exists() {
        return Some(jar);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let download = || {
        jvm::works(
            Command::new("apt-get")
                .args(["download", "-q", "libproguard-java"])
                .current_dir(&dir),
        )
    };
    let downloaded =
        download() || (jvm::works(Command::new("apt-get").args(["update", "-q"])) && download());
    if !downloaded {
        return None;
    }
    let package = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "deb"))?;
    jvm::works(Command::new("dpkg-deb").arg("-x").arg(&package).arg(&dir));
    jar.exists().then_some(jar)
}

/// The lines `ShrinkTools check` reads: `kind class name descriptor`.
fn lookups_file(dir: &Path) -> PathBuf {
    let mut text = String::new();
    for lookup in JAVA_LOOKUPS {
        let kind = match lookup.kind {
            LookupKind::Native => "native",
            LookupKind::Callback => "callback",
        };
        text.push_str(&format!(
            "{kind} {} {} {}\n",
            lookup.class, lookup.name, lookup.descriptor
        ));
    }
    let path = dir.join("lookups.txt");
    std::fs::write(&path, text).expect("the lookups can be written");
    path
}

/// What [`Shrinker::shrink`] shrinks: `program`, the classes a release build would shrink (the
/// bridge and the app), against `libraries`, with `main_class` the app's entry point.
pub(crate) struct App<'a> {
    pub(crate) program: &'a Path,
    pub(crate) libraries: &'a [PathBuf],
    pub(crate) main_class: &'a str,
}

/// What shrinking needs: ProGuard, the Java 8 API it reads as the JDK, and the checker.
pub(crate) struct Shrinker<'t> {
    tools: &'t Tools,
    proguard: PathBuf,
    java8_api: PathBuf,
    shrink_tools: PathBuf,
    dir: PathBuf,
}

/// A shrunk jar, and what ProGuard said making it.
pub(crate) struct Shrunk {
    pub(crate) jar: PathBuf,
}

impl<'t> Shrinker<'t> {
    /// Builds the Java 8 API jar and compiles the checker (once per `target/`).
    pub(crate) fn new(tools: &'t Tools, proguard: PathBuf) -> Self {
        let dir = jvm::deps_dir().join("jvm/proguard");
        std::fs::create_dir_all(&dir).expect("the output directory can be created");
        let shrink_tools = dir.join("tools");
        let source = jvm::workspace().join("tests/android/tools/ShrinkTools.java");
        let stamp = shrink_tools.join("stamp");
        let text = std::fs::read_to_string(&source).expect("ShrinkTools.java is readable");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(text.as_str()) {
            let mut javac = Command::new(&tools.javac);
            javac.arg("-d").arg(&shrink_tools).arg(&source);
            jvm::run(
                &mut javac,
                Duration::from_secs(120),
                "javac (ShrinkTools.java)",
            );
            std::fs::write(&stamp, &text).expect("the stamp can be written");
        }
        let java8_api = dir.join("java8-api.jar");
        if !java8_api.exists() {
            let ct_sym = java_home(&tools.java).join("lib/ct.sym");
            let partial = dir.join("java8-api.jar.partial");
            let mut build = Command::new(&tools.java);
            build
                .arg("-cp")
                .arg(&shrink_tools)
                .arg("rs.tcmpp.test.tools.ShrinkTools")
                .arg("java8-api")
                .arg(&ct_sym)
                .arg(&partial);
            jvm::run(
                &mut build,
                Duration::from_secs(120),
                "ShrinkTools java8-api",
            );
            std::fs::rename(&partial, &java8_api).expect("the jar can be moved in place");
        }
        Shrinker {
            tools,
            proguard,
            java8_api,
            shrink_tools,
            dir,
        }
    }

    /// Shrinks `app`'s program against its libraries, keeping its main class's `main` as an app
    /// keeps its entry points, under Android's default rules and, when `with_shipped_rules`,
    /// the module's consumer rules.
    pub(crate) fn shrink(&self, name: &str, app: &App<'_>, with_shipped_rules: bool) -> Shrunk {
        let App {
            program,
            libraries,
            main_class,
        } = *app;
        let jar = self.dir.join(format!("{name}.jar"));
        let _ = std::fs::remove_file(&jar);
        let workspace = jvm::workspace();
        let mut config = format!(
            "-injars {}\n-outjars {}\n-libraryjars {}\n",
            quote(program),
            quote(&jar),
            quote(&self.java8_api)
        );
        for library in libraries {
            config.push_str(&format!(
                "-libraryjars {}(!META-INF/versions/**,!module-info.class)\n",
                quote(library)
            ));
        }
        config.push_str(&format!(
            "-include {}\n",
            quote(&workspace.join("tests/android/proguard/proguard-android-optimize.txt"))
        ));
        if with_shipped_rules {
            config.push_str(&format!(
                "-include {}\n",
                quote(&workspace.join("tcmpp-ffi/android/consumer-rules.pro"))
            ));
        }
        config.push_str(&format!(
            "-keep class {main_class} {{ public static void main(java.lang.String[]); }}\n\
             -dontnote **\n\
             # Annotations kotlinc writes and the Kotlin Gradle plugin puts on the class path\n\
             # (org.jetbrains:annotations); none is read at run time.\n\
             -dontwarn org.jetbrains.annotations.**\n"
        ));
        let config_file = self.dir.join(format!("{name}.pro"));
        std::fs::write(&config_file, config).expect("the configuration can be written");
        let mut proguard = Command::new(&self.tools.java);
        proguard
            .arg("-Xmx1g")
            .arg("-jar")
            .arg(&self.proguard)
            .arg(format!("@{}", config_file.display()));
        jvm::run(&mut proguard, Duration::from_secs(300), "ProGuard");
        Shrunk { jar }
    }

    /// `ShrinkTools check` on `jar`: every look-up of [`JAVA_LOOKUPS`] found by name, or not.
    pub(crate) fn check(&self, jar: &Path, libraries: &[PathBuf]) -> Output {
        let lookups = lookups_file(&self.dir);
        let mut check = Command::new(&self.tools.java);
        check
            .arg("-cp")
            .arg(jvm::class_path(
                std::iter::once(self.shrink_tools.clone()).chain(libraries.iter().cloned()),
            ))
            .arg("rs.tcmpp.test.tools.ShrinkTools")
            .arg("check")
            .arg(jar)
            .arg(&lookups)
            .stdin(Stdio::null());
        check.output().expect("ShrinkTools check runs")
    }
}

/// A path as ProGuard's configuration reads it.
fn quote(path: &Path) -> String {
    format!("'{}'", path.display())
}

/// The JDK's home, as the `java` it runs reports it.
fn java_home(java: &Path) -> PathBuf {
    let output = Command::new(java)
        .args(["-XshowSettings:properties", "-version"])
        .output()
        .expect("java runs");
    let text = String::from_utf8_lossy(&output.stderr);
    let home = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("java.home = "))
        .expect("java reports java.home");
    PathBuf::from(home)
}
