from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from migrate.errors import PolicyError
from migrate.policy import default_policy_text
from migrate.policy import load_policy


def test_builtin_policy_is_the_loughborough_one(policy) -> None:
    assert policy.incoming.host == "staff-mail.lboro.ac.uk"
    assert (policy.incoming.security, policy.incoming.port) == ("ssl", 993)
    assert ("starttls", 143) in policy.incoming.accept
    assert (policy.outgoing.security, policy.outgoing.port) == ("ssl", 465)
    assert {("starttls", 587), ("starttls", 25)} <= set(policy.outgoing.accept)
    assert policy.username_suffix == "@lboro.ac.uk"
    assert policy.inbox_prefixes == ("INBOX.", "INBOX/")
    assert (policy.old_separator, policy.new_separator) == (".", "/")
    assert policy.special_folders == {"sent": "Sent Items", "drafts": "Drafts", "trash": "Deleted Items"}
    assert (policy.subscriptions, policy.saved_passwords) == ("off", "warn")
    assert policy.verify_certificates is True


@pytest.mark.parametrize(
    ("host", "matches"),
    [("lboro.ac.uk", True), ("pop.lboro.ac.uk", True), ("POP.LBORO.AC.UK.", True), ("xlboro.ac.uk", False),
     ("lboro.ac.uk.evil.com", False), ("", False), (None, False)],
)
def test_match_hosts(policy, host, matches) -> None:
    assert policy.matches(host) is matches


def test_host_names_with_underscores_are_accepted_as_the_clients_accept_them() -> None:
    site = load_policy(overrides=["match=mail_server.foo.com, *.old_mail.example.org",
                                  "incoming.host=new_imap.example.org"])
    assert site.matches("MAIL_SERVER.foo.com") and site.matches("pop.old_mail.example.org")
    assert site.incoming.host == "new_imap.example.org"


def test_printed_policy_reads_back_the_same(tmp_path: Path, policy) -> None:
    site = tmp_path / "site.ini"
    site.write_text(default_policy_text())
    assert load_policy(str(site)) == dataclasses.replace(policy, source=str(site))


def test_invalid_policy_names_every_bad_key(tmp_path: Path) -> None:
    site = tmp_path / "site.ini"
    site.write_text(
        default_policy_text()
        .replace("host = staff-mail.lboro.ac.uk", "host = not a host", 1)
        .replace("saved = warn", "saved = sometimes")
        .replace("old_separator = .", "old_separator = ..")
        + "\n[extra]\nwhat = 1\n"
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(str(site))
    problems = "\n".join(caught.value.problems)
    for key in ("incoming.host", "passwords.saved", "folders.old_separator", "extra"):
        assert key in problems


def test_missing_keys_are_named(tmp_path: Path) -> None:
    site = tmp_path / "site.ini"
    site.write_text("service = x\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(str(site))
    assert any(p.startswith("domain: ") for p in caught.value.problems)
    assert any(p.startswith("incoming") for p in caught.value.problems)


def test_set_overrides_one_value() -> None:
    site = load_policy(overrides=["incoming.host=imap.test.lboro.ac.uk", "incoming.accept=ssl:10993, starttls:10143"])
    assert site.incoming.host == "imap.test.lboro.ac.uk"
    assert site.incoming.port == 10993


def test_preferred_security_needs_an_accepted_port() -> None:
    with pytest.raises(PolicyError, match="incoming.security"):
        load_policy(overrides=["incoming.accept=starttls:143"])


def test_missing_policy_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError):
        load_policy(str(tmp_path / "absent.ini"))
