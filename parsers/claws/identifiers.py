"""Folder identifiers: ``#imap/<folder name>/<path>``, as Claws and Sylpheed name a folder in their files.

``<folder name>`` is the ``name`` of the account's ``<folder type="imap">`` in
``folderlist.xml`` (made from the account name); ``<path>`` is the folder's
path on the server with ``/`` between levels, whatever the server's own
separator (``folder_item_get_identifier``, ``folder_find_item_from_identifier``
in ``folder.c`` of both).  The XML files escape five characters, as their
``xml.c`` does, and unescape only those five.
"""
from __future__ import annotations

import re
from typing import Mapping
from typing import Optional

PREFIX = "#imap/"
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;"}
_ENTITY = re.compile("&(?:amp|lt|gt|apos|quot);")


def split(identifier: str) -> Optional[tuple[str, str]]:
    """The folder name and the path of an IMAP folder identifier (the path is empty for the account's top)."""
    if not identifier.startswith(PREFIX):
        return None
    name, _, path = identifier[len(PREFIX):].partition("/")
    return (name, path) if name else None


def join(name: str, path: str) -> str:
    return f"{PREFIX}{name}/{path}" if path else f"{PREFIX}{name}"


def moved(identifier: str, moves: Mapping[str, Mapping[str, str]]) -> Optional[str]:
    """The identifier after its folder moves (``moves``: folder name -> old path -> new), or ``None``."""
    found = split(identifier)
    if found is None or found[0] not in moves:
        return None
    new = moves[found[0]].get(found[1])
    return join(found[0], new) if new is not None else None


def xml_unescape(text: str) -> str:
    reverse = {escaped: character for character, escaped in _ESCAPES.items()}
    return _ENTITY.sub(lambda match: reverse[match.group()], text)


def xml_escape(text: str) -> str:
    return "".join(_ESCAPES.get(character, character) for character in text)
