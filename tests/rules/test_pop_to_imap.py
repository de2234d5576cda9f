from __future__ import annotations

import pytest

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
