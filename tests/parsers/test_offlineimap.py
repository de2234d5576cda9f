"""offlineimap configurations: lossless, migrated as expected, and read back by offlineimap3's own code."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.engine import FOREIGN
from migrate.engine import plan_data
from migrate.errors import ParseError
from migrate.policy import load_policy
from parsers.offlineimap import OfflineimapParser
from parsers.offlineimap.code import mentions
from parsers.offlineimap.interpolation import value
from parsers.offlineimap.parser import SECRETS
from parsers.ini import parse_ini
from tests.conftest import generated_plan
from tests.conftest import migrated_sample
from tests.conftest import sample_files
from tests.oracles import offlineimap_report

PARSER = OfflineimapParser()
POLICY = load_policy()
SAMPLES = sample_files("offlineimap")
DEFAULT_MECHANISMS = ["GSSAPI", "XOAUTH2", "CRAM-MD5", "PLAIN", "LOGIN"]
FOLDERS = ("INBOX", "INBOX.Sent", "Sent", "INBOX.Project X", "Project X")


def plan(text: str):
    return plan_data(text.encode("utf-8", "surrogateescape"), PARSER, POLICY, "rc", "nobody")


def section_text(ini, name: str) -> str:
    section = ini.section(name)
    return ini.render_range(section.header[0], section.end)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_round_trips_migrates_to_expected_and_settles(path: Path) -> None:
    migrated_sample(PARSER, path)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_only_the_services_repositories_change(path: Path) -> None:
    done = plan_data(path.read_bytes(), PARSER, POLICY, str(path), "nobody")
    after = parse_ini(done.only.after.to_bytes(), str(path))
    before = done.only.before
    ours = {a.key for a in done.accounts if done.status(a, POLICY) != FOREIGN}
    for section in before.sections:
        if section.name not in ours:
            assert section_text(after, section.name) == section_text(before, section.name), section.name


@pytest.mark.oracle
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_offlineimap_reads_the_new_values(path: Path, tmp_path: Path) -> None:
    before = offlineimap_report(path.read_bytes(), tmp_path, FOLDERS)
    after = offlineimap_report(path.with_name(path.name + ".expected").read_bytes(), tmp_path, FOLDERS)
    assert before.keys() == after.keys()
    for name, old in before.items():
        new = after[name]
        if not old["host"].endswith("lboro.ac.uk"):
            assert new == old, "another provider's repository changed"
            continue
        assert (new["host"], new["port"], new["ssl"]) == ("staff-mail.lboro.ac.uk", 993, True)
        assert new["user"].endswith("@lboro.ac.uk") and not new["user"].endswith("@lboro.ac.uk@lboro.ac.uk")
        # PLAIN, LOGIN, or offlineimap's default (every mechanism the server offers, strongest first: the
        # service offers only PLAIN and LOGIN)
        assert set(new["auth_mechanisms"]) <= {"PLAIN", "LOGIN"} or new["auth_mechanisms"] == DEFAULT_MECHANISMS
        assert new["sslcacertfile"] and not new["fingerprints"]  # the certificate is checked against the system's CAs
        assert new["reference"] == '""' and new["subscribedonly"] is False and new["tunnel"] is None
        assert new["password"] == old["password"]  # a saved password is kept (warned about) by default
        assert (new["folderfilter"], new["nametrans"]) == (old["folderfilter"], old["nametrans"])  # Python: never edited


def test_python_options_are_named_in_the_plan_with_their_line() -> None:
    done = plan_data((SAMPLES[0]).read_bytes(), PARSER, POLICY, "rc", "nobody")
    said = [note.message for note in done.notes if "Python code" in note.message]
    assert [message.split(":")[0] for message in said] == ["line 29", "line 30", "line 18"]
    assert "nametrans of [Repository LboroLocal]" in said[2] and "'INBOX.'" in said[2]


@pytest.mark.parametrize("code, said", [
    ("lambda f: re.sub(r'^INBOX\\.', '', f)", ["the folders under INBOX ('INBOX\\.')"]),
    ("lambda f: f.replace('.', '/')", ["the old separator '.'"]),
    ("lambda f: f in ['INBOX', 'Sent']", []),
    ("lambda f: f.startswith('INBOX/'", ["the folders under INBOX ('INBOX/')"]),  # unbalanced: read as it stands
])
def test_python_mentions_of_the_old_server_are_found_without_running_anything(code: str, said: list[str]) -> None:
    assert mentions(code) == said


def test_values_from_default_are_overridden_in_the_repository_and_interpolation_is_kept_elsewhere() -> None:
    text = ("[DEFAULT]\nssl = no\nremoteport = 143\nhost = imap.lboro.ac.uk\n\n[Repository r]\ntype = IMAP\n"
            "remotehost = %(host)s\nremoteuser = ccano@lboro.ac.uk\nsslcacertfile = OS-DEFAULT\n\n"
            "[Repository other]\ntype = IMAP\nremotehost = imap.example.org\nssl = yes\nremoteport = 993\n")
    after = plan(text).only.after.render()
    assert after == text.replace("remotehost = %(host)s\n", "remotehost = staff-mail.lboro.ac.uk\n").replace(
        "sslcacertfile = OS-DEFAULT\n", "sslcacertfile = OS-DEFAULT\nssl = yes\nremoteport = 993\n")


def test_a_tunnel_and_an_old_tls_version_go() -> None:
    text = ("[Repository r]\ntype = IMAP\npreauthtunnel = ssh -q imap.lboro.ac.uk /usr/sbin/imapd\n"
            "remoteuser = ccano@lboro.ac.uk\nssl = True\nssl_version = tls1\n")
    assert plan(text).only.after.render() == (
        "[Repository r]\ntype = IMAP\nremoteuser = ccano@lboro.ac.uk\nssl = True\nssl_version = tls1_2\n"
        "remotehost = staff-mail.lboro.ac.uk\nsslcacertfile = OS-DEFAULT\n")


def test_percent_signs_are_escaped_and_bad_interpolation_is_an_error_at_its_line() -> None:
    ini = parse_ini(b"[Repository r]\ntype = IMAP\nremotepass = 100%%sure\nremoteuser = %(nope)s\n", "rc", SECRETS)
    assert value(ini, "Repository r", "remotepass") == "100%sure"
    with pytest.raises(ParseError, match=r"^rc:4:1: remoteuser: %\(nope\)s names no option"):
        PARSER.accounts(ini)
    assert ini.render_redacted() == "[Repository r]\ntype = IMAP\nremotepass = ********\nremoteuser = %(nope)s\n"


def test_the_password_goes_when_the_policy_says_so() -> None:
    text = ("[Repository r]\ntype = IMAP\nremotehost = staff-mail.lboro.ac.uk\nremoteuser = a@lboro.ac.uk\n"
            "remotepass = x\n   continued\nssl = yes\nsslcacertfile = OS-DEFAULT\n")
    done = plan_data(text.encode(), PARSER, load_policy(overrides=["passwords.saved=remove"]), "rc", "nobody")
    assert done.only.after.render() == text.replace("remotepass = x\n   continued\n", "")


def test_a_gmail_repository_is_another_provider() -> None:
    assert PARSER.accounts(parse_ini(b"[Repository g]\ntype = Gmail\nremoteuser = me@lboro.ac.uk\n", "rc")) == []


LINE = st.sampled_from([
    "", "# c", "[DEFAULT]", "[Account A]", "remoterepository = R", "localrepository = L", "[Repository R]",
    "[Repository L]", "type = IMAP", "type = Maildir", "remotehost = imap.lboro.ac.uk", "remotehost: imap.example.org",
    "remoteport = 143", "ssl = no", "ssl = yes", "remoteuser = ccano", "remoteuser = %(u)s", "u = LBORO\\ccano",
    "remotepass = p%%w", "reference = INBOX", "auth_mechanisms = CRAM-MD5, PLAIN", "subscribedonly = yes",
    "cert_fingerprint = ab", "sslcacertfile = /etc/ssl/certs/ca-certificates.crt", "nametrans = lambda f: 'INBOX.' + f",
    "  continued", "folderfilter = lambda f: (", "    f.startswith('INBOX.'))", "ssl_version = tls1",
])


@given(st.lists(LINE, max_size=16), st.sampled_from(["\n", "\r\n"]))
def test_generated_files_round_trip_and_migrate_once(lines: list[str], newline: str) -> None:
    done = generated_plan(PARSER, newline.join(lines) + newline)
    if done is None:
        return
    before, after = done.only.before, parse_ini(done.only.after.to_bytes(), "rc")
    ours = {a.key for a in done.accounts if done.status(a, POLICY) != FOREIGN}
    for section in before.sections:
        if section.name not in ours and section.name != "DEFAULT":
            assert section_text(after, section.name) == section_text(before, section.name)


def test_starttls_is_never_insisted_on_by_offlineimap_so_ssl_is_written() -> None:
    text = "[Repository r]\ntype = IMAP\nremotehost = imap.lboro.ac.uk\nremoteuser = a@lboro.ac.uk\nssl = off\n"
    done = plan_data(text.encode(), PARSER, load_policy(overrides=["incoming.security=starttls"]), "rc", "nobody")
    assert done.only.after.render() == text.replace("imap.lboro", "staff-mail.lboro").replace(
        "ssl = off\n", "ssl = on\nsslcacertfile = OS-DEFAULT\n")
    assert any("never insisting" in note.message for note in done.notes)
