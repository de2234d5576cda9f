"""An IMAP account for Akonadi to create itself: a file in ``<data folder>/akonadi/firstrun/``.

Akonadi's client library (``Akonadi::Firstrun``, since KDE 4.1, started by the first Akonadi
program of a session: KMail, Kontact) sets up every file there whose ``[Agent] Id`` it has not
set up before: it creates an agent of ``[Agent] Type``, names it ``Name``, sets each key of
``[Settings]`` through the agent's own D-Bus settings interface (``set<Key>``, checked by the
agent), saves it, and records the ``Id`` in ``akonadi-firstrunrc`` so it is never set up twice.
A new file is all it takes: Akonadi's registry of agents (``akonadi/agentsrc``, a QSettings
file with instance counters) and its database are left to Akonadi.
"""
from __future__ import annotations

import os
from typing import Optional

from migrate.model import Endpoint
from parsers.kmail.kconfig import escape
from parsers.kmail.locations import data_folder

AGENT_TYPE = "akonadi_imap_resource"
SAFETY = {"ssl": "SSL", "starttls": "STARTTLS", "none": "None"}
PLAIN = 1  #: MailTransport's PLAIN, the IMAP resource's own default


def firstrun_path(resource_rc: str) -> Optional[str]:
    """Where the IMAP account that replaces a POP3 resource is written; ``None`` where the data folder is unknown."""
    folder = data_folder(resource_rc)
    if folder is None:
        return None
    return str(folder / "akonadi" / "firstrun" / f"mailmigrate-{instance(resource_rc)}")


def instance(resource_rc: str) -> str:
    """``akonadi_pop3_resource_1rc`` -> ``akonadi_pop3_resource_1``."""
    return os.path.basename(resource_rc)[: -len("rc")]


def firstrun_text(resource_rc: str, name: str, endpoint: Endpoint, newline: str = "\n") -> str:
    """The file; text settings are read as paths (``readPathEntry``, ``$`` expanded), so a ``$`` is written ``$$``."""
    def text(value: Optional[str]) -> str:
        return escape((value or "").replace("$", "$$"))

    lines = [f"# Written by mailmigrate for the POP3 account {instance(resource_rc)}: Akonadi creates this IMAP",
             "# account the next time it starts, once (it remembers the Id in akonadi-firstrunrc).",
             "[Agent]", f"Id=mailmigrate-{instance(resource_rc)}", f"Type={AGENT_TYPE}", f"Name={escape(name)}", "",
             "[Settings]", f"ImapServer={text(endpoint.host)}", f"ImapPort={endpoint.port}",
             f"Safety={SAFETY[endpoint.security or 'ssl']}", f"Authentication={PLAIN}",
             f"UserName={text(endpoint.username)}", "SubscriptionEnabled=false"]
    return newline.join(lines) + newline
