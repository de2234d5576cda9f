"""Values as offlineimap reads them: Python 3 configparser's basic interpolation (7.x and offlineimap3).

``%(name)s`` is the value of ``name`` in the same section or ``[DEFAULT]`` (itself
interpolated, at most 10 deep), ``%%`` is ``%``, and any other ``%`` is an error; values
written back escape ``%`` as ``%%``.
"""
from __future__ import annotations

import re
from typing import Optional

from migrate.errors import ParseError
from parsers.ini import DEFAULT
from parsers.ini import IniFile
from parsers.ini import Option

_REFERENCE = re.compile(r"%\(([^)]+)\)s")
MAX_DEPTH = 10


def value(ini: IniFile, section: str, name: str) -> Optional[str]:
    """The option of the section (or of ``[DEFAULT]``) interpolated; ``ParseError`` where offlineimap would fail."""
    option = ini.option(section, name, inherited=True)
    return None if option is None else _expand(ini, section, option, ini.raw(option), 1)


def escaped(text: str) -> str:
    return text.replace("%", "%%")


def _expand(ini: IniFile, section: str, option: Option, text: str, depth: int) -> str:
    if depth > MAX_DEPTH:
        raise _error(ini, option, "interpolation deeper than 10 levels (a loop of %(...)s references?)")
    done: list[str] = []
    rest = text
    while rest:
        at = rest.find("%")
        if at < 0:
            done.append(rest)
            break
        done.append(rest[:at])
        rest = rest[at:]
        if rest[1:2] == "%":
            done.append("%")
            rest = rest[2:]
            continue
        reference = _REFERENCE.match(rest)
        if reference is None:
            raise _error(ini, option, "a '%' that is neither '%%' nor '%(name)s'")
        target = ini.option(section, reference.group(1).lower(), inherited=True)
        if target is None:
            raise _error(ini, option, f"%({reference.group(1)})s names no option of [{section}] or [{DEFAULT}]")
        raw = ini.raw(target)
        done.append(_expand(ini, section, option, raw, depth + 1) if "%" in raw else raw)
        rest = rest[reference.end():]
    return "".join(done)


def _error(ini: IniFile, option: Option, message: str) -> ParseError:
    return ParseError(ini.path, option.line, 1, f"{option.name}: {message}")
