//! The TypeScript compiler for the typed-client tests: installed from the npm registry into
//! `target/` on first use, in two releases, and a project of mini program sources checked by it.
//!
//! When a release cannot be installed (no `node` or `npm`, no network), the test fails under
//! `CI=true` (or `CI=1`) and is skipped, saying so, elsewhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

// Whether a compiler that cannot be installed fails the run: read as every test of another
// language's tool reads it.
#[path = "../../support/built.rs"]
mod built;

/// The releases the declarations must compile under, pinned so that error codes do not move
/// under the checks: the newest, and 4.9, still common in mini program toolchains.
pub(crate) const NEWEST: &str = "5.9.3";
/// The oldest release checked (see [`NEWEST`]).
pub(crate) const OLDEST: &str = "4.9.5";

/// The TypeScript compiler, run by node.
#[derive(Clone)]
pub(crate) struct Tsc {
    pub(crate) node: PathBuf,
    script: PathBuf,
    pub(crate) version: &'static str,
}

/// What a check gave.
pub(crate) struct Checked {
    pub(crate) success: bool,
    pub(crate) text: String,
}

impl Tsc {
    /// Checks the project in `dir`, with the `tsconfig.json` this release understands
    /// (`moduleResolution: "bundler"` is 5.0's; 4.9 reads the same imports as `"node"`).
    pub(crate) fn check(&self, dir: &Path) -> Checked {
        let config = dir.join("tsconfig.json");
        let text = std::fs::read_to_string(&config).expect("the project has a tsconfig.json");
        let resolution = if self.version.starts_with("4.") {
            "\"node\""
        } else {
            "\"bundler\""
        };
        let text = text
            .replace("\"bundler\"", resolution)
            .replace("\"node\"", resolution);
        std::fs::write(&config, text).expect("tsconfig.json is rewritten");
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

    /// Whether this release reports errors with the codes the sources name. The older one
    /// reports some of the same mistakes under other codes (an excess property in an argument
    /// as TS2345 rather than TS2353); its errors must be on the same lines.
    pub(crate) fn names_codes(&self) -> bool {
        self.version == NEWEST
    }
}

impl Checked {
    /// The errors as `(file, line, code)`, from lines such as
    /// `miniprogram.ts(97,25): error TS2820: …`.
    pub(crate) fn errors(&self) -> BTreeSet<(String, usize, String)> {
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

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Each marked mistake in `files` of `dir` as `(file, line, code)`: the line after
/// `// @ts-expect-error: … (TSnnnn)`.
pub(crate) fn expected_errors(dir: &Path, files: &[&str]) -> BTreeSet<(String, usize, String)> {
    let mut expected = BTreeSet::new();
    for file in files {
        for (index, line) in read(&dir.join(file)).lines().enumerate() {
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
            expected.insert(((*file).to_owned(), index + 2, format!("TS{code}")));
        }
    }
    expected
}

/// Turns the directives into plain comments, keeping every line where it is.
pub(crate) fn strip_directives(dir: &Path, files: &[&str]) {
    for file in files {
        let path = dir.join(file);
        let text = read(&path).replace("// @ts-expect-error", "// (expected error)");
        std::fs::write(&path, text).expect("the source is rewritten");
    }
}

/// Checks the project in `dir` and then the same without its directives: the sources compile,
/// and without the directives exactly the marked lines of `files` fail (with the marked codes,
/// under the newest release), so that each directive is seen to bite.
pub(crate) fn check_marked(tsc: &Tsc, dir: &Path, files: &[&str], at_least: usize) {
    let output = tsc.check(dir);
    assert!(
        output.success,
        "tsc {} refused the mini program:\n{}",
        tsc.version, output.text
    );
    let expected = expected_errors(dir, files);
    assert!(expected.len() >= at_least, "the sources mark {expected:?}");
    strip_directives(dir, files);
    let output = tsc.check(dir);
    assert!(
        !output.success,
        "tsc {} accepted the mistakes:\n{}",
        tsc.version, output.text
    );
    let (errors, expected) = if tsc.names_codes() {
        (output.errors(), expected)
    } else {
        let lines = |set: BTreeSet<(String, usize, String)>| {
            set.into_iter()
                .map(|(file, line, _)| (file, line, String::new()))
                .collect::<BTreeSet<_>>()
        };
        (lines(output.errors()), lines(expected))
    };
    assert_eq!(
        errors, expected,
        "tsc {}'s errors are not the marked ones:\n{}",
        tsc.version, output.text
    );
}

/// The compiler of `version` from `target/`, installed there from the npm registry when it is
/// missing; `None` (after saying so) when it cannot be, unless under CI, which fails instead.
pub(crate) fn typescript_compiler(version: &'static str) -> Option<Tsc> {
    /// Each release asked for, and how installing it went.
    type Installed = Vec<(&'static str, Result<Tsc, String>)>;
    static INSTALLED: OnceLock<Mutex<Installed>> = OnceLock::new();
    let mut installed = INSTALLED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let result = match installed.iter().find(|(v, _)| *v == version) {
        Some((_, result)) => result.clone(),
        None => {
            let result = install(version);
            installed.push((version, result.clone()));
            result
        }
    };
    match result {
        Ok(tsc) => Some(tsc),
        Err(reason) if built::under_ci() => {
            panic!("the TypeScript {version} check cannot run under CI: {reason}")
        }
        Err(reason) => {
            println!("skipping the TypeScript {version} check: {reason}");
            None
        }
    }
}

fn install(version: &'static str) -> Result<Tsc, String> {
    // `target/tmp` is the tests' scratch directory; the compilers live beside it, the newest in
    // `target/typescript`, others in `target/typescript-<major.minor>`.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .ok_or("the target directory has no parent")?;
    let prefix = if version == NEWEST {
        target.join("typescript")
    } else {
        let minor: Vec<&str> = version.split('.').take(2).collect();
        target.join(format!("typescript-{}", minor.join(".")))
    };
    let package = prefix.join("node_modules/typescript");
    let script = package.join("bin/tsc");
    let is_installed = std::fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|manifest| manifest["version"] == version);
    if !is_installed {
        let output = Command::new("npm")
            .args(["install", "--prefix"])
            .arg(&prefix)
            .arg(format!("typescript@{version}"))
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .output()
            .map_err(|e| format!("cannot run npm to install TypeScript {version}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "npm could not install TypeScript {version} into {}: {}",
                prefix.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    let node = PathBuf::from("node");
    let reported = Command::new(&node)
        .arg(&script)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let reported = String::from_utf8_lossy(&reported.stdout);
    if !reported.contains(version) {
        return Err(format!(
            "{} is not TypeScript {version}: {reported}",
            script.display()
        ));
    }
    Ok(Tsc {
        node,
        script,
        version,
    })
}
