from __future__ import annotations

import pytest

from migrate.engine import REPLACE
from migrate.engine import Plan
from migrate.policy import load_policy
from migrate.rules import review
from migrate.rules.pop_to_imap import pop_to_imap
from tests.rules.helpers import account
from tests.rules.helpers import changes
from tests.rules.helpers import notes


@pytest.mark.parametrize("protocol", ["pop3", "apop", "kpop", "sdps", "auto", "pop2", "rpop"])
def test_pop_family_becomes_imap(protocol, policy) -> None:
    assert changes(pop_to_imap(account(protocol=protocol), policy)) == {"incoming.protocol": (protocol, "imap")}


def test_kept_mail_gets_a_warning(policy) -> None:
    findings = list(pop_to_imap(account(protocol="pop3", keeps_mail_on_server=True), policy))
    assert any("shows up again" in n for n in notes(findings))


@pytest.mark.parametrize(
    "kwargs",
    [pytest.param({"protocol": "imap"}, id="already imap"),
     pytest.param({"protocol": "pop3", "host": "pop.gmail.com"}, id="foreign server")],
)
def test_pop_to_imap_noop(kwargs, policy) -> None:
    assert list(pop_to_imap(account(**kwargs), policy)) == []


def test_etrn_is_left_alone_with_a_note(policy) -> None:
    findings = list(pop_to_imap(account(protocol="etrn"), policy))
    assert changes(findings) == {} and "does not read a mailbox" in notes(findings)[0]


def test_a_pop_only_client_s_account_is_reported_and_nothing_else_is_asked_of_it(policy) -> None:
    mpop = account(protocol="pop3", port=110, security="none", auth="any", username="ccano", pop_only=True)
    findings = review(mpop, policy)
    assert changes(findings) == {}
    (note,) = notes(findings)
    assert "reads mail only over POP" in note and "mbsync" in note and "--set incoming.pop_only=disable" in note
    assert Plan("mpop", (mpop,), tuple(findings), ()).status(mpop, policy) == REPLACE


def test_a_pop_only_client_s_account_is_taken_out_of_use_when_the_policy_says_so() -> None:
    disable = load_policy(overrides=["incoming.pop_only=disable"])
    findings = review(account(protocol="pop3", pop_only=True), disable)
    assert changes(findings) == {"account": ("in use", "commented out")}
    assert not any("pop_only=disable" in note for note in notes(findings))


def test_a_pop_only_client_s_account_of_another_provider_is_not_ours(policy) -> None:
    assert review(account(protocol="pop3", host="pop.gmail.com", pop_only=True), policy) == []
