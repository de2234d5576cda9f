"""Eudora: ``Eudora.ini`` read as Windows and Eudora read it, lossless, and after migration every personality
of the service is IMAP over TLS with the suffixed login, sending authenticated over TLS, while the others keep
every setting as Eudora reads it (checked with ``tests/eudora_reader.py``, written apart from the parser)."""
from __future__ import annotations

import shutil
import struct
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import plan_data
from migrate.engine import plan_setup
from migrate.errors import ParseError
from migrate.policy import load_policy
from parsers.eudora import EudoraParser
from parsers.eudora.ini import parse_ini
from tests.conftest import SAMPLES
from tests.eudora_reader import Profile
from tests.eudora_reader import connection
from tests.eudora_reader import keys_of
from tests.eudora_reader import personalities
from tests.eudora_reader import settings_of
from tests.journals import recorded_words

PARSER = EudoraParser()
POLICY = load_policy()
INIS = sorted(p for p in (SAMPLES / "eudora").rglob("*") if p.is_file() and not p.name.endswith(".expected"))
SERVICE = ("lboro.ac.uk", ".lboro.ac.uk")


def of_service(host: Optional[str]) -> bool:
    host = (host or "").lower()
    return host == SERVICE[0] or host.endswith(SERVICE[1])


def migrated(data: bytes, path: str = "Eudora.ini", policy=POLICY) -> bytes:
    return plan_data(data, PARSER, policy, path, "nobody").only.after.to_bytes()


def assert_service_personality(view: dict) -> None:
    """IMAP over TLS on the service with the suffixed login and a password; SMTP AUTH required over TLS."""
    assert view["protocol"] == "imap" and view["host"] == POLICY.incoming.host
    assert (view["tls"], view["port"]) in ((2, 993), (3, 143))
    assert view["login"].endswith("@lboro.ac.uk") and not view["login"].endswith("@lboro.ac.uk@lboro.ac.uk")
    assert view["pop_account"] == f"{view['login']}@{view['host']}"
    assert view["auth"] == "password" and view["prefix"] == ""
    assert view["smtp_host"] == POLICY.outgoing.host
    assert (view["smtp_tls"], view["smtp_port"]) in ((2, 465), (3, 587), (3, 25))
    assert view["smtp_auth_allowed"] and view["smtp_auth_required"] and not view["smtp_via_pop"]
    assert not {"PLAIN", "LOGIN"} <= view["smtp_banished"]
    for folder in (view["trash"], view["junk"]):
        assert not (folder or "").upper().startswith(("INBOX.", "INBOX/"))


def compared_keys(old: Profile, new: Profile) -> set[str]:
    """Every key of either file but a saved password's, which is never moved into another personality."""
    return (keys_of(old) | keys_of(new)) - {"savepasswordtext"}


def assert_migrated_as_eudora_reads_it(before: bytes, after: bytes) -> None:
    old, new = Profile(before), Profile(after)
    assert personalities(old) == personalities(new)
    keys = compared_keys(old, new)
    for persona in personalities(old):
        was = connection(old, persona)
        if of_service(was["host"] if was["protocol"] == "imap" or was["pop_account"] else None) or of_service(
                was["smtp_host"]):
            if of_service(was["host"]):
                assert_service_personality(connection(new, persona))
            continue
        assert settings_of(new, persona, keys) == settings_of(old, persona, keys), f"{persona} reads otherwise"
        assert connection(new, persona) == was


@pytest.mark.parametrize("path", INIS, ids=lambda p: p.parent.name if p.parent.name != "Eudora" else p.parts[-3])
def test_every_service_personality_is_imap_over_tls_and_the_others_read_as_before(path: Path) -> None:
    expected = path.with_name(path.name + ".expected").read_bytes()
    assert_migrated_as_eudora_reads_it(path.read_bytes(), expected)


@pytest.mark.parametrize("path", INIS, ids=lambda p: p.parent.name if p.parent.name != "Eudora" else p.parts[-3])
def test_with_starttls_chosen_the_service_personalities_require_it_on_143_and_587(path: Path) -> None:
    starttls = load_policy(overrides=["incoming.security=starttls", "outgoing.security=starttls"])
    after = migrated(path.read_bytes(), str(path), starttls)
    assert_migrated_as_eudora_reads_it(path.read_bytes(), after)
    for persona in personalities(Profile(after)):
        was, view = connection(Profile(path.read_bytes()), persona), connection(Profile(after), persona)
        if view["host"] == POLICY.incoming.host:  # an accepted way stays (SSL on 993, 465), any other becomes STARTTLS
            assert (view["tls"], view["port"]) == ((was["tls"], was["port"]) if was["tls"] == 2 else (3, 143))
            assert (view["smtp_tls"], view["smtp_port"]) == (
                (was["smtp_tls"], was["smtp_port"]) if was["smtp_tls"] in (2, 3) else (3, 587))


def test_the_parser_reads_each_setting_as_the_independent_reader_does() -> None:
    for path in INIS:
        data = path.read_bytes()
        ini, profile = parse_ini(data, str(path)), Profile(data)
        for name, entries in profile.sections:
            for key, value in entries:
                section = ini.section(name)
                assert section is not None and section.get(key) == profile.get(name, key)


def test_a_foreign_personality_that_took_a_changing_setting_from_settings_keeps_it_in_its_own_section() -> None:
    path = next(p for p in INIS if "mixed-foreign" in p.parts)
    before, after = Profile(path.read_bytes()), Profile(path.with_name(path.name + ".expected").read_bytes())
    assert before.get("Persona-Home", "SmtpAuthRequired") is None and after.get("Persona-Home", "SmtpAuthRequired") == "0"
    assert after.get("Settings", "SmtpAuthRequired") == "1"
    old_lines = path.read_bytes().split(b"\r\n")
    new_lines = path.with_name(path.name + ".expected").read_bytes().split(b"\r\n")

    def section(lines: list[bytes], name: bytes, end: bytes) -> list[bytes]:
        return lines[lines.index(name):lines.index(end)]

    home = (b"[Persona-Home]", b"[Persona-Lists]")
    assert section(new_lines, *home) == section(old_lines, *home) + [b"SmtpAuthRequired=0"]  # only the pinned line added
    orphan = (b"[Persona-Old]", b"[Window Position]")  # not listed under [Personalities]: Eudora never reads it
    assert section(new_lines, *orphan) == section(old_lines, *orphan)


def test_a_latin1_file_keeps_its_bytes_and_crlf_and_its_foreign_personality_stays_byte_for_byte() -> None:
    path = next(p for p in INIS if p.name == "eudora.ini")
    before, after = path.read_bytes(), path.with_name(path.name + ".expected").read_bytes()
    assert "Jürgen Müller".encode("latin-1") in after and "[Persona-Privé]".encode("latin-1") in after
    assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(b"\r\n", b"")
    assert not after.endswith(b"\r\n")  # no final newline, as it came
    assert after[after.index("[Persona-Privé]".encode("latin-1")):] == before[before.index("[Persona-Privé]".encode("latin-1")):]


def test_a_windows_domain_login_from_popaccount_becomes_the_service_login() -> None:
    path = next(p for p in INIS if "pop-legacy" in p.parts)
    view = connection(Profile(path.with_name(path.name + ".expected").read_bytes()), "Persona-Department")
    assert view["login"] == "deptoff@lboro.ac.uk" and view["pop_account"] == "deptoff@lboro.ac.uk@staff-mail.lboro.ac.uk"
    assert view["auth"] == "password"  # it was APOP


@pytest.mark.parametrize("data, where", [
    (b"[Settings]\r\nPOPAccount=a\0b@pop.lboro.ac.uk\r\n", "x.ini:2:13"),
    ("\ufeff[Settings]\r\n".encode("utf-16-be"), "x.ini:1:1"),
    ("\ufeff[Settings]\r\n".encode("utf-16-le")[:-1], "x.ini:1:1"),
    ("\ufeff[Settings]\r\nA=".encode("utf-16-le") + b"\x00\xd8", "x.ini:2:3"),
], ids=["NUL", "UTF-16BE", "odd UTF-16", "lone surrogate"])
def test_input_windows_would_read_otherwise_is_refused_at_file_line_and_column(data: bytes, where: str) -> None:
    with pytest.raises(ParseError, match=rf"^{where}: "):
        PARSER.parse_bytes(data, "x.ini")


def test_a_utf16_file_which_windows_reads_as_well_stays_utf16() -> None:
    path = next(p for p in INIS if "pop-legacy" in p.parts)
    data = b"\xff\xfe" + path.read_bytes().decode("cp1252").encode("utf-16-le")
    after = migrated(data, str(path))
    assert after.startswith(b"\xff\xfe")
    assert after[2:].decode("utf-16-le") == path.with_name(path.name + ".expected").read_bytes().decode("cp1252")


def test_the_saved_password_goes_when_the_policy_says_so() -> None:
    path = next(p for p in INIS if "pop-legacy" in p.parts)
    remove = load_policy(overrides=["passwords.saved=remove"])
    after = Profile(migrated(path.read_bytes(), str(path), remove))
    assert after.get("Settings", "SavePasswordText") == "" and after.get("Settings", "SavePassword") == "0"
    assert b"WnE3" not in migrated(path.read_bytes(), str(path), remove)


def test_a_mac_settings_file_is_reported_with_where_its_resource_fork_is_and_left_alone(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "home" / "Documents" / "Eudora Folder"
    folder.mkdir(parents=True)
    (folder / "Eudora Settings").write_bytes(b"")
    fork = b"\0\0\1\0" + bytes(252)  # a resource fork header, enough to be one
    header = b"\x00\x05\x16\x07\x00\x02\x00\x00" + bytes(16) + struct.pack(">H", 1) + struct.pack(">III", 2, 38, len(fork))
    (folder / "._Eudora Settings").write_bytes(header + fork)
    before = {p: p.read_bytes() for p in folder.iterdir()}
    code = main(["apply", "--state-dir", str(tmp_path / "state"), str(tmp_path / "home")])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Eudora for Mac keeps its settings in its resource fork (AppleDouble file" in err
    assert {p: p.read_bytes() for p in folder.iterdir()} == before


def test_a_mac_settings_file_without_its_fork_says_it_was_lost(tmp_path: Path) -> None:
    from parsers.eudora.mac import refusal
    path = tmp_path / "Eudora Settings"
    path.write_bytes(b"")
    assert "which this copy of the file does not have" in refusal(lambda name: None, str(path))


def owner_lok(folder: Path, handle: int, remote: int = 0) -> None:
    (folder / "OWNER.LOK").write_bytes(struct.pack("<II", handle, remote))


@pytest.mark.parametrize("lock, live", [(None, False), (b"", False), (struct.pack("<II", 0, 0), False),
                                        (struct.pack("<II", 0x2A0F4, 0), True), (struct.pack("<II", 0x2A0F4, 1), True)])
def test_owner_lok_naming_an_eudora_window_means_in_use(tmp_path: Path, lock: Optional[bytes], live: bool) -> None:
    (tmp_path / "Eudora.ini").write_bytes(b"[Settings]\r\n")
    if lock is not None:
        (tmp_path / "owner.lok").write_bytes(lock)
    reason = PARSER.live(tmp_path / "Eudora.ini")
    assert bool(reason) == live
    if live:
        assert "quit Eudora" in reason and "delete" in reason and "0x2a0f4" in reason


def test_a_folder_in_use_is_skipped_and_the_rest_of_the_batch_is_done(tmp_path: Path, capsys) -> None:
    homes = tmp_path / "homes"
    for name in ("busy", "free"):
        shutil.copytree(SAMPLES / "eudora" / "pop-legacy", homes / name)
    data_folder = homes / "busy" / "Application Data" / "Qualcomm" / "Eudora"
    owner_lok(data_folder, 0x10244)
    code = main(["apply", "--state-dir", str(tmp_path / "state"), "--homes", str(homes), "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "1 skipped because the client is running" in out and "OWNER.LOK names its window" in err
    ini = "Application Data/Qualcomm/Eudora/Eudora.ini"
    assert (homes / "busy" / ini).read_bytes() == (SAMPLES / "eudora" / "pop-legacy" / ini).read_bytes()
    assert (homes / "free" / ini).read_bytes() == (SAMPLES / "eudora" / "pop-legacy" / (ini + ".expected")).read_bytes()


def test_apply_then_restore_gives_every_sample_its_bytes_back(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    shutil.copytree(SAMPLES / "eudora", home)
    originals = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    assert main(["apply", "--state-dir", str(tmp_path / "state"), str(home)]) == 0
    for path, data in originals.items():
        if not path.name.endswith(".expected"):
            assert path.read_bytes() == path.with_name(path.name + ".expected").read_bytes()
    assert main(["apply", "--state-dir", str(tmp_path / "state"), str(home)]) == 0
    assert "4 setups: 4 unchanged" in capsys.readouterr().out  # the second apply changes nothing
    assert main(["restore", "--state-dir", str(tmp_path / "state")]) == 0
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == originals


def test_no_saved_password_is_shown_in_any_output(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    shutil.copytree(SAMPLES / "eudora", home)
    secrets = [line.split(b"=", 1)[1].decode() for path in INIS for line in path.read_bytes().splitlines()
               if line.startswith(b"SavePasswordText=") and len(line) > len(b"SavePasswordText=")]
    assert len(secrets) == 2
    said = ""
    for command in (["scan", "--json"], ["plan"], ["plan", "--json"], ["apply", "--set", "passwords.saved=remove"]):
        main([*command, "--state-dir", str(tmp_path / "state"), str(home)])
        said += "".join(capsys.readouterr())
    recorded = recorded_words(tmp_path / "state")
    assert str(home) in recorded  # the apply was recorded: its journal is looked at too
    said += recorded
    assert "********" in said and not any(secret in said for secret in secrets)


# Generated files: any INI text, and Eudora setups of random personalities.
_NAME = st.text("ABCabcxyz-_ .", min_size=1, max_size=8)
_VALUE = st.text(st.characters(blacklist_characters="\r\n\0", max_codepoint=0xFF), max_size=12)
_LINE = st.one_of(
    st.builds(lambda n: f"[{n}]", _NAME), st.builds(lambda n: f"  [ {n} ] trailing", _NAME),
    st.builds(lambda k, v: f"{k}={v}", _NAME, _VALUE), st.builds(lambda k, v: f" {k} = \"{v}\" ", _NAME, _VALUE),
    st.builds(lambda c: f";{c}", _VALUE), st.just(""), st.builds(lambda k: k, _NAME), st.just("[unclosed"))


@given(st.lists(_LINE, max_size=25), st.sampled_from(["\r\n", "\n"]), st.booleans())
def test_generated_ini_files_round_trip_and_read_as_windows_reads_them(lines: list[str], newline: str, final: bool) -> None:
    text = newline.join(lines) + (newline if final and lines else "")
    data = text.encode("latin-1")
    ini, profile = parse_ini(data, "Eudora.ini"), Profile(data)
    assert ini.to_bytes() == data
    for name, entries in profile.sections:
        for key, _ in entries:
            section = ini.section(name)
            assert section is not None and section.get(key) == profile.get(name, key)


_HOSTS = st.sampled_from(["pop.lboro.ac.uk", "imap.lboro.ac.uk", "IMAP.Lboro.ac.uk", "staff-mail.lboro.ac.uk",
                          "pop.gmail.com", "mail.example.org", ""])
_USERS = st.sampled_from(["ccano", "LBORO\\jdoe", "b.jones@lboro.ac.uk", "jane@example.org", ""])
_FLAGS = st.sampled_from(["0", "1", "2", "3", None])
_KEYS = ("UsesIMAP", "UsesPOP", "SSLReceiveUse", "SSLSendUse", "AuthenticateAPOP", "AuthenticateKerberos",
         "AuthenticateRPA", "AuthenticatePassword", "SmtpAuthAllowed", "SmtpAuthRequired", "UseSubmissionPort",
         "UsePOPSend", "SavePassword", "TransferToTrashOnDelete")


@st.composite
def personality(draw: st.DrawFn) -> list[str]:
    lines = []
    host, user = draw(_HOSTS), draw(_USERS)
    if draw(st.booleans()):
        lines.append(f"POPAccount={user}@{host}")
    if draw(st.booleans()):
        lines.append(f"PopServer={host}{draw(st.sampled_from(['', ':143', ':993']))}")
    if draw(st.booleans()):
        lines.append(f"LoginName={user}")
    if draw(st.booleans()):
        lines.append(f"SMTPServer={draw(_HOSTS)}")
    for key in _KEYS:
        value = draw(_FLAGS)
        if value is not None:
            lines.append(f"{key}={value}")
    for key in ("ImapDirectoryPrefix", "TrashMailboxName", "JunkMailboxName", "SmtpAuthBanished", "IMAPPort",
                "SSLIMAPAlternatePort"):
        if draw(st.booleans()):
            lines.append(f"{key}={draw(st.sampled_from(['INBOX.', 'INBOX.Trash', 'Junk', 'PLAIN,LOGIN', '143', '993', '']))}")
    return draw(st.permutations(lines))


@given(personality(), st.lists(st.tuples(st.sampled_from(["Home", "Work", "Lists", "work"]), personality()), max_size=3),
       st.booleans(), st.sampled_from(["\r\n", "\n"]))
def test_generated_setups_migrate_as_eudora_reads_them_and_converge(
        dominant: list[str], alternates: list[tuple[str, list[str]]], listed: bool, newline: str) -> None:
    lines = ["[Settings]", *dominant]
    if listed:
        lines += ["[Personalities]", *(f"Persona{i}=Persona-{name}" for i, (name, _) in enumerate(alternates))]
    for name, settings in alternates:
        lines += [f"[Persona-{name}]", *settings]
    data = (newline.join(lines) + newline).encode("cp1252")
    plan = plan_setup({"Eudora.ini": data}.get, PARSER, POLICY, "Eudora.ini", "ccano")  # includes the second pass
    after = plan.only.after.to_bytes()
    assert plan.only.before.to_bytes() == data
    old, new = Profile(data), Profile(after)
    keys = compared_keys(old, new)
    changed = {a.key.lower() for a in plan.accounts if plan.changes_of(a.key)}
    for persona in personalities(old):
        if persona.lower() not in changed:
            assert settings_of(new, persona, keys) == settings_of(old, persona, keys), persona
            assert connection(new, persona) == connection(old, persona), persona
            continue
        was, view = connection(old, persona), connection(new, persona)
        if of_service(was["host"]):
            assert view["protocol"] == "imap" and view["host"] == POLICY.incoming.host and view["prefix"] == ""
            assert (view["tls"], view["port"]) in ((2, 993), (3, 143)) and view["auth"] == "password"
            assert view["pop_account"] == f"{view['login']}@{view['host']}"
            other_domain = "@" in was["login"] and not was["login"].lower().endswith("@lboro.ac.uk")
            assert view["login"] == was["login"] if other_domain else view["login"].endswith("@lboro.ac.uk")
        else:
            assert {k: view[k] for k in INCOMING} == {k: was[k] for k in INCOMING}
        if of_service(was["smtp_host"] or was["host"]):  # with no server to send through, it gets the service's
            assert view["smtp_host"] == POLICY.outgoing.host
            assert (view["smtp_tls"], view["smtp_port"]) in ((2, 465), (3, 587), (3, 25))
            assert view["smtp_auth_allowed"] and view["smtp_auth_required"] and not view["smtp_via_pop"]
        else:
            assert {k: view[k] for k in OUTGOING} == {k: was[k] for k in OUTGOING}


INCOMING = ("protocol", "host", "port", "tls", "login", "auth")
OUTGOING = ("smtp_host", "smtp_port", "smtp_tls", "smtp_via_pop", "smtp_auth_allowed", "smtp_auth_required")
