"""Thunderbird loads one account a server: a migration that makes two accounts one server joins them."""
from __future__ import annotations

import pytest

from migrate.engine import plan_setup
from migrate.model import Note
from migrate.policy import load_policy
from parsers.thunderbird import ThunderbirdParser
from parsers.thunderbird.prefs import parse_prefs
from parsers.thunderbird.prefs_edit import literal
from parsers.thunderbird.prefs_lexer import escape
from parsers.thunderbird.profile import Profile

POLICY = load_policy()


def account(n: int, kind: str, host: str, user: str = "rpatel", **server: object) -> dict[str, object]:
    prefs = {f"mail.account.account{n}.server": f"server{n}", f"mail.account.account{n}.identities": f"id{n}",
             f"mail.identity.id{n}.useremail": f"person{n}@lboro.ac.uk", f"mail.server.server{n}.type": kind,
             f"mail.server.server{n}.hostname": host, f"mail.server.server{n}.userName": user}
    return prefs | {f"mail.server.server{n}.{name}": value for name, value in server.items()}


def migrate(*accounts: dict[str, object], default: str = "account1") -> tuple[Profile, list[str]]:
    prefs: dict[str, object] = {key: value for found in accounts for key, value in found.items()}
    prefs["mail.accountmanager.accounts"] = ",".join(f"account{n + 1}" for n in range(len(accounts)))
    prefs["mail.accountmanager.defaultaccount"] = default
    text = "".join(f"user_pref({escape(k)}, {literal(v)});\n" for k, v in sorted(prefs.items()))
    plan = plan_setup({"p/prefs.js": text.encode()}.get, ThunderbirdParser(), POLICY, "p", "nobody")
    (prefs_file,) = plan.files
    notes = [finding.message for finding in plan.findings if isinstance(finding, Note)]
    return Profile("p", parse_prefs(prefs_file.after.to_bytes(), "prefs.js"), None), notes


def servers(profile: Profile) -> list[tuple]:
    """The listed accounts' servers as Thunderbird tells them apart."""
    found = []
    for key in profile.keys("mail.accountmanager.accounts"):
        server = profile.value(f"mail.account.{key}.server")
        found.append(tuple(profile.server(str(server), name) for name in ("type", "hostname", "userName", "port")))
    return found


def test_the_same_mailbox_under_two_host_names_becomes_one_account_with_both_identities() -> None:
    after, notes = migrate(account(1, "imap", "imap.lboro.ac.uk"), account(2, "imap", "mail.lboro.ac.uk"), default="account2")
    assert after.keys("mail.accountmanager.accounts") == ["account1"]
    assert after.keys("mail.account.account1.identities") == ["id2", "id1"]  # the default identity stays the default
    assert after.value("mail.accountmanager.defaultaccount") == "account1"
    assert after.value("mail.server.server2.mailmigrate.replaced_by") == "account1"
    assert any("same mailbox as account1" in note and "now the default" in note for note in notes)


def test_an_account_left_as_it_is_keeps_the_server_the_migrated_one_joins() -> None:
    done = {"port": 993, "socketType": 3, "using_subscription": False}
    after, _ = migrate(account(1, "imap", "imap.lboro.ac.uk"),
                       account(2, "imap", "staff-mail.lboro.ac.uk", "rpatel@lboro.ac.uk", **done))
    assert after.keys("mail.accountmanager.accounts") == ["account2"]
    assert after.keys("mail.account.account2.identities") == ["id1", "id2"]


def test_a_pop_account_whose_imap_account_exists_joins_it_instead_of_adding_a_duplicate() -> None:
    after, notes = migrate(account(1, "pop3", "pop.lboro.ac.uk"), account(2, "imap", "imap.lboro.ac.uk"))
    assert after.keys("mail.accountmanager.accounts") == ["account1", "account2"]  # the old POP account stays
    assert after.value("mail.server.server1.mailmigrate.replaced_by") == "account2"
    copied, own = after.keys("mail.account.account2.identities")
    assert own == "id2" and after.value(f"mail.identity.{copied}.useremail") == "person1@lboro.ac.uk"
    assert after.value("mail.accountmanager.defaultaccount") == "account2"
    assert any("already account2" in note for note in notes)


def test_two_pop_accounts_of_one_mailbox_get_one_imap_account() -> None:
    after, _ = migrate(account(1, "pop3", "pop.lboro.ac.uk"), account(2, "pop3", "mail.lboro.ac.uk"))
    listed = after.keys("mail.accountmanager.accounts")
    assert listed == ["account1", "account2", "account3"]
    assert after.value("mail.server.server1.mailmigrate.replaced_by") == "account3"
    assert after.value("mail.server.server2.mailmigrate.replaced_by") == "account3"
    assert len(after.keys("mail.account.account3.identities")) == 2


@pytest.mark.parametrize("users", [("rpatel", "RPatel"), ("rpatel", "other")])
def test_accounts_thunderbird_tells_apart_stay_apart(users: tuple[str, str]) -> None:
    # Thunderbird compares user names with their case
    after, _ = migrate(account(1, "imap", "imap.lboro.ac.uk", users[0]), account(2, "imap", "mail.lboro.ac.uk", users[1]))
    assert after.keys("mail.accountmanager.accounts") == ["account1", "account2"]
    assert len(set(servers(after))) == 2


def test_in_a_profile_being_migrated_another_services_host_with_its_port_is_split_so_thunderbird_loads_it() -> None:
    after, notes = migrate(account(1, "imap", "imap.gmail.com:143"), account(2, "imap", "imap.lboro.ac.uk"))
    assert (after.server("server1", "hostname"), after.server("server1", "port")) == ("imap.gmail.com", 143)
    assert any("imap.gmail.com:143 is written as host and port apart" in note for note in notes)


def test_a_profile_with_nothing_to_migrate_is_left_as_it_is_even_with_a_host_and_port_name() -> None:
    after, _ = migrate(account(1, "imap", "imap.gmail.com:143"))
    assert after.server("server1", "hostname") == "imap.gmail.com:143"
