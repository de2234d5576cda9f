from __future__ import annotations

import pytest

from migrate.policy import load_policy
from migrate.rules.force_tls import force_tls
from tests.rules.helpers import account
from tests.rules.helpers import changes


@pytest.mark.parametrize(
    ("security", "port", "expected"),
    [
        ("none", 143, {"incoming.security": ("none", "ssl"), "incoming.port": (143, 993)}),
        ("none", 110, {"incoming.security": ("none", "ssl"), "incoming.port": (110, 993)}),
        ("ssl", 995, {"incoming.port": (995, 993)}),
        ("starttls", 110, {"incoming.security": ("starttls", "ssl"), "incoming.port": (110, 993)}),
    ],
)
def test_unaccepted_pairs_move_to_the_preferred_one(security, port, expected, policy) -> None:
    assert changes(force_tls(account(security=security, port=port), policy)) == expected


@pytest.mark.parametrize(("security", "port"), [("ssl", 993), ("starttls", 143)], ids=["imaps", "starttls on 143"])
def test_force_tls_noop(security, port, policy) -> None:
    assert list(force_tls(account(security=security, port=port), policy)) == []


def test_outdated_tls_version_keeps_its_kind(policy) -> None:
    found = changes(force_tls(account(security="starttls", port=143, tls_outdated=True), policy))
    assert found == {"incoming.security": ("starttls (outdated version)", "starttls")}


def test_a_site_preferring_starttls_gets_it() -> None:
    site = load_policy(overrides=["incoming.security=starttls"])
    assert changes(force_tls(account(security="none", port=110), site)) == {
        "incoming.security": ("none", "starttls"), "incoming.port": (110, 143)}
