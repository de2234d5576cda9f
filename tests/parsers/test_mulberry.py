"""Mulberry preference files: lossless, migrated as expected, and read back by a second reader written
from Mulberry's own source (``tests/mulberry_reader.py``), which shows what Mulberry will connect to."""
from __future__ import annotations

import fnmatch
import os
import shutil
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from migrate.cli import main
from migrate.discover import Found
from migrate.discover import discover
from migrate.engine import plan_data
from migrate.errors import MigrateError
from migrate.errors import ParseError
from migrate.plugins import load_parsers
from migrate.policy import Policy
from migrate.policy import load_policy
from migrate.rules.username_suffix import suffixed
from parsers.mulberry.parser import MulberryParser
from parsers.mulberry.prefsfile import parse_prefs
from parsers.mulberry.sexpr import quote
from parsers.mulberry.sexpr import value
from tests import mulberry_reader as reader
from tests.conftest import sample_files

PARSER = MulberryParser()
POLICY = load_policy()
SAMPLES = sample_files("mulberry")
SECRETS = ("9kQ2Zq7mulberryPOPsecret+w==", "4dQ1Zq7mulberrySIEVEsecret=", "Zq7mulberryCRAMsecret==")


def of_service(host: str) -> bool:
    return any(fnmatch.fnmatch(host.lower(), pattern) for pattern in POLICY.match)


def plan(data: bytes, policy: Policy = POLICY, name: str = "preferences.mbp"):
    return plan_data(data, PARSER, policy, name, "nobody")


def check_migrated(before: bytes, after: bytes, policy: Policy = POLICY) -> None:
    """What Mulberry reads from the migrated file: the service's accounts as the policy says, the others as they were."""
    old, new = reader.accounts(before), reader.accounts(after)
    by_name = {(account.name, account.type): account for account in new}
    assert len(by_name) == len(new)
    for account in old:
        kept = by_name.pop((account.name, account.type))
        if not of_service(account.host) or account.type not in ("IMAP", "POP3", "SMTP"):
            assert kept == account, "an account of another provider changed"
            continue
        if account.type == "POP3":  # stays for its mail; an IMAP account stands in for it
            assert kept.host == account.host and kept.wds == account.wds and kept.cwd == account.cwd
            added = by_name.pop((f"{account.name} (IMAP)", "IMAP"), None)
            if added is None:  # the file has the IMAP account of that login already
                added = next(a for a in new if a.type == "IMAP" and a.host == policy.incoming.host and a.uid == kept_uid(account))
            else:
                assert not added.password and added.tied_identity == account.tied_identity
            check_service(added, policy.incoming, policy)
        else:
            check_service(kept, policy.outgoing if account.type == "SMTP" else policy.incoming, policy)
            assert not any(name.upper().startswith(("INBOX.", "INBOX/")) for name, _, _ in kept.wds)
            if account.type == "IMAP" and account.host.lower() != kept.host.lower():
                assert kept.delimiter == ""  # asked of the new server at the next login
        if policy.saved_passwords == "remove":
            assert not kept.password
    assert all(account.name.endswith(" (IMAP)") for account in by_name.values())  # nothing else was added


def kept_uid(account: reader.Connection) -> Optional[str]:
    """The login the POP account's IMAP account has (the owner's when the POP account names none)."""
    return suffixed(account.uid or "nobody", POLICY)


def check_service(account: reader.Connection, server, policy: Policy) -> None:
    assert account.host == server.host
    assert (account.security, account.port) in server.accept
    assert account.versions == "negotiated"
    assert account.authenticator == "Plain Text" and account.uid and account.uid.endswith(policy.username_suffix)


# ---------------------------------------------------------------------------------------------------- samples

@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_round_trips_migrates_to_expected_and_stays(path: Path) -> None:
    data = path.read_bytes()
    first = plan(data, name=str(path))
    assert first.only.before.to_bytes() == data
    expected = path.with_name(path.name + ".expected").read_bytes()
    assert first.only.after.to_bytes() == expected
    again = plan(expected, name=str(path))
    assert not again.changed and not again.changes


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_mulberry_reads_the_service_s_accounts_from_every_migrated_sample(path: Path) -> None:
    check_migrated(path.read_bytes(), path.with_name(path.name + ".expected").read_bytes())


def test_the_pop_account_stays_byte_for_byte_and_its_imap_account_follows_it() -> None:
    before = (SAMPLES[0].parent / "legacy-pop.mbp").read_bytes()
    after = plan(before).only.after.to_bytes()
    old_list = next(line for line in before.splitlines() if line.startswith(b"Preferences.Accounts.Mail Accounts v2="))
    new_list = next(line for line in after.splitlines() if line.startswith(b"Preferences.Accounts.Mail Accounts v2="))
    assert new_list.startswith(old_list[:-1]) and new_list[len(old_list) - 1:].startswith(b'(("Lboro (IMAP)" IMAP ')
    notes = [note.message for note in plan(before).notes]
    assert any("old POP mail, retire once moved" in note and "Mailboxes/POP3/Lboro/" in note for note in notes)


def test_foreign_accounts_are_identical_token_for_token() -> None:
    path = SAMPLES[0].parent / "mixed-foreign.mbp"
    before = parse_prefs(path.read_bytes(), str(path))
    after = parse_prefs(plan(path.read_bytes()).only.after.to_bytes(), str(path))
    for old, new in zip(_accounts_text(before), _accounts_text(after)):
        if b"lboro.ac.uk" not in old:
            assert new == old


def _accounts_text(prefs) -> list[bytes]:
    found = []
    for entry in prefs.entries:
        if entry.tree is not None and "Accounts" in entry.key:
            found += [prefs.render_range(account.open, account.close + 1).encode("utf-8", "surrogateescape")
                      for account in entry.tree.items]
    return found


def test_saved_passwords_go_when_the_policy_says_so() -> None:
    policy = load_policy(overrides=["passwords.saved=remove"])
    for path in SAMPLES:
        before = path.read_bytes()
        after = plan(before, policy, str(path)).only.after.to_bytes()
        check_migrated(before, after, policy)
        assert b"Zq7mulberryPOPsecret" not in after and b"Zq7mulberryCRAMsecret" not in after
        assert plan(after, policy, str(path)).changed is False
    pop = plan((SAMPLES[0].parent / "legacy-pop.mbp").read_bytes(), policy).only.after.to_bytes()
    assert b'(("Plain Text" ccano "" true false))' in pop  # the POP account's password, and its save flag


def test_apply_then_restore_gives_every_byte_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    shutil.copytree(SAMPLES[0].parent, home)
    for expected in home.glob("*.expected"):
        expected.unlink()
    before = {path.name: path.read_bytes() for path in home.iterdir()}
    assert main(["apply", str(home)]) == 0
    for path in home.iterdir():
        assert path.read_bytes() == (SAMPLES[0].parent / f"{path.name}.expected").read_bytes()
    assert main(["apply", str(home)]) == 0
    assert main(["restore"]) == 0  # the second apply changed nothing: the first is undone
    assert {path.name: path.read_bytes() for path in home.iterdir()} == before
    said = "".join(capsys.readouterr())
    assert not any(secret in said for secret in SECRETS)


def test_no_saved_password_is_ever_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    shutil.copytree(SAMPLES[0].parent, tmp_path / "home")
    for command in (["scan", "--json"], ["plan"], ["plan", "--json"], ["apply", "--json"], ["plan", "--set",
                                                                                              "passwords.saved=remove"]):
        main([*command, str(tmp_path / "home")])
    said = "".join(capsys.readouterr())
    assert "********" in said and "will migrate" in said
    assert not any(secret in said for secret in SECRETS)


@pytest.mark.parametrize(("account", "migrated"), [
    # compliant but for the old server's INBOX hierarchy: only that changes
    ('((a IMAP staff-mail.lboro.ac.uk true (("Plain Text" ab@lboro.ac.uk "" true false)) ("" false false) SSLv3 false "" )'
     '(/ true ((INBOX. true false)(Lists/ true false)) false false false false false ""))',
     '((a IMAP staff-mail.lboro.ac.uk true (("Plain Text" ab@lboro.ac.uk "" true false)) ("" false false) SSLv3 false "" )'
     '(/ true (("%" true false)(Lists/ true false)) false false false false false ""))'),
    # written by Mulberry 2.0, before TLS: the TLS choice is added after the cwd; STARTTLS pinned to TLS 1.0 is let negotiate
    ('((a IMAP imap.lboro.ac.uk false (("Plain Text" ab "" true false)) ("" false false))(. true ((INBOX. true false)) false'
     ' false false false false ""))',
     '((a IMAP staff-mail.lboro.ac.uk false (("Plain Text" ab@lboro.ac.uk "" true false)) ("" false false) SSLv3)'
     '("" true (("%" true false)) false false false false false ""))'),
    ('((a SMTP smtp.lboro.ac.uk:587 false (("Plain Text" ab "" true false)) ("" false false) TLSv1 false "" x)())',
     '((a SMTP staff-mail.lboro.ac.uk:587 false (("Plain Text" ab@lboro.ac.uk "" true false)) ("" false false)'
     ' TLSv1SSLHello false "" x)())'),
])
def test_accounts_change_atom_by_atom(account: str, migrated: str) -> None:
    key = "SMTP Accounts v2_0" if " SMTP " in account else "Mail Accounts v2"
    before = f"Preferences.Accounts.{key}=({account})\n".encode()
    assert plan(before).only.after.to_bytes() == f"Preferences.Accounts.{key}=({migrated})\n".encode()


# ---------------------------------------------------------------------------------------------------- finding files

def test_a_walk_finds_mulberry_preferences_and_passes_over_other_mbp_files(tmp_path: Path) -> None:
    (tmp_path / ".mulberry").mkdir()
    shutil.copy(SAMPLES[0].parent / "legacy-pop.mbp", tmp_path / ".mulberry" / "preferences.mbp")
    shutil.copy(SAMPLES[0].parent / "compliant.mbp", tmp_path / "saved set.mbp")
    (tmp_path / "Library" / "Preferences").mkdir(parents=True)
    shutil.copy(SAMPLES[0].parent / "imap-kerberos.mbp", tmp_path / "Library" / "Preferences" / "Mulberry Prefs")
    (tmp_path / "book.mbp").write_bytes(b"\x00\x00\x00\x10BPAR\xff\xff\xff\xff" + bytes(64))  # a Mobipocket file
    found = sorted(item.path.name for item in discover([tmp_path], load_parsers()) if isinstance(item, Found))
    assert found == ["Mulberry Prefs", "preferences.mbp", "saved set.mbp"]


class _Running:
    def __init__(self, programs: dict) -> None:
        self.programs = programs

    def of(self, uid: int) -> dict:
        return self.programs if uid == os.getuid() else {}


def test_a_running_mulberry_of_the_owner_keeps_its_preferences_from_being_touched(tmp_path: Path) -> None:
    path = tmp_path / "preferences.mbp"
    path.write_bytes(b"Preferences.Version_v2_0=0x4088000\n")
    parser = MulberryParser()
    parser._running = _Running({b"bash": (1,), b"mulberry": (2,)})
    assert "Mulberry is running" in (parser.live(path) or "")
    parser._running = _Running({b"bash": (1,)})
    assert parser.live(path) is None


# ---------------------------------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize(("text", "where"), [
    ("Preferences.Accounts.Mail Accounts v2=(((a IMAP b false ((None)) (\"\" false false) NoTLS false \"\" )()", "1:40"),
    ('x=1\nPreferences.Accounts.SMTP Accounts v2_0=(((a SMTP "b false', "2:51"),
    ("Preferences.Identities.List v2_0=((a %b))", "1:38"),
    ("Preferences.Accounts.Mail Accounts v2=((a))", "1:40"),
    ("Preferences.Accounts.Mail Accounts v2=(((a IMAP b false ((None)) (\"\" false false) NoTLS)(x y z)))", "1:94"),
])
def test_broken_lists_fail_in_one_line_at_their_place(text: str, where: str) -> None:
    with pytest.raises(ParseError) as error:
        PARSER.parse_bytes(text.encode(), "p.mbp")
    assert str(error.value).startswith(f"p.mbp:{where}: ") and "\n" not in str(error.value)


def test_deep_nesting_is_read_without_recursion() -> None:
    deep = "(" * 200_000 + ")" * 200_000
    text = f"Preferences.Accounts.SMTP Accounts v2_0=(((s SMTP smtp.lboro.ac.uk false ((None)) (\"\" false false) NoTLS false \"\" {deep})()))\n"
    first = plan(text.encode())
    assert first.only.before.render() == text and b"staff-mail" in first.only.after.to_bytes()
    with pytest.raises(ParseError, match="never closed"):
        PARSER.parse_bytes(f"Preferences.Accounts.Mail Accounts v2={'(' * 200_000}".encode(), "p.mbp")


def test_an_unreadable_list_mulberry_does_not_read_is_kept_and_never_shown() -> None:
    text = b'Preferences.Address.Address Books v2_0=(((x LDAP l false (("Plain Text" u "Zq7-secret' + b"\n"
    prefs = PARSER.parse_bytes(text, "p.mbp")
    assert prefs.to_bytes() == text and "Zq7" not in prefs.render_redacted()


# ---------------------------------------------------------------------------------------------------- generated input

ATOM = st.text(alphabet="abz019.@-_/*:\t\xe9", min_size=1, max_size=8)
STRING = st.text(alphabet='ab "\\\n()%{}\xe9', max_size=8).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"')
SPACES = st.sampled_from(["", " ", "  "])


@st.composite
def sexpression(draw: st.DrawFn, depth: int = 0) -> str:
    items = draw(st.lists(st.one_of(ATOM, STRING) if depth > 3 else st.one_of(ATOM, STRING, sexpression(depth + 1)),
                          max_size=5))
    return "(" + draw(SPACES) + "".join(item + draw(st.sampled_from([" ", "  "])) for item in items) + ")"


@given(sexpression(), st.sampled_from(["", " trailing junk", ")"]))
def test_generated_s_expressions_read_and_render_back(text: str, tail: str) -> None:
    data = f"Preferences.Calendar.Calendars={text}{tail}\n".encode("utf-8", "surrogateescape")
    assert PARSER.parse_bytes(data, "p.mbp").to_bytes() == data


@given(st.binary(max_size=60))
@example(b'(("\\')
def test_any_bytes_in_an_account_list_read_back_or_fail_in_one_line(junk: bytes) -> None:
    data = b"Preferences.Accounts.Mail Accounts v2=" + junk + b"\n"
    try:
        parsed = PARSER.parse_bytes(data, "p.mbp")
    except MigrateError as error:
        assert str(error).startswith("p.mbp:") and "\n" not in str(error)
        return
    assert parsed.to_bytes() == data


@given(st.text(alphabet='ab "\\\t\n\r%*(){}\'\xe9\udce9', max_size=12))
def test_quoted_values_read_back_as_written_by_both_readers(text: str) -> None:
    assert value(quote(text)) == text
    assert reader.Stream(quote(text) + " next").get() == text


def q(text: str) -> str:
    """Quoting as the tests write it, independently of the parser: always quoted unless a plain word."""
    if text and all(c.isalnum() or c in ".@-_" for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


SERVICE_HOSTS = ["pop.lboro.ac.uk", "imap.lboro.ac.uk", "mail.lboro.ac.uk", "staff-mail.lboro.ac.uk"]
FOREIGN_HOSTS = ["imap.gmail.com", "pop.example.net", "mail.example.org"]
HOST = st.tuples(st.sampled_from(SERVICE_HOSTS + FOREIGN_HOSTS), st.sampled_from(["", ":110", ":143", ":993", ":587"]))
USER = st.sampled_from(["ccano", "LBORO\\jdoe", "b.jones@lboro.ac.uk"])
TLS = st.sampled_from(["NoTLS", "SSLv3", "SSLv3Real", "TLSv1", "TLSv1SSLHello", "Bogus", None])
PASSWORD = st.sampled_from(['""', "Zq7GEN+secret=="])


@st.composite
def authenticator(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["Plain Text", "CRAM-MD5", "DIGEST-MD5", "SSL Client Certificate", "GSSAPI",
                                 "Kerberos V4", "None", "NTLM"]))
    user = q(draw(USER))
    if kind == "None":
        return "((None))"
    if kind in ("GSSAPI", "Kerberos V4"):
        return f'(({q(kind)} true "" false {user}))'
    if kind == "NTLM":
        return "((NTLM))"
    return f"(({q(kind)} {user} {draw(PASSWORD)} true {draw(st.booleans()) and 'true' or 'false'}))"


@st.composite
def common(draw: st.DrawFn, name: str, kind: str) -> str:
    host, port = draw(HOST)
    tls = draw(TLS)
    tail = f" {tls} false {q('')}" if tls is not None else ""
    future = "".join(f" {q(item)}" for item in draw(st.lists(ATOM, max_size=2)))
    return f"({q(name)} {kind} {q(host + port)} {draw(st.booleans()) and 'true' or 'false'} {draw(authenticator())}" \
           f' ("" false false){tail} {future})'


WD = st.sampled_from(["INBOX.", "INBOX/", "INBOX.Lists.", "INBOX.Lists.debian.", "Archive/", "%", "*", "INBOX.*", "Shared."])


@st.composite
def mail_account(draw: st.DrawFn, name: str) -> str:
    kind = draw(st.sampled_from(["IMAP", "POP3", "Local"]))
    wds = "".join(f"({q(wd)} true false)" for wd in draw(st.lists(WD, max_size=3)))
    general = f"true false false true {q(name)}"
    if kind == "IMAP":
        specific = f"{draw(st.sampled_from(['.', '/', q('')]))} {draw(st.booleans()) and 'true' or 'false'} ({wds}) false {general}"
    elif kind == "POP3":
        specific = f'(("*" true false)) Auto {draw(st.booleans()) and "true" or "false"} false 0 false false 10 false {general}'
    else:
        specific = f'(("*" true false)) Auto {general}'
    return f"({draw(common(name, kind))}({specific}))"


NAMES = st.lists(st.text(alphabet="ab ()*%\"\\\xe9", min_size=1, max_size=6).filter(lambda n: not n.endswith(" (IMAP)")),
                 unique=True, max_size=4)


@st.composite
def preferences(draw: st.DrawFn) -> bytes:
    mail = draw(NAMES)
    smtp = draw(NAMES)
    lines = ["Preferences.Accounts.Default Outgoing Domain=lboro.ac.uk",
             "Preferences.Accounts.Mail Accounts v2=(" + "".join(draw(mail_account(n)) for n in mail) + ")",
             "Preferences.Accounts.SMTP Accounts v2_0=(" + "".join(f"({draw(common(n, 'SMTP'))}())" for n in smtp) + ")",
             "Preferences.Version_v2_0=0x4088000"]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines).encode("utf-8", "surrogateescape") + draw(st.sampled_from([newline.encode(), b""]))


@given(preferences())
def test_generated_preferences_round_trip_and_migrate_once_as_mulberry_reads_them(data: bytes) -> None:
    first = plan(data)
    assert first.only.before.to_bytes() == data
    after = first.only.after.to_bytes()
    check_migrated(data, after)
    second = plan(after)
    assert not second.changed
