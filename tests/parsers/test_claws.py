"""Claws Mail and Sylpheed: files lossless, the numbering of each program and version, samples migrated in place."""
from __future__ import annotations

import json
import re
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator
from typing import Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.cli import main
from migrate.document import Edit
from migrate.engine import plan_setup
from migrate.errors import MigrateError
from migrate.errors import ParseError
from migrate.policy import load_policy
from parsers.claws import live
from parsers.claws.filters import parse_filter_xml
from parsers.claws.filters import parse_matcherrc
from parsers.claws.folderlist import parse_folderlist
from parsers.claws.parser import ClawsParser
from parsers.claws.rcfile import parse_rcfile
from tests.conftest import SAMPLES

CLAWS = SAMPLES / "claws"
PARSER = ClawsParser()
POLICY = load_policy()
SETUPS = sorted(CLAWS.rglob("accountrc"))
FILES = sorted(p for p in CLAWS.rglob("*") if p.is_file() and p.suffix != ".expected")
PARSE = {"folderlist.xml": parse_folderlist, "matcherrc": parse_matcherrc, "filter.xml": parse_filter_xml}


def read(name: str) -> Optional[bytes]:
    path = Path(name)
    return path.read_bytes() if path.is_file() else None


def plan(files: dict[str, bytes], path: str, policy=POLICY):
    return plan_setup(files.get, PARSER, policy, path, "ccano")


def folder(tmp_path: Path, name: str = ".claws-mail", **files: str) -> str:
    """A configuration folder holding ``files`` (``accountrc=...``, ``clawsrc=...``); its accountrc's path."""
    where = tmp_path / name
    where.mkdir(parents=True, exist_ok=True)
    for file, text in files.items():
        (where / file.replace("_", ".")).write_bytes(text.encode())
    return str(where / "accountrc")


def plan_folder(path: str, policy=POLICY):
    return plan_setup(read, PARSER, policy, path, "ccano")


def after(found, name: str = "accountrc") -> str:
    return next(f.after.render() for f in found.files if f.path.endswith(name))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_sample_file_reads_back_byte_for_byte(path: Path) -> None:
    data = path.read_bytes()
    parse = PARSE.get(path.name, parse_rcfile)
    assert parse(data, str(path)).to_bytes() == data


RC_LINES = ["[Account: 1]", "[Account: 2]", "protocol=0", "PROTOCOL=3", "user_id=ccano", "signature_separator=-- ",
            "# a comment", "", " indented=x", "name =value", "novalue", "[Common]", "password=!abc=", "x=a=b", "k=\xe9\xff"]


@given(st.lists(st.sampled_from(RC_LINES), max_size=14), st.sampled_from(["\n", "\r\n", "\r\r\n"]), st.booleans())
def test_generated_rc_files_read_back_byte_for_byte(lines: list[str], newline: str, final: bool) -> None:
    data = (newline.join(lines) + (newline if final else "")).encode("utf-8", "surrogateescape")
    assert parse_rcfile(data, "accountrc").to_bytes() == data


RULE_LINES = ['[#imap/Uni/INBOX/x]', '[filtering]', 'enabled rulename "a \\"b\\"" subject matchcase "move" move "#imap/Uni/INBOX/a"',
              'disabled rulename "c" to matchcase "x\\\\" copy "#imap/Uni/INBOX/b\\"q"', "", "garbage here", 'move  "#mh/Mailbox/x"']


@given(st.lists(st.sampled_from(RULE_LINES), max_size=10), st.booleans())
def test_generated_filter_rules_read_back_byte_for_byte(lines: list[str], final: bool) -> None:
    data = ("\n".join(lines) + ("\n" if final else "")).encode()
    assert parse_matcherrc(data, "matcherrc").to_bytes() == data


IDENTIFIERS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\0<"), max_size=20)


@given(IDENTIFIERS)
def test_a_destination_is_written_so_that_it_reads_back(identifier: str) -> None:
    for parse, data in ((parse_matcherrc, b'enabled rulename "r" move "x"\n'), (parse_filter_xml, b"<move>x</move>")):
        rules = parse(data, "rules")
        (index,) = rules.folder_tokens()
        again = parse(rules.apply([Edit(index, index + 1, rules.written(index, identifier))]).to_bytes(), "rules")
        assert [again.identifier(i) for i in again.folder_tokens()] == [identifier]


@pytest.mark.parametrize("path", SETUPS, ids=lambda p: p.parts[-3])
def test_sample_migrates_to_expected_and_a_second_pass_changes_nothing(path: Path) -> None:
    first = plan_folder(str(path))
    expected = {str(p)[: -len(".expected")]: p.read_bytes() for p in path.parent.glob("*.expected")}
    assert {f.path: f.after.to_bytes() for f in first.files if f.changed} == expected
    migrated = {str(p): p.read_bytes() for p in path.parent.iterdir() if p.is_file() and p.suffix != ".expected"}
    again = plan({**migrated, **expected}, str(path))
    assert not again.changed and all(c.field.endswith(".password") for c in again.changes)


def _blocks(text: str) -> dict[str, str]:
    return {block.split("\n", 1)[0]: block for block in text.split("\n[")}


@pytest.mark.parametrize("path", SETUPS, ids=lambda p: p.parts[-3])
def test_accounts_of_other_providers_are_left_byte_for_byte(path: Path) -> None:
    found = plan_folder(str(path))
    foreign = [a for a in found.accounts if found.status(a, POLICY) == "not this service"]
    before, rewritten = _blocks(path.read_text()), _blocks(after(found))
    for account in foreign:
        header = f"Account: {account.key.split()[1]}]"
        assert rewritten[next(h for h in before if header in h)] == before[next(h for h in before if header in h)]
    assert "#imap/Gmail/INBOX/Receipts" in after(found, "matcherrc") if path.parts[-3] == "claws4-imap" else True


ACCOUNT = st.fixed_dictionaries({
    "protocol": st.sampled_from(["0", "1", "3", "4", "5", ""]), "receive_server": st.sampled_from(
        ["pop.lboro.ac.uk", "imap.lboro.ac.uk", "staff-mail.lboro.ac.uk", "imap.gmail.com", ""]),
    "smtp_server": st.sampled_from(["smtp.lboro.ac.uk", "smtp.gmail.com", ""]), "user_id": st.sampled_from(["ccano", "LBORO\\ab", "x@gmail.com", ""]),
    "ssl_imap": st.sampled_from(["0", "1", "2"]), "set_imapport": st.sampled_from(["0", "1"]), "imap_port": st.sampled_from(["143", "993", "1143"]),
    "ssl_smtp": st.sampled_from(["0", "1", "2"]), "set_smtpport": st.sampled_from(["0", "1"]), "smtp_port": st.sampled_from(["25", "465", "587"]),
    "use_smtp_auth": st.sampled_from(["0", "1"]), "smtp_auth_method": st.sampled_from(["0", "1", "2", "8", "16"]),
    "imap_auth_method": st.sampled_from(["0", "1", "2", "64"]), "imap_directory": st.sampled_from(["", "INBOX"]),
    "sent_folder": st.sampled_from(["", "#imap/A1/INBOX/Sent", "#mh/Mailbox/sent", "#imap/A2/INBOX/x"]),
})


@given(st.lists(ACCOUNT, min_size=1, max_size=3), st.sampled_from([".claws-mail", ".sylpheed-2.0"]),
       st.sampled_from(["", "[Common]\nconfig_version=4\n"]), st.sampled_from(["\n", "\r\n"]))
def test_generated_folders_migrate_once_and_leave_other_providers_alone(accounts: list, name: str, clawsrc: str,
                                                                         newline: str) -> None:
    text = newline.join(f"[Account: {n}]{newline}account_name=A{n}{newline}"
                        + "".join(f"{key}={value}{newline}" for key, value in keys.items())
                        for n, keys in enumerate(accounts, 1))
    path = f"/home/u/{name}/accountrc"
    files = {path: text.encode(), f"/home/u/{name}/clawsrc": clawsrc.encode()} if clawsrc else {path: text.encode()}
    first = plan(files, path)  # the engine checks itself that a second pass changes nothing
    rewritten = {f.path: f.after.to_bytes() for f in first.files}
    again = plan({**files, **rewritten}, path)
    for before, after_ in zip(first.accounts, again.accounts):
        if first.status(before, POLICY) == "not this service":  # its folders may be named by other accounts' keys
            assert (after_.incoming, after_.outgoing, after_.subscribed_only) == (before.incoming, before.outgoing,
                                                                                  before.subscribed_only)
        else:
            assert not again.changes_of(after_.key) or all(c.field.endswith("password") for c in again.changes_of(after_.key))
    blocks = _blocks(rewritten[path].decode())
    for account in first.accounts:
        if first.status(account, POLICY) == "not this service":  # but for a folder of another account it names
            number = account.key.split()[1]
            own = [re.sub(rf"(?m)^sent_folder=#imap/A(?!{number}/).*$", "", block)
                   for found in (blocks, _blocks(text)) for header, block in found.items() if f"Account: {number}]" in header]
            assert own[0] == own[1]


@pytest.mark.parametrize(("name", "clawsrc", "own", "written"), [
    (".claws-mail", None, None, "3"),  # Claws 3.13 or older: no config_version anywhere
    (".claws-mail", "[Common]\nconfig_version=4\n", None, "1"),
    (".claws-mail", "[Common]\nconfig_version=4\n", "0", "3"),  # the account's own version comes first
    (".claws-mail", "[Other]\nconfig_version=4\n[Common]\nx=1\n", None, "3"),
    (".sylpheed-claws", None, "1", "1"),
    (".sylpheed-2.0", None, None, "3"),  # Sylpheed: always 3
    (".sylpheed-2.0", None, "5", "3"),
    (".sylpheed", None, None, "3"),
])
def test_the_imap_protocol_value_is_the_one_of_that_program_and_version(
        tmp_path: Path, name: str, clawsrc: Optional[str], own: Optional[str], written: str) -> None:
    version = f"config_version={own}\n" if own is not None else ""
    files = {"accountrc": f"[Account: 1]\naccount_name=U\nprotocol=0\nreceive_server=pop.lboro.ac.uk\n{version}"}
    if clawsrc is not None:
        files["clawsrc"] = clawsrc
    assert "\nprotocol=" + written + "\n" in after(plan_folder(folder(tmp_path, name, **files)))


@pytest.mark.parametrize(("name", "smtp"), [(".claws-mail", "16"), (".sylpheed-2.0", "8"), (".sylpheed", "1")])
def test_smtp_plain_is_the_value_of_each_program(tmp_path: Path, name: str, smtp: str) -> None:
    text = after(plan_folder(folder(tmp_path, name, accountrc="[Account: 1]\nsmtp_server=smtp.lboro.ac.uk\nuser_id=u\n")))
    assert "use_smtp_auth=1\nsmtp_auth_method=" + smtp + "\n" in text


@pytest.mark.parametrize(("siblings", "keys", "program"), [
    ({"clawsrc": "[Common]\n"}, "", "Claws Mail"), ({"sylpheedrc": "[Common]\n"}, "", "Sylpheed"),
    ({}, "imap_subsonly=1\n", "Claws Mail"), ({}, "imap_check_inbox_only=0\n", "Sylpheed"),
])
def test_a_folder_of_another_name_is_told_by_what_is_in_it(tmp_path: Path, siblings: dict, keys: str, program: str) -> None:
    path = folder(tmp_path, "profile", accountrc=f"[Account: 1]\nprotocol=3\n{keys}", **siblings)
    assert PARSER.parse(read, path).program.name == program


def test_a_folder_nothing_tells_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"accountrc:1:1: neither Claws Mail nor Sylpheed"):
        PARSER.parse(read, folder(tmp_path, "profile", accountrc="[Account: 1]\nprotocol=3\n"))


def test_claws_reads_names_without_case_and_every_copy_of_a_name_is_rewritten(tmp_path: Path) -> None:
    text = "[Account: 1]\nPROTOCOL=0\nreceive_server=pop.lboro.ac.uk\nReceive_Server=pop.lboro.ac.uk\nset_popport=1\n"
    rewritten = after(plan_folder(folder(tmp_path, accountrc=text)))
    assert "PROTOCOL=3\nreceive_server=staff-mail.lboro.ac.uk\nReceive_Server=staff-mail.lboro.ac.uk\n" in rewritten


def test_sylpheed_reads_names_exactly(tmp_path: Path) -> None:
    text = "[Account: 1]\nprotocol=3\nreceive_server=imap.lboro.ac.uk\nRECEIVE_SERVER=pop.lboro.ac.uk\n"
    rewritten = after(plan_folder(folder(tmp_path, ".sylpheed-2.0", accountrc=text)))
    assert "receive_server=staff-mail.lboro.ac.uk\nRECEIVE_SERVER=pop.lboro.ac.uk\n" in rewritten


def test_missing_settings_are_added_to_the_account_in_the_file_s_own_newlines(tmp_path: Path) -> None:
    text = "[Account: 1]\r\nprotocol=3\r\nreceive_server=imap.lboro.ac.uk\r\n\r\n[Account: 2]\r\nprotocol=3\r\n"
    rewritten = after(plan_folder(folder(tmp_path, ".sylpheed-2.0", accountrc=text)))
    assert rewritten.startswith("[Account: 1]\r\nprotocol=3\r\nreceive_server=staff-mail.lboro.ac.uk\r\nssl_imap=1\r\n"
                                "set_imapport=1\r\nimap_port=993\r\nimap_auth_method=1\r\nuser_id=ccano@lboro.ac.uk\r\n\r\n")
    assert rewritten.endswith("[Account: 2]\r\nprotocol=3\r\n")


def test_ports_count_only_with_their_flag(tmp_path: Path) -> None:
    text = ("[Account: 1]\nprotocol=1\nreceive_server=staff-mail.lboro.ac.uk\nuser_id=a@lboro.ac.uk\nimap_auth_method=1\n"
            "imap_subsonly=0\nssl_imap=1\nset_imapport=0\nimap_port=143\n")
    found = plan_folder(folder(tmp_path, accountrc=text, clawsrc="[Common]\nconfig_version=4\n"))
    assert (found.accounts[0].incoming.security, found.accounts[0].incoming.port) == ("ssl", 993) and not found.changed


def test_a_removed_password_leaves_an_empty_value_and_the_store_is_never_a_file_of_the_setup(tmp_path: Path) -> None:
    path = folder(tmp_path, accountrc="[Account: 1]\nprotocol=0\nreceive_server=pop.lboro.ac.uk\npassword=!c2VjcmV0\n"
                  "smtp_server=smtp.lboro.ac.uk\nsmtp_user_id=x\nsmtp_password=!b3RoZXI=\n",
                  passwordstorerc="[config_version:4]\n\n[account:1]\nrecv {AES-256-CBC,50000}AAAA\n")
    found = plan_folder(path, load_policy(overrides=["passwords.saved=remove"]))
    assert "\npassword=\n" in after(found) and "\nsmtp_password=\n" in after(found)
    assert all(not f.path.endswith("passwordstorerc") for f in found.files)
    assert any("passwordstorerc" in note.message for note in found.notes)


def test_an_smtp_login_of_its_own_is_rewritten_and_a_foreign_user_id_is_not(tmp_path: Path) -> None:
    text = ("[Account: 1]\nprotocol=1\nreceive_server=imap.gmail.com\nuser_id=carla@gmail.com\nsmtp_server=smtp.lboro.ac.uk\n"
            "use_smtp_auth=1\nsmtp_user_id=\n[Account: 2]\nprotocol=1\nreceive_server=imap.gmail.com\nuser_id=c@gmail.com\n"
            "smtp_server=smtp.lboro.ac.uk\nuse_smtp_auth=1\nsmtp_user_id=LBORO\\ccano\n")
    rewritten = after(plan_folder(folder(tmp_path, accountrc=text, clawsrc="[Common]\nconfig_version=4\n")))
    assert "user_id=carla@gmail.com\n" in rewritten and "user_id=c@gmail.com\n" in rewritten
    assert "smtp_user_id=ccano@lboro.ac.uk\n" in rewritten.split("[Account: 2]")[1]
    assert "smtp_user_id=\n" in rewritten.split("[Account: 2]")[0]  # carla@gmail.com is reported, not suffixed


def test_an_ssh_tunnel_is_switched_off(tmp_path: Path) -> None:
    text = ("[Account: 1]\nprotocol=1\nreceive_server=imap.lboro.ac.uk\nssl_imap=0\nset_tunnelcmd=1\n"
            "tunnelcmd=ssh imap.lboro.ac.uk imapd\n")
    found = plan_folder(folder(tmp_path, accountrc=text, clawsrc="[Common]\nconfig_version=4\n"))
    assert "set_tunnelcmd=0\ntunnelcmd=ssh imap.lboro.ac.uk imapd\n" in after(found)


def test_an_identifier_names_the_first_folder_of_its_name(tmp_path: Path) -> None:
    folderlist = ('<folderlist>\n<folder type="imap" name="Mail" account_id="2">\n<folderitem path="INBOX/a" />\n</folder>\n'
                  '<folder type="imap" name="Mail" account_id="1">\n<folderitem path="INBOX/b" />\n</folder>\n</folderlist>\n')
    text = ("[Account: 1]\nprotocol=1\nreceive_server=imap.lboro.ac.uk\nsent_folder=#imap/Mail/INBOX/b\n"
            "[Account: 2]\nprotocol=1\nreceive_server=imap.example.org\nsent_folder=#imap/Mail/INBOX/a\n")
    found = plan_folder(folder(tmp_path, accountrc=text, clawsrc="[Common]\nconfig_version=4\n", folderlist_xml=folderlist))
    assert "sent_folder=#imap/Mail/INBOX/b\n" in after(found) and 'path="INBOX/b"' in after(found, "folderlist.xml")


def test_settings_under_a_name_that_exists_already_stay(tmp_path: Path) -> None:
    itemrc = "[#imap/U/INBOX/x]\nenable_processing=1\n[#imap/U/x]\nenable_processing=0\n"
    path = folder(tmp_path, accountrc="[Account: 1]\naccount_name=U\nprotocol=1\nreceive_server=imap.lboro.ac.uk\n",
                  clawsrc="[Common]\nconfig_version=4\n", folderitemrc=itemrc)
    found = plan_folder(path)
    assert after(found, "folderitemrc") == itemrc and any("already has [#imap/U/x]" in n.message for n in found.notes)


@pytest.mark.parametrize(("files", "where"), [
    ({"accountrc": "[Account: 1]\nprotocol=0\n[Account: x]\n"}, "accountrc:3:1: an account header not of the form"),
    ({"accountrc": "[Account: 1]\n\n[Account: 1]\n"}, "accountrc:3:1: account 1 again (first at line 1)"),
    ({"accountrc": "[Account: 1]\nuser_id=a\0b\n"}, "accountrc:2:10: a NUL byte"),
    ({"accountrc": "[Account: 1]\n", "matcherrc": 'enabled rulename "x" move "#imap/a\n'}, "matcherrc:1:27: a string"),
    ({"accountrc": "[Account: 1]\n", "folderlist.xml": '<folderlist>\n  <folder type="imap"\n'}, "folderlist.xml:2:3: a tag"),
    ({"accountrc": "[Account: 1]\n", "folderlist.xml": "<folderlist>\n<folder>\n</folderlist>\n"}, "folderlist.xml:3:1: </folderlist> where <folder> is open"),
])
def test_broken_files_fail_in_one_line_with_where(tmp_path: Path, files: dict, where: str) -> None:
    path = folder(tmp_path, **{name.replace(".", "_"): text for name, text in files.items()})
    with pytest.raises(MigrateError) as failed:
        plan_folder(path)
    assert where in str(failed.value) and "\n" not in str(failed.value)


def test_only_an_accountrc_with_accounts_stands_for_a_setup(tmp_path: Path) -> None:
    (tmp_path / "accountrc").write_text("# nothing\n")
    assert list(PARSER.setups(tmp_path / "accountrc")) == []
    assert list(PARSER.setups(SETUPS[0])) == [SETUPS[0]]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copies of the samples, private as the programs keep them (0600)."""
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    copy = tmp_path / "home"
    shutil.copytree(CLAWS, copy, ignore=shutil.ignore_patterns("*.expected"))
    for path in copy.rglob("*"):
        if path.is_file():
            path.chmod(0o600)
    return copy


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in folder.rglob("*") if p.is_file()}


def test_apply_writes_the_expected_files_keeps_modes_and_restore_puts_back_the_bytes(home: Path, capsys) -> None:
    before = _snapshot(home)
    assert main(["apply", str(home)]) == 0
    after_apply = _snapshot(home)
    for name, (data, mode) in after_apply.items():
        expected = CLAWS / (name + ".expected")
        assert data == (expected.read_bytes() if expected.exists() else before[name][0]), name
        assert mode == 0o600
    capsys.readouterr()
    assert main(["apply", str(home)]) == 0 and "4 setups: 4 unchanged" in capsys.readouterr().out
    assert main(["restore"]) == 0 and _snapshot(home) == before


def test_no_password_is_shown_by_any_command(home: Path, capsys) -> None:
    secrets = {"Zq7-sylpheed-pop-secret", "Zq7-sylpheed-home-secret", "!w5/nN8vCc0A=", "cGxhY2Vob2xkZXIgb25seSwgbm90IGEgcGFzc3dvcmQ="}
    said = ""
    for command in (["scan", "--json"], ["plan"], ["plan", "--json"], ["apply", "--json"]):
        main([*command, str(home)])
        said += "".join(capsys.readouterr())
    assert "********" in said and "will migrate" in said
    assert not any(secret in said for secret in secrets)
    assert all(secret.encode() in b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file()) for secret in secrets)


def test_json_scan_shows_each_account_as_the_program_reads_it(home: Path, capsys) -> None:
    main(["scan", "--json", str(home)])
    rows = {a["label"]: a for f in json.loads(capsys.readouterr().out)["files"] for a in f["accounts"]}
    assert rows["University mail (account 1)"]["incoming"]["port"] == 995
    assert rows["Gmail (account 2)"]["status"] == "not this service"


class Listener:
    """A Unix socket that answers, as a running instance's does."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.socket.bind(str(path))
        self.socket.listen(4)

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def places(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``/run/user`` and ``/tmp`` of the live check moved into a folder of the test (short: a socket's path
    has at most 107 bytes)."""
    short = Path(tempfile.mkdtemp(prefix="claws-", dir="/tmp"))
    monkeypatch.setattr(live, "_RUN", str(short / "run"))
    monkeypatch.setattr(live, "_TMP", str(short / "tmp"))
    yield short
    shutil.rmtree(short)


def test_a_claws_answering_on_its_socket_keeps_the_folder_alone(places: Path) -> None:
    import hashlib

    path = Path(folder(places, accountrc="[Account: 1]\n"))
    assert ClawsParser().live(path) is None
    digest = hashlib.md5(str(path.parent).encode()).hexdigest()
    socket_path = places / "run" / str(os.getuid()) / "claws-mail" / digest
    listener = Listener(socket_path)
    try:
        assert "Claws Mail is running on this folder" in ClawsParser().live(path)
    finally:
        listener.close()
    assert ClawsParser().live(path) is None  # the socket a crash left behind takes no connection


def test_claws_3_sockets_and_sylpheed_s_are_found_too(places: Path) -> None:
    old = places / "tmp" / f"claws-mail-{os.getuid()}"  # 3.9.0 and older: the socket itself
    claws = Path(folder(places, accountrc="[Account: 1]\n"))
    listener = Listener(old)
    try:
        assert ClawsParser().live(claws)
    finally:
        listener.close()
    sylpheed = Path(folder(places, ".sylpheed-2.0", accountrc="[Account: 1]\n"))
    listener = Listener(places / "tmp" / f"sylpheed-{os.getuid()}")
    try:
        assert "Sylpheed is running" in ClawsParser().live(sylpheed) and ClawsParser().live(claws) is None
    finally:
        listener.close()


def test_a_claws_process_of_the_owner_on_the_folder_keeps_it_alone(places: Path) -> None:
    path = Path(folder(places, "profile", accountrc="[Account: 1]\n", clawsrc="[Common]\n"))
    other = Path(folder(places, "other", accountrc="[Account: 1]\n", clawsrc="[Common]\n"))
    # a process that calls itself claws-mail, with the folder as its --alternate-config-dir (relative to its own)
    process = subprocess.Popen(["claws-mail", "-c", "import time; time.sleep(30)", "--alternate-config-dir", "profile"],
                               executable=sys.executable, cwd=places)
    try:
        deadline = time.monotonic() + 5
        while ClawsParser().live(path) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Claws Mail is running" in ClawsParser().live(path)
        assert ClawsParser().live(other) is None
    finally:
        process.kill()
        process.wait()


def test_a_running_instance_is_reported_as_skipped_and_nothing_is_written(places: Path, capsys) -> None:
    shutil.copytree(CLAWS / "sylpheed-pop", places / "home", ignore=shutil.ignore_patterns("*.expected"))
    before = _snapshot(places / "home")
    listener = Listener(places / "tmp" / f"sylpheed-{os.getuid()}")
    try:
        code = main(["apply", "--jobs", "1", "--state-dir", str(places / "state"), str(places / "home")])
    finally:
        listener.close()
    out, err = capsys.readouterr()
    assert code == 0 and "Sylpheed is running: quit it first (sylpheed --exit)" in out + err
    assert "1 skipped because the client is running" in out and _snapshot(places / "home") == before
