#!/usr/bin/env python3
"""The size budget of issue 23: builds the six-handler cdylib (benches/size/six-handlers) and its
hand-written baseline (benches/size/hand-written) with the mobile profile (LTO, opt-level "z",
one codegen unit, stripped), and fails when tcmpp's library is more than BUDGET times the
hand-written one. benches/check.sh runs it, so .ci/run fails when the bridge grows past it.

Usage (from anywhere): python3 benches/size/budget.py [--all]
    --all   also build and report the default release profile, and both profiles of tcmpp's
            library without exact float parsing (tcmpp-core's `exact-floats` off, as a host may
            choose), and the hand-written one with exact float parsing as tcmpp reads floats by
            default: not budgeted, four times the time.
Builds into target/size of the workspace. docs/PERFORMANCE.md says how the budget was set.
"""

import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "..", "..", "target", "size")

# The mobile profile's budget: the ratio measured when it was last lowered (1.350 on 2026-12-05,
# rustc 1.95, after branches `size11` to `size14`; 1.370, 1.380, 1.390, 1.412, 1.466, 1.521,
# 1.580 and 1.616 before; 1.689 when it was set) plus a margin of 1.3 %, so that growth fails CI
# while the drift of a new toolchain or of the dependencies' latest versions (neither crate has
# a lock file) does not. It measures tcmpp's default features (exact floats on) against the
# issue's baseline (inexact floats). It is not issue 23's target, 1.3, which is not met against
# that baseline (against the hand-written library with exact floats it is: 1.294, `--all`
# prints it); docs/PERFORMANCE.md, "Size", says so.
BUDGET = 1.37

CRATES = {"tcmpp": "six-handlers", "hand-written": "hand-written"}
LIBRARIES = {"tcmpp": "libtcmpp_size_six.so", "hand-written": "libtcmpp_size_hand_written.so"}


def build(crate, profile, args=()):
    subprocess.run(
        ["cargo", "build", "-q", "--profile", profile, "--target-dir", TARGET, *args],
        cwd=os.path.join(HERE, CRATES[crate]),
        check=True,
    )
    directory = "release" if profile == "release" else profile
    return os.path.getsize(os.path.join(TARGET, directory, LIBRARIES[crate]))


def main():
    if not sys.platform.startswith("linux"):
        print("benches/size/budget.py: skipped, the library names are Linux's (.so)")
        return 0
    profiles = ["release", "release-default"] if "--all" in sys.argv[1:] else ["release"]
    failed = False
    for profile in profiles:
        start = time.monotonic()
        # Built first, so that the libraries left in TARGET are the budgeted ones.
        inexact = exact_baseline = None
        if "--all" in sys.argv[1:]:
            inexact = build("tcmpp", profile, ["--no-default-features"])
            exact_baseline = build("hand-written", profile, ["--features", "exact-floats"])
        sizes = {crate: build(crate, profile) for crate in CRATES}
        ratio = sizes["tcmpp"] / sizes["hand-written"]
        name = "mobile" if profile == "release" else "default release"
        print(
            f"{name}: tcmpp {sizes['tcmpp']:,} bytes, hand-written {sizes['hand-written']:,}"
            f" bytes, ratio {ratio:.3f} ({time.monotonic() - start:.0f} s to build)"
        )
        if profile == "release" and ratio > BUDGET:
            print(
                f"the six-handler cdylib is {ratio:.3f}x the hand-written one, over the budget of"
                f" {BUDGET}x: find what grew (docs/PERFORMANCE.md, \"Size\", says how) and cut it,"
                " or raise BUDGET in benches/size/budget.py and say why in docs/PERFORMANCE.md",
                file=sys.stderr,
            )
            failed = True
        if inexact is not None:
            print(
                f"{name}, without exact floats: tcmpp {inexact:,} bytes,"
                f" ratio {inexact / sizes['hand-written']:.3f}"
            )
            print(
                f"{name}, hand-written with exact floats: {exact_baseline:,} bytes,"
                f" tcmpp's ratio to it {sizes['tcmpp'] / exact_baseline:.3f}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
