"""A whole file kept as text in its own encoding (cp1252, UTF-16LE), written back in it."""
from __future__ import annotations

import dataclasses
from typing import Iterable

from migrate.document import Edit
from migrate.document import FileDocument


@dataclasses.dataclass(frozen=True)
class EncodedDocument(FileDocument):
    """``to_bytes`` in the file's own encoding; ``surrogateescape`` keeps bytes cp1252 leaves undefined."""

    encoding: str = "cp1252"

    def to_bytes(self) -> bytes:
        return self.render().encode(self.encoding, "surrogateescape")

    def apply(self, edits: Iterable[Edit]) -> EncodedDocument:
        return EncodedDocument(super().apply(edits).tokens, self.path, self.encoding)
