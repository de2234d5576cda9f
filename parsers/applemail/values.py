"""Property-list values as Mail reads them, and the edits made to them.

Mail reads a flag with Foundation's ``boolValue`` and a number with
``intValue``, whichever type the value has: ``"YES"`` and ``<true/>`` are the
same to it, so are ``"993"`` and ``<integer>993</integer>``.  A value written
back keeps the type the key already has (``like``).

An edit names a place by its path from the root (``("MailAccounts", 2)`` is
the third account): ``Put`` sets a key of a dictionary (added where absent:
in key order when the dictionary's keys are sorted, as Mail writes them, else
last), ``Append`` adds an item to an array.  ``edited`` makes them on a loaded
value; the XML document makes the same edits in its text.
"""
from __future__ import annotations

import bisect
import datetime
import math
import re
from typing import NamedTuple
from typing import Union

Path = tuple[Union[str, int], ...]
_LEADING_INTEGER = re.compile(r"[ \t\n\r\f\v]*([-+]?[0-9]+)")
_FLAG = re.compile(r"[ \t\n\r\f\v]*(?:[-+]?0*)([YyTt1-9])")


class Put(NamedTuple):
    """Set ``key`` of the dictionary at ``path`` to ``value``."""

    path: Path
    key: str
    value: object


class Append(NamedTuple):
    """Add ``value`` at the end of the array at ``path``."""

    path: Path
    value: object


Op = Union[Put, Append]


def is_yes(value: object) -> bool:
    """``boolValue``: a string is true when it starts (after blanks, a sign and zeros) with Y, T or a digit 1-9."""
    if isinstance(value, str):
        return _FLAG.match(value) is not None
    return isinstance(value, (bool, int, float)) and bool(value)


def int_value(value: object) -> int:
    """``intValue``: a string's leading integer (0 without one), a number as it is."""
    if isinstance(value, str):
        found = _LEADING_INTEGER.match(value)
        return int(found.group(1)) if found else 0
    return int(value) if isinstance(value, (bool, int)) or (isinstance(value, float) and math.isfinite(value)) else 0


def like(old: object, new: Union[bool, int], string: bool = True) -> object:
    """``new`` in the type ``old`` has: ``"YES"``/``"993"`` in a string, else the flag or number itself.

    ``string`` decides for a key that is not there yet.
    """
    if isinstance(old, str) or (old is None and string):
        return ("YES" if new else "NO") if isinstance(new, bool) else str(new)
    for kind in (bool, int, float):  # bool first: it is an int too
        if isinstance(old, kind):
            return kind(new)
    return new


def at(root: object, path: Path) -> object:
    for step in path:
        root = root[step]  # type: ignore[index]
    return root


def insert_position(keys: list[str], key: str) -> int:
    """Where a new key goes: its place when the keys are sorted (Mail writes them so), else the end."""
    return bisect.bisect(keys, key) if keys == sorted(keys) else len(keys)


def edited(root: object, ops: list[Op]) -> object:
    """A copy of ``root`` with ``ops`` made (containers are copied, so the original is left as it was)."""
    root = copied(root)
    for op in ops:
        target = at(root, op.path)
        if isinstance(op, Append):
            target.append(copied(op.value))  # type: ignore[attr-defined]
        elif op.key in target:  # type: ignore[operator]
            target[op.key] = op.value  # type: ignore[index]
        else:
            items = list(target.items())  # type: ignore[attr-defined]
            items.insert(insert_position(list(target), op.key), (op.key, op.value))
            target.clear()  # type: ignore[attr-defined]
            target.update(items)  # type: ignore[attr-defined]
    return root


def copied(value: object) -> object:
    """A deep copy whose containers are all new (a binary plist may share one container between two places)."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value


def same(a: object, b: object) -> bool:
    """Equal as Mail would see them: types too (``True`` is not ``1``), and the order of every dictionary's keys."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))  # type: ignore[arg-type]
    if isinstance(a, float) and a != a:
        return b != b  # NaN
    if isinstance(a, datetime.datetime):
        return a == b and a.tzinfo == b.tzinfo  # type: ignore[union-attr]
    return a == b
