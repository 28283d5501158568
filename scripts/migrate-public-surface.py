#!/usr/bin/env python3
"""Moves code written against tcmpp-core's old crate root to the new public surface (issue 21).

Usage: scripts/migrate-public-surface.py FILE_OR_DIR...   (then `cargo fmt --all`)

Rewrites, in .rs, .md and .py files (doc comments and code blocks included):
- `use tcmpp_core::{...};` trees: each moved name to its module, each renamed name to its new
  name, `middleware::{Layer, layer_fn}` to `tower_layer`;
- qualified paths `tcmpp_core::Name`, `#krate::Name` (tcmpp-macros' quotes), and `crate::Name`
  inside tcmpp-core/src;
- bare uses of a renamed name in a file that imported it (`Dispatch` -> `PendingCall`, ...);
- the renamed methods and variants (`Caller::from_call_text` -> `Caller::trust_call_text`,
  `HandlerKind::Sync` -> `HandlerKind::Plain`), and the four limit setters of `RegistryBuilder`
  to one `.limits(Limits::default().with_...)`.
The mapping is CHANGELOG.md's, "Unreleased" / "The public surface".
"""
import os
import re
import sys

# Old root name -> new path below the crate root. Names not listed stay at the root.
MOVED = {
    "Grant": "access::Grant",
    "DataParam": "bounds::DataParam",
    "ReplyValue": "bounds::ReplyValue",
    "StateValue": "bounds::StateValue",
    "DescribedType": "bounds::DescribedType",
    "ApiErrorSource": "bounds::ApiErrorSource",
    "IntoApiError": "bounds::IntoApiError",
    "CallContext": "context::CallContext",
    "FromContext": "context::FromContext",
    "StateKey": "context::StateKey",
    "Dispatch": "dispatch::PendingCall",
    "Input": "dispatch::CallInput",
    "ReplyFuture": "dispatch::ReplyFuture",
    "ReplyOutput": "dispatch::ReplyForm",
    "HandlerKind": "registry::HandlerKind",
    "ApiInfo": "registry::ApiInfo",
    "BuildProblem": "registry::BuildProblem",
    "DEFAULT_METHOD_KEY": "registry::DEFAULT_METHOD_KEY",
    "RegistryBuilder": "registry::RegistryBuilder",
    "SourceLocation": "registry::SourceLocation",
    "AnyPayload": "progress::AnyPayload",
    "Delivery": "progress::Delivery",
    "ProgressError": "progress::ProgressError",
    "ProgressEvent": "progress::ProgressEvent",
    "ProgressPayload": "progress::ProgressPayload",
    "ProgressSink": "progress::ProgressSink",
    "DEFAULT_TIMEOUT": "limits::DEFAULT_TIMEOUT",
    "DEFAULT_MAX_CALL_BYTES": "limits::DEFAULT_MAX_CALL_BYTES",
    "DEFAULT_MAX_CALL_KEYS": "limits::DEFAULT_MAX_CALL_KEYS",
    "DEFAULT_MAX_DEPTH": "limits::DEFAULT_MAX_DEPTH",
    "ErrMsgPrefix": "reply::ErrMsgPrefix",
    "Failure": "reply::Failure",
    "FailureKind": "reply::FailureKind",
    "Rendering": "reply::Rendering",
    "ReplyKind": "reply::ReplyKind",
    "Rendered": "reply::RenderedReply",
}
# Paths below a module that left the crate: tower-layer's own.
ELSEWHERE = {
    ("middleware", "Layer"): ("tower_layer", "Layer"),
    ("middleware", "layer_fn"): ("tower_layer", "layer_fn"),
}
RENAMED = {old: new.split("::")[-1] for old, new in MOVED.items() if new.split("::")[-1] != old}

TOKEN = re.compile(r"\s*(::|[{},*;]|[A-Za-z_][A-Za-z0-9_]*)")


def parse_tree(text):
    """A use tree's text (after `use `, before `;`) as a list of (segments, alias) leaves."""
    tokens = [t for t in TOKEN.findall(text)]
    pos = 0

    def tree(prefix):
        nonlocal pos
        leaves = []
        segs = list(prefix)
        while pos < len(tokens):
            tok = tokens[pos]
            if tok == "{":
                pos += 1
                while tokens[pos] != "}":
                    leaves += tree(segs)
                    if tokens[pos] == ",":
                        pos += 1
                pos += 1
                return leaves
            if tok == "::":
                pos += 1
                continue
            if tok in (",", "}"):
                break
            segs.append(tok)
            pos += 1
            if pos < len(tokens) and tokens[pos] == "as":
                leaves.append((segs, tokens[pos + 1]))
                pos += 2
                return leaves
        leaves.append((segs, None))
        return leaves

    return tree([])


def map_leaf(segs):
    """The new path of one imported path (crate name first)."""
    crate, rest = segs[0], segs[1:]
    if len(rest) >= 1 and rest[0] in MOVED:
        return [crate] + MOVED[rest[0]].split("::") + rest[1:]
    if len(rest) == 2 and tuple(rest) in ELSEWHERE:
        return list(ELSEWHERE[tuple(rest)])
    return segs


def render(leaves):
    """Use statements for the leaves: one per crate for the names at its root, one per module."""
    groups = {}
    for segs, alias in leaves:
        key = tuple(segs[:-1]) if len(segs) > 2 or segs[0] != "tcmpp_core" else (segs[0],)
        if segs[0] == "tcmpp_core" and len(segs) > 2:
            key = tuple(segs[:2])
        groups.setdefault(key, []).append((segs[len(key):], alias))
    out = []
    for key, items in groups.items():
        names = []
        for rest, alias in items:
            name = "::".join(rest) + (f" as {alias}" if alias else "")
            if name not in names:
                names.append(name)
        names.sort(key=lambda s: (s != "self", s.lower()))
        inner = names[0] if len(names) == 1 and "::" not in names[0] else "{" + ", ".join(names) + "}"
        if not names[0]:
            out.append("::".join(key))
        else:
            out.append("::".join(key) + "::" + inner)
    return out


USE = re.compile(
    r"(?P<indent>^[ \t]*(?:(?://[/!]|#)[ \t]?)?)(?P<vis>pub(?:\([a-z]+\))? )?use (?P<tree>(?:::)?tcmpp_core::[^;]*);",
    re.M | re.S,
)


def rewrite_uses(text):
    imported_renames = set()

    def one(m):
        indent, vis, tree_text = m.group("indent"), m.group("vis") or "", m.group("tree")
        # Strip doc-comment markers of continuation lines.
        marker = indent.strip()
        clean = tree_text
        if marker:
            clean = re.sub(r"\n[ \t]*" + re.escape(marker) + r"[ \t]?", "\n", tree_text)
        leading = "::" if clean.startswith("::") else ""
        leaves = parse_tree(clean.lstrip(":"))
        new_leaves = []
        for segs, alias in leaves:
            if len(segs) == 2 and segs[1] in RENAMED and alias is None:
                imported_renames.add(segs[1])
            new_leaves.append((map_leaf(segs), alias))
        if new_leaves == leaves:
            return m.group(0)
        stmts = [f"{indent}{vis}use {leading if t.startswith('tcmpp_core') else ''}{t};" for t in render(new_leaves)]
        return "\n".join(stmts)

    text = USE.sub(one, text)
    return text, imported_renames


def rewrite(path, text):
    text, imported = rewrite_uses(text)
    in_core = "tcmpp-core/src" in path.replace(os.sep, "/")
    # `#krate` is the runtime crate's path in tcmpp-macros' `quote!`s.
    roots = ["tcmpp_core", "#krate"] + (["crate"] if in_core else [])
    for root in roots:
        for old, new in MOVED.items():
            text = re.sub(rf"(?<![\w$]){root}::{old}\b", f"{root}::{new}", text)
        text = re.sub(rf"\b{root}::middleware::(Layer|layer_fn)\b", r"tower_layer::\1", text)
    for old in imported:
        new = RENAMED[old]
        text = re.sub(rf"(?<![\w:])(?<!HandlerReply::){old}\b", new, text)
    # Paths already moved may end in an old name: rename the last segment.
    for old, new in RENAMED.items():
        mod = MOVED[old].split("::")[0]
        text = re.sub(rf"\b{mod}::{old}\b", f"{mod}::{new}", text)
    text = re.sub(r"\bCaller::from_call_text\b", "Caller::trust_call_text", text)
    text = re.sub(r"\bis_from_call_text\b", "trusts_call_text", text)
    text = re.sub(r"\bHandlerKind::Sync\b", "HandlerKind::Plain", text)
    limits = "crate::limits::Limits" if in_core else "tcmpp_core::limits::Limits"
    for setter, new in [("max_call_bytes", "with_max_call_bytes"), ("max_depth", "with_max_depth"),
                        ("max_call_keys", "with_max_call_keys"), ("default_timeout", "with_timeout")]:
        text = re.sub(rf"\.{setter}\((?!\))", f".limits({limits}::default().{new}(", text)
        # Close the extra parenthesis: the argument is balanced up to the setter's own `)`.
        out, i = [], 0
        key = f".limits({limits}::default().{new}("
        while True:
            j = text.find(key, i)
            if j < 0:
                out.append(text[i:])
                break
            k, depth = j + len(key), 1
            while depth:
                depth += {"(": 1, ")": -1}.get(text[k], 0)
                k += 1
            out.append(text[i:k] + ")")
            i = k
        text = "".join(out)
    # Consecutive setters become one `Limits`.
    chain = re.compile(rf"\.limits\({re.escape(limits)}::default\(\)((?:\.with_\w+\([^;]*?\))+)\)(\s*)\.limits\({re.escape(limits)}::default\(\)")
    while chain.search(text):
        text = chain.sub(rf".limits({limits}::default()\1", text)
    return text


def main(paths):
    for root in paths:
        files = [root] if os.path.isfile(root) else [
            os.path.join(d, f) for d, dirs, fs in os.walk(root)
            if "/target" not in d and "/.git" not in d for f in fs
        ]
        for f in files:
            if not f.endswith((".rs", ".md", ".py")) or f.endswith("CHANGELOG.md"):
                continue
            if "migrate-public-surface" in f:
                continue
            text = open(f, encoding="utf-8").read()
            new = rewrite(f, text)
            if new != text:
                open(f, "w", encoding="utf-8").write(new)
                print(f)


if __name__ == "__main__":
    main(sys.argv[1:] or ["."])
