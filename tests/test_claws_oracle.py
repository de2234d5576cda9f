"""Claws Mail and Sylpheed read every migrated sample as we do: each is started on it and its own rewrite read back.

Debian 12's ``claws-mail`` 4.1.1 and ``sylpheed`` 3.8.0beta1 under ``xvfb-run``
(see ``tests/claws_oracle.py``): ``apt-get install claws-mail sylpheed xvfb xauth``.
Claws also renumbers ``protocol`` for the configuration version it writes, so
a wrong value for a file's version shows up as a POP account here.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from migrate.engine import plan_setup
from migrate.model import Endpoint
from migrate.policy import load_policy
from parsers.claws.parser import ClawsParser
from tests.claws_oracle import copy_home
from tests.claws_oracle import run_claws
from tests.claws_oracle import run_sylpheed
from tests.conftest import SAMPLES

pytestmark = pytest.mark.oracle
PARSER = ClawsParser()
#: the policy of the copies, whose hosts end in .invalid
POLICY = load_policy(overrides=["match=lboro.ac.uk, *.lboro.ac.uk, *.lboro.ac.uk.invalid",
                                "incoming.host=staff-mail.lboro.ac.uk.invalid", "outgoing.host=staff-mail.lboro.ac.uk.invalid"])
SAMPLE_FOLDERS = sorted(path.parent for path in (SAMPLES / "claws").rglob("accountrc"))


def read(name: str):
    path = Path(name)
    return path.read_bytes() if path.is_file() else None


def accounts(folder: Path) -> list[tuple]:
    """Each account as we read the folder: its servers, subscriptions and special folders.  Not compared: the
    line it starts at (the program writes every key), the passwords (Claws moves them into its store), the
    other folders (the program rescans the trees it can)."""
    return [(account.key, account.label, _endpoint(account.incoming), account.outgoing and _endpoint(account.outgoing),
             account.subscribed_only, account.keeps_mail_on_server,
             sorted((f.role, f.name) for f in account.folders if f.role != "mailbox"))
            for account in PARSER.accounts(PARSER.parse(read, str(folder / "accountrc")))]


def _endpoint(endpoint: Endpoint) -> Endpoint:
    return dataclasses.replace(endpoint, has_password=False)


def run(folder: Path, home: Path) -> bytes:
    return (run_claws if folder.name == ".claws-mail" else run_sylpheed)(folder, home)


@pytest.mark.parametrize("folder", SAMPLE_FOLDERS, ids=lambda p: p.parent.name)
def test_the_program_reads_the_migrated_sample_as_we_do(folder: Path, tmp_path: Path) -> None:
    home = copy_home(folder.parent, tmp_path / "home")
    copy = home / folder.name
    assert not plan_setup(read, PARSER, POLICY, str(copy / "accountrc"), "ccano").changed  # the copy is migrated
    ours = accounts(copy)
    run(copy, home)
    assert accounts(copy) == ours
    for account in PARSER.accounts(PARSER.parse(read, str(copy / "accountrc"))):
        incoming = account.incoming
        if incoming.host == "staff-mail.lboro.ac.uk.invalid":
            assert incoming.protocol == "imap" and incoming.auth == "plain"
            assert (incoming.security, incoming.port) in (("ssl", 993), ("starttls", 143))
            assert incoming.username == "ccano@lboro.ac.uk" and account.subscribed_only in (False, None)
        if account.outgoing and account.outgoing.host == "staff-mail.lboro.ac.uk.invalid":
            assert (account.outgoing.security, account.outgoing.port) in (("ssl", 465), ("starttls", 587), ("starttls", 25))
            assert account.outgoing.auth == "plain" and account.outgoing.username == "ccano@lboro.ac.uk"


def test_claws_finds_each_moved_folder_by_its_new_identifier(tmp_path: Path) -> None:
    """Claws writes a folder's own rules into matcherrc under its identifier, and only for a folder it has."""
    home = copy_home(SAMPLES / "claws" / "claws4-imap", tmp_path / "home")
    run_claws(home / ".claws-mail", home)
    matcherrc = (home / ".claws-mail" / "matcherrc").read_text()
    assert matcherrc.startswith("[#imap/Loughborough/Lists/debian]\n")
    assert 'move "#imap/Loughborough/Lists/debian"' in matcherrc and "INBOX/Lists" not in matcherrc
    folderlist = (home / ".claws-mail" / "folderlist.xml").read_text()
    assert 'path="Lists/debian"' in folderlist and 'path="INBOX/Lists/debian"' not in folderlist
    assert 'sort_key="thread_date"' in folderlist  # the folder's view settings came with it
    assert "[#imap/Loughborough/Project X]" in (home / ".claws-mail" / "folderitemrc").read_text()


def test_claws_takes_imap_written_for_the_wrong_version_as_pop(tmp_path: Path) -> None:
    """The numbering trap, seen by Claws itself: in a file of configuration version 0, 1 is APOP, made POP3."""
    home = copy_home(SAMPLES / "claws" / "claws3-pop", tmp_path / "home")
    accountrc = home / ".claws-mail" / "accountrc"
    accountrc.write_bytes(accountrc.read_bytes().replace(b"\nprotocol=3\n", b"\nprotocol=1\n"))
    rewritten = run_claws(home / ".claws-mail", home)
    assert b"\nprotocol=0\n" in rewritten and b"\nconfig_version=4\n" in rewritten
    (account,) = PARSER.accounts(PARSER.parse(read, str(accountrc)))
    assert account.incoming.protocol == "pop3"
