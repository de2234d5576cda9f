from __future__ import annotations

import pytest

from migrate.model import Folder
from migrate.policy import load_policy
from migrate.rules.folder_prefix import folder_prefix
from tests.rules.helpers import account
from tests.rules.helpers import changes
from tests.rules.helpers import notes


@pytest.mark.parametrize(
    ("old", "new"),
    [("INBOX.My folder", "My folder"), ("INBOX/Sent Items", "Sent Items"), ("INBOX.Lists.debian", "Lists/debian"),
     ("inbox.Drafts", "Drafts"), ("Inbox/Deleted Items", "Deleted Items"), ("INBOX.INBOX.Sent", "Sent")],
)
def test_folders_under_inbox_move_to_the_top(old, new, policy) -> None:
    assert changes(folder_prefix(account(folders=(Folder("mailbox", old),)), policy)) == {"folder": (old, new)}


@pytest.mark.parametrize("name", ["INBOX", "INBOX.", "Sent Items", "Lists/debian", "INBOXES"])
def test_folder_prefix_noop(name, policy) -> None:
    assert changes(folder_prefix(account(folders=(Folder("mailbox", name),)), policy)) == {}


def test_a_site_whose_new_server_uses_dots() -> None:
    site = load_policy(overrides=["folders.new_separator=."])
    found = changes(folder_prefix(account(folders=(Folder("mailbox", "INBOX.Lists.debian"),)), site))
    assert found == {"folder": ("INBOX.Lists.debian", "Lists.debian")}


def test_special_folder_that_is_not_the_servers_is_reported(policy) -> None:
    findings = list(folder_prefix(account(folders=(Folder("sent", "INBOX.Sent"),)), policy))
    assert changes(findings) == {"folder": ("INBOX.Sent", "Sent")}
    assert "'Sent Items'" in notes(findings)[0]


def test_foreign_account_folders_stay(policy) -> None:
    assert list(folder_prefix(account(host="imap.gmail.com", folders=(Folder("mailbox", "INBOX.x"),)), policy)) == []
