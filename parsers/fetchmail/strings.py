"""String values in a fetchmailrc: fetchmail's escapes, and quoting for writing back."""
from __future__ import annotations

import re

from migrate.document import decode
from migrate.document import encode
from parsers.fetchmail.lexer import KEYWORDS
from parsers.fetchmail.lexer import NO_PREFIXED

_SIMPLE_ESCAPES = {"\\": "\\", "n": "\n", "t": "\t", "b": "\b", "r": "\r"}
_BARE = re.compile(r"[^=;:, \t\r\n\"'#\\]+")
_QUOTE_ESCAPES = {'"': "\\x22", "'": "\\x27"}


def is_quoted(text: str) -> bool:
    """Whether a STRING token was matched by the quoted rule (quotes not part of the value)."""
    return len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0] and text[0] not in text[1:-1]


def value(text: str) -> str:
    """The value fetchmail reads from a STRING token's text."""
    return unescape(text[1:-1] if is_quoted(text) else text)


def unescape(raw: str) -> str:
    """fetchmail's ``escapes()``: C escapes, ``\\xHH``, decimal ``\\NNN``, octal ``\\0oo``.

    The result is cut at a NUL, as the C string would be, and bytes it makes are
    decoded the way the file itself is, so ``\\303\\251`` and ``é`` compare equal.
    """
    out, i = bytearray(), 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw) and raw[i + 1] in "0123456789xX":
            i += 1
            base, digits, limit = (16, "0123456789abcdefABCDEF", 2) if raw[i] in "xX" else (
                (8, "01234567", 3) if raw[i] == "0" else (10, "0123456789", 3))
            i += base == 16
            number, count = 0, 0
            while i < len(raw) and raw[i] in digits and count < limit:
                number, count, i = number * base + int(raw[i], base), count + 1, i + 1
            out.append(number & 0xFF)
        elif char == "\\":
            if i + 1 == len(raw):
                break
            following = raw[i + 1]
            i += 2
            if following != "\n":
                out += encode(_SIMPLE_ESCAPES.get(following, following))
        else:
            out += encode(char)
            i += 1
    return decode(bytes(out).split(b"\0")[0])


def needs_quotes(text: str) -> bool:
    return not _BARE.fullmatch(text) or text in KEYWORDS or text in NO_PREFIXED or text.lstrip("-").isdigit()


def quote(text: str, style: str) -> str:
    """Source text for ``text``: ``style`` is ``'"'``, ``"'"``, or ``""`` for bare when safe."""
    if not style and not needs_quotes(text):
        return text
    mark = style or '"'
    body = "".join(_QUOTE_ESCAPES[c] if c == mark else "\\\\" if c == "\\" else c for c in text)
    return f"{mark}{body}{mark}"
