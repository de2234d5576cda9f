"""Registry values as the registry holds them, whatever file they came from.

This is the interface between the account rules (``internet_accounts``,
``mapi_accounts``) and whatever stores the registry: a ``.reg`` export here,
a hive file later.  A key's values are a mapping of value name to ``RegValue``;
the rules answer with ``ValueEdits``: name to the new ``RegValue``, or ``None``
to delete the value.  Names compare without case, as in the registry.
"""
from __future__ import annotations

from typing import Mapping
from typing import NamedTuple
from typing import Optional
from typing import Union

REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD = 1, 2, 3, 4


class RegValue(NamedTuple):
    type: int  #: ``REG_SZ``, ``REG_DWORD``, ``REG_BINARY``, or any other registry type number
    data: Union[str, int, bytes]  #: ``str`` for REG_SZ, ``int`` for REG_DWORD, ``bytes`` for every other type


#: A key's values, by name (``""`` is the default value, ``@`` in a .reg file).
Values = Mapping[str, RegValue]
#: What the rules change in one key: the new value, or ``None`` to delete it.
ValueEdits = dict[str, Optional[RegValue]]


def lookup(values: Values, name: str) -> Optional[RegValue]:
    """The value named ``name``, in any case."""
    lower = name.lower()
    return next((value for key, value in values.items() if key.lower() == lower), None)


def text(values: Values, name: str) -> Optional[str]:
    """A string value: REG_SZ, or REG_BINARY holding UTF-16LE text with a trailing NUL (as Outlook keeps them)."""
    value = lookup(values, name)
    if value is None:
        return None
    if value.type == REG_SZ:
        return str(value.data).split("\0", 1)[0]
    if value.type == REG_BINARY and isinstance(value.data, bytes) and len(value.data) % 2 == 0:
        try:
            return value.data.decode("utf-16-le").split("\0", 1)[0]
        except UnicodeDecodeError:
            return None
    return None


def number(values: Values, name: str) -> Optional[int]:
    value = lookup(values, name)
    return value.data if value is not None and value.type == REG_DWORD and isinstance(value.data, int) else None


def dword(n: int) -> RegValue:
    return RegValue(REG_DWORD, n)


def string_like(values: Values, name: str, new: str, binary: bool) -> RegValue:
    """``new`` stored as the value already is (REG_SZ or UTF-16LE REG_BINARY); ``binary`` for a new value."""
    old = lookup(values, name)
    if old is not None:
        binary = old.type == REG_BINARY
    return RegValue(REG_BINARY, (new + "\0").encode("utf-16-le")) if binary else RegValue(REG_SZ, new)


def set_if_different(edits: ValueEdits, values: Values, name: str, new: Optional[RegValue]) -> None:
    """Record ``new`` (``None``: delete) under the value's own spelling, unless it is so already."""
    spelled = next((key for key in values if key.lower() == name.lower()), name)
    if lookup(values, name) != new:
        edits[spelled] = new


def is_password(name: str) -> bool:
    """A saved password (OE ``* Password2``, Outlook ``* Password`` blobs); not ``* Prompt for Password``."""
    lower = name.lower()
    return "password" in lower and "prompt" not in lower
