"""Lossless documents: every character of a file belongs to exactly one token.

Text is decoded from bytes with ``surrogateescape``, so any byte sequence (UTF-8,
Latin-1, stray binary) survives ``decode`` and ``encode`` unchanged, and
``render()`` is a plain join of the token texts.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import Iterable
from typing import NamedTuple

REDACTED = "********"


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class Token(NamedTuple):
    kind: str  #: parser-defined, e.g. ``"STRING"``, ``"WS"``, ``"COMMENT"``
    text: str  #: the exact source text
    secret: bool = False  #: a password: never shown in diffs, logs or reports


class Edit(NamedTuple):
    """Replace ``tokens[start:end]`` by ``text``; ``start == end`` inserts before ``start``."""

    start: int
    end: int
    text: str


@dataclasses.dataclass(frozen=True)
class Document:
    tokens: tuple[Token, ...]

    def render(self) -> str:
        return self._text

    @functools.cached_property
    def _text(self) -> str:
        return "".join([token.text for token in self.tokens])

    def render_range(self, start: int, end: int) -> str:
        return "".join([token.text for token in self.tokens[start:end]])

    def render_redacted(self) -> str:
        return "".join([REDACTED if token.secret else token.text for token in self.tokens])

    def to_bytes(self) -> bytes:
        return encode(self.render())

    @property
    def newline(self) -> str:
        """The file's own line ending (LF when it has none)."""
        found = re.search(r"\r\n|\n|\r", self.render())
        return found.group() if found else "\n"

    def offset(self, index: int) -> int:
        return sum(len(token.text) for token in self.tokens[:index])

    def position(self, index: int) -> tuple[int, int]:
        """1-based line and column where token ``index`` starts."""
        before = "".join(token.text for token in self.tokens[:index])
        line = before.count("\n") + 1
        return line, len(before) - (before.rfind("\n") + 1) + 1

    def apply(self, edits: Iterable[Edit]) -> Document:
        """Apply non-overlapping edits back to front, so indices stay valid."""
        ordered = sorted(set(edits), key=lambda e: (e.start, e.end))
        for before, after in zip(ordered, ordered[1:]):
            if after.start < before.end or (after.start, after.end) == (before.start, before.end):
                raise ValueError(f"overlapping edits: {before} and {after}")
        tokens = list(self.tokens)
        for edit in reversed(ordered):
            secret = any(token.secret for token in tokens[edit.start : edit.end])  # still a password inside
            tokens[edit.start : edit.end] = [Token("EDIT", edit.text, secret)] if edit.text else []
        return Document(tuple(tokens))


@dataclasses.dataclass(frozen=True)
class FileDocument(Document):
    """A document that is one whole file of a setup, named by the path it was read from."""

    path: str = ""

    @property
    def files(self) -> dict[str, Document]:
        return {self.path: self}
