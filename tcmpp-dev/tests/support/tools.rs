//! The tools the client tests run: node (the transport test and the browser driver), npm
//! (playwright-core, installed into `target/`) and Debian's chromium. Each is installed when
//! missing where it can be; when it cannot, the test fails under `CI=true` and is skipped,
//! saying why, elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether a missing tool fails the run (`CI=true` or `CI=1`) rather than skipping it.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true" || ci == "1")
}

/// `check` cannot run for want of `what`: a failure under CI; elsewhere, said and skipped.
pub fn missing(check: &str, what: &str) {
    assert!(!under_ci(), "{check} needs {what} (CI=true: not skipped)");
    println!("skipping {check}: {what}");
}

/// `node`, with the flags that give it a WebSocket client (global since node 22, behind
/// `--experimental-websocket` in node 20 and 21).
pub fn node() -> Result<Node, String> {
    let version = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("node cannot be run ({e}): install Node.js 20 or later"))?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| format!("node says its version is {version:?}"))?;
    if major < 20 {
        return Err(format!(
            "node {version} is too old: the tests need 20 or later (fetch, WebSocket)"
        ));
    }
    let flags = if major < 22 {
        vec!["--experimental-websocket".to_owned()]
    } else {
        Vec::new()
    };
    Ok(Node { flags })
}

/// How to run node.
#[derive(Clone, Debug)]
pub struct Node {
    pub flags: Vec<String>,
}

impl Node {
    /// Runs `script` (an ES module) with `args`; its standard output, or why it failed.
    pub fn run(&self, script: &Path, args: &[&str]) -> Result<String, String> {
        let output = Command::new("node")
            .args(&self.flags)
            .arg(script)
            .args(args)
            .output()
            .map_err(|e| format!("node cannot be run: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "node {} failed ({}):\n{}\n{}",
                script.display(),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// `target/<name>`: where the tests install packages, beside `target/tmp`.
pub fn target_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory has a parent")
        .join(name)
}

/// A scratch directory of this test, emptied.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tcmpp-dev")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch directory is made");
    dir
}

/// `package@version` from npm, installed into `prefix` unless it is there already; the
/// package's directory.
pub fn npm_package(prefix: &Path, package: &str, version: &str) -> Result<PathBuf, String> {
    let dir = prefix.join("node_modules").join(package);
    let installed = std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|manifest| manifest["version"] == version);
    if !installed {
        let output = Command::new("npm")
            .args(["install", "--prefix"])
            .arg(prefix)
            .arg(format!("{package}@{version}"))
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .output()
            .map_err(|e| format!("cannot run npm to install {package} {version}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "npm could not install {package} {version} into {}: {}",
                prefix.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    Ok(dir)
}

/// Debian's chromium: `/usr/bin/chromium`, installed with apt when missing.
pub fn chromium() -> Result<PathBuf, String> {
    let path = PathBuf::from("/usr/bin/chromium");
    if !path.exists() {
        let install = |args: &[&str]| {
            Command::new("apt-get")
                // Another apt on the machine holds the lock for a while: wait for it.
                .args(["-o", "DPkg::Lock::Timeout=300"])
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output()
                .map_err(|e| format!("cannot run apt-get to install chromium: {e}"))
        };
        let mut output = install(&["install", "-y", "chromium"])?;
        if !output.status.success() {
            // A fresh machine may not have read the package lists yet.
            let _ = install(&["update"])?;
            output = install(&["install", "-y", "chromium"])?;
        }
        if !output.status.success() || !path.exists() {
            return Err(format!(
                "apt-get could not install chromium: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    Ok(path)
}
