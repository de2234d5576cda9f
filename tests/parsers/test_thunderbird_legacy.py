"""Older spellings in the account graph: an identity's smtp_server, a host name with its port."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate.cli import main
from parsers.thunderbird.accounts import host_and_port
from parsers.thunderbird.accounts import mail_accounts
from parsers.thunderbird.accounts import outgoing_key
from parsers.thunderbird.prefs import parse_prefs
from parsers.thunderbird.prefs_lexer import escape
from parsers.thunderbird.profile import Profile
from tests.conftest import SAMPLES

NETSCAPE = SAMPLES / "thunderbird" / "netscape-smtp-server"


def profile(prefs: dict) -> Profile:
    text = "".join(f"user_pref({escape(k)}, {escape(v)});\n" for k, v in prefs.items())
    return Profile("p", parse_prefs(text.encode(), "prefs.js"), None)


SMTP = {"mail.smtpservers": "smtp1,smtp2", "mail.smtpserver.smtp1.hostname": "mail.btinternet.com",
        "mail.smtpserver.smtp2.hostname": "smtp.lboro.ac.uk"}


@pytest.mark.parametrize(
    ("identity", "found"),
    [
        ({"smtpServer": "smtp2"}, ("smtp2", "smtpServer")),
        ({"smtp_server": "smtp2"}, ("smtp2", "smtp_server")),
        ({"smtp_server": "SMTP.lboro.ac.uk"}, ("smtp2", "smtp_server")),  # Netscape's own pref held a host name
        ({"smtpServer": "smtp1", "smtp_server": "smtp2"}, ("smtp1", "smtpServer")),  # the current spelling wins
        ({"smtpServer": "", "smtp_server": "smtp2"}, ("smtp2", "smtp_server")),
        ({"smtp_server": "smtp.elsewhere.org"}, (None, "smtp_server")),  # names no server: the default one
        ({}, (None, None)),
    ],
)
def test_an_identity_names_its_outgoing_server_in_either_spelling(identity: dict, found: tuple) -> None:
    prefs = {**SMTP, **{f"mail.identity.id1.{k}": v for k, v in identity.items()}}
    assert outgoing_key(profile(prefs), "id1") == found


def test_an_outgoing_server_thunderbird_does_not_list_is_not_the_identitys() -> None:
    prefs = {**SMTP, "mail.smtpserver.smtp3.hostname": "smtp.lboro.ac.uk", "mail.identity.id1.smtp_server": "smtp3"}
    assert outgoing_key(profile(prefs), "id1") == (None, "smtp_server")


@pytest.mark.parametrize(
    ("name", "split"),
    [("imap.lboro.ac.uk:143", ("imap.lboro.ac.uk", 143)), ("imap.lboro.ac.uk", ("imap.lboro.ac.uk", None)),
     ("pop.lboro.ac.uk:", ("pop.lboro.ac.uk", None)), ("::1", ("::1", None)), ("", ("", None))],
)
def test_a_host_name_with_its_port_is_split_as_thunderbird_does(name: str, split: tuple) -> None:
    assert host_and_port(name) == split


def test_the_netscape_spellings_are_read_as_the_outgoing_server_and_written_as_thunderbird_reads_them(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    folder = tmp_path / "x7k2m9q1.slt"
    shutil.copytree(NETSCAPE, folder, ignore=shutil.ignore_patterns("*.expected"))
    before = Profile(str(folder), parse_prefs((folder / "prefs.js").read_bytes(), "prefs.js"), None)
    assert [(m.key, m.smtp) for m in mail_accounts(before)] == [("account1", "smtp2"), ("account2", "smtp2")]
    assert main(["apply", str(folder)]) == 0
    after = Profile(str(folder), parse_prefs((folder / "prefs.js").read_bytes(), "prefs.js"), None)
    # the POP account's IMAP replacement would be account2's server: it joins account2 (see test_thunderbird_servers)
    new_identity = after.keys("mail.account.account2.identities")[0]
    assert after.value(f"mail.identity.{new_identity}.smtpServer") == "smtp2"
    assert after.value(f"mail.identity.{new_identity}.smtp_server") is None
    # the IMAP account edited in place: Thunderbird ignores smtp_server, so it is named as smtpServer
    assert after.value("mail.identity.id2.smtpServer") == "smtp2" and after.value("mail.identity.id2.smtp_server") is None
    # the old POP account's identity stays as it was, and so does the foreign default server
    assert after.value("mail.identity.id1.smtp_server") == "smtp2" and after.value("mail.identity.id1.smtpServer") is None
    assert after.smtp("smtp1", "hostname") == "mail.btinternet.com" and after.smtp("smtp1", "port") == 0
    assert after.smtp("smtp2", "hostname") == "staff-mail.lboro.ac.uk"
    assert after.server("server2", "hostname") == "staff-mail.lboro.ac.uk" and after.server("server2", "port") == 993
