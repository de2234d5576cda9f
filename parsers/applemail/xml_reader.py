"""Reading an XML property list: tokens that keep every byte, and each value's element by its path.

The text is split into tokens (declaration, DOCTYPE, comments, tags, a value's
text, blanks).  plistlib reads the same bytes, and the two readings must agree
(the same dictionaries with their keys in order, the same arrays, each value of
its tag's type): so an edit lands on the very value plistlib, like Mail, reads
there, and the values themselves are plistlib's.

Stricter than plistlib, each refusal located: a DOCTYPE with declarations of
its own (entities: "billion laughs" and the like; plistlib refuses those too),
CDATA, an entity other than XML's five and character references (with a DOCTYPE
naming Apple's DTD, expat drops an unknown one without a word), markup inside a
value, text between elements, an element a property list does not have, a key
without a value or given twice in one dictionary, an encoding other than UTF-8,
nesting deeper than ``MAX_DEPTH``.
"""
from __future__ import annotations

import dataclasses
import datetime
import plistlib
import re
from typing import Optional
from xml.parsers.expat import ErrorString
from xml.parsers.expat import ExpatError

from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError
from parsers.applemail.values import Path
from parsers.applemail.xml_plist import Element
from parsers.applemail.xml_plist import XmlPlist

MAX_DEPTH = 64
_NAME = r"[A-Za-z_:][-\w.:]*"
_BLANK = r"[ \t\r\n]"
_TOKEN = re.compile(rf"""(?P<PI><\?.*?\?>)|(?P<COMMENT><!--.*?-->)|(?P<DOCTYPE><!DOCTYPE{_BLANK}[^\[<>]*>)
    |(?P<CLOSE></(?P<closed>{_NAME}){_BLANK}*>)
    |(?P<OPEN><(?P<opened>{_NAME})(?:{_BLANK}+{_NAME}{_BLANK}*={_BLANK}*(?:"[^"<]*"|'[^'<]*'))*{_BLANK}*(?P<empty>/?)>)
    |(?P<WS>{_BLANK}+)|(?P<TEXT>[^<]+)""", re.DOTALL | re.VERBOSE)
_KINDS = ("PI", "COMMENT", "DOCTYPE", "CLOSE", "OPEN", "WS", "TEXT")
_LEAF = re.compile(rf"(?P<body>[^<]*)(?P<close></(?P<closed>{_NAME}){_BLANK}*>)")
_REFERENCE = re.compile(r"&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_ENCODING = re.compile(rf"""encoding{_BLANK}*={_BLANK}*["']([^"']*)["']""")
_TYPES = {"dict": dict, "array": list, "string": str, "integer": int, "real": float, "true": bool, "false": bool,
          "date": datetime.datetime, "data": bytes}
_TEXT_VALUES = ("string", "integer", "real", "date", "data")


@dataclasses.dataclass
class _Node:
    tag: str
    start: int
    end: int = 0
    children: list = dataclasses.field(default_factory=list)  #: nodes; in a dictionary, (key index, node) pairs
    key: Optional[int] = None  #: a dictionary's key waiting for its value


def parse_xml(data: bytes, path: str) -> XmlPlist:
    text = decode(data)
    tokens, root = _tokens(text, path)
    value = _loaded(data, text, tokens, root, path)
    return XmlPlist(tuple(tokens), path, value, _aligned(root, value, tokens, text, path))


def _tokens(text: str, path: str) -> tuple[list[Token], _Node]:
    tokens: list[Token] = []
    stack: list[_Node] = []
    root: Optional[_Node] = None
    position = 0
    if text.startswith("\ufeff"):
        tokens.append(Token("BOM", "\ufeff"))
        position = 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _error(path, text, position, _refusal(text, position))
        kind = next(name for name in _KINDS if match.group(name) is not None)
        if kind == "PI" and match.group().startswith("<?xml"):
            _check_declaration(match.group(), path, text, position)
        if kind == "DOCTYPE" and (root is not None or stack):
            raise _error(path, text, position, "a DOCTYPE after the root element")
        if kind == "TEXT":
            raise _error(path, text, position, "text outside a value" if stack else "text outside the <plist> element")
        if kind == "CLOSE":
            _close(stack, match.group("closed"), len(tokens), path, text, position)
        elif kind == "OPEN":
            name = match.group("opened")
            node = _Node(name, len(tokens))
            if not stack:
                if root is not None or name != "plist":
                    raise _error(path, text, position, "a second root element" if root else f"<{name}> where <plist> should be")
                if match.group("empty"):
                    raise _error(path, text, position, "a <plist> with no value")
                root = node
                stack.append(node)
            else:
                if name not in _TYPES and name != "key":
                    raise _error(path, text, position, f"<{name}>, which a property list does not have")
                _place(stack[-1], node, path, text, position)
                if name not in ("dict", "array"):
                    position = _leaf(text, match, node, tokens, path)
                    continue
                if not match.group("empty"):
                    if len(stack) > MAX_DEPTH:
                        raise _error(path, text, position, f"values nested more than {MAX_DEPTH} deep")
                    stack.append(node)
                else:
                    node.end = len(tokens) + 1
            kind = "EMPTY" if match.group("empty") else "OPEN"
        tokens.append(Token(kind, match.group()))
        position = match.end()
    if stack:
        raise _error(path, text, len(text), f"the file ends inside <{stack[-1].tag}>")
    if root is None:
        raise _error(path, text, len(text), "no <plist> element")
    return tokens, root


def _refusal(text: str, position: int) -> str:
    for start, words in (("<!DOCTYPE", "a DOCTYPE with declarations of its own (entities), which property lists never have"),
                         ("<!ENTITY", "an entity declaration, which property lists never have"),
                         ("<![CDATA[", "a CDATA section, which Mail never writes")):
        if text.startswith(start, position):
            return words
    return "a malformed tag"


def _check_declaration(declaration: str, path: str, text: str, position: int) -> None:
    if position > 1:
        raise _error(path, text, position, "an XML declaration that is not at the start")
    encoding = _ENCODING.search(declaration)
    if encoding and encoding.group(1).lower().replace("-", "").replace("_", "") != "utf8":
        raise _error(path, text, position, f"encoding {encoding.group(1)!r}: only UTF-8 property lists are rewritten")


def _place(parent: _Node, node: _Node, path: str, text: str, position: int) -> None:
    """Hang a new element on the one it is in, as a property list allows."""
    if parent.tag == "plist":
        if parent.children:
            raise _error(path, text, position, "a second value in <plist>")
        parent.children.append(node)
    elif parent.tag == "array":
        if node.tag == "key":
            raise _error(path, text, position, "a <key> in an array")
        parent.children.append(node)
    elif node.tag == "key":
        if parent.key is not None:
            raise _error(path, text, position, "a key without a value")
        parent.key = node.start
    elif parent.key is None:
        raise _error(path, text, position, f"<{node.tag}> without a key in a dictionary")
    else:
        parent.children.append((parent.key, node))
        parent.key = None


def _close(stack: list[_Node], name: str, index: int, path: str, text: str, position: int) -> None:
    if not stack or stack[-1].tag != name:
        raise _error(path, text, position, f"</{name}> closes no open element")
    node = stack.pop()
    if node.key is not None:
        raise _error(path, text, position, "a key without a value at the end of a dictionary")
    if node.tag == "plist" and not node.children:
        raise _error(path, text, position, "a <plist> with no value")
    node.end = index + 1


def _leaf(text: str, tag: re.Match, node: _Node, tokens: list[Token], path: str) -> int:
    """A key or a value that is not a container: its start tag, its text and its end tag as tokens."""
    start = tag.start()
    if tag.group("empty"):
        tokens.append(Token("EMPTY", tag.group()))
        node.end = len(tokens)
        return tag.end()
    leaf = _LEAF.match(text, tag.end())
    if leaf is None and "<" not in text[tag.end():]:
        raise _error(path, text, len(text), f"the file ends inside <{node.tag}>")
    if leaf is None:
        raise _error(path, text, start, f"<{node.tag}> holds markup, a comment or CDATA: a value is plain text")
    if leaf.group("closed") != node.tag:
        raise _error(path, text, leaf.start("close"), f"<{node.tag}> closed by </{leaf.group('closed')}>")
    body = leaf.group("body")
    if node.tag in ("true", "false") and body.strip(" \t\r\n"):
        raise _error(path, text, tag.end(), f"text in <{node.tag}>")
    for ampersand in re.finditer("&", body):
        if not _REFERENCE.match(body, ampersand.start()):
            raise _error(path, text, tag.end() + ampersand.start(),
                         "an entity other than &amp; &lt; &gt; &quot; &apos; or a character reference")
    tokens += [Token("OPEN", tag.group()), *([Token("TEXT", body)] if body else []), Token("CLOSE", leaf.group("close"))]
    node.end = len(tokens)
    return leaf.end()


def _loaded(data: bytes, text: str, tokens: list[Token], root: _Node, path: str) -> object:
    """plistlib's reading of the file; where it refuses, the element it refused, located."""
    try:
        return plistlib.loads(data, fmt=plistlib.FMT_XML)
    except ExpatError as error:
        raise ParseError(path, error.lineno, error.offset + 1, f"not well-formed XML: {ErrorString(error.code)}") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as error:  # a value plistlib cannot read
        document = FileDocument(tuple(tokens), path)
        for index, token in enumerate(tokens):
            name = token.text[1:-1]
            if token.kind == "OPEN" and name in _TEXT_VALUES and tokens[index + 1].kind == "TEXT":
                try:
                    plistlib.loads(f"<plist>{token.text}{tokens[index + 1].text}</{name}></plist>".encode(),
                                   fmt=plistlib.FMT_XML)
                except (ValueError, TypeError, AttributeError, OverflowError, ExpatError):
                    line, column = document.position(index + 1)
                    raise ParseError(path, line, column, f"plistlib cannot read this <{name}>") from None
        raise _error(path, text, 0, f"plistlib cannot read it ({type(error).__name__})") from None


def _aligned(root: _Node, value: object, tokens: list[Token], text: str, path: str) -> dict[Path, Element]:
    """Each value's element by path, checked against plistlib's reading of the same file."""
    document = FileDocument(tuple(tokens), path)
    (top,) = root.children
    elements: dict[Path, Element] = {}
    pending: list[tuple[Path, _Node, Optional[int], object]] = [((), top, None, value)]
    while pending:
        where, node, key, item = pending.pop()
        elements[where] = Element(node.start, node.end, key)
        wanted = _TYPES[node.tag]
        if not isinstance(item, wanted) or (wanted is int and isinstance(item, bool)):
            line, column = document.position(node.start)
            raise ParseError(path, line, column, f"plistlib reads this <{node.tag}> as {type(item).__name__}")
        if node.tag in ("dict", "array") and len(node.children) != len(item):  # type: ignore[arg-type]
            line, column = document.position(node.start)
            raise ParseError(path, line, column, "a key given twice in this dictionary")
        if node.tag == "dict":
            for (key_index, child), name in zip(node.children, item):  # type: ignore[call-overload]
                pending.append((where + (name,), child, key_index, item[name]))  # type: ignore[index]
        elif node.tag == "array":
            for index, child in enumerate(node.children):
                pending.append((where + (index,), child, None, item[index]))  # type: ignore[index]
    return elements


_error = ParseError.in_text
