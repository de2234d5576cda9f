"""One file of Mail's account settings, read: its accounts and how they link up."""
from __future__ import annotations

import dataclasses
import functools
from pathlib import PurePath

from migrate.document import Document
from migrate.model import Account
from parsers.applemail import accounts as mail
from parsers.applemail.accounts import MailDict
from parsers.applemail.plist import PlistFile


@dataclasses.dataclass(frozen=True)
class MailSetup:
    plist: PlistFile

    @property
    def files(self) -> dict[str, Document]:
        return {self.plist.path: self.plist}

    @functools.cached_property
    def _unique_ids(self) -> set[object]:
        return {found.info.get("uniqueId") for found in mail.account_dicts(self.plist.value, "MailAccounts")}

    @functools.cached_property
    def retired(self) -> list[MailDict]:
        """POP accounts whose IMAP account mailmigrate added before: they stay for their mail."""
        return [found for found in mail.incoming(self.plist.value)
                if found.info["AccountType"] == "POPAccount" and mail.added_id(found) in self._unique_ids]

    @functools.cached_property
    def incoming(self) -> list[MailDict]:
        return [found for found in mail.incoming(self.plist.value) if found not in self.retired]

    @functools.cached_property
    def outgoing(self) -> list[MailDict]:
        return mail.outgoing(self.plist.value)

    @functools.cached_property
    def senders(self) -> dict[str, MailDict]:
        """The outgoing account of each account, by account key (a sending-only account's is itself)."""
        by_name: dict[str, MailDict] = {}
        for smtp in self.outgoing:
            by_name.setdefault(mail.identifier(smtp.info), smtp)
        found = {reading.key: by_name[name] for reading in self.incoming
                 for name in [reading.text("SMTPIdentifier")] if name in by_name}
        used = set(map(id, found.values()))
        return {**found, **{smtp.key: smtp for smtp in self.outgoing if id(smtp) not in used}}

    @property
    def lion(self) -> bool:
        """A file of Mail 5-8 (``~/Library/Mail/V2``), rather than of Mail 2-4."""
        return "V2" in PurePath(self.plist.path).parts

    @property
    def mail_folder(self) -> str:
        """Where Mail keeps its accounts' folders."""
        return "~/Library/Mail/V2" if self.lion else "~/Library/Mail"

    @functools.cached_property
    def string_ports(self) -> bool:
        """Whether a port this file does not have yet is written as a string (10.4-10.6) or a number (Lion's V2 files)."""
        ports = [found.info["PortNumber"] for array in ("MailAccounts", "DeliveryAccounts")
                 for found in mail.account_dicts(self.plist.value, array) if "PortNumber" in found.info]
        return isinstance(ports[0], str) if ports else not self.lion

    def accounts(self) -> list[Account]:
        found = [mail.account(reading, self.senders.get(reading.key), self.plist.line(reading.path))
                 for reading in self.incoming]
        keys = {reading.key for reading in self.incoming}
        found += [mail.sending_account(smtp, self.plist.line(smtp.path))
                  for key, smtp in self.senders.items() if key not in keys]
        return found
