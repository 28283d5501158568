#!/usr/bin/env python3
"""Turns criterion's estimates from `cargo bench -p tcmpp-bench` into the ratio tables of
docs/PERFORMANCE.md.

Usage: python3 benches/report.py [target/criterion]

Ratios compare medians taken in the same `cargo bench` run; absolute times are printed beside
them only to show the scale.
"""

import json
import os
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "criterion")


def load():
    """Median time in ns of every benchmark, keyed by (group, function, value)."""
    medians = {}
    for directory, _, files in os.walk(ROOT):
        if os.path.basename(directory) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(directory, "benchmark.json")) as f:
            meta = json.load(f)
        with open(os.path.join(directory, "estimates.json")) as f:
            estimates = json.load(f)
        key = (meta["group_id"], meta["function_id"], meta["value_str"])
        medians[key] = estimates["median"]["point_estimate"]
    return medians


def fmt_time(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def ratio(a, b):
    return None if a is None or b is None else a / b


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.2f}x"


def main():
    m = load()
    get = lambda g, f, v: m.get((g, f, v))

    print("| # | measurement | tcmpp | reference | ratio | target | met |")
    print("|---|---|---|---|---|---|---|")
    floor, envelope = get("json", "serde_floor", "seed"), get("json", "envelope_read", "seed")
    floor_and_envelope = None if floor is None or envelope is None else floor + envelope
    rows = [
        ("1", "typed dispatch, seed call", get("typed", "tcmpp", "seed"),
         "hand-written", get("typed", "hand_written", "seed"), 1.10),
        ("1'", "typed dispatch, seed call", get("typed", "tcmpp", "seed"),
         "hand-written, futures boxed", get("typed", "hand_written_boxed", "seed"), None),
        ("1", "typed dispatch, seed call, plain `fn` handler", get("typed", "tcmpp_sync_fn", "seed"),
         "hand-written", get("typed", "hand_written", "seed"), 1.10),
        ("1", "typed dispatch, 10 KB", get("payload", "tcmpp_typed", "10KB"),
         "hand-written", get("payload", "hand_written", "10KB"), 1.10),
        ("2", "JSON entry, seed call", get("json", "tcmpp", "seed"),
         "serde floor", get("json", "serde_floor", "seed"), 1.25),
        ("2", "JSON entry, seed call, plain `fn` handler", get("json", "tcmpp_sync_fn", "seed"),
         "serde floor", get("json", "serde_floor", "seed"), 1.25),
        ("2", "JSON entry, 10 KB", get("payload", "tcmpp_json", "10KB"),
         "serde floor", get("payload", "serde_floor", "10KB"), 1.25),
        ("2'", "JSON entry, seed call", get("json", "tcmpp", "seed"),
         "serde floor + envelope read", floor_and_envelope, None),
        ("2'", "JSON entry, seed call", get("json", "tcmpp", "seed"),
         "typed-envelope floor", get("json", "envelope_floor", "seed"), None),
        ("2'", "JSON entry, 10 KB", get("payload", "tcmpp_json", "10KB"),
         "typed-envelope floor", get("payload", "envelope_floor", "10KB"), None),
        ("3", "JSON entry, seed call", get("json", "tcmpp", "seed"),
         "jsonrpsee", get("json", "jsonrpsee", "seed"), 1.0),
        ("3", "JSON entry, 10 KB", get("payload", "tcmpp_json", "10KB"),
         "jsonrpsee", get("payload", "jsonrpsee", "10KB"), 1.0),
        ("4", "JSON dispatch of `ping`, 10,000 handlers", get("lookup", "dispatch_json", "10000"),
         "1 handler", get("lookup", "dispatch_json", "1"), 1.20),
        ("4", "JSON dispatch of `ping`, 100 handlers", get("lookup", "dispatch_json", "100"),
         "1 handler", get("lookup", "dispatch_json", "1"), 1.20),
        ("4", "typed dispatch of `ping`, 10,000 handlers", get("lookup", "dispatch", "10000"),
         "1 handler", get("lookup", "dispatch", "1"), 1.20),
    ]
    for number, what, ours, ref_name, ref, target in rows:
        r = ratio(ours, ref)
        if target is None:
            target_text, met = "(context)", ""
        elif target == 1.0:
            target_text, met = "< 1.00x", "yes" if r is not None and r < 1.0 else "**no**"
        else:
            target_text = f"≤ {target:.2f}x"
            met = "yes" if r is not None and r <= target else "**no**"
        print(f"| {number} | {what} | {fmt_time(ours)} | {ref_name} {fmt_time(ref)} | "
              f"{fmt_ratio(r)} | {target_text} | {met} |")
    build = get("build", None, "10000")
    met = "yes" if build is not None and build < 5e6 else "**no**"
    print(f"| 5 | build the registry, 10,000 handlers | {fmt_time(build)} | | | < 5 ms | {met} |")

    print()
    print("Registry size (measurements 4 and 5):")
    print()
    print("| handlers | dispatch_json `ping` | typed dispatch `ping` | `Registry::get` | build |")
    print("|---|---|---|---|---|")
    for size in ("1", "100", "10000"):
        b = get("build", None, size)
        print(f"| {size} | {fmt_time(get('lookup', 'dispatch_json', size))} | "
              f"{fmt_time(get('lookup', 'dispatch', size))} | "
              f"{fmt_time(get('lookup', 'get', size))} | {fmt_time(b)} |")

    print()
    print("Payload sizes (measurement 6); ratios against the serde floor (JSON) and the "
          "hand-written dispatcher (typed):")
    print()
    print("| data | JSON entry | serde floor | JSON / floor | JSON / typed-envelope floor | "
          "JSON / jsonrpsee | typed / hand-written | JSON entry per KB | serde's pass to find "
          "the end of data, / floor |")
    print("|---|---|---|---|---|---|---|---|---|")
    sizes = [("100B", 100), ("1KB", 1e3), ("10KB", 1e4), ("100KB", 1e5), ("1MB", 1e6)]
    for label, nominal in sizes:
        ours = get("payload", "tcmpp_json", label)
        floor = get("payload", "serde_floor", label)
        per_kb = None if ours is None else ours / (nominal / 1e3)
        print(f"| {label} | {fmt_time(ours)} | {fmt_time(floor)} | "
              f"{fmt_ratio(ratio(ours, floor))} | "
              f"{fmt_ratio(ratio(ours, get('payload', 'envelope_floor', label)))} | "
              f"{fmt_ratio(ratio(ours, get('payload', 'jsonrpsee', label)))} | "
              f"{fmt_ratio(ratio(get('payload', 'tcmpp_typed', label), get('payload', 'hand_written', label)))} | "
              f"{fmt_time(per_kb)} | "
              f"{fmt_ratio(ratio(get('payload', 'skip_data', label), floor))} |")

    print()
    print("Concurrent dispatch of the seed call (measurement 7):")
    print()
    cores = os.cpu_count() or 1
    print("| runtime | tcmpp calls/s | tcmpp calls/s per core | serde floor calls/s per core "
          "(same tasks) | tcmpp / floor |")
    print("|---|---|---|---|---|")
    for name, label, threads in [
        ("multi_thread", f"tokio multi-thread, {cores} workers", cores),
        ("current_thread", "tokio current-thread, 1 thread", 1),
    ]:
        ours = get("concurrent", f"tcmpp_{name}", str(threads))
        floor = get("concurrent", f"serde_floor_{name}", str(threads))
        if ours is None:
            continue
        floor_text = "n/a" if floor is None else f"{1e9 / floor / threads:,.0f}"
        print(f"| {label} | {1e9 / ours:,.0f} | {1e9 / ours / threads:,.0f} | {floor_text} | "
              f"{fmt_ratio(ratio(ours, floor))} |")


if __name__ == "__main__":
    main()
