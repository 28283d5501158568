#!/usr/bin/env bash
# Runs every measurement command of docs/PERFORMANCE.md once, as briefly as it can run, so that a
# command that no longer builds or runs fails CI instead of the next person who measures.
# Nothing here measures: criterion benches run in `--test` mode (each benchmark once), the
# callgrind programs run each contender for one call, compile_time.py builds each variant once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "-- criterion benches, each benchmark once"
cargo bench -p tcmpp-bench --bench dispatch --bench refused \
    --bench registry_1 --bench registry_100 --bench registry_10000 -- --test

# The callgrind programs list their contenders when run without arguments.
for program in instructions layers; do
    contenders=$(cargo bench -q -p tcmpp-bench --bench "$program" 2>&1 | awk '/^  [a-z_]+ /{print $1}')
    if [ -z "$contenders" ]; then
        echo "benches/$program.rs listed no contenders" >&2
        exit 1
    fi
    for contender in $contenders; do
        echo "-- $program $contender"
        cargo bench -q -p tcmpp-bench --bench "$program" -- "$contender" 1
    done
done

# `cargo bench -p tcmpp-tests --bench android_jvm` is not run here: it needs kotlinc, and
# `cargo clippy --workspace --all-targets` in .ci/run already type-checks its source.

echo "-- benches/c/seed_calls.c (issue 23): the seed call through the C ABI, each contender once"
cargo build -q --release -p tcmpp-android-host
cc -O2 -Wall -Werror -I tcmpp-ffi/include benches/c/seed_calls.c -L target/release \
    -ltcmpp_android_host -Wl,-rpath,"$PWD/target/release" -o target/release/seed_calls
for contender in json handle; do
    target/release/seed_calls "$contender" 1
done

echo "-- benches/size (issue 23): the six-handler cdylib within its size budget of the hand-written one"
python3 benches/size/budget.py

echo "-- compile_time.py builds each of its variants"
python3 benches/compile_time.py --check
