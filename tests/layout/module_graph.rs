//! The top-level modules of `tcmpp-core` import one another without a circle: each can be read
//! knowing only the modules it imports, and a change to one never needs a change to a module
//! that imports it back. Counted from `crate::<module>` paths in code (not in comments, not in
//! a file's tests); `lib.rs`, which re-exports them all, is not a module of the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[path = "../support/core_sources.rs"]
mod core_sources;

use core_sources::{core_src, rust_files};

/// The top-level modules each module's code names with `crate::<module>`, among `modules`.
fn imports(source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    for line in code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
    {
        for (at, _) in line.match_indices("crate::") {
            let name: String = line[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&name) {
                found.insert(name);
            }
        }
    }
    found
}

/// The import graph of `tcmpp-core`'s top-level modules.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = core_src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let top = |path: &Path| -> String {
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a path");
        let first = first.as_os_str().to_string_lossy();
        first.strip_suffix(".rs").unwrap_or(&first).to_owned()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|path| top(path))
        .filter(|module| module != "lib")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &files {
        let module = top(path);
        if module == "lib" {
            continue;
        }
        let source = std::fs::read_to_string(path).expect("a module can be read");
        let named = imports(&source, &modules);
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(named.into_iter().filter(|name| *name != module));
    }
    graph
}

/// A circle of `graph`, as the modules along it, if it has one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|on| on == module) {
            let mut found = path[start..].to_vec();
            found.push(module.to_owned());
            return Some(found);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_of_tcmpp_core_import_without_a_circle() {
    let graph = module_graph();
    assert!(graph.len() > 10, "the modules were found: {graph:?}");
    assert!(
        graph["dispatch"].contains("registry"),
        "the imports were read"
    );
    if let Some(found) = circle(&graph) {
        panic!(
            "the modules of tcmpp-core import in a circle: {}; move what one of them takes \
             from the other to the lower of the two",
            found.join(" -> ")
        );
    }
}

#[test]
fn a_circle_is_found() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in pairs {
            graph
                .entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
            graph.entry((*to).to_owned()).or_default();
        }
        graph
    };
    assert_eq!(circle(&edges(&[("a", "b"), ("b", "c")])), None);
    let found = circle(&edges(&[("a", "b"), ("b", "c"), ("c", "a")])).expect("a circle");
    assert_eq!(found.first(), found.last());
    assert_eq!(found.len(), 4);
    let modules = ["x".to_owned(), "y".to_owned()].into_iter().collect();
    assert_eq!(
        imports(
            "use crate::x::A;\n// crate::y\n#[cfg(test)]\nuse crate::y;",
            &modules
        ),
        ["x".to_owned()].into_iter().collect()
    );
}
