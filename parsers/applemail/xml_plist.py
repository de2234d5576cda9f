"""XML property lists, every byte kept: edited as text, value by value.

The document is the file's tokens (``xml_reader`` splits it and finds each
value's element by its path, checked against plistlib's reading).  An edit
replaces a value's text (its element, when it has none), or inserts new keys
and array items after the blanks their neighbours have, so the file's
indentation and line ends carry on; nothing else moves.
"""
from __future__ import annotations

import dataclasses
from typing import Mapping
from typing import NamedTuple
from typing import Optional

from migrate.document import Edit
from migrate.document import FileDocument
from parsers.applemail import render
from parsers.applemail.values import Append
from parsers.applemail.values import Op
from parsers.applemail.values import Path
from parsers.applemail.values import Put
from parsers.applemail.values import at as value_at
from parsers.applemail.values import edited as edited_value


class Element(NamedTuple):
    start: int  #: token index of its start tag (of the element itself when it is empty: ``<true/>``)
    end: int  #: token index after its end tag
    key: Optional[int]  #: token index of the start tag of its ``<key>``, in a dictionary


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


def _split(blank: str) -> tuple[str, str]:
    """Blanks before an element: up to the end of its last line ending, and its indentation."""
    cut = max(blank.rfind("\n"), blank.rfind("\r")) + 1
    return blank[:cut], blank[cut:]
