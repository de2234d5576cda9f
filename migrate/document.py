"""Lossless documents: every character of a file belongs to exactly one token.

Text is decoded from bytes with ``surrogateescape``, so any byte sequence (UTF-8,
Latin-1, stray binary) survives ``decode`` and ``encode`` unchanged, and
``render()`` is a plain join of the token texts.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import operator
import re
from array import array
from typing import Iterable
from typing import NamedTuple
from typing import Optional

REDACTED = "********"


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class Token(NamedTuple):
    kind: str  #: parser-defined, e.g. ``"STRING"``, ``"WS"``, ``"COMMENT"``
    text: str  #: the exact source text
    secret: bool = False  #: a password: never shown in diffs, logs or reports


_TEXT = operator.attrgetter("text")


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
        return self._offsets[index]

    def position(self, index: int) -> tuple[int, int]:
        """1-based line and column where token ``index`` starts."""
        offset = self._offsets[index]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    @functools.cached_property
    def _offsets(self) -> array:
        """Where each token starts in the text, and the text's length last: built once, then looked up."""
        return array("q", itertools.accumulate(map(len, map(_TEXT, self.tokens)), initial=0))

    @functools.cached_property
    def _line_starts(self) -> array:
        return line_starts(self.render())

    def apply(self, edits: Iterable[Edit]) -> Document:
        """Apply non-overlapping edits back to front, so indices stay valid."""
        ordered = sorted(set(edits), key=lambda e: (e.start, e.end))
        for before, after in zip(ordered, ordered[1:]):
            if after.start < before.end or (after.start, after.end) == (before.start, before.end):
                raise ValueError(f"overlapping edits: {before} and {after}")
        tokens: list[Token] = []
        done = 0
        for edit in ordered:  # one pass from the front: splicing a list in place would move its tail each time
            tokens += self.tokens[done : edit.start]
            if edit.text:
                secret = any(token.secret for token in self.tokens[edit.start : edit.end])  # still a password inside
                tokens.append(Token("EDIT", edit.text, secret))
            done = edit.end
        tokens += self.tokens[done:]
        return Document(EditedTokens(tokens, self.tokens, tuple(ordered)))


class EditedTokens(tuple):
    """The tokens ``Document.apply`` made, remembering what from (``base``) and how (``edits``, in order).

    A diff then looks only at the lines around the edits.  The record travels with the
    tuple, so a parser's own document type built on these tokens keeps it.
    """

    base: tuple[Token, ...]
    edits: tuple[Edit, ...]

    def __new__(cls, tokens: Iterable[Token], base: tuple[Token, ...], edits: tuple[Edit, ...]) -> EditedTokens:
        made = super().__new__(cls, tokens)
        made.base, made.edits = base, edits
        return made

    def __reduce__(self) -> tuple:
        return EditedTokens, (tuple(self), self.base, self.edits)


def edits_between(before: Document, after: Document) -> Optional[tuple[Edit, ...]]:
    """The edits that made ``after`` from ``before`` by one ``apply``; ``None`` when it was not made so."""
    tokens = after.tokens
    return tokens.edits if isinstance(tokens, EditedTokens) and tokens.base is before.tokens else None


def added_lines(tokens: tuple[Token, ...], at: int, lines: Iterable[str], newline: str,
                ends: tuple[str, ...] = ("\n", "\r")) -> Edit:
    """An edit adding whole lines before token ``at``, each ended by ``newline``; after a last line that has
    no line end (the end of a file), that line is ended first.  ``ends``: what ends a line in the format."""
    lead = newline if at and not tokens[at - 1].text.endswith(ends) else ""
    return Edit(at, at, lead + "".join(line + newline for line in lines))


def line_starts(text: str) -> array:
    """Where each line of ``text`` starts (lines end at LF), for ``bisect``; one past the end if it ends a line."""
    return array("q", itertools.chain((0,), (found.end() for found in re.finditer("\n", text))))


@dataclasses.dataclass(frozen=True)
class FileDocument(Document):
    """A document that is one whole file of a setup, named by the path it was read from."""

    path: str = ""

    @property
    def files(self) -> dict[str, Document]:
        return {self.path: self}


@dataclasses.dataclass(frozen=True)
class EncodedDocument(FileDocument):
    """A whole file kept as text in its own encoding (cp1252, UTF-16LE), written back in it;
    ``surrogateescape`` keeps the bytes the code page leaves undefined."""

    encoding: str = "cp1252"

    def to_bytes(self) -> bytes:
        return self.render().encode(self.encoding, "surrogateescape")

    def apply(self, edits: Iterable[Edit]) -> EncodedDocument:
        return EncodedDocument(super().apply(edits).tokens, self.path, self.encoding)
