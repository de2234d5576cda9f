"""Evolution 2.x – 3.4 accounts in GConf: ``apps/evolution/mail/%gconf.xml`` (or a merged ``%gconf-tree.xml``).

Each account is an XML document escaped into a ``<stringvalue>``.  We never
re-serialise either document: the server URLs and folder URIs are found in
the escaped text itself, each becomes one token, and only those tokens are
rewritten (escaped twice, as they are stored).
"""
from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ElementTree
from typing import Optional
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import unescape as xml_unescape

from migrate.document import Document
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError

_ENTITIES = {"&quot;": '"', "&apos;": "'"}
_STRINGVALUE = re.compile(r"<stringvalue>(.*?)</stringvalue>", re.S)
#: Inside one escaped account: the source/transport URL and the folder URIs.
_FIELD = re.compile(r"&lt;(source|transport)\b(?:(?!&lt;/\1).)*?&lt;url&gt;(.*?)&lt;/url&gt;"
                    r"|&lt;(drafts-folder|sent-folder)&gt;(.*?)&lt;/\3&gt;", re.S)


def unescape_twice(text: str) -> str:
    return xml_unescape(xml_unescape(text, _ENTITIES), _ENTITIES)


def escape_twice(text: str) -> str:
    return xml_escape(xml_escape(text))


@dataclasses.dataclass(frozen=True)
class Field:
    account: str  #: the account's uid
    kind: str  #: ``source``, ``transport``, ``drafts-folder`` or ``sent-folder``
    index: int  #: its token


@dataclasses.dataclass(frozen=True)
class GconfAccount:
    uid: str
    name: str
    keep_on_server: bool
    fields: tuple[Field, ...]


@dataclasses.dataclass(frozen=True)
class GconfFile(FileDocument):
    accounts: tuple[GconfAccount, ...] = ()

    def value(self, field: Field) -> str:
        return unescape_twice(self.tokens[field.index].text)


@dataclasses.dataclass(frozen=True)
class GconfSetup:
    """The GConf accounts, and the rule files of the same Evolution (filters, search folders) naming their folders."""

    gconf: GconfFile
    rule_files: tuple = ()  #: ``sources.UriText`` documents

    @property
    def files(self) -> dict[str, Document]:
        return {document.path: document for document in (self.gconf, *self.rule_files)}


def rules_folders(path: str) -> tuple[str, ...]:
    """Where the Evolution of a GConf file keeps its mail rules: ``~/.evolution/mail`` (2.x), else the XDG one (3.0 - 3.4)."""
    parts = path.split("/")
    if parts[-1] == "%gconf-tree.xml":
        home = parts[:-2]
    else:
        home = parts[:-5] if parts[-5:-4] == [".gconf"] else parts[:-6]  # ~/.gconf/... or ~/.config/gconf/...
    base = "/".join(home) or "."
    return (f"{base}/.evolution/mail", f"{base}/.config/evolution/mail")


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as ``decode`` keeps them


def parse_gconf(data: bytes, path: str) -> GconfFile:
    text = decode(data)
    undecodable = _NOT_UTF8.search(text)
    if undecodable:  # libxml2, which GConf reads with, refuses the whole file
        at = undecodable.start()
        raise ParseError(path, text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at), "not UTF-8, as GConf XML must be")
    start, end = _accounts_span(text)
    tokens: list[Token] = []
    accounts: list[GconfAccount] = []
    pos = 0
    for value in _STRINGVALUE.finditer(text, start, end):
        document = xml_unescape(value.group(1), _ENTITIES).lstrip()
        try:
            root = ElementTree.fromstring(document)
        except ElementTree.ParseError as error:
            line = text.count("\n", 0, value.start(1)) + error.position[0]
            raise ParseError(path, line, error.position[1] + 1, "an account is not well-formed XML") from None
        if root.tag != "account":
            continue
        fields = []
        for field in _FIELD.finditer(text, value.start(1), value.end(1)):
            group = 2 if field.group(1) else 4
            if field.start(group) > pos:
                tokens.append(Token("TEXT", text[pos : field.start(group)]))
            fields.append(Field(root.get("uid", ""), field.group(1) or field.group(3), len(tokens)))
            tokens.append(Token("VALUE", field.group(group)))
            pos = field.end(group)
        source = root.find("source")
        accounts.append(GconfAccount(root.get("uid", ""), root.get("name", ""),
                                     source is not None and source.get("keep-on-server") in ("true", "yes"), tuple(fields)))
    if pos < len(text):
        tokens.append(Token("TEXT", text[pos:]))
    return GconfFile(tuple(tokens), path, tuple(accounts))


def _accounts_span(text: str) -> tuple[int, int]:
    """Where the ``accounts`` entry of Evolution's mail settings is (a merged tree nests it in dirs)."""
    offset = 0
    for directory in ("apps", "evolution", "mail"):
        found = re.search(rf'<dir name="{directory}">', text[offset:])
        if found is None:
            break
        offset += found.end()
    entry = re.search(r'<entry name="accounts"[^>]*>(.*?)</entry>', text[offset:], re.S)
    return (offset + entry.start(1), offset + entry.end(1)) if entry else (0, 0)


def account_document(gconf: GconfFile, uid: str) -> Optional[GconfAccount]:
    return next((a for a in gconf.accounts if a.uid == uid), None)
