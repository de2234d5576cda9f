"""The ThunderbirdParser itself, imported only when a file of its format is met (see ``parsers/thunderbird/__init__.py``)."""
from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Iterator
from typing import Optional

from migrate.document import Document
from migrate.document import decode
from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parser
from migrate.plugins import Read
from parsers.thunderbird import MAILMIGRATE_PATTERNS
from parsers.thunderbird import accounts as neutral
from parsers.thunderbird import uris
from parsers.thunderbird.cert_checks import exceptions_to_drop
from parsers.thunderbird.certs import CertOverrides
from parsers.thunderbird.certs import HostPort
from parsers.thunderbird.certs import parse_overrides
from parsers.thunderbird.datfiles import LineFile
from parsers.thunderbird.datfiles import move_uris
from parsers.thunderbird.datfiles import parse_lines
from parsers.thunderbird.discovery import profiles
from parsers.thunderbird.folders import server_folder
from parsers.thunderbird.lock import in_use
from parsers.thunderbird.logins import LoginsFile
from parsers.thunderbird.logins import parse_logins
from parsers.thunderbird.migration import join_holder
from parsers.thunderbird.migration import migrate_imap
from parsers.thunderbird.migration import migrate_smtp
from parsers.thunderbird.migration import name_outgoing_servers
from parsers.thunderbird.migration import port_apart
from parsers.thunderbird.migration import replace_pop
from parsers.thunderbird.migration import UriMap
from parsers.thunderbird.prefs import parse_prefs
from parsers.thunderbird.prefs_edit import PrefsEditor
from parsers.thunderbird.servers import holders
from parsers.thunderbird.profile import Profile


@dataclasses.dataclass(frozen=True)
class ParsedProfile:
    profile: Profile
    logins: Optional[LoginsFile]  #: saved passwords, by origin (``imap://host``)
    overrides: Optional[CertOverrides] = None  #: certificate exceptions, by host:port

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(self.logins.origins) if self.logins is not None else frozenset()

    @property
    def files(self) -> dict[str, Document]:
        return self.profile.files

    @functools.cached_property
    def mails(self) -> dict[str, neutral.MailAccount]:
        """The profile's mail accounts by key, worked out once for both reading and rewriting."""
        return {mail.key: mail for mail in neutral.mail_accounts(self.profile)}


class ThunderbirdParser(Parser):
    name = "thunderbird"
    client = "Thunderbird"
    patterns = MAILMIGRATE_PATTERNS

    def setups(self, path: Path) -> Iterator[Path]:
        """A mail profile for its ``prefs.js``; every listed profile for a ``profiles.ini``."""
        try:
            text = decode(read_source(path).data)
        except (OSError, MigrateError):
            return
        if path.name == "prefs.js":
            if "mail.accountmanager.accounts" in text:  # not a browser's profile
                yield path.parent
            return
        yield from (folder for folder in profiles(path, text) if (folder / "prefs.js").is_file())

    def parse(self, read: Read, path: str) -> ParsedProfile:
        folder = Path(path)
        prefs_path, user_path = str(folder / "prefs.js"), str(folder / "user.js")
        data = read(prefs_path)
        if data is None:
            raise MigrateError(f"{path}: not a profile folder (no prefs.js)")
        user = read(user_path)
        profile = Profile(path, parse_prefs(data, prefs_path), parse_prefs(user, user_path) if user is not None else None)
        others: dict[str, Document] = {}
        for candidates, kind in _uri_files(profile, folder):
            for name in candidates:
                content = read(name)
                if content is not None:
                    others.setdefault(name, parse_lines(content, name, kind))
                    break
        logins_path = str(folder / "logins.json")
        saved = read(logins_path)
        logins = parse_logins(saved, logins_path) if saved is not None else None
        if logins is not None:
            others[logins_path] = logins
        overrides_path = str(folder / "cert_override.txt")
        exceptions = read(overrides_path)
        overrides = parse_overrides(exceptions, overrides_path) if exceptions is not None else None
        if overrides is not None:
            others[overrides_path] = overrides
        profile = dataclasses.replace(profile, others=others)
        return ParsedProfile(profile, logins, overrides)

    def accounts(self, parsed: ParsedProfile) -> list[Account]:
        profile = parsed.profile
        found = []
        for mail in parsed.mails.values():
            pref = profile.prefs.get(f"mail.account.{mail.key}.server")
            line = profile.prefs.position(pref.first)[0] if pref else 1
            found.append(neutral.account(profile, mail, parsed.origins, line, parsed.overrides))
        return found

    def apply(
        self, parsed: ParsedProfile, accounts: list[Account], changes: list[Change]
    ) -> tuple[dict[str, Document], list[Note]]:
        editor = PrefsEditor(parsed.profile)
        notes: list[Note] = []
        moves: dict[tuple[str, str, str], UriMap] = {}  #: by the server whose folders move
        forget: set[str] = set()
        exceptions: set[HostPort] = set()
        mine_of = by_account(changes)
        incoming_of = {account.key: [c for c in mine_of.get(account.key, []) if not c.field.startswith("outgoing.")
                                     and c.field != "incoming.password"] for account in accounts}
        joins = holders(accounts, {key: mail.type for key, mail in parsed.mails.items()}, incoming_of)
        taken_over: dict[str, str] = {}  #: a POP account -> the IMAP account that took over from it
        for account in accounts:
            mine = mine_of.get(account.key, [])
            incoming = incoming_of[account.key]
            outgoing = [c for c in mine if c.field.startswith("outgoing.") and c.field != "outgoing.password"]
            mail = parsed.mails[account.key]
            holder = joins.get(account.key)
            holder = taken_over.get(holder, holder) if holder is not None else None
            if incoming and mail.type == "pop3":
                taken_over[account.key] = replace_pop(editor, mail, account, incoming, notes, holder)
            elif incoming:
                moved = migrate_imap(editor, mail, account, incoming)
                if moved is not None:
                    moves.setdefault(moved.server, moved.move)
                if holder is not None:
                    join_holder(editor, mail, account, holder, notes, _has_filters(parsed.profile, mail.server))
            if mine and mail.type != "pop3":  # a replaced POP account's identities stay as they were
                name_outgoing_servers(editor, mail.identities)
            if outgoing and mail.smtp:
                migrate_smtp(editor, mail.smtp, account, outgoing, notes)
            if changes and not incoming:
                port_apart(editor, mail, account, notes)
            forget |= _origins_to_forget(mail, account, mine)
            if any(c.field == "incoming.password" for c in mine):  # a Netscape-era clear-text one
                editor.remove(f"mail.server.{mail.server}.password")
            if parsed.overrides is not None:
                exceptions |= exceptions_to_drop(account, mine, parsed.overrides, notes, exceptions)

        def move(uri: str) -> Optional[str]:
            found = uris.split(uri)
            account_move = moves.get(found[:3]) if found is not None else None
            return account_move(uri) if account_move is not None else None

        documents: dict[str, Document] = editor.documents()
        for name, document in parsed.profile.others.items():
            if isinstance(document, LineFile) and moves:
                documents[name] = move_uris(document, move)
        if parsed.logins is not None and forget:
            documents[parsed.logins.path] = parsed.logins.without(forget)
        if parsed.overrides is not None and exceptions:
            documents[parsed.overrides.path] = parsed.overrides.without(exceptions)
        return documents, notes

    def live(self, path: Path) -> Optional[str]:
        return in_use(path)


def _uri_files(profile: Profile, folder: Path) -> Iterator[tuple[list[str], str]]:
    """The filter file of every server, and the saved searches: all hold folder URIs.

    Each as the paths it may have, most likely first: the first that exists is the one.
    """
    yield [str(folder / "virtualFolders.dat")], "virtual"
    for key in profile.keys("mail.accountmanager.accounts"):
        server = str(profile.value(f"mail.account.{key}.server") or "")
        places = server_folder(profile, server, folder.name)
        if places:
            yield [str(folder.joinpath(*parts, "msgFilterRules.dat")) for parts in places], "filters"


def _has_filters(profile: Profile, server: str) -> bool:
    folder = Path(profile.path)
    return any(str(folder.joinpath(*parts, "msgFilterRules.dat")) in profile.others
               for parts in server_folder(profile, server, folder.name))


def _origins_to_forget(mail: neutral.MailAccount, account: Account, changes: list[Change]) -> set[str]:
    """The saved logins the policy removes: Thunderbird keys them by scheme and host."""
    origins = set()
    for change in changes:
        if change.field == "incoming.password":
            origins.add(f"{neutral.SCHEMES[mail.type]}://{account.incoming.host.lower()}")
        elif change.field == "outgoing.password" and account.outgoing is not None:
            origins.add(f"smtp://{(account.outgoing.host or '').lower()}")
    return origins
