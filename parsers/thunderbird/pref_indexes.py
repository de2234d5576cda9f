"""Indexes of a profile's prefs kept up to date while it is edited, so that each account's step looks
names up instead of reading every pref again: folder URIs by their server, numbered keys by number."""
from __future__ import annotations

from collections import Counter
from typing import Callable
from typing import Iterable
from typing import Optional

from parsers.thunderbird import uris
from parsers.thunderbird.prefs import Value

Server = tuple[str, str, str]  #: scheme, user (decoded), host (lower case)


class UriIndex:
    """The string prefs whose value is a folder URI, by the server it is on."""

    def __init__(self) -> None:
        self._names: dict[Server, set[str]] = {}

    def add(self, name: str, value: Optional[Value]) -> None:
        uri = _uri(value)
        if uri is not None:
            self._names.setdefault(uri[:3], set()).add(name)

    def discard(self, name: str, value: Optional[Value]) -> None:
        uri = _uri(value)
        if uri is not None:
            self._names[uri[:3]].discard(name)

    def on(self, server: Server) -> list[str]:
        """The prefs naming a folder of ``server``, by name."""
        return sorted(self._names.get(server, ()))


def _uri(value: Optional[Value]) -> Optional[uris.FolderUri]:
    return uris.split(value) if isinstance(value, str) else None


class NumberIndex:
    """How many pref names there are of each number after a prefix: ``mail.identity.id`` -> ``id1.…``, ``id2.…``.

    ``names_under(prefix)`` gives the names when a prefix is first asked about; ``add`` and
    ``remove`` follow the names that come and go after that.
    """

    def __init__(self, names_under: Callable[[str], Iterable[str]]) -> None:
        self._names_under = names_under
        self._counts: dict[str, Counter[str]] = {}
        self._searched: dict[tuple[str, int], int] = {}  #: (prefix, start) -> every number from start to this is taken

    def first_unused(self, prefix: str, start: int = 1) -> str:
        """``<last part of prefix>N`` for the first N from ``start`` that no name uses: ``server4``."""
        if prefix not in self._counts:
            self._counts[prefix] = Counter(_number(name, prefix) for name in self._names_under(prefix))
        taken = self._counts[prefix]
        number = self._searched.get((prefix, start), start)
        while taken[str(number)]:
            number += 1
        self._searched[(prefix, start)] = number
        return f"{prefix.rsplit('.', 1)[1]}{number}"

    def add(self, name: str) -> None:
        self._count(name, 1)

    def remove(self, name: str) -> None:
        self._count(name, -1)

    def _count(self, name: str, step: int) -> None:
        for prefix, taken in self._counts.items():
            if name.startswith(prefix):
                taken[_number(name, prefix)] += step
                if not taken[_number(name, prefix)]:  # free again: a search from below may stop there
                    self._searched = {key: at for key, at in self._searched.items() if key[0] != prefix}


def _number(name: str, prefix: str) -> str:
    return name[len(prefix):].split(".", 1)[0]
