"""Move folders that lived under INBOX to the top level.

``INBOX.My folder`` -> ``My folder``; ``INBOX/Sent Items`` -> ``Sent Items``;
``INBOX.Lists.debian`` -> ``Lists/debian`` (the new server's separator).

CAVEATS: a bare ``INBOX`` stays (never an empty name); the prefix matches
case-insensitively, and a doubled one (``INBOX.INBOX.x``) goes too; names without the prefix are kept as they are.  A special
folder (sent, drafts, trash) that is not the server's own is reported.
"""
from __future__ import annotations

from typing import Iterator
from typing import Optional

from migrate.model import Account
from migrate.model import Change
from migrate.model import Folder
from migrate.model import Finding
from migrate.model import Note
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


def top_level(folder: Folder, policy: Policy) -> Optional[str]:
    """The new name of a folder under INBOX, or ``None`` when it stays.

    A name in the client's own notation (``folder.separator``) keeps it: only the prefix goes.
    """
    name, rest = folder.name, None
    while True:  # INBOX.INBOX.x (a double prefix some clients made) goes down to x as well
        prefix = next((p for p in policy.inbox_prefixes
                       if len(name) > len(p) and name[: len(p)].lower() == p.lower()), None)
        if prefix is None:
            break
        name = rest = name[len(prefix) :]
    if rest is None:
        return None
    return rest if folder.separator else policy.new_separator.join(rest.split(policy.old_separator))


@rule("folder-prefix")
def folder_prefix(account: Account, policy: Policy) -> Iterator[Finding]:
    if not any(side.name == "incoming" for side in sides(account, policy)):
        return
    for folder in dict.fromkeys(account.folders):
        new = top_level(folder, policy)
        if new is not None and new != folder.name:
            yield Change(
                account.key, "folder", folder.name, new,
                "folder-prefix", "personal folders are at the top level on the new service",
            )
        special = policy.special_folders.get(folder.role)
        if special is not None and (new or folder.name) != special:
            yield Note(
                account.key, "folder-prefix",
                f"the {folder.role} folder is {new or folder.name!r}; the service's own is {special!r}",
            )
