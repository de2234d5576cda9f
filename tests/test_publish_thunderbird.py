"""The real Thunderbird's account setup reads the published autoconfig file: from disk, and fetched from
the responder for an address whose login is listed (Thunderbird's HTTP requests go to the responder
as to a proxy, so ``autoconfig.lboro.ac.uk`` needs no name server).  See ``tests/thunderbird_oracle.py``."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_publish import publish
from tests.test_publish_server import responder
from tests.thunderbird_oracle import PLAIN_PASSWORD
from tests.thunderbird_oracle import SSL
from tests.thunderbird_oracle import STARTTLS
from tests.thunderbird_oracle import run_thunderbird

pytestmark = pytest.mark.oracle


def servers(account: dict, side: str) -> list[tuple]:
    return [(s["type"], s["hostname"], s["port"], s["socketType"], s["auth"], s["username"]) for s in account[side]]


def test_thunderbird_reads_the_published_file(tmp_path: Path) -> None:
    files = publish(tmp_path / "site")
    (tmp_path / "config.xml").write_bytes(files["mail/config-v1.1.xml"])
    profile = tmp_path / "profile"
    profile.mkdir()
    account = run_thunderbird(profile, tmp_path, "autoconfig", files=str(tmp_path / "config.xml"),
                              address="ccano@lboro.ac.uk")
    assert account["displayName"] == "Loughborough University staff e-mail" and account["domains"] == ["lboro.ac.uk"]
    host, login = "staff-mail.lboro.ac.uk", "ccano@lboro.ac.uk"
    assert servers(account, "incoming") == [("imap", host, 993, SSL, PLAIN_PASSWORD, login),
                                            ("imap", host, 143, STARTTLS, PLAIN_PASSWORD, login)]
    # Thunderbird fills the placeholders of the outgoing server it uses, not of its alternatives
    assert servers(account, "outgoing") == [("smtp", host, 465, SSL, PLAIN_PASSWORD, login),
                                            ("smtp", host, 587, STARTTLS, PLAIN_PASSWORD, "%EMAILLOCALPART%@lboro.ac.uk"),
                                            ("smtp", host, 25, STARTTLS, PLAIN_PASSWORD, "%EMAILLOCALPART%@lboro.ac.uk")]


def test_thunderbird_fetches_the_mapped_login_from_the_responder(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    with responder(tmp_path) as (port, process):
        account = run_thunderbird(profile, tmp_path, "autoconfig", proxy=str(port), address="C.Cano@lboro.ac.uk")
    assert account["source"] == "xml-from-isp-http"
    assert {s["username"] for s in account["incoming"] + account["outgoing"]} == {"ccano@lboro.ac.uk"}  # every one
    assert servers(account, "incoming")[0] == ("imap", "staff-mail.lboro.ac.uk", 993, SSL, PLAIN_PASSWORD,
                                               "ccano@lboro.ac.uk")
