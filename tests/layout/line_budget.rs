//! Every module of `tcmpp-core` stays small enough to read at once: at most
//! [`LINES_BEFORE_TESTS`] lines before its `#[cfg(test)] mod tests` (or in all, without one).
//! `builtin.rs`'s table of the base library's API names does not count: it is data.

#[path = "../support/core_sources.rs"]
mod core_sources;

use core_sources::{core_src, rust_files};

/// The most lines a module of `tcmpp-core/src` may have before its tests.
const LINES_BEFORE_TESTS: usize = 400;

/// Modules still over the budget, each with the lines it has now; each entry goes when its module
/// is split. A module may not grow while it is here. None is left.
const NOT_YET: &[(&str, usize)] = &[];

/// The lines of `source` before its test module, without a data table given by the line that
/// opens it (up to the first line after it that closes it, `];`).
fn lines_before_tests(source: &str, table: Option<&str>) -> usize {
    let lines: Vec<&str> = source.lines().collect();
    let end = lines
        .windows(2)
        .position(|pair| pair[0].trim() == "#[cfg(test)]" && pair[1].starts_with("mod tests"))
        .unwrap_or(lines.len());
    let table_lines = table
        .and_then(|opening| {
            lines[..end]
                .iter()
                .position(|line| line.starts_with(opening))
        })
        .map_or(0, |start| {
            let close = lines[start..end]
                .iter()
                .position(|line| *line == "];")
                .expect("the table closes");
            close + 1
        });
    end - table_lines
}

#[test]
fn every_module_of_tcmpp_core_is_within_the_line_budget() {
    let src = core_src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found the sources: {}", files.len());
    let mut over = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(path).expect("a source file can be read");
        let table = (name == "builtin.rs").then_some("pub(crate) const BUILTIN_WX_APIS");
        let lines = lines_before_tests(&source, table);
        let budget = NOT_YET
            .iter()
            .find(|(module, _)| *module == name)
            .map_or(LINES_BEFORE_TESTS, |(_, now)| *now);
        if lines > budget {
            over.push(format!(
                "{name}: {lines} lines before its tests (budget {budget})"
            ));
        }
    }
    assert!(
        over.is_empty(),
        "split these modules, one concept per module:\n{}",
        over.join("\n")
    );
}

#[test]
fn the_count_stops_at_the_tests_and_skips_the_table() {
    let source = "a\nb\n#[cfg(test)]\nmod tests {\n}\n";
    assert_eq!(lines_before_tests(source, None), 2);
    assert_eq!(lines_before_tests("a\nb\nc\n", None), 3);
    let table = "use x;\nconst T: &[&str] = &[\n    \"a\",\n];\nfn f() {}\n";
    assert_eq!(lines_before_tests(table, Some("const T")), 2);
    // A `#[cfg(test)]` on an item is not the test module.
    let item = "#[cfg(test)]\nfn helper() {}\nfn g() {}\n";
    assert_eq!(lines_before_tests(item, None), 3);
}
