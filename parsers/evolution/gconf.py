"""Evolution 2.x – 3.4 accounts in GConf: ``apps/evolution/mail/%gconf.xml`` (or a merged ``%gconf-tree.xml``).

Each account is an XML document escaped into a ``<stringvalue>``.  We never
re-serialise either document: the server URLs and folder URIs are found in
the escaped text itself, each becomes one token, and only those tokens are
rewritten (escaped twice, as they are stored).
"""
from __future__ import annotations

import dataclasses
import functools
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
from parsers.evolution.camel import parse_camel

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

    @functools.cached_property
    def uses_imapx(self) -> bool:
        """Whether an account's source URL is an ``imapx:`` one (Evolution 3.x): new IMAP URLs are then too."""
        return any(f.kind == "source" and self.value(f).startswith("imapx:") for a in self.accounts for f in a.fields)

    def account(self, uid: str) -> Optional[GconfAccount]:
        """The (first) account of that uid."""
        return self._by_uid.get(uid)

    @functools.cached_property
    def _by_uid(self) -> dict[str, GconfAccount]:
        found: dict[str, GconfAccount] = {}
        for account in self.accounts:
            found.setdefault(account.uid, account)
        return found


@dataclasses.dataclass(frozen=True)
class GconfSetup:
    """The GConf accounts, and the rule files of the same Evolution (filters, search folders) naming their folders."""

    gconf: GconfFile
    rule_files: tuple = ()  #: ``sources.UriText`` documents

    @property
    def files(self) -> dict[str, Document]:
        return {document.path: document for document in (self.gconf, *self.rule_files)}

    def uris_near(self, roots: tuple[str, ...], host: str, user: Optional[str]) -> list[tuple[Document, int]]:
        """The URIs of the rule files (document, token) that may name a folder of one account, in file order:
        those under one of its ``roots`` (``email://uid/``), and the server URLs of its ``host`` with its
        ``user`` or none (any user when ``user`` is ``None``).  Looked up in an index, not read through again."""
        index = self._uri_index
        keys = [("root", _authority(root)) for root in roots]
        keys += [("host", host.lower())] if user is None else [("user", host.lower(), user.lower()), ("user", host.lower(), "")]
        places = sorted({place for key in keys for place in index.get(key, ())})
        return [(self.rule_files[number], token) for number, token in places]

    @functools.cached_property
    def _uri_index(self) -> dict[tuple[str, ...], list[tuple[int, int]]]:
        """Each URI of the rule files (file number, token) by its ``scheme://authority/``, and, as a server URL,
        by its host and by its host and user (lower case; ``""``: none)."""
        index: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for number, document in enumerate(self.rule_files):
            for token_index, token in enumerate(document.tokens):
                if token.kind != "URI":
                    continue
                keys = [("root", _authority(token.text))]
                url = parse_camel(token.text)
                if url is not None:
                    host = url.host.lower()
                    keys += [("host", host), ("user", host, (url.user or "").lower())]
                for key in keys:
                    index.setdefault(key, []).append((number, token_index))
        return index


def _authority(uri: str) -> str:
    """``email://uid/INBOX/x`` -> ``email://uid/``."""
    scheme, separator, rest = uri.partition("://")
    return scheme + separator + rest.split("/", 1)[0] + "/"


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
        raise ParseError.in_text(path, text, at, "not UTF-8, as GConf XML must be")
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

