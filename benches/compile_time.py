#!/usr/bin/env python3
"""What `#[mini_api]` costs at compile time: builds three generated crates of 200 handlers each
and times `cargo build` of the crate itself (its dependencies built beforehand).

- annotated:    every handler carries `#[mini_api("…")]`.
- expanded:     the same handlers, registered by hand with the code the attribute generates
                (through `tcmpp_core::__private`): the same runtime code without the proc macro.
- hand_match:   the same handlers behind a hand-written `match` on the name that converts with
                `serde_json::from_value` / `to_value`; no tcmpp-core at all.

Usage (from the workspace root): python3 benches/compile_time.py [handlers] [runs]
       python3 benches/compile_time.py --check   (build each variant once, time nothing)
       python3 benches/compile_time.py --baseline=DIR [handlers] [runs]
           adds `annotated (baseline)`: the annotated crate built against DIR's tcmpp-core (an
           earlier commit, e.g. `git archive <commit> | tar -x -C DIR`), timed in the same run.
Builds in a temporary directory; prints a Markdown table.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WORKSPACE = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
# `--check`: build each variant once with a few handlers and time nothing; .ci/run runs it so
# that a variant that no longer builds (the hand expansion rots as the macro changes) fails CI.
CHECK = "--check" in sys.argv[1:]
BASELINE = next(
    (os.path.abspath(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--baseline=")),
    None,
)
_ARGS = [a for a in sys.argv[1:] if a != "--check" and not a.startswith("--baseline=")]
HANDLERS = int(_ARGS[0]) if _ARGS else (3 if CHECK else 200)
RUNS = int(_ARGS[1]) if len(_ARGS) > 1 else 3

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

# What `#[mini_api("api{i}")]` expands to (tcmpp-macros/src/expand.rs), written out. When the
# expansion changes, `--check` (run by .ci/run) fails to build this variant: update it from
# `RUSTC_BOOTSTRAP=1 cargo rustc --lib -- -Zunpretty=expanded` of a crate with one handler.
EXPANDED = """#[doc(hidden)]
const _: () = {{
    #[allow(non_local_definitions)]
    #[doc(hidden)]
    #[macro_export]
    macro_rules! mini_api_named_api{i} {{ () => {{}}; }}
    #[allow(dead_code)]
    fn data_parameter<T: ::tcmpp_core::bounds::DataParam>(
        invocation: &mut ::tcmpp_core::__private::Invocation<'_>,
    ) -> ::core::result::Result<T, ::tcmpp_core::__private::Outcome> {{
        invocation.data::<T>()
    }}
    #[allow(dead_code)]
    const fn context_parameter<T: ::tcmpp_core::context::FromContext>() -> ::tcmpp_core::__private::ContextParam<T> {{
        ::tcmpp_core::__private::ContextParam::<T>::of()
    }}
    #[allow(dead_code)]
    const fn state_parameter<T: ::tcmpp_core::bounds::StateValue>(
    ) -> ::tcmpp_core::__private::ContextParam<::tcmpp_core::State<T>> {{
        ::tcmpp_core::__private::ContextParam::<::tcmpp_core::State<T>>::of()
    }}
    #[allow(dead_code)]
    const fn optional_state_parameter<T: ::tcmpp_core::bounds::StateValue>(
    ) -> ::tcmpp_core::__private::ContextParam<::core::option::Option<::tcmpp_core::State<T>>> {{
        ::tcmpp_core::__private::ContextParam::<::core::option::Option<::tcmpp_core::State<T>>>::of()
    }}
    #[allow(dead_code)]
    fn reply_value<T: ::tcmpp_core::bounds::ReplyValue>(
        value: T,
        format: ::tcmpp_core::__private::ReplyFormat,
    ) -> ::tcmpp_core::__private::HandlerReply {{
        ::tcmpp_core::__private::success(&value, format)
    }}
    #[allow(dead_code)]
    fn reply_error<E: ::tcmpp_core::bounds::IntoApiError>(error: E) -> ::tcmpp_core::__private::HandlerReply {{
        ::tcmpp_core::__private::failure(error)
    }}
    #[allow(dead_code)]
    fn handler_future_must_be_send<F: ::core::future::Future + ::core::marker::Send>(future: F) -> F {{
        future
    }}
    #[allow(unused_mut, unused_variables, clippy::needless_pass_by_value)]
    fn __tcmpp_handler_handler_{i}(
        mut __tcmpp_invocation: ::tcmpp_core::__private::Invocation<'_>,
    ) -> ::tcmpp_core::__private::Outcome {{
        let __tcmpp_arg0 = match data_parameter::<Input{i}>(&mut __tcmpp_invocation) {{
            ::core::result::Result::Ok(value) => value,
            ::core::result::Result::Err(refused) => return refused,
        }};
        let __tcmpp_reply_format = __tcmpp_invocation.reply_format();
        let __tcmpp_future = handler_future_must_be_send(handler_{i}(__tcmpp_arg0));
        ::tcmpp_core::__private::Outcome::pending(async move {{
            let __tcmpp_returned = __tcmpp_future.await;
            {{
                #[allow(unused_imports)]
                use ::tcmpp_core::__private::{{ResultKind as _, ValueKind as _}};
                match (&__tcmpp_returned).__tcmpp_reply_kind().split(__tcmpp_returned) {{
                    ::core::result::Result::Ok(value) => reply_value::<Output{i}>(value, __tcmpp_reply_format),
                    ::core::result::Result::Err(error) => reply_error::<ApiError>(error),
                }}
            }}
        }})
    }}
    #[allow(dead_code)]
    fn described_to_the_mini_program<T: ::tcmpp_core::bounds::DescribedType>(
        _: &::tcmpp_core::__private::TypeProbe<T>,
    ) {{}}
    #[allow(dead_code, unused_variables)]
    fn __tcmpp_describe(__tcmpp_types: &mut ::tcmpp_core::__private::Describer<'_>) {{
        #[allow(unused_imports)]
        use ::tcmpp_core::__private::{{
            DescribeData as _, DescribeFailBody as _, DescribeProgress as _, DescribeResult as _,
            KnownError as _, MessageError as _, ResultKind as _, Undescribed as _, ValueKind as _,
        }};
        let __tcmpp_data = ::tcmpp_core::__private::TypeProbe::<Input{i}>::new();
        described_to_the_mini_program(&__tcmpp_data);
        (&__tcmpp_data).__tcmpp_data(__tcmpp_types);
        let __tcmpp_returned = ::tcmpp_core::__private::ReturnProbe::of_future(|| {{
            handler_{i}(::tcmpp_core::__private::absent())
        }});
        let (__tcmpp_success, __tcmpp_error) =
            (&__tcmpp_returned).__tcmpp_reply_kind().probes(__tcmpp_returned);
        described_to_the_mini_program(&__tcmpp_success);
        (&__tcmpp_success).__tcmpp_result(__tcmpp_types);
        (&__tcmpp_error).__tcmpp_error(__tcmpp_types);
    }}

    ::tcmpp_core::__private::inventory::submit! {{
        ::tcmpp_core::__private::ApiEntry {{
            name: "api{i}",
            rust_path: ::core::concat!(::core::module_path!(), "::", "handler_{i}"),
            kind: ::tcmpp_core::registry::HandlerKind::Async,
            file: ::core::file!(),
            line: ::core::line!(),
            column: ::core::column!(),
            handler: __tcmpp_handler_handler_{i},
            takes_data: true,
            timeout_ms: ::core::option::Option::None,
            restricted: false,
            method: ::core::option::Option::None,
            method_key: ::core::option::Option::None,
            overrides_builtin: false,
            named_like_builtin: ::tcmpp_core::__private::is_builtin_wx_api("api{i}"),
            required_states: &[],
            describe: ::tcmpp_core::__private::DescribeFn::new(__tcmpp_describe),
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
    variant = variant.removesuffix("_baseline")
    parts = [f"//! Generated: {HANDLERS} mini API handlers.\n#![allow(missing_docs, dead_code)]\n"]
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
    if variant == "annotated_baseline":
        deps.append(f'tcmpp-core = {{ path = "{BASELINE}/tcmpp-core" }}')
    elif variant != "hand_match":
        deps.append(f'tcmpp-core = {{ path = "{WORKSPACE}/tcmpp-core" }}')
    return (
        f'[package]\nname = "gen-{variant.replace("_", "-")}"\nversion = "0.0.0"\n'
        f'edition = "2024"\npublish = false\n\n[workspace]\n\n[dependencies]\n'
        + "\n".join(deps)
        + "\n"
    )


def build(crate_dir, target_dir):
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir, CARGO_INCREMENTAL="0")
    # Wall time, and the CPU time of cargo and rustc (user + system, all threads): on a machine
    # that others load, wall time moves with their work and CPU time much less.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(
        ["cargo", "build", "-q", "--offline"],
        cwd=crate_dir,
        env=env,
        check=True,
    )
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    root = tempfile.mkdtemp(prefix="tcmpp-compile-time-")
    target_dir = os.path.join(root, "target")
    try:
        results = {}
        variants = ["annotated", "expanded", "hand_match"]
        if BASELINE:
            variants.insert(0, "annotated_baseline")
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
        if CHECK:
            print(f"compile_time.py --check: {len(variants)} variants of {HANDLERS} handlers built")
            return
        # Interleave the variants so that load from other processes spreads over all of them.
        for _ in range(RUNS):
            for variant in variants:
                lib = os.path.join(root, variant, "src", "lib.rs")
                os.utime(lib)
                results.setdefault(variant, []).append(build(os.path.join(root, variant), target_dir))
        def median(variant, which):
            return statistics.median(run[which] for run in results[variant])

        base_wall, base_cpu = median("hand_match", 0), median("hand_match", 1)
        print(
            f"| crate ({HANDLERS} handlers) | wall time, median of {RUNS} | vs hand-written match"
            " | CPU time (user + system) | vs hand-written match |"
        )
        print("|---|---|---|---|---|")
        for variant in variants:
            wall, cpu = median(variant, 0), median(variant, 1)
            print(
                f"| {variant} | {wall:.2f} s | {wall / base_wall:.2f}x"
                f" | {cpu:.2f} s | {cpu / base_cpu:.2f}x |"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
