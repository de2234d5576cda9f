"""The part of ``hive`` that runs inside a Python with hivex's binding (Debian's ``python3-hivex``).

``hive`` starts it as a program, ``python3 hivex_worker.py``, with one request
as JSON on stdin, and reads one answer as JSON on stdout: the values of a
hive, or an edited copy written to a file.  It needs nothing but the standard
library and ``hivex``, so any interpreter that has the binding can run it
from where it lies, whatever Python the tool itself runs under.  Byte strings
travel as base64.
"""
from __future__ import annotations

import base64
import json
import sys
from typing import Any
from typing import Iterator
from typing import Optional

import hivex

Request = dict[str, Any]


def read(request: Request) -> dict:
    """Every value at or below the keys of ``under`` (every key when empty), keys depth first."""
    h = hivex.Hivex(request["hive"])
    values = []
    for path, node in _walk(h, request["under"]):
        for value in h.node_values(node):
            kind, data = h.value_value(value)
            values.append([path, h.value_key(value), kind, _text(data)])
    return {"values": values}


def edit(request: Request) -> dict:
    """The hive with each edit made, written to ``out``: a value set (replaced where it stands, or
    added after the others) or deleted (nothing when it is not there).  A key must exist."""
    h = hivex.Hivex(request["hive"], write=True)
    by_key: dict[str, list[dict]] = {}
    for change in request["edits"]:
        by_key.setdefault(change["key"], []).append(change)
    for path, changes in by_key.items():
        found = _find(h, path)
        if found is None:
            return {"error": f"no key {path}"}
        node = found[1]
        values = [{"key": h.value_key(v), "t": h.value_type(v)[0], "value": h.value_value(v)[1]}
                  for v in h.node_values(node)]
        for change in changes:
            values = _changed(values, change)
        h.node_set_values(node, values)
    h.commit(request["out"])
    return {}


def _changed(values: list[dict], change: dict) -> list[dict]:
    name = change["name"].lower()
    kept = [value for value in values if value["key"].lower() != name]
    if change["data"] is None:
        return kept
    new = {"key": change["name"], "t": change["type"], "value": base64.b64decode(change["data"])}
    at = next((i for i, value in enumerate(values) if value["key"].lower() == name), len(values))
    return kept[:at] + [new] + kept[at:]


def _walk(h: hivex.Hivex, under: list[str]) -> Iterator[tuple[str, int]]:
    """Each key with its path as the hive spells it, from the root or from each key of ``under``."""
    starts = [_find(h, path) for path in under] if under else [("", h.root())]
    stack = [found for found in reversed(starts) if found is not None]
    while stack:
        path, node = stack.pop()
        yield path, node
        children = [(f"{path}\\{h.node_name(child)}" if path else h.node_name(child), child)
                    for child in h.node_children(node)]
        stack.extend(reversed(children))


def _find(h: hivex.Hivex, path: str) -> Optional[tuple[str, int]]:
    """The key at ``path`` (names compared without case, as hivex does) with its own spelling, or ``None``."""
    node, names = h.root(), []
    for name in filter(None, path.split("\\")):
        node = h.node_get_child(node, name)
        if node is None:
            return None
        names.append(h.node_name(node))
    return "\\".join(names), node


def _text(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def main() -> None:
    request = json.load(sys.stdin)
    try:
        answer = {"read": read, "edit": edit}[request["op"]](request)
    except RuntimeError as error:  # what the binding raises, with the C library's errno text
        answer = {"error": f"hivex cannot use this hive: {error}"}
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
