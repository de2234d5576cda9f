"""Which files to look at: the paths given, or the files parsers know inside folders.

Folders are walked without following links; version-control folders and
maildirs (a folder with ``cur`` and ``new``) are not entered, since no client
keeps its settings there.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable
from typing import Iterator
from typing import NamedTuple
from typing import Optional
from typing import Union

from migrate.plugins import Parser
from migrate.plugins import Plugins

_NEVER_ENTERED = frozenset({".git", ".hg", ".svn", "node_modules", ".cache", "__pycache__"})


class Found(NamedTuple):
    path: Path
    parser: Parser


class Passed(NamedTuple):
    """A path that was given but cannot be looked at, with the reason."""

    path: Path
    reason: str


def discover(
    paths: Iterable[Path], parsers: Plugins, forced: Optional[Parser] = None, within: Optional[Path] = None,
) -> Iterator[Union[Found, Passed]]:
    """Each setup once, in the order found; a file a parser knows stands for the setups it names.

    With ``within`` (a home), a setup outside it (a profiles.ini may name any path) is passed over.
    """
    seen: set[tuple[str, str]] = set()
    home = os.path.realpath(within) if within is not None else None
    for item in _files(paths, parsers, forced):
        if isinstance(item, Passed):
            yield item
            continue
        for setup in item.parser.setups(item.path):
            real = os.path.realpath(setup)
            if home is not None and real != home and not real.startswith(home + os.sep):
                yield Passed(setup, f"{setup}: outside the home {within}; left alone")
                continue
            key = (item.parser.name, real)
            if key not in seen:
                seen.add(key)
                yield Found(setup, item.parser)


def _files(paths: Iterable[Path], parsers: Plugins, forced: Optional[Parser]) -> Iterator[Union[Found, Passed]]:
    for path in paths:
        if path.is_symlink():
            yield Passed(path, f"{path}: a symbolic link; give the file it points to")
        elif path.is_dir():
            yield from _walk(path, parsers)
        elif not path.exists():
            yield Passed(path, f"{path}: no such file or folder")
        else:
            parser = forced or parsers.claimant(path)
            yield Found(path, parser) if parser else Passed(path, f"{path}: no parser knows this file (try --format)")


def _walk(top: Path, parsers: Plugins) -> Iterator[Union[Found, Passed]]:
    for folder, subfolders, files in os.walk(top, onerror=None, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if d not in _NEVER_ENTERED and not _is_maildir(folder, d))
        for name in sorted(files):
            path = Path(folder, name)
            parser = parsers.claimant(path)
            if parser is None:
                continue
            if path.is_symlink():
                yield Passed(path, f"{path}: a symbolic link; not followed (give the file it points to)")
            else:
                yield Found(path, parser)


def _is_maildir(folder: str, name: str) -> bool:
    inside = os.path.join(folder, name)
    return os.path.isdir(os.path.join(inside, "cur")) and os.path.isdir(os.path.join(inside, "new"))
