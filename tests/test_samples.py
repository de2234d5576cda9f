"""Every sample: lossless round trip, the expected migration, a stable second pass, and the real client's view."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrate.engine import plan_data
from migrate.engine import plan_setup
from migrate.rules.username_suffix import is_placeholder
from parsers.fetchmail.accounts import split_login
from tests.conftest import SAMPLES
from tests.conftest import sample_files
from tests.oracles import effective_port
from tests.oracles import fetchmail_dump

FETCHMAIL_SAMPLES = sample_files("fetchmail")


@pytest.mark.parametrize("path", FETCHMAIL_SAMPLES, ids=lambda p: p.name)
def test_fetchmail_sample_round_trips_byte_for_byte(path: Path, fetchmail) -> None:
    data = path.read_bytes()
    assert fetchmail.parse_bytes(data, str(path)).to_bytes() == data


@pytest.mark.parametrize("path", FETCHMAIL_SAMPLES, ids=lambda p: p.name)
def test_fetchmail_sample_migrates_to_expected(path: Path, fetchmail, policy) -> None:
    plan = plan_data(path.read_bytes(), fetchmail, policy, str(path), local_user="nobody")
    assert plan.only.after.to_bytes() == path.with_name(path.name + ".expected").read_bytes()


@pytest.mark.parametrize("path", FETCHMAIL_SAMPLES, ids=lambda p: p.name)
def test_fetchmail_sample_second_pass_changes_nothing(path: Path, fetchmail, policy) -> None:
    expected = path.with_name(path.name + ".expected").read_bytes()
    again = plan_data(expected, fetchmail, policy, str(path), local_user="nobody")
    assert not again.changed
    assert again.changes == [] or all(c.field.endswith(".password") for c in again.changes)


@pytest.mark.oracle
@pytest.mark.parametrize("path", FETCHMAIL_SAMPLES, ids=lambda p: p.name)
def test_fetchmail_accepts_migrated_sample(path: Path, fetchmail, policy, tmp_path: Path) -> None:
    before = fetchmail_dump(path.read_bytes(), tmp_path)
    after = fetchmail_dump(path.with_name(path.name + ".expected").read_bytes(), tmp_path)
    assert len(after["servers"]) == len(before["servers"])
    for old, new in zip(before["servers"], after["servers"]):
        old_host = (old["via"] or old["pollname"]).lower()
        if not (old_host == "lboro.ac.uk" or old_host.endswith(".lboro.ac.uk")):
            assert new == old, "a foreign server changed"
            continue
        assert new["protocol"] == "IMAP"
        assert (new["via"] or new["pollname"]) == policy.incoming.host
        assert new["auth"] == "password"
        assert new["uidl"] is False or new["uidl"] == 0
        for old_user, user in zip(old["users"], new["users"], strict=True):
            port = effective_port(new, user)
            assert (port, bool(user["ssl"])) in ((993, True), (143, False))
            assert (user["sslproto"] or "auto").lower() in ("tls1.2+", "tls1.3+", "auto")  # unset is auto
            assert user["sslcertck"] and user["sslfingerprint"] is None
            if is_placeholder(old_user["remote"]):  # reported, never suffixed
                assert user["remote"] == old_user["remote"]
            else:
                assert user["remote"].endswith("@lboro.ac.uk")
                assert not user["remote"].endswith("@lboro.ac.uk@lboro.ac.uk")
            assert split_login(user["remote"])[0] == ""  # a POP mode such as recent: means nothing over IMAP
            assert not any(m.upper().startswith(("INBOX.", "INBOX/")) for m in user["mailboxes"])
        for old_user, new_user in zip(old["users"], new["users"]):
            assert new_user["password"] == old_user["password"]
            assert new_user["localnames"] == old_user["localnames"]
            assert new_user["keep"] == old_user["keep"]
            assert new_user["smtphunt"] == old_user["smtphunt"]


def test_starttls_sample_keeps_port_143(tmp_path: Path) -> None:
    dump = fetchmail_dump((Path(FETCHMAIL_SAMPLES[0].parent) / "already-compliant.fetchmailrc.expected").read_bytes(), tmp_path)
    starttls = dump["servers"][1]
    assert effective_port(starttls, starttls["users"][0]) == 143 and not starttls["users"][0]["ssl"]


WINDOWS_SAMPLES = sorted((SAMPLES / "windows").glob("*.reg"))


def _windows_plan(path: Path, policy, files: dict[str, bytes]):
    from parsers.windows import WindowsRegistryParser
    return plan_setup(files.get, WindowsRegistryParser(), policy, str(path), "nobody")


@pytest.mark.parametrize("path", WINDOWS_SAMPLES, ids=lambda p: p.name)
def test_windows_export_round_trips_and_migrates_to_expected_with_its_prf(path: Path, policy) -> None:
    plan = _windows_plan(path, policy, {str(path): path.read_bytes()})
    assert plan.files[0].before.to_bytes() == path.read_bytes()
    expected = {str(p)[: -len(".expected")] for p in path.parent.glob(f"{path.stem}.*.prf.expected")} | {str(path)}
    assert {file.path for file in plan.files if file.changed} == expected
    for file in plan.files:
        if file.changed:
            assert file.after.to_bytes() == Path(file.path + ".expected").read_bytes()


@pytest.mark.parametrize("path", WINDOWS_SAMPLES, ids=lambda p: p.name)
def test_windows_export_second_pass_changes_nothing(path: Path, policy) -> None:
    migrated = {str(p)[: -len(".expected")]: p.read_bytes() for p in path.parent.glob(f"{path.stem}.*expected")}
    assert not _windows_plan(path, policy, migrated).changed


#: Outlook Express / Windows Mail account files, and the files each is expected to become (a POP
#: ``.oeaccount`` also adds its IMAP account file, whose ``.expected`` stands beside it alone).
ACCOUNT_FILES = sorted(p for p in (SAMPLES / "windows").rglob("*") if p.suffix in (".iaf", ".oeaccount"))


def _account_file_plan(path: Path, policy, files: dict[str, bytes]):
    from migrate.plugins import load_parsers
    parser = load_parsers()["iaf" if path.suffix == ".iaf" else "oeaccount"]
    return plan_setup(files.get, parser, policy, str(path), "nobody")


def _expected_of(path: Path) -> dict[str, bytes]:
    from parsers.windows.account_files import imap_file
    names = [str(path), imap_file(str(path))] if path.suffix == ".oeaccount" else [str(path)]
    return {name: Path(name + ".expected").read_bytes() for name in names if Path(name + ".expected").exists()}


@pytest.mark.parametrize("path", ACCOUNT_FILES, ids=lambda p: p.name)
def test_account_file_round_trips_and_migrates_to_expected(path: Path, policy) -> None:
    plan = _account_file_plan(path, policy, {str(path): path.read_bytes()})
    assert plan.files[0].before.to_bytes() == path.read_bytes()
    expected = _expected_of(path)
    assert {file.path: file.after.to_bytes() for file in plan.files if file.changed} == expected


@pytest.mark.parametrize("path", ACCOUNT_FILES, ids=lambda p: p.name)
def test_account_file_second_pass_changes_nothing(path: Path, policy) -> None:
    assert not _account_file_plan(path, policy, _expected_of(path)).changed


#: Eudora data folders: each ``Eudora.ini`` (in any case) and what it becomes.
EUDORA_INIS = sorted(p for p in (SAMPLES / "eudora").rglob("*") if p.is_file() and not p.name.endswith(".expected"))


def _eudora_plan(path: Path, policy, data: bytes):
    from migrate.plugins import load_parsers
    return plan_data(data, load_parsers()["eudora"], policy, str(path), "nobody")


@pytest.mark.parametrize("path", EUDORA_INIS, ids=lambda p: str(p.relative_to(SAMPLES / "eudora")))
def test_eudora_ini_round_trips_and_migrates_to_expected(path: Path, policy) -> None:
    plan = _eudora_plan(path, policy, path.read_bytes())
    assert plan.only.before.to_bytes() == path.read_bytes()
    assert plan.only.after.to_bytes() == path.with_name(path.name + ".expected").read_bytes()


@pytest.mark.parametrize("path", EUDORA_INIS, ids=lambda p: str(p.relative_to(SAMPLES / "eudora")))
def test_eudora_ini_second_pass_changes_nothing(path: Path, policy) -> None:
    again = _eudora_plan(path, policy, path.with_name(path.name + ".expected").read_bytes())
    assert not again.changed
    assert again.changes == [] or all(c.field.endswith(".password") for c in again.changes)

#: Apple Mail's settings files, each with its migrated form beside it (``.expected``, in the same format).
APPLE_MAIL = sorted(p for p in (SAMPLES / "apple-mail").rglob("*.plist"))


def _apple_mail_plan(path: Path, policy, data: bytes):
    from parsers.applemail import AppleMailParser
    return plan_setup({str(path): data}.get, AppleMailParser(), policy, str(path), "nobody")


@pytest.mark.parametrize("path", APPLE_MAIL, ids=lambda p: p.relative_to(SAMPLES / "apple-mail").parts[0])
def test_apple_mail_sample_round_trips_and_migrates_to_expected(path: Path, policy) -> None:
    plan = _apple_mail_plan(path, policy, path.read_bytes())
    assert plan.only.before.to_bytes() == path.read_bytes()
    assert plan.only.after.to_bytes() == path.with_name(path.name + ".expected").read_bytes()


@pytest.mark.parametrize("path", APPLE_MAIL, ids=lambda p: p.relative_to(SAMPLES / "apple-mail").parts[0])
def test_apple_mail_sample_second_pass_changes_nothing(path: Path, policy) -> None:
    again = _apple_mail_plan(path, policy, path.with_name(path.name + ".expected").read_bytes())
    assert not again.changed and again.changes == []
