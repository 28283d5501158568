//! The Dart file generated for Flutter hosts (`DartApis`), checked against the golden file
//! `tests/flutter/rust_apis.g.dart`: no Dart SDK runs on this project's machines, so the text
//! is all that is tested here. `UPDATE_GOLDEN=1 cargo test -p tcmpp-tests --test flutter`
//! rewrites the golden file after a deliberate change; review its diff.

use std::path::{Path, PathBuf};

use tcmpp_ffi::flutter::DartApis;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

const NOT_COMPILED: &str = "NOT COMPILED HERE";

#[test]
fn the_generated_dart_file_matches_its_golden_file() {
    let registry = tcmpp_c_host::build_registry().expect("the test host's registry builds");
    let generated = DartApis::new(&registry).to_string();
    let golden = workspace().join("tests/flutter/rust_apis.g.dart");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &generated).expect("the golden file is writable");
    }
    let expected = std::fs::read_to_string(&golden).expect("the golden file is readable");
    assert!(
        generated == expected,
        "the generated Dart file differs from {}: review the change and rerun with \
         UPDATE_GOLDEN=1\n--- generated ---\n{generated}",
        golden.display()
    );
}

#[test]
fn the_dart_file_registers_each_name_once_and_forwards_the_stated_caller() {
    let registry = tcmpp_c_host::build_registry().expect("the test host's registry builds");
    let dart = DartApis::new(&registry).to_string();
    assert!(dart.contains("const int tcmppAbiVersion = 3;"));
    assert_eq!(dart.matches("  'luffaWebRequest',\n").count(), 1);
    assert!(dart.contains("  'cEcho',\n  'cFail',\n"));
    assert!(dart.contains("plugin.registerMiniAppApi(name, apis.call);"));
    // The reply through a listener, and its text freed by Dart.
    assert!(dart.contains("NativeCallable<_ReplyC>.listener(_reply)"));
    assert!(dart.contains("_renderCallback | _hostFreesStrings | _format"));
    // Who calls: the MiniApiCall's appInfo and webViewId, nothing read from params.
    assert!(dart.contains("'appId': app.appId,"));
    assert!(dart.contains("'webviewId': call.webViewId,"));
    assert!(!dart.contains("params['appInfo']") && !dart.contains("params?['appInfo']"));
    assert!(dart.contains("static const int _format = 0;"));
    let legacy = DartApis::new(&registry)
        .legacy_android_sdk(true)
        .to_string();
    assert!(legacy.contains("static final int _format = Platform.isAndroid ? _legacyFormat : 0;"));
}

#[test]
fn every_dart_file_says_it_is_not_compiled_here() {
    let mut files = vec![workspace().join("tests/flutter/rust_apis.g.dart")];
    let mut pending = vec![workspace().join("tcmpp-ffi/flutter")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("the package is readable") {
            let path = entry.expect("the package is readable").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "dart") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 2, "no Dart file in the package: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("the Dart file is readable");
        let header: String = text.lines().take(8).collect::<Vec<_>>().join("\n");
        assert!(
            header.contains(NOT_COMPILED),
            "{} does not say, in its first lines, that it is not compiled here",
            file.display()
        );
    }
}
