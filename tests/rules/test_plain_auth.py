from __future__ import annotations

import pytest

from migrate.rules.plain_auth import plain_auth
from tests.rules.helpers import account
from tests.rules.helpers import changes


@pytest.mark.parametrize("auth", ["any", "cram-md5", "ntlm", "gssapi", "kerberos", "otp", "external"])
def test_every_other_login_method_becomes_plain(auth, policy) -> None:
    assert changes(plain_auth(account(auth=auth), policy)) == {"incoming.auth": (auth, "plain")}


def test_plain_auth_noop(policy) -> None:
    assert list(plain_auth(account(auth="plain"), policy)) == []
