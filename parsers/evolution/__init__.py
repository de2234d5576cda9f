"""GNOME Evolution, both generations.

3.6+: one setup per standalone mail account (``~/.config/evolution/sources/<uid>.source``,
with its identity and transport, and the filters that name its folders).
2.x – 3.4: one setup per GConf file holding the accounts (``apps/evolution/mail/%gconf.xml``,
or a merged ``%gconf-tree.xml``).

POP accounts become IMAP in place, keeping their UID, so the mail POP already
downloaded ("On This Computer") and everything keyed by the UID stay attached.
A running Evolution or source registry would overwrite the files: then the
account is left alone, with the reason.

Certificates: neither generation has a setting that stops Evolution checking
a mail server's certificate (``e-source-security.c``, the Camel settings and
URL parameters have none).  A certificate accepted by hand is stored for one
host and that exact certificate (``camel-cert.db``, ``camel_certs/``; 2.x: by
fingerprint) and is only consulted when the system's check fails, so no
account is ``certificate_unchecked``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator
from typing import Optional
from typing import Union

from migrate.document import Document
from migrate.document import decode
from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.evolution import gconf_accounts
from parsers.evolution import sources
from parsers.evolution.gconf import GconfSetup
from parsers.evolution.gconf import parse_gconf
from parsers.evolution.gconf import rules_folders
from parsers.evolution.keyfile import parse_keyfile
from parsers.evolution.migration import migrate


class EvolutionParser(Parser):
    name = "evolution"
    client = "Evolution"
    patterns = ("*.source", "%gconf.xml", "%gconf-tree.xml")

    def setups(self, path: Path) -> Iterator[Path]:
        """Account key files (identities and transports go with their account), and GConf mail settings."""
        if path.name == "%gconf.xml":
            if path.parts[-4:-1] == ("apps", "evolution", "mail"):
                yield path
            return
        try:
            data = read_source(path).data
        except (OSError, MigrateError):
            return
        if path.name == "%gconf-tree.xml":
            if b'<dir name="evolution">' in data:
                yield path
        elif sources.is_mail_account(parse_keyfile(data, str(path))):
            yield path

    def parse(self, read: Read, path: str) -> Union[sources.SourceAccount, GconfSetup]:
        if path.endswith(".xml"):
            rule_files = next((found for found in (sources.load_rule_files(read, folder) for folder in rules_folders(path))
                               if found), ())
            return GconfSetup(parse_gconf(read_required(read, path), path), rule_files)
        loaded = sources.load(read, path)
        if loaded is None:
            raise MigrateError(f"{path}: no such file")
        return loaded

    def accounts(self, parsed: Union[sources.SourceAccount, GconfSetup]) -> list[Account]:
        if isinstance(parsed, GconfSetup):
            gconf = parsed.gconf
            found = (gconf_accounts.account(parsed, entry, gconf.position(entry.fields[0].index)[0] if entry.fields else 1)
                     for entry in gconf.accounts)
            return [account for account in found if account is not None]
        return [sources.account(parsed, 1)] if sources.is_mail_account(parsed.account) else []

    def apply(
        self, parsed: Union[sources.SourceAccount, GconfSetup], accounts: list[Account], changes: list[Change]
    ) -> tuple[dict[str, Document], list[Note]]:
        notes: list[Note] = []
        documents: dict[str, Document] = {}
        edits = []
        rule_edits: dict[str, list] = {}
        for account in accounts:
            mine = [change for change in changes if change.account == account.key]
            if not mine:
                continue
            if isinstance(parsed, GconfSetup):
                entry = next(e for e in parsed.gconf.accounts if e.uid == account.key)
                edits += gconf_accounts.migrate(parsed.gconf, entry, account, mine, notes)
                for path, found in gconf_accounts.migrate_rules(parsed, entry, account, mine).items():
                    rule_edits.setdefault(path, []).extend(found)
            else:
                documents.update(migrate(parsed, account, mine, notes))
        if isinstance(parsed, GconfSetup):
            documents[parsed.gconf.path] = parsed.gconf.apply(edits)
            documents.update({rules.path: rules.apply(rule_edits[rules.path]) for rules in parsed.rule_files
                              if rule_edits.get(rules.path)})
        return documents, notes

    def live(self, path: Path) -> Optional[str]:
        if path.suffix == ".source":
            try:
                pid = int(decode(read_source(path.parent.parent / ".running").data).split()[0])
                if b"evolution" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return "Evolution is running: close it first (evolution --force-shutdown)"
            except (OSError, ValueError, IndexError, MigrateError):
                pass
            running = _process_of_owner(path, (b"evolution-source-registry",))
        else:  # GConf: Evolution 2.x itself, or the GConf daemon that would write its cache back
            running = _process_of_owner(path, (b"evolution", b"gconfd-2"))
        return f"{running} is running: close Evolution first (evolution --force-shutdown)" if running else None


def _process_of_owner(path: Path, names: tuple[bytes, ...]) -> Optional[str]:
    """The first of ``names`` running as the owner of ``path`` (its program name, not its arguments)."""
    try:
        owner = os.lstat(path).st_uid
    except OSError:
        return None
    try:
        processes = os.scandir("/proc")
    except OSError:  # no /proc: Windows, where Evolution is not at home
        return None
    with processes:
        for process in processes:
            if not process.name.isdigit():
                continue
            try:
                if process.stat(follow_symlinks=False).st_uid != owner:
                    continue
                with open(f"/proc/{process.name}/cmdline", "rb") as cmdline:
                    program = os.path.basename(cmdline.read().split(b"\0")[0])
            except OSError:
                continue
            for name in names:
                if program == name or program.startswith(name + b"-2."):
                    return name.decode()
    return None
