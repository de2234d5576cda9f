from __future__ import annotations

import pytest

from migrate.model import Endpoint
from migrate.rules.username_suffix import username_suffix
from tests.rules.helpers import account
from tests.rules.helpers import changes
from tests.rules.helpers import notes


@pytest.mark.parametrize(
    ("username", "expected"),
    [("ccano", "ccano@lboro.ac.uk"), ("LBORO\\ccano", "ccano@lboro.ac.uk"), ("lboro\\ccano", "ccano@lboro.ac.uk"),
     ("c.cano", "c.cano@lboro.ac.uk")],
)
def test_short_names_get_the_suffix(username, expected, policy) -> None:
    assert changes(username_suffix(account(username=username), policy)) == {"incoming.username": (username, expected)}


@pytest.mark.parametrize("username", ["ccano@lboro.ac.uk", "CCANO@LBORO.AC.UK"], ids=["suffixed", "upper case"])
def test_username_suffix_noop(username, policy) -> None:
    assert list(username_suffix(account(username=username), policy)) == []


@pytest.mark.parametrize("username", ["ccano@gmail.com", "OTHER\\ccano", "ccano@staff.lboro.ac.uk"])
def test_other_domains_are_reported_not_guessed(username, policy) -> None:
    findings = list(username_suffix(account(username=username), policy))
    assert changes(findings) == {} and "check it by hand" in notes(findings)[0]


def test_missing_username_takes_the_owner_login(policy) -> None:
    found = changes(username_suffix(account(username=None, local_user="ccano"), policy))
    assert found == {"incoming.username": (None, "ccano@lboro.ac.uk")}


def test_missing_username_and_owner_is_a_note(policy) -> None:
    findings = list(username_suffix(account(username=None), policy))
    assert changes(findings) == {} and "by hand" in notes(findings)[0]


@pytest.mark.parametrize(
    "username",
    ["<email-address>", "<your-login>@lboro.ac.uk", "your-login", "YOUR_USERNAME", "yourname", "username", "Login",
     "e-mail", "xxxxx", "${USER}", "$USER", "j doe", "jdoe\t"],
)
def test_placeholders_are_reported_not_suffixed(username, policy) -> None:
    findings = list(username_suffix(account(username=username), policy))
    assert changes(findings) == {} and "placeholder" in notes(findings)[0]


@pytest.mark.parametrize("username", ["yusuf", "userx1", "logan", "dept-office", "j.doe", "xx", "a_b"])
def test_names_near_the_template_words_are_still_user_names(username, policy) -> None:
    assert changes(username_suffix(account(username=username), policy)) == {
        "incoming.username": (username, username + "@lboro.ac.uk")}


def test_an_unset_outgoing_login_takes_the_accounts_own_even_of_another_domain(policy) -> None:
    outgoing = Endpoint("smtp", "smtp.lboro.ac.uk", 587, "starttls", "plain", None)
    findings = list(username_suffix(account(username="me@example.org", outgoing=outgoing), policy))
    assert changes(findings) == {"outgoing.username": (None, "me@example.org")}  # else no login is sent at all
    assert any("'me@example.org' is not of the form" in note and "check it by hand" in note for note in notes(findings))
