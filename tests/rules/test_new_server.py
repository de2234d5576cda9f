from __future__ import annotations

import pytest

from migrate.rules.new_server import new_server
from tests.rules.helpers import account
from tests.rules.helpers import changes


@pytest.mark.parametrize("host", ["pop.lboro.ac.uk", "lboro.ac.uk", "IMAP.LBORO.AC.UK"])
def test_university_hosts_move_to_the_new_server(host, policy) -> None:
    assert changes(new_server(account(host=host), policy)) == {"incoming.host": (host, "staff-mail.lboro.ac.uk")}


@pytest.mark.parametrize("host", ["staff-mail.lboro.ac.uk", "STAFF-MAIL.lboro.ac.uk.", "imap.gmail.com", "xlboro.ac.uk"])
def test_new_server_noop(host, policy) -> None:
    assert list(new_server(account(host=host), policy)) == []
