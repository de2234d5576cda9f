"""Typed reads of KConfig values, each as the KDE version that writes the file reads it.

KDE 3 (``kconfigbase.cpp``): ``readBoolEntry`` is true for ``true``/``on``/``yes``/``1`` or a
non-zero number, false otherwise; ``readNumEntry`` takes ``true``/``on``/``yes`` as 1.  KDE 4+
(``KConfigGroup::readEntry``): a bool is false only for ``false``/``no``/``off``/``0`` in any
case (an empty value is true); a number that does not parse gives the default.  Enums of
KConfigSkeleton (``encryption=SSL``) are read by choice name in any case, else as a number.
"""
from __future__ import annotations

import re
from typing import Optional
from typing import Sequence

_INTEGER = re.compile(r"[+-]?[0-9]+")


def integer(text: Optional[str], default: Optional[int] = None, minimum: int = -(1 << 31),
            maximum: int = (1 << 31) - 1) -> Optional[int]:
    """A number, or ``default`` when it is missing, does not parse or is out of range."""
    if text is None or not _INTEGER.fullmatch(text):
        return default
    number = int(text)
    return number if minimum <= number <= maximum else default


def port(text: Optional[str], default: Optional[int]) -> Optional[int]:
    return integer(text, default, 0, 65535)


def kde3_number(text: Optional[str], default: int = 0) -> int:
    if text in ("true", "on", "yes"):
        return 1
    found = integer(text)
    return default if found is None else found


def kde3_flag(text: Optional[str], default: bool = False) -> bool:
    if text is None:
        return default
    return text in ("true", "on", "yes", "1") or bool(integer(text))


def flag(text: Optional[str], default: bool = False) -> bool:
    """A KDE 4+ bool."""
    if text is None:
        return default
    return text.lower() not in ("false", "no", "off", "0")


def choice(text: Optional[str], names: Sequence[str], default: Optional[str]) -> Optional[str]:
    """An enum's choice name (as spelled in ``names``), from its name in any case or its number."""
    if text is None:
        return default
    by_name = {name.lower(): name for name in names}
    if text.lower() in by_name:
        return by_name[text.lower()]
    number = integer(text)
    return names[number] if number is not None and 0 <= number < len(names) else default
