"""Pine and Alpine pinercs: lossless, migrated as expected, and read back by Alpine itself."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from migrate.engine import plan_data
from migrate.policy import load_policy
from migrate.rules.username_suffix import suffixed
from parsers.pine import PineParser
from parsers.pine.accounts import names
from parsers.pine.cclient import Spec
from parsers.pine.cclient import parse_spec
from parsers.pine.pinerc import parse_pinerc
from tests.conftest import sample_files
from tests.oracles import require

PARSER = PineParser()
SAMPLES = sample_files("pine")
CHECKED = ("inbox-path", "folder-collections", "default-fcc", "postponed-folder", "smtp-server", "incoming-folders")


@pytest.mark.parametrize(
    "text", ["{imap.lboro.ac.uk/user=ccano}INBOX", '{pop.x:110/pop3/user="a b"/NoRsh}INBOX', "*{news/nntp}[]",
             "{[10.0.0.1]:993/ssl}INBOX.[]", "{h/service=pop3/secure}x"],
)
def test_specs_read_and_write_back(text: str) -> None:
    assert str(parse_spec(text)) == text


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_round_trips_and_migrates_to_expected(path: Path) -> None:
    data = path.read_bytes()
    plan = plan_data(data, PARSER, load_policy(), str(path), "nobody")
    assert plan.only.before.to_bytes() == data
    assert plan.only.after.to_bytes() == path.with_name(path.name + ".expected").read_bytes()
    again = plan_data(plan.only.after.to_bytes(), PARSER, load_policy(), str(path), "nobody")
    assert not again.changed and not again.changes


LINE = st.one_of(
    st.sampled_from(["# comment", "", "\tcontinued,", " x", "feature-list=a,b", 'personal-name=Jos\udce9',
                     "inbox-path={imap.lboro.ac.uk/user=u}INBOX", 'postponed-folder="{h}INBOX.x" junk',
                     "folder-collections=L {imap.lboro.ac.uk}INBOX.[],", 'incoming-folders="A B" "{h}INBOX.a b",',
                     "smtp-server=smtp.lboro.ac.uk/user=u,", "rsh-open-timeout=15",
                     "incoming-folders=Other {imap.example.org/user=anna/ssl}INBOX.x,",
                     "folder-collections=Ext {mail.example.org:993/ssl}INBOX.[]"]),
    st.text(alphabet='ab {}/=,"\\#\t:.[]', max_size=20),
)


@given(st.lists(LINE, max_size=12), st.sampled_from(["\n", "\r\n"]))
@example(["folder-collections=L {imap.lboro.ac.uk}INBOX.[],", " , "], "\n")  # a blank-only list item
def test_generated_files_round_trip_and_migrate_once(lines: list, newline: str) -> None:
    data = (newline.join(lines) + newline).encode("utf-8", "surrogateescape")
    assert parse_pinerc(data, "p").to_bytes() == data
    plan = plan_data(data, PARSER, load_policy(), "p", "u")  # raises if a second pass would change it
    assert plan.only.before.to_bytes() == data
    foreign = [line for line in data.decode("utf-8", "surrogateescape").splitlines() if "example.org" in line]
    assert foreign == [line for line in plan.only.after.render().splitlines() if "example.org" in line]


def _alpine(path: Path, home: Path) -> dict[str, str]:
    binary = require("alpine")
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "TERM": "dumb"}
    done = subprocess.run([binary, "-p", str(path), "-pinerc", "-"], capture_output=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=60)
    values: dict[str, str] = {}
    name = ""
    for line in done.stdout.decode("utf-8", "surrogateescape").splitlines():
        match = re.match(r"([a-z0-9-]+)=(.*)", line)
        if match:
            name = match.group(1)
            values[name] = match.group(2)
        elif line[:1] in (" ", "\t") and name:
            values[name] += line
        else:
            name = ""
    return values


@pytest.mark.oracle
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_alpine_reads_the_migrated_file(path: Path, tmp_path: Path) -> None:
    migrated = tmp_path / "pinerc"
    migrated.write_bytes(path.with_name(path.name + ".expected").read_bytes())
    before, after = _alpine(path, tmp_path), _alpine(migrated, tmp_path)
    assert after.get("inbox-path"), "Alpine did not read the file"
    policy = load_policy()
    for name in CHECKED:
        for spec_text in re.findall(r"\{[^}]*\}[^,\"]*", after.get(name, "")):
            spec = parse_spec(spec_text)
            assert spec is not None
            if policy.matches(spec.host):
                assert spec.host == policy.incoming.host and spec.switch("ssl", "tls") is not None, spec_text
                assert (spec.user or "").endswith("@lboro.ac.uk") and spec.service == "imap", spec_text
                assert not spec.mailbox.upper().startswith(("INBOX.", "INBOX/")), spec_text
        for entry in after.get("smtp-server", "").replace("\t", "").split(","):
            spec = parse_spec(entry.strip(), braces=False) if entry.strip() else None
            if spec is not None and policy.matches(spec.host):
                assert spec.host == policy.outgoing.host and (spec.user or "").endswith("@lboro.ac.uk")
                assert spec.switch("ssl") or spec.switch("tls")
    for old, new in zip(_specs(before), _specs(after), strict=True):
        if policy.matches(old.host):
            assert new.switch("novalidate-cert") is None, new
            if old.user is not None:  # each name keeps its own login, suffixed its own way
                assert new.user == (suffixed(old.user, policy) or old.user), (old, new)
    foreign = re.compile(r"\{[^}]*example\.org[^}]*\}[^,\"]*")
    for name in CHECKED:
        assert foreign.findall(before.get(name, "")) == foreign.findall(after.get(name, ""))
    assert after.get("rsh-open-timeout") == "0" and after.get("ssh-open-timeout") == "0"


def _specs(values: dict[str, str]) -> list[Spec]:
    """Alpine's remote names of the checked variables, in order."""
    found: list[Spec] = []
    for name in CHECKED:
        value = values.get(name, "")
        if name == "smtp-server":
            texts, braces = [e.strip() for e in value.replace("\t", "").split(",") if e.strip()], False
        else:
            texts, braces = re.findall(r"\{[^}]*\}[^,\"]*", value), True
        found += [spec for spec in (parse_spec(text, braces) for text in texts) if spec is not None]
    return found


def test_a_pop_mail_drop_becomes_the_imap_inbox() -> None:
    plan = plan_data(b"inbox-path=#move+{pop.lboro.ac.uk/pop3/ssl/user=u}INBOX+mail/inbox\n", PARSER, load_policy(), "p")
    assert plan.only.after.render().splitlines()[0] == "inbox-path={staff-mail.lboro.ac.uk/ssl/user=u@lboro.ac.uk}INBOX"


def test_other_servers_are_left_alone() -> None:
    data = b"inbox-path={imap.example.org/user=x}INBOX.a\nsmtp-server=mail.example.org\n"
    assert not plan_data(data, PARSER, load_policy(), "p").changed


def test_switches_keep_their_place_and_spelling() -> None:
    data = b"inbox-path={imap.lboro.ac.uk/User=ab/Debug/SSL/secure}INBOX\n"
    after = plan_data(data, PARSER, load_policy(), "p", "ab").only.after.to_bytes()
    assert after.startswith(b"inbox-path={staff-mail.lboro.ac.uk/User=ab@lboro.ac.uk/Debug/SSL}INBOX\n")


def _migrated(data: bytes, policy=None) -> str:
    return plan_data(data, PARSER, policy or load_policy(), "p", "nobody").only.after.render()


def test_each_remote_name_keeps_its_own_user() -> None:
    after = _migrated(b"inbox-path={imap.lboro.ac.uk/ssl/user=JDOE@X}inbox\n"
                      b"folder-collections=g {imap.lboro.ac.uk/ssl/user=jdoe@x}[]\n")
    assert "user=JDOE@X}inbox" in after and "user=jdoe@x}[]" in after


def test_users_on_one_server_are_suffixed_each_from_its_own_value() -> None:
    after = _migrated(b"inbox-path={imap.lboro.ac.uk/user=JDOE}INBOX\n"
                      b"folder-collections=A {imap.lboro.ac.uk/user=jdoe}INBOX.[],\n"
                      b"\tB {IMAP.lboro.ac.uk/user=dept}INBOX.[]\n")
    assert "{staff-mail.lboro.ac.uk/ssl/user=JDOE@lboro.ac.uk}INBOX\n" in after
    assert "A {staff-mail.lboro.ac.uk/ssl/user=jdoe@lboro.ac.uk}[],\n" in after
    assert "B {staff-mail.lboro.ac.uk/ssl/user=dept@lboro.ac.uk}[]\n" in after


def test_each_login_on_a_server_is_its_own_account() -> None:
    parsed = PARSER.parse({"p": b"inbox-path={h.lboro.ac.uk/user=a}INBOX\ndefault-fcc={h.lboro.ac.uk/user=b}x\n"
                                b"postponed-folder={h.lboro.ac.uk}y\n"}.get, "p")
    accounts = PARSER.accounts(parsed)
    assert [(a.label, a.incoming.username, [f.name for f in a.folders]) for a in accounts] == [
        ("IMAP on h.lboro.ac.uk as a", "a", ["INBOX", "y"]), ("IMAP on h.lboro.ac.uk as b", "b", ["x"])]


def test_a_name_without_a_user_takes_the_login_of_inbox_path() -> None:
    after = _migrated(b"default-fcc={imap.lboro.ac.uk/user=other}INBOX.sent\n"
                      b"inbox-path={imap.lboro.ac.uk/user=me}INBOX\npostponed-folder={imap.lboro.ac.uk}INBOX.drafts\n")
    assert "postponed-folder={staff-mail.lboro.ac.uk/ssl/user=me@lboro.ac.uk}drafts" in after
    assert "default-fcc={staff-mail.lboro.ac.uk/ssl/user=other@lboro.ac.uk}sent" in after


@pytest.mark.parametrize("switch", ["novalidate-cert", "NoValidate-Cert", "NOVALIDATE-CERT"])
def test_novalidate_cert_is_removed_from_the_services_names(switch: str) -> None:
    data = (f"inbox-path={{imap.lboro.ac.uk/ssl/{switch}/user=ab}}INBOX\n"
            f"smtp-server=smtp.lboro.ac.uk/{switch}/tls/user=ab\n").encode()
    plan = plan_data(data, PARSER, load_policy(), "p", "ab")
    assert plan.only.after.render() == ("inbox-path={staff-mail.lboro.ac.uk/ssl/user=ab@lboro.ac.uk}INBOX\n"
                                        "rsh-open-timeout=0\nssh-open-timeout=0\n"
                                        "smtp-server=staff-mail.lboro.ac.uk:25/tls/user=ab@lboro.ac.uk\n")
    assert {c.field for c in plan.changes if c.field.endswith(".certificate")} == {
        "incoming.certificate", "outgoing.certificate"}
    assert sum("novalidate-cert removed" in n.message for n in plan.notes) == 2


def test_novalidate_cert_of_other_servers_and_validate_cert_stay() -> None:
    after = _migrated(b"inbox-path={imap.lboro.ac.uk/ssl/validate-cert/user=ab}INBOX\n"
                      b"folder-collections=C {mail.example.org/ssl/novalidate-cert}[]\n"
                      b"smtp-server=mail.example.org/novalidate-cert\n")
    assert "/ssl/validate-cert/user=ab@lboro.ac.uk}" in after
    assert "C {mail.example.org/ssl/novalidate-cert}[]\nsmtp-server=mail.example.org/novalidate-cert\n" in after


def test_novalidate_cert_stays_when_the_site_does_not_verify() -> None:
    after = _migrated(b"inbox-path={imap.lboro.ac.uk/ssl/novalidate-cert/user=ab}INBOX\n",
                      load_policy(overrides=["certificates.verify=no"]))
    assert after.startswith("inbox-path={staff-mail.lboro.ac.uk/ssl/novalidate-cert/user=ab@lboro.ac.uk}INBOX\n")


PINE_USERS = st.sampled_from([None, "jdoe", "JDOE", "dept-office", "jdoe@lboro.ac.uk", "x@example.org", "LBORO\\ab"])
PINE_NAME = st.tuples(st.sampled_from(["imap.lboro.ac.uk", "IMAP.Lboro.ac.uk", "mail.example.org"]), PINE_USERS,
                      st.sampled_from(["", "/ssl", "/novalidate-cert", "/NoValidate-Cert/ssl", "/tls", "/pop3"]))
PINE_LINE = st.one_of(
    st.tuples(st.sampled_from(["inbox-path", "default-fcc", "postponed-folder"]), PINE_NAME.map(lambda n: [n])),
    st.tuples(st.sampled_from(["folder-collections", "incoming-folders", "smtp-server"]),
              st.lists(PINE_NAME, min_size=1, max_size=3)),
)


def _pine_line(variable: str, entries: list) -> str:
    texts = []
    for i, (host, user, switches) in enumerate(entries):
        server = host + switches + (f"/user={user}" if user is not None else "")
        if variable == "smtp-server":
            texts.append(server.replace("/pop3", ""))
        elif variable in ("folder-collections", "incoming-folders"):
            texts.append(f"L{i} {{{server}}}INBOX." + ("[]" if variable == "folder-collections" else "f"))
        else:
            texts.append(f"{{{server}}}INBOX.x")
    return f"{variable}=" + ",\n\t".join(texts)


@given(st.lists(PINE_LINE, min_size=1, max_size=6))
def test_every_remote_name_keeps_its_own_user_and_loses_novalidate_cert(lines: list) -> None:
    data = ("\n".join(_pine_line(variable, entries) for variable, entries in lines) + "\n").encode()
    policy = load_policy()
    plan = plan_data(data, PARSER, policy, "p", "u")
    before, after = (names(parse_pinerc(f.to_bytes(), "p")) for f in (plan.only.before, plan.only.after))
    assert len(before) == len(after)
    for old, new in zip(before, after):
        if not policy.matches(old.spec.host):
            assert new.spec == old.spec
            continue
        assert new.spec.switch("novalidate-cert") is None
        if old.spec.user is not None:
            assert new.spec.user == (suffixed(old.spec.user, policy) or old.spec.user)
