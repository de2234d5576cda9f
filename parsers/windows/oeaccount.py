"""Windows Mail / Windows Live Mail account files (``.oeaccount``), every byte kept.

One account a file: UTF-16LE XML with its BOM (UTF-8 is taken too), a ``MessageAccount`` root and
one element a value, named as Outlook Express's registry value with ``_`` for each blank, its type
in an attribute: ``<POP3_Server type="SZ">pop.lboro.ac.uk</POP3_Server>``,
``<POP3_Port type="DWORD">0000006e</POP3_Port>`` (hex), ``BINARY`` (hex bytes, e.g. saved passwords).
So the registry's account rules (``internet_accounts``) read and edit it.

The file is split into tokens (declaration, comments, tags, text, blanks); an edit replaces the
text of one element (or the element, when its type changes), removes an element with the blanks
before it, or adds one after the last, indented as it is.  There is no DTD, so no entity beyond
XML's own five and character references; a file with one is refused.
"""
from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple
from typing import Optional

from migrate.document import Edit
from migrate.document import EncodedDocument
from migrate.document import Token
from migrate.errors import ParseError
from parsers.windows.values import REG_BINARY
from parsers.windows.values import REG_DWORD
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from parsers.windows.values import ValueEdits
from parsers.windows.values import is_password

#: Longer files are refused: an account file is a few kilobytes.
MAX_SIZE = 1 << 20
_NAME = r"[A-Za-z_][\w.\-]*"
_TOKEN = re.compile(
    rf"""(?P<PI><\?.*?\?>)|(?P<COMMENT><!--.*?-->)|(?P<CLOSE></(?P<closed>{_NAME})\s*>)
    |(?P<OPEN><(?P<opened>{_NAME})(?P<attrs>(?:\s+{_NAME}\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(?P<empty>/?)>)
    |(?P<WS>\s+)|(?P<TEXT>[^<]+)""", re.DOTALL | re.VERBOSE)
_LEAF = re.compile(rf"(?P<body>[^<]*)(?P<close></(?P<closed>{_NAME})\s*>)")
_ATTR = re.compile(rf"""({_NAME})\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));|&")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_TYPES = {"SZ": REG_SZ, "DWORD": REG_DWORD, "BINARY": REG_BINARY}
_TYPE_NAMES = {number: name for name, number in _TYPES.items()}


class Element(NamedTuple):
    """One value element of the account (a child of the root with no element inside)."""

    name: str  #: the value name, blanks for ``_``
    value: Optional[RegValue]  #: ``None`` for a type this tool does not know
    start: int  #: index of its start tag
    end: int  #: index after its end tag
    text: Optional[int]  #: index of its TEXT token, ``None`` when empty
    type: str  #: its ``type`` attribute


@dataclasses.dataclass(frozen=True)
class AccountFile(EncodedDocument):
    elements: tuple[Element, ...] = ()
    root_line: int = 1
    root_end: int = 0  #: index of the root's end tag: where new values go


def parse_oeaccount(data: bytes, path: str) -> AccountFile:
    text, encoding = _decode(data, path)
    tokens: list[Token] = []
    open_tags: list[str] = []
    elements: list[Element] = []
    root_line, root_end, position = 1, None, 0
    if text.startswith("\ufeff"):
        tokens.append(Token("BOM", "\ufeff"))
        position = 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _error(path, text, position, "a malformed tag (or a DOCTYPE or CDATA, which account files do not have)")
        kind = match.lastgroup if match.lastgroup in ("PI", "COMMENT", "WS", "TEXT") else "CLOSE" if match.group("CLOSE") else "OPEN"
        if kind == "TEXT" and len(open_tags) < 2:
            raise _error(path, text, position, "text outside a value element")
        if kind == "OPEN" and not open_tags and root_end is not None:
            raise _error(path, text, position, "a second root element")
        if kind == "CLOSE":
            if not open_tags or open_tags[-1] != match.group("closed"):
                raise _error(path, text, position, f"</{match.group('closed')}> closes no open element")
            open_tags.pop()
            root_end = len(tokens) if not open_tags else None
        leaf = _LEAF.match(text, match.end()) if kind == "OPEN" and len(open_tags) == 1 and not match.group("empty") else None
        if leaf is not None and leaf.group("closed") == match.group("opened"):
            elements.append(_element(path, text, match, leaf.group("body"), len(tokens), position))
            tokens += [Token("OPEN", match.group()), *([Token("TEXT", leaf.group("body"), is_password(elements[-1].name))]
                                                     if leaf.group("body") else []), Token("CLOSE", leaf.group("close"))]
            position = leaf.end()
            continue
        if kind == "OPEN" and not open_tags:
            root_line = text.count("\n", 0, position) + 1
            root_end = len(tokens) if match.group("empty") else root_end  # an empty root: no account, nothing to add
        if kind == "OPEN" and match.group("empty") and len(open_tags) == 1:
            elements.append(_element(path, text, match, "", len(tokens), position))
        elif kind == "OPEN" and not match.group("empty"):
            open_tags.append(match.group("opened"))
        tokens.append(Token(kind, match.group()))
        position = match.end()
    if open_tags or root_end is None:
        raise _error(path, text, len(text), f"the file ends inside <{open_tags[-1]}>" if open_tags else "no root element")
    return AccountFile(tuple(tokens), path, encoding, tuple(elements), root_line, root_end)


def _element(path: str, text: str, tag: re.Match, body: str, start: int, at: int) -> Element:
    """The element whose start tag is token ``start``: ``body`` its text, ending at its end tag (one token on)."""
    attributes = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(tag.group("attrs"))}
    kind, name = attributes.get("type", ""), tag.group("opened").replace("_", " ")
    try:
        value = _read(_unescape(body), kind)
    except ValueError as error:
        raise _error(path, text, at, f"{name}: {error}") from None
    if tag.group("empty"):
        return Element(name, value, start, start + 1, None, kind)
    return Element(name, value, start, start + (3 if body else 2), start + 1 if body else None, kind)


def _read(body: str, kind: str) -> Optional[RegValue]:
    if kind == "SZ":
        return RegValue(REG_SZ, body)
    if kind == "DWORD":
        if not re.fullmatch(r"\s*[0-9a-fA-F]{1,8}\s*", body):
            raise ValueError("a DWORD needs 1 to 8 hex digits")
        return RegValue(REG_DWORD, int(body, 16))
    if kind == "BINARY":
        digits = re.sub(r"\s+", "", body)
        if not re.fullmatch(r"(?:[0-9a-fA-F]{2})*", digits):
            raise ValueError("BINARY data needs pairs of hex digits")
        return RegValue(REG_BINARY, bytes.fromhex(digits))
    return None


def _unescape(body: str) -> str:
    def one(match: re.Match) -> str:
        if match.group() == "&":
            raise ValueError("an '&' that starts no entity (&amp; &lt; &gt; &quot; &apos; &#N;)")
        if match.group(1):
            return _ENTITIES[match.group(1)]
        number = int(match.group(2)) if match.group(2) else int(match.group(3), 16)
        if number > 0x10FFFF or 0xD800 <= number <= 0xDFFF or number == 0:
            raise ValueError(f"character reference {match.group()} names no character")
        return chr(number)
    return _ENTITY.sub(one, body)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if len(data) > MAX_SIZE:
        raise ParseError(path, 1, 1, f"{len(data)} bytes: too large for an account file")
    encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-8"
    if encoding == "utf-16-le" and len(data) % 2:
        text = data[:-1].decode("utf-16-le", "replace")
        raise _error(path, text, len(text), "truncated UTF-16 (an odd number of bytes)")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        before = data[: error.start - error.start % 2 if encoding != "utf-8" else error.start].decode(encoding, "replace")
        raise _error(path, before, len(before), f"not valid {'UTF-16' if encoding != 'utf-8' else 'UTF-8'} here") from None
    return text, encoding


_error = ParseError.in_text


def values(account: AccountFile) -> dict[str, RegValue]:
    """The account's values by Outlook Express value name (types this tool does not know left out)."""
    return {element.name: element.value for element in account.elements if element.value is not None}


def value_edits(account: AccountFile, edits: ValueEdits) -> list[Edit]:
    """The rules' value edits as edits of the tokens (see the module's docstring)."""
    by_name = {element.name.lower(): element for element in account.elements}
    changed, added = [], []
    for name, value in edits.items():
        element = by_name.get(name.lower())
        if element is not None and value is None:
            blank = element.start - 1 if element.start and account.tokens[element.start - 1].kind == "WS" else element.start
            changed.append(Edit(blank, element.end, ""))
        elif element is not None and value is not None:
            if element.text is not None and element.type == _TYPE_NAMES.get(value.type):
                changed.append(Edit(element.text, element.text + 1, _formatted(value)))
            else:
                changed.append(Edit(element.start, element.end, _tag(element.name, value)))
        elif value is not None:
            added.append(_tag(name, value))
    if added:  # after the last value, indented as it is
        start, end = (account.elements[-1].start, account.elements[-1].end) if account.elements else (account.root_end,) * 2
        indent = account.tokens[start - 1].text if account.tokens[start - 1].kind == "WS" else account.newline + "\t"
        changed.append(Edit(end, end, "".join(indent + tag for tag in added)))
    return changed


def _tag(name: str, value: RegValue) -> str:
    element = name.replace(" ", "_")
    return f'<{element} type="{_TYPE_NAMES[value.type]}">{_formatted(value)}</{element}>'


def _formatted(value: RegValue) -> str:
    if isinstance(value.data, int):
        return f"{value.data:08x}"
    if isinstance(value.data, bytes):
        return value.data.hex()
    return value.data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
