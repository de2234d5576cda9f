"""``folderlist.xml``: the folder trees, kept as text with the ``path`` of each IMAP folder as its own token.

Each mail account that reads IMAP has a ``<folder type="imap" name="..."
account_id="N">`` holding its folders as ``<folderitem ... path="INBOX/Sent">``.
Its ``name`` is what folder identifiers start with.  Rewriting the paths of
moved folders keeps them working at once (a path is all the program opens on
the server), and Claws carries each folder's view settings (sorting,
threading, hidden messages) by identifier across its next rescan of the tree
(``folder_persist_prefs_new`` in ``folder.c``); nothing else in the file changes.
"""
from __future__ import annotations

import bisect
import dataclasses
import re
from typing import Optional

from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.document import line_starts
from migrate.errors import ParseError
from parsers.claws.identifiers import xml_unescape
from parsers.claws.program import atoi

_MARKUP = re.compile(r"""<!--.*?-->|<[?!][^>]*>|<(/?)([A-Za-z_][\w:.-]*)((?:[^<>"']|"[^"]*"|'[^']*')*?)(/?)>""", re.S)
_ATTRIBUTE = re.compile(r"""([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclasses.dataclass(frozen=True)
class ImapFolder:
    name: str  #: what identifiers start with
    account_id: Optional[int]
    paths: tuple[int, ...]  #: the PATH tokens of its folders


@dataclasses.dataclass(frozen=True)
class FolderList(FileDocument):
    imap_folders: tuple[ImapFolder, ...] = ()

    def folder_path(self, index: int) -> str:
        return xml_unescape(self.tokens[index].text)


def parse_folderlist(data: bytes, path: str) -> FolderList:
    text = decode(data)
    tokens: list[Token] = []
    folders: list[ImapFolder] = []
    open_tags: list[tuple[str, int]] = []
    current: Optional[tuple[str, Optional[int], list[int]]] = None
    done = 0
    for markup in _markups(text, path):
        closing, tag, attributes, empty = markup.group(1, 2, 3, 4)
        if tag is None:
            continue
        if closing:
            if not open_tags or open_tags[-1][0] != tag:
                still = f"<{open_tags[-1][0]}> is open" if open_tags else "nothing is open"
                raise _error(path, text, markup.start(), f"</{tag}> where {still}")
            open_tags.pop()
            if tag == "folder" and current is not None:
                folders.append(ImapFolder(current[0], current[1], tuple(current[2])))
                current = None
            continue
        values = {m.group(1): (m.group(2) if m.group(2) is not None else m.group(3), m.start(2 if m.group(2) is not None else 3))
                  for m in _ATTRIBUTE.finditer(attributes)}
        if tag == "folder" and values.get("type", ("",))[0] == "imap":
            account = values.get("account_id")
            current = (xml_unescape(values.get("name", ("",))[0]), atoi(account[0]) if account else None, [])
            if empty:
                folders.append(ImapFolder(current[0], current[1], ()))
                current = None
        elif tag == "folderitem" and current is not None and "path" in values:
            at = markup.start(3) + values["path"][1]
            tokens.append(Token("TEXT", text[done:at]))
            current[2].append(len(tokens))
            tokens.append(Token("PATH", values["path"][0]))
            done = at + len(values["path"][0])
        if not empty:
            open_tags.append((tag, markup.start()))
    if open_tags:
        raise _error(path, text, open_tags[-1][1], f"<{open_tags[-1][0]}> is never closed")
    if done < len(text):
        tokens.append(Token("TEXT", text[done:]))
    return FolderList(tuple(tokens), path, tuple(folders))


def _markups(text: str, path: str):
    """Every tag, comment and declaration in order; a ``<`` that starts none of them is an error."""
    at = 0
    while True:
        start = text.find("<", at)
        if start == -1:
            return
        markup = _MARKUP.match(text, start)
        if markup is None:
            raise _error(path, text, start, "a tag that is never closed")
        yield markup
        at = markup.end()


def _error(path: str, text: str, offset: int, message: str) -> ParseError:
    starts = line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return ParseError(path, line, offset - starts[line - 1] + 1, message)
