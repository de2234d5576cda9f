"""The options offlineimap evaluates as Python, read (never run) for what they say about folder names.

``folderfilter``, ``nametrans``, ``folderincludes``, ``foldersort`` and ``idlefolders`` are
Python expressions; a person has to rewrite one that still names folders under INBOX
(``'INBOX.'``, ``r'^INBOX\\.'``) or splits names at the old server's ``.``.  The string
literals are found with Python's own tokenizer and read with ``ast.literal_eval``, so
nothing of the user's code runs.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from typing import Iterator

PYTHON_OPTIONS = ("folderfilter", "nametrans", "folderincludes", "foldersort", "idlefolders")
_INBOX_LEVEL = re.compile(r"(?i)INBOX(?:\\?[./]|\[[^\]]*[./][^\]]*\])")
_SEPARATORS = frozenset({".", "\\.", "[.]"})


def mentions(code: str) -> list[str]:
    """What the code says that belongs to the old server: its INBOX level, its separator."""
    found = []
    literals = list(_string_literals(code))
    prefixes = sorted({match.group() for text in literals for match in _INBOX_LEVEL.finditer(text)})
    if prefixes:
        found.append("the folders under INBOX (" + ", ".join(f"'{p}'" for p in prefixes) + ")")
    if any(text in _SEPARATORS for text in literals):
        found.append("the old separator '.'")
    return found


def _string_literals(code: str) -> Iterator[str]:
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.STRING:
                try:
                    with warnings.catch_warnings():  # an invalid escape ('\.') is the user's Python, not ours to warn of
                        warnings.simplefilter("ignore")
                        value = ast.literal_eval(token.string)
                except (ValueError, SyntaxError):
                    continue
                if isinstance(value, str):
                    yield value
    except (tokenize.TokenError, SyntaxError, ValueError):
        yield code  # not Python that tokenizes: looked at as it stands
