"""Values written as Mail writes XML property lists: one element a line, tabs, keys before their values.

Used for what is new in an XML file (an added key, an appended account) and
for the XML view of a binary file, which is what its diff shows.
"""
from __future__ import annotations

import base64
import datetime
import plistlib
import re
from typing import Optional

from parsers.applemail.values import Path

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"'
          ' "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n')
#: What XML text cannot hold as it is: its three markup characters, CR (which a reader turns into LF) and controls.
_ESCAPED = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escaped(text: str) -> str:
    return _ESCAPED.sub(lambda found: _NAMED.get(found.group(), f"&#{ord(found.group())};"), text)


def tag(value: object) -> str:
    """The element name of a value that is not a container."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return {str: "string", int: "integer", float: "real", bytes: "data", datetime.datetime: "date"}[type(value)]


def text(value: object) -> str:
    """The text of a value that is not a container (nothing for a flag: ``<true/>``)."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float):
        return repr(value)
    return "" if isinstance(value, bool) else escaped(str(value))


def scalar(value: object) -> str:
    """A value that is not a container, as one element."""
    name = tag(value)
    return f"<{name}/>" if isinstance(value, bool) else f"<{name}>{text(value)}</{name}>"


def lines(value: object, unit: str = "\t", path: Path = (), where: Optional[dict[Path, int]] = None,
          depth: int = 0, out: Optional[list[str]] = None) -> list[str]:
    """``value``'s element as lines, nested ones indented by ``unit`` each; ``where`` gets each container's line."""
    out = [] if out is None else out
    pad = unit * depth
    if isinstance(value, plistlib.UID):  # only a binary file holds one; shown as its XML form would be
        value = {"CF$UID": value.data}
    if not isinstance(value, (dict, list)):
        out.append(pad + scalar(value))
        return out
    name = "dict" if isinstance(value, dict) else "array"
    if where is not None:
        where[path] = len(out) + 1
    if not value:
        out.append(f"{pad}<{name}/>")
        return out
    out.append(f"{pad}<{name}>")
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(key, str):
            out.append(f"{pad}{unit}<key>{escaped(key)}</key>")
        lines(item, unit, path + (key,), where, depth + 1, out)
    out.append(f"{pad}</{name}>")
    return out


def document(value: object) -> tuple[str, dict[Path, int]]:
    """A whole property list, and the line of each container in it."""
    where: dict[Path, int] = {}
    body = lines(value, where=where)
    top = HEADER.count("\n")
    return HEADER + "\n".join(body) + "\n</plist>\n", {path: line + top for path, line in where.items()}
