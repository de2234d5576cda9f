"""KMail 1.x folder ids of an IMAP account: ``.<account Id>.directory/.INBOX.directory/Sent``.

KMail names a folder by its path in its folder tree (``KMFolder::idString``): every folder
above it as ``.<name>.directory/``, then its own name (``[``/``]`` written ``%(``/``%)``).  An
IMAP account's tree hangs from a root folder named by the account's ``Id``, and its levels are
the server's (``INBOX.Lists.debian`` is ``.<Id>.directory/.INBOX.directory/.Lists.directory/debian``).
Identities (sent, drafts, templates), filters, folder settings (``[Folder-<id>]``) and the
account's trash name folders so.  When a folder moves out of INBOX its id loses that level;
the other levels keep their spelling.
"""
from __future__ import annotations

import re
from typing import Mapping
from typing import Optional

_LEVEL = re.compile(r"\.(.+)\.directory")


def levels(folder_id: str, account_id: str) -> Optional[list[str]]:
    """The levels of an id below the account's root (``["INBOX", "Sent"]``); ``None`` for any other id."""
    root = f".{account_id}.directory/"
    if not account_id or not folder_id.startswith(root):
        return None
    parts = folder_id[len(root) :].split("/")
    above = [_LEVEL.fullmatch(part) for part in parts[:-1]]
    if not parts[-1] or not all(above):
        return None
    return [match.group(1) for match in above if match] + [parts[-1]]


def name(folder_id: str, account_id: str) -> Optional[str]:
    """The folder's name on the server, its levels joined by ``/`` (``INBOX/Sent``)."""
    found = levels(folder_id, account_id)
    return "/".join(found) if found else None


def folder_id(account_id: str, names: list[str]) -> str:
    return f".{account_id}.directory/" + "".join(f".{level}.directory/" for level in names[:-1]) + names[-1]


def moved(folder_id_: str, account_id: str, moves: Mapping[str, str]) -> Optional[str]:
    """The id after the folder's move, or ``None`` when it does not move (or the move is no loss of leading levels)."""
    old = levels(folder_id_, account_id)
    new = moves.get("/".join(old)) if old else None
    if old is None or new is None:
        return None
    kept = new.split("/")
    return folder_id(account_id, kept) if old[-len(kept):] == kept else None
