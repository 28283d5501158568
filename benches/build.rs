//! Generates the handlers of the registry-size benchmarks: 99 and 9,999 plain `#[mini_api]`
//! functions, which with the one handler each bench binary defines make registries of 100 and
//! 10,000. `macro_rules!` cannot build the distinct string literals the attribute needs.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for count in [99, 9_999] {
        let mut source = String::new();
        for index in 1..=count {
            writeln!(
                source,
                "#[::tcmpp_core::mini_api(\"api_{index:05}\")]\nfn generated_{index:05}() {{}}"
            )
            .expect("writing to a String cannot fail");
        }
        std::fs::write(out_dir.join(format!("handlers_{count}.rs")), source)
            .expect("OUT_DIR is writable");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
