#!/usr/bin/env python3
"""What `#[mini_api]` costs at compile time: builds three generated crates of 200 handlers each
and times `cargo build` of the crate itself (its dependencies built beforehand).

- annotated:    every handler carries `#[mini_api("…")]`.
- expanded:     the same handlers, registered by hand with the code the attribute generates
                (through `tcmpp_core::__private`): the same runtime code without the proc macro.
- hand_match:   the same handlers behind a hand-written `match` on the name that converts with
                `serde_json::from_value` / `to_value`; no tcmpp-core at all.

Usage (from the workspace root): python3 benches/compile_time.py [handlers] [runs]
Builds in a temporary directory; prints a Markdown table.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WORKSPACE = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
HANDLERS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3

TYPES = """
#[derive(serde::Deserialize)]
pub struct Input{i} {{
    pub name: String,
    pub age: u32,
}}

#[derive(serde::Serialize)]
pub struct Output{i} {{
    pub greeting: String,
    pub next_age: u32,
}}
"""

BODY = """async fn handler_{i}(input: Input{i}) -> Result<Output{i}, {error}> {{
    Ok(Output{i} {{
        greeting: format!("hello {{}} from {i}", input.name),
        next_age: input.age + 1,
    }})
}}
"""

# What `#[mini_api("api{i}")]` expands to (tcmpp-macros/src/expand.rs), written out.
EXPANDED = """const _: () = {{
    #[allow(clippy::needless_pass_by_value)]
    fn __tcmpp_handler_handler_{i}(
        __tcmpp_invocation: ::tcmpp_core::__private::Invocation<'_>,
    ) -> ::tcmpp_core::__private::Outcome {{
        let __tcmpp_reply_format = __tcmpp_invocation.reply_format();
        let __tcmpp_arg0 = match __tcmpp_invocation.data::<Input{i}>() {{
            ::core::result::Result::Ok(value) => value,
            ::core::result::Result::Err(refused) => return refused,
        }};
        let __tcmpp_future = ::tcmpp_core::__private::assert_send(handler_{i}(__tcmpp_arg0));
        ::tcmpp_core::__private::Outcome::pending(async move {{
            let __tcmpp_returned = __tcmpp_future.await;
            {{
                #[allow(unused_imports)]
                use ::tcmpp_core::__private::{{ResultKind as _, ValueKind as _}};
                (&__tcmpp_returned).__tcmpp_reply_kind().into_reply(__tcmpp_returned, __tcmpp_reply_format)
            }}
        }})
    }}

    ::tcmpp_core::__private::inventory::submit! {{
        ::tcmpp_core::__private::ApiEntry {{
            name: "api{i}",
            rust_path: ::core::concat!(::core::module_path!(), "::", "handler_{i}"),
            kind: ::tcmpp_core::HandlerKind::Async,
            file: ::core::file!(),
            line: ::core::line!(),
            column: ::core::column!(),
            handler: __tcmpp_handler_handler_{i},
            takes_data: true,
            required_states: &[],
        }}
    }}
}};
"""

MATCH_ARM = """        "api{i}" => {{
            let input: Input{i} = serde_json::from_value(data).map_err(|e| e.to_string())?;
            let output = handler_{i}(input).await?;
            serde_json::to_value(output).map_err(|e| e.to_string())
        }}
"""


def crate_source(variant):
    parts = ["//! Generated: 200 mini API handlers.\n#![allow(missing_docs, dead_code)]\n"]
    if variant != "hand_match":
        parts.append("use tcmpp_core::ApiError;\n")
    error = "String" if variant == "hand_match" else "ApiError"
    for i in range(HANDLERS):
        parts.append(TYPES.format(i=i))
        if variant == "annotated":
            parts.append(f'#[tcmpp_core::mini_api("api{i}")]\n')
        parts.append(BODY.format(i=i, error=error))
        if variant == "expanded":
            parts.append(EXPANDED.format(i=i))
    if variant == "hand_match":
        parts.append(
            "pub async fn dispatch(name: &str, data: serde_json::Value)"
            " -> Result<serde_json::Value, String> {\n    match name {\n"
        )
        parts.extend(MATCH_ARM.format(i=i) for i in range(HANDLERS))
        parts.append('        other => Err(format!("unknown API {other}")),\n    }\n}\n')
    return "".join(parts)


def manifest(variant):
    deps = [
        'serde = { version = "1", features = ["derive"] }',
        'serde_json = "1"',
    ]
    if variant != "hand_match":
        deps.append(f'tcmpp-core = {{ path = "{WORKSPACE}/tcmpp-core" }}')
    return (
        f'[package]\nname = "gen-{variant.replace("_", "-")}"\nversion = "0.0.0"\n'
        f'edition = "2024"\npublish = false\n\n[workspace]\n\n[dependencies]\n'
        + "\n".join(deps)
        + "\n"
    )


def build(crate_dir, target_dir):
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir, CARGO_INCREMENTAL="0")
    start = time.monotonic()
    subprocess.run(
        ["cargo", "build", "-q", "--offline"],
        cwd=crate_dir,
        env=env,
        check=True,
    )
    return time.monotonic() - start


def main():
    root = tempfile.mkdtemp(prefix="tcmpp-compile-time-")
    target_dir = os.path.join(root, "target")
    try:
        results = {}
        variants = ["annotated", "expanded", "hand_match"]
        for variant in variants:
            crate_dir = os.path.join(root, variant)
            os.makedirs(os.path.join(crate_dir, "src"))
            with open(os.path.join(crate_dir, "Cargo.toml"), "w") as f:
                f.write(manifest(variant))
            lockfile = os.path.join(WORKSPACE, "Cargo.lock")
            shutil.copy(lockfile, os.path.join(crate_dir, "Cargo.lock"))
            with open(os.path.join(crate_dir, "src", "lib.rs"), "w") as f:
                f.write(crate_source(variant))
            build(crate_dir, target_dir)  # dependencies, and a first build
        # Interleave the variants so that load from other processes spreads over all of them.
        for _ in range(RUNS):
            for variant in variants:
                lib = os.path.join(root, variant, "src", "lib.rs")
                os.utime(lib)
                results.setdefault(variant, []).append(build(os.path.join(root, variant), target_dir))
        base = statistics.median(results["hand_match"])
        print(f"| crate ({HANDLERS} handlers) | `cargo build` of the crate, median of {RUNS} | vs hand-written match |")
        print("|---|---|---|")
        for variant in variants:
            median = statistics.median(results[variant])
            print(f"| {variant} | {median:.2f} s | {median / base:.2f}x |")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
