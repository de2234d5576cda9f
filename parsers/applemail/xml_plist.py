"""XML property lists, every byte kept: edited as text, value by value.

The text is split into tokens (declaration, DOCTYPE, comments, tags, a value's
text, blanks) and each value's element is found by its path.  plistlib reads
the same bytes, and the two readings must agree (the same dictionaries with
their keys in order, the same arrays, each value of its tag's type): so an edit
lands on the very value plistlib, like Mail, reads there, and the values
themselves are plistlib's.

Stricter than plistlib, each refusal located: a DOCTYPE with declarations of
its own (entities: "billion laughs" and the like; plistlib refuses those too),
CDATA, an entity other than XML's five and character references (with a DOCTYPE
naming Apple's DTD, expat drops an unknown one without a word), markup inside a
value, text between elements, an element a property list does not have, a key
without a value or given twice in one dictionary, an encoding other than UTF-8,
nesting deeper than ``MAX_DEPTH``.

An edit replaces a value's text (its element, when it has none), or inserts
new keys and array items after the blanks their neighbours have, so the file's
indentation and line ends carry on; nothing else moves.
"""
from __future__ import annotations

import dataclasses
import datetime
import plistlib
import re
from typing import Mapping
from typing import NamedTuple
from typing import Optional
from xml.parsers.expat import ErrorString
from xml.parsers.expat import ExpatError

from migrate.document import Edit
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError
from parsers.applemail import render
from parsers.applemail.values import Append
from parsers.applemail.values import Op
from parsers.applemail.values import Path
from parsers.applemail.values import Put
from parsers.applemail.values import at as value_at
from parsers.applemail.values import edited as edited_value

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
_ENCODING = re.compile(r"""encoding{_BLANK}*={_BLANK}*["']([^"']*)["']""".replace("{_BLANK}", _BLANK))
_TYPES = {"dict": dict, "array": list, "string": str, "integer": int, "real": float, "true": bool, "false": bool,
          "date": datetime.datetime, "data": bytes}
_TEXT_VALUES = ("string", "integer", "real", "date", "data")


class Element(NamedTuple):
    start: int  #: token index of its start tag (of the element itself when it is empty: ``<true/>``)
    end: int  #: token index after its end tag
    key: Optional[int]  #: token index of the start tag of its ``<key>``, in a dictionary


@dataclasses.dataclass
class _Node:
    tag: str
    start: int
    end: int = 0
    children: list = dataclasses.field(default_factory=list)  #: nodes; in a dictionary, (key index, node) pairs
    key: Optional[int] = None  #: a dictionary's key waiting for its value


@dataclasses.dataclass(frozen=True)
class XmlPlist(FileDocument):
    value: object = None  #: as plistlib reads it
    elements: Mapping[Path, Element] = dataclasses.field(default_factory=dict)

    def line(self, path: Path) -> int:
        return self.position(self.elements[path].start)[0]

    def edited(self, ops: list[Op]) -> FileDocument:
        """The text with ``ops`` made (see ``values``); ``self`` when they change nothing."""
        edits = [*self._replacements(ops), *self._insertions(ops), *self._appends(ops)]
        return FileDocument(self.apply(edits).tokens, self.path) if edits else self

    def _replacements(self, ops: list[Op]) -> list[Edit]:
        new = {op.path + (op.key,): op.value for op in ops if isinstance(op, Put) and op.path + (op.key,) in self.elements}
        edits = []
        for path, value in new.items():
            element, old = self.elements[path], value_at(self.value, path)
            if type(value) is type(old) and value == old:
                continue
            if self.tokens[element.start].kind == "OPEN" and type(value) is type(old) and not isinstance(value, bool):
                edits.append(Edit(element.start + 1, element.end - 1, render.text(value)))  # the start tag kept as it is
            else:
                edits.append(Edit(element.start, element.end, render.scalar(value)))
        return edits

    def _insertions(self, ops: list[Op]) -> list[Edit]:
        """New keys of each dictionary, in the order ``values.edited`` gives them, each before the key that follows it."""
        added: dict[Path, list[Put]] = {}
        for op in ops:
            if isinstance(op, Put) and op.path + (op.key,) not in self.elements:
                added.setdefault(op.path, []).append(op)
        edits = []
        for path, puts in added.items():
            old = value_at(self.value, path)
            assert isinstance(old, dict)
            if not old:
                edits.append(self._replaced_container(path, edited_value(old, [Put((), p.key, p.value) for p in puts])))
                continue
            order = list(edited_value(old, [Put((), p.key, p.value) for p in puts]))  # type: ignore[arg-type]
            values = {p.key: p.value for p in puts}
            first = self.elements[path + (next(iter(old)),)]
            entry, between = self._blank_before(first.key), self._blank_after(first.key)
            groups: dict[Optional[str], list[str]] = {}  #: the existing key each new one goes before (None: the end)
            for index, key in enumerate(order):
                if key in values:
                    following = next((k for k in order[index:] if k in old), None)
                    groups.setdefault(following, []).append(key)
            for following, keys in groups.items():
                texts = [f"<key>{render.escaped(k)}</key>{between}{self._element(values[k], entry, path)}" for k in keys]
                if following is None:
                    edits.append(self._at_end(path, texts, entry, self.elements[path + (list(old)[-1],)].end))
                else:  # before the next key, after its indentation: whole lines added
                    at = self.elements[path + (following,)].key
                    edits.append(Edit(at, at, "".join(text + entry for text in texts)))  # type: ignore[arg-type]
        return edits

    def _appends(self, ops: list[Op]) -> list[Edit]:
        added: dict[Path, list[object]] = {}
        for op in ops:
            if isinstance(op, Append):
                added.setdefault(op.path, []).append(op.value)
        edits = []
        for path, items in added.items():
            old = value_at(self.value, path)
            assert isinstance(old, list)
            if not old:
                edits.append(self._replaced_container(path, items))
                continue
            blank = self._blank_before(self.elements[path + (0,)].start)
            last = self.elements[path + (len(old) - 1,)]
            edits.append(self._at_end(path, [self._element(item, blank, path) for item in items], blank, last.end))
        return edits

    def _at_end(self, container: Path, texts: list[str], blank: str, after: int) -> Edit:
        """``texts`` as the last items of a container, each after ``blank`` as its items are, after its last one.

        The edit spans what stands between that item and the end tag, written again as it is: a diff
        then compares the lines around both, and shows whole lines added, as difflib does.
        """
        close = self.elements[container].end - 1
        return Edit(after, close, "".join(blank + text for text in texts) + self.render_range(after, close))

    def _replaced_container(self, path: Path, value: object) -> Edit:
        """An empty ``<dict/>`` or ``<array/>`` that gets items: written anew, one level in from its own line."""
        element = self.elements[path]
        before = self._blank_before(element.start) or "\n"
        return Edit(element.start, element.end, self._element(value, before, path[:-1]))

    def _element(self, value: object, blank: str, container: Path) -> str:
        """``value`` as an element placed after ``blank``, its inner lines indented as the file indents."""
        newline, indent = _split(blank)
        outer = _split(self._blank_before(self.elements[container].start))[1] if container in self.elements else ""
        unit = indent[len(outer):] if indent.startswith(outer) and len(indent) > len(outer) else "\t"
        return ((newline or "\n") + indent).join(render.lines(value, unit))

    def _blank_before(self, index: Optional[int]) -> str:
        return self.tokens[index - 1].text if index and self.tokens[index - 1].kind == "WS" else ""

    def _blank_after(self, key: Optional[int]) -> str:
        """The blanks between a ``<key>`` element (3 tokens, or 1 when empty) and its value."""
        assert key is not None
        after = key + (1 if self.tokens[key].kind == "EMPTY" else 2 if self.tokens[key + 1].kind == "CLOSE" else 3)
        return self.tokens[after].text if self.tokens[after].kind == "WS" else ""


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
    if encoding and encoding.group(1).lower().replace("-", "").replace("_", "") not in ("utf8",):
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


def _split(blank: str) -> tuple[str, str]:
    """Blanks before an element: up to the end of its last line ending, and its indentation."""
    cut = max(blank.rfind("\n"), blank.rfind("\r")) + 1
    return blank[:cut], blank[cut:]


_error = ParseError.in_text
