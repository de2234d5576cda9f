from __future__ import annotations

from migrate.model import Endpoint
from migrate.policy import load_policy
from migrate.rules.verify_certificates import verify_certificates
from tests.rules.helpers import account
from tests.rules.helpers import changes


def test_an_unchecked_certificate_is_checked_again(policy) -> None:
    assert changes(verify_certificates(account(certificate_unchecked=True), policy)) == {
        "incoming.certificate": ("off", "on")}


def test_the_outgoing_side_is_checked_again_too(policy) -> None:
    outgoing = Endpoint(protocol="smtp", host="smtp.lboro.ac.uk", port=25, certificate_unchecked=True)
    assert changes(verify_certificates(account(outgoing=outgoing), policy)) == {"outgoing.certificate": ("off", "on")}


def test_verify_certificates_noop(policy) -> None:
    assert list(verify_certificates(account(), policy)) == []


def test_another_providers_setting_is_its_own(policy) -> None:
    assert list(verify_certificates(account(host="imap.gmail.com", certificate_unchecked=True), policy)) == []


def test_a_site_may_keep_the_setups_choice() -> None:
    site = load_policy(overrides=["certificates.verify=no"])
    assert list(verify_certificates(account(certificate_unchecked=True), site)) == []
