"""cert_override.txt: exceptions read by host:port as Gecko does, taken out line by line for the service."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.engine import plan_setup
from migrate.model import Change
from migrate.policy import load_policy
from parsers.thunderbird import ThunderbirdParser
from parsers.thunderbird.certs import HostPort
from parsers.thunderbird.certs import parse_overrides
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "thunderbird" / "cert-exceptions"
OID = "OID.2.16.840.1.101.3.4.2.1"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        (f"imap.lboro.ac.uk:993\t{OID}\tAA:BB\tMU\tZGJrZXk=\n", HostPort("imap.lboro.ac.uk", 993)),  # up to Thunderbird 90
        (f"Staff-Mail.lboro.ac.uk:465:\t{OID}\tAA:BB\t\r\n", HostPort("staff-mail.lboro.ac.uk", 465)),  # 91 and later
        (f"smtp.lboro.ac.uk:587:^privateBrowsingId=1\t{OID}\tAA:BB\t", HostPort("smtp.lboro.ac.uk", 587)),
        (f"[2001:db8::25]:993\t{OID}\tAA:BB\tM\tx\n", HostPort("2001:db8::25", 993)),
        (f"# imap.lboro.ac.uk:993\t{OID}\tAA:BB\n", None),
        ("imap.lboro.ac.uk:993\n", None),
        (f"imap.lboro.ac.uk\t{OID}\tAA:BB\n", None),
        (f"imap.lboro.ac.uk:x\t{OID}\tAA:BB\n", None),
        ("\n", None),
    ],
)
def test_a_line_is_read_as_the_exception_gecko_keys_it_by(line: str, key) -> None:
    overrides = parse_overrides(line.encode(), "cert_override.txt")
    assert overrides.keys == (key,) and overrides.render() == line


@given(st.text(alphabet="ab.:[]\t\r\n#9-^=", max_size=80))
def test_any_file_round_trips_and_loses_only_whole_lines(text: str) -> None:
    data = text.encode()
    overrides = parse_overrides(data, "cert_override.txt")
    assert overrides.to_bytes() == data
    wanted = {key for key in overrides.keys if key is not None}
    kept = overrides.without(wanted)
    lines = [token.text for token in overrides.tokens]
    assert kept.render() == "".join(line for line, key in zip(lines, overrides.keys) if key not in wanted)


def read(name: str):
    path = Path(name)
    return path.read_bytes() if path.is_file() else None


def plan(policy=None, **replaced: bytes):
    def reading(name: str):
        return replaced.get(Path(name).name, read(name))

    return plan_setup(reading, ThunderbirdParser(), policy or load_policy(), str(SAMPLE), "nobody")


def after(result, name: str) -> str:
    return next(f.after.render() for f in result.files if Path(f.path).name == name)


def test_exceptions_for_where_the_service_accounts_connect_go_and_the_others_stay() -> None:
    result = plan()
    kept = {key for key in parse_overrides(after(result, "cert_override.txt").encode(), "x").keys if key}
    assert kept == {HostPort("imap.lboro.ac.uk", 143), HostPort("imap.gmail.com", 993), HostPort("smtp.gmail.com", 465),
                    HostPort("staff-mail.lboro.ac.uk", 443), HostPort("2001:db8::25", 465)}
    switched = {(c.account, c.field) for c in result.findings if isinstance(c, Change) and c.field.endswith(".certificate")}
    assert switched == {("account1", "incoming.certificate"), ("account1", "outgoing.certificate"),
                        ("account2", "incoming.certificate"), ("account2", "outgoing.certificate")}
    notes = [f.message for f in result.findings if not isinstance(f, Change) and f.rule == "thunderbird"]
    assert sum("staff-mail.lboro.ac.uk:587 is removed" in note for note in notes) == 1  # a shared server, said once
    assert any("keeps the exception for the old imap.lboro.ac.uk:143" in note for note in notes)


def test_with_verify_off_an_exception_in_use_stays_but_none_is_met_after_the_move() -> None:
    policy = dataclasses.replace(load_policy(), verify_certificates=False)
    result = plan(policy)
    kept = {key for key in parse_overrides(after(result, "cert_override.txt").encode(), "x").keys if key}
    assert HostPort("staff-mail.lboro.ac.uk", 993) in kept and HostPort("staff-mail.lboro.ac.uk", 587) in kept
    assert HostPort("staff-mail.lboro.ac.uk", 143) not in kept  # account2 moves there: it never chose that one
    assert not any(isinstance(c, Change) and c.field.endswith(".certificate") for c in result.findings)


def test_without_cert_override_txt_nothing_is_flagged() -> None:
    result = plan(**{"cert_override.txt": None})
    assert all(not Path(f.path).name == "cert_override.txt" for f in result.files)
    assert not any(isinstance(c, Change) and c.field.endswith(".certificate") for c in result.findings)
