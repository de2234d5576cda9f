"""``logins.json``: saved passwords, which are dropped by origin and never decrypted.

Each entry of the ``logins`` array is one token (secret: it holds the
encrypted name and password), so removing one touches nothing else.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Optional

from migrate.document import FileDocument
from migrate.document import Edit
from migrate.document import Token
from migrate.document import decode

_ARRAY = re.compile(r'"logins"\s*:\s*\[')
_BETWEEN = re.compile(r"\s*,?\s*")


@dataclasses.dataclass(frozen=True)
class LoginsFile(FileDocument):
    origins: tuple[str, ...] = ()  #: per entry token (odd indices), its lower-cased origin

    def without(self, origins: set[str]) -> LoginsFile:
        """The file with every entry saved for one of ``origins`` taken out.

        Tokens: the head, then a separator and an entry for each login, then the
        tail; entry ``n`` is token ``2n + 2``, its separator (a comma but for the
        first) token ``2n + 1``.
        """
        gone = [origin in origins for origin in self.origins]
        if not any(gone):
            return self
        leading = next((n for n, out in enumerate(gone) if not out), len(gone))
        # the leading run takes the separators after it, so the first kept entry has no comma
        spans = [(2, 2 * leading + 2 if leading < len(gone) else 2 * leading + 1)] if leading else []
        spans += [(2 * n + 1, 2 * n + 3) for n in range(leading, len(gone)) if gone[n]]
        kept = tuple(o for o, out in zip(self.origins, gone) if not out)
        return dataclasses.replace(self, tokens=self.apply(Edit(a, b, "") for a, b in spans).tokens, origins=kept)


def parse_logins(data: bytes, path: str) -> Optional[LoginsFile]:
    """``None`` when the file is not what Thunderbird writes: then it is left alone."""
    text = decode(data)
    array = _ARRAY.search(text)
    if array is None:
        return None
    decoder, pos = json.JSONDecoder(), array.end()
    tokens, origins = [Token("TEXT", text[: array.end()])], []
    while True:
        between = _BETWEEN.match(text, pos)
        if text.startswith("]", between.end()):  # type: ignore[union-attr]
            tokens.append(Token("TEXT", text[pos:]))
            break
        tokens.append(Token("TEXT", between.group()))  # type: ignore[union-attr]
        try:
            entry, end = decoder.raw_decode(text, between.end())  # type: ignore[union-attr]
        except ValueError:
            return None
        tokens.append(Token("ENTRY", text[between.end() : end], secret=True))  # type: ignore[union-attr]
        origins.append(str(entry.get("hostname", "")).lower() if isinstance(entry, dict) else "")
        pos = end
    return LoginsFile(tuple(tokens), path, tuple(origins))
