"""One configuration folder of Claws Mail or Sylpheed: the files a migration reads, and which it may rewrite.

Rewritten when they name something that moves: ``accountrc`` (the accounts),
``folderlist.xml`` (folder paths), Claws' ``folderitemrc`` (per-folder
settings, by identifier) and ``matcherrc`` (filter and processing rules),
Sylpheed's ``filter.xml``.  Only read: ``clawsrc`` (its ``config_version``
decides how ``protocol`` is numbered) and ``passwordstorerc`` (Claws 3.14+
keeps saved passwords there, encrypted; never edited).
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
from typing import Callable
from typing import Optional
from typing import TypeVar

from migrate.document import Document
from migrate.document import decode
from migrate.errors import ParseError
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.claws import program
from parsers.claws.filters import FilterFile
from parsers.claws.filters import parse_filter_xml
from parsers.claws.filters import parse_matcherrc
from parsers.claws.folderlist import FolderList
from parsers.claws.folderlist import parse_folderlist
from parsers.claws.program import POP
from parsers.claws.program import Program
from parsers.claws.program import atoi
from parsers.claws.rcfile import RcFile
from parsers.claws.rcfile import parse_rcfile

_Parsed = TypeVar("_Parsed")
_HEADER = re.compile(r"\[Account: ([0-9]{1,9})\]")
_STORE_BLOCK = re.compile(r"\[account:([0-9]{1,9})\]")


@dataclasses.dataclass(frozen=True)
class AccountBlock:
    id: int
    section: int  #: its index in ``accountrc``'s sections
    line: int


@dataclasses.dataclass(frozen=True)
class Profile:
    folder: str
    program: Program
    common_version: int  #: ``config_version`` of ``clawsrc`` ``[Common]`` (0 without one)
    accountrc: RcFile
    blocks: tuple[AccountBlock, ...]
    folderlist: Optional[FolderList] = None
    folderitemrc: Optional[RcFile] = None
    filters: tuple[FilterFile, ...] = ()
    stored_passwords: dict[int, frozenset[str]] = dataclasses.field(default_factory=dict)  #: account -> recv/send

    @property
    def files(self) -> dict[str, Document]:
        found = [self.accountrc, self.folderlist, self.folderitemrc, *self.filters]
        return {document.path: document for document in found if document is not None}

    def value(self, block: AccountBlock, name: str) -> Optional[str]:
        return self.accountrc.get(block.section, name)

    def version(self, block: AccountBlock) -> int:
        """The configuration version the account's ``protocol`` is numbered by (Claws; 0 for the others)."""
        own = self.value(block, "config_version")
        return atoi(own) if own is not None else self.common_version

    @functools.cached_property
    def folder_owners(self) -> dict[str, int]:
        """Which account an identifier's folder name stands for: the first ``<folder type="imap">`` of that
        name, as the programs look it up, then the name an account without one gets when it reads IMAP (its
        account name; a POP account too, which may become IMAP)."""
        owners: dict[str, int] = {}
        with_folder = set()
        for folder in self.folderlist.imap_folders if self.folderlist else ():
            if folder.account_id is not None:
                owners.setdefault(folder.name, folder.account_id)
                with_folder.add(folder.account_id)
        for block in self.blocks:
            if block.id not in with_folder and (self.protocol(block) == "imap" or self.protocol(block) in POP):
                owners.setdefault(self.value(block, "account_name") or "", block.id)
        return owners

    def folder_name(self, block: AccountBlock) -> str:
        """The name the account's IMAP folder has, or will get when it first reads IMAP."""
        if block.id in self._folder_names:
            return self._folder_names[block.id]
        return self.value(block, "account_name") or ""

    @functools.cached_property
    def _folder_names(self) -> dict[int, str]:
        """Each account's first folder name in ``folder_owners``."""
        names: dict[int, str] = {}
        for name, owner in self.folder_owners.items():
            names.setdefault(owner, name)
        return names

    def protocol(self, block: AccountBlock) -> str:
        number = atoi(self.value(block, "protocol"))
        return self.program.protocols(self.version(block)).get(number, f"protocol {number}")


def load(read: Read, path: str) -> Profile:
    folder = os.path.dirname(path)

    def sibling(name: str, parse: Callable[[bytes, str], _Parsed]) -> Optional[_Parsed]:
        where = os.path.join(folder, name)
        data = read(where)
        return parse(data, where) if data is not None else None

    accountrc = parse_rcfile(read_required(read, path), path)
    clawsrc = read(os.path.join(folder, "clawsrc"))
    present = frozenset({"clawsrc"} if clawsrc is not None else ()) | frozenset(
        {"sylpheedrc"} if read(os.path.join(folder, "sylpheedrc")) is not None else ())
    found = program.detect(os.path.basename(folder), frozenset(e.name for e in accountrc.entries), present)
    if found is None:
        raise ParseError(path, 1, 1, "neither Claws Mail nor Sylpheed can be told from this folder (no clawsrc or"
                                     " sylpheedrc beside it, no key only one of them writes)")
    accountrc = dataclasses.replace(accountrc, fold_case=found.fold_case)
    folderlist = sibling("folderlist.xml", parse_folderlist)
    if not found.claws:
        filter_xml = sibling("filter.xml", parse_filter_xml)
        return Profile(folder, found, 0, accountrc, _blocks(accountrc), folderlist,
                       filters=(filter_xml,) if filter_xml else ())
    matcherrc = sibling("matcherrc", parse_matcherrc)
    return Profile(
        folder, found, _common_version(clawsrc), accountrc, _blocks(accountrc), folderlist,
        folderitemrc=sibling("folderitemrc", lambda data, where: parse_rcfile(data, where, fold_case=True)),
        filters=(matcherrc,) if matcherrc else (),
        stored_passwords=_stored_passwords(read(os.path.join(folder, "passwordstorerc"))))


def _blocks(accountrc: RcFile) -> tuple[AccountBlock, ...]:
    """The accounts in file order; a header the programs would misread, or an id used twice, is refused."""
    blocks: dict[int, AccountBlock] = {}
    for index, section in enumerate(accountrc.sections):
        header = accountrc.tokens[section.header_index].text
        if not header.startswith("[Account: "):
            continue
        match = _HEADER.fullmatch(header)
        if match is None:
            raise ParseError(accountrc.path, section.line, 1, "an account header not of the form [Account: N]")
        number = int(match.group(1))
        if number in blocks:
            raise ParseError(accountrc.path, section.line, 1,
                             f"account {number} again (first at line {blocks[number].line}): the programs read only the first")
        blocks[number] = AccountBlock(number, index, section.line)
    return tuple(blocks.values())


def _common_version(data: Optional[bytes]) -> int:
    """``config_version`` in ``clawsrc`` ``[Common]``: the version accounts without their own are numbered by."""
    if data is None:
        return 0
    clawsrc = parse_rcfile(data.replace(b"\0", b" "), "clawsrc", fold_case=True)
    common = next((index for index, section in enumerate(clawsrc.sections) if section.label == "Common"), None)
    return atoi(clawsrc.get(common, "config_version")) if common is not None else 0


def _stored_passwords(data: Optional[bytes]) -> dict[int, frozenset[str]]:
    """Per account, which passwords ``passwordstorerc`` holds (``recv``, ``send``, ...); their values are never
    looked at.  Blocks are ``[account:N]`` lines, then ``name value`` lines (``passwd_store_read_config``)."""
    found: dict[int, set[str]] = {}
    account: Optional[int] = None
    for line in decode(data or b"").split("\n"):
        if line.startswith("["):
            block = _STORE_BLOCK.fullmatch(line)
            account = int(block.group(1)) if block else None
        elif account is not None and len(line.split(" ")) == 2 and all(line.split(" ")):
            found.setdefault(account, set()).add(line.split(" ")[0])
    return {account: frozenset(names) for account, names in found.items()}
