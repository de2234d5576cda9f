"""Thunderbird/SeaMonkey profiles: every sample migrated, checked as Thunderbird would read it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import plan_setup
from migrate.policy import load_policy
from parsers.thunderbird import ThunderbirdParser
from parsers.thunderbird import uris
from parsers.thunderbird.accounts import host_and_port
from parsers.thunderbird.accounts import mail_accounts
from parsers.thunderbird.datfiles import parse_lines
from parsers.thunderbird.discovery import profiles
from parsers.thunderbird.prefs import parse_prefs
from parsers.thunderbird.profile import Profile
from tests.conftest import SAMPLES

PROFILES = sorted(p for p in (SAMPLES / "thunderbird").iterdir() if p.is_dir())
PARSER = ThunderbirdParser()
OLD_HOSTS = ("imap.lboro.ac.uk", "mail.lboro.ac.uk", "staff.lboro.ac.uk", "pop.lboro.ac.uk", "smtp.lboro.ac.uk")


def read(name: str):
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        return None


@pytest.fixture
def copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))

    def copy(sample: Path) -> Path:
        target = tmp_path / sample.name
        shutil.copytree(sample, target, ignore=shutil.ignore_patterns("*.expected"))
        return target

    return copy


def load(folder: Path) -> Profile:
    user = folder / "user.js"
    return Profile(str(folder), parse_prefs((folder / "prefs.js").read_bytes(), "prefs.js"),
                   parse_prefs(user.read_bytes(), "user.js") if user.exists() else None)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_every_file_round_trips_and_migrates_to_expected(profile: Path) -> None:
    plan = plan_setup(read, PARSER, load_policy(), str(profile), "nobody")
    for file in plan.files:
        original = Path(file.path).read_bytes()
        assert file.before.to_bytes() == original
        expected = Path(file.path + ".expected")
        assert file.after.to_bytes() == (expected.read_bytes() if expected.exists() else original)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_applied_profile_satisfies_the_policy(profile: Path, copied, capsys) -> None:
    folder = copied(profile)
    before = load(folder)
    policy = load_policy()
    foreign = _foreign_prefs(before, policy)
    assert bool(foreign) == (profile.name in ("mixed-gmail", "cert-exceptions", "two-imap-one-mailbox"))
    assert main(["apply", str(folder)]) == 0
    after = load(folder)
    for mail in mail_accounts(after):
        server = lambda name: after.server(mail.server, name)  # noqa: E731
        if not policy.matches(host_and_port(server("hostname"))[0]):
            continue
        assert mail.type == "imap"
        assert server("hostname") == policy.incoming.host and server("realhostname") is None
        assert (server("socketType"), server("port")) in ((3, 993), (2, 143))
        assert str(server("userName")).endswith("@lboro.ac.uk") and server("authMethod") == 3
        assert not server("server_sub_directory") and server("using_subscription") is False
        for name in ("isSecure", "useSecAuth", "auth_login", "realuserName"):
            assert server(name) in (None, False)
        if mail.smtp:
            assert after.smtp(mail.smtp, "hostname") == policy.outgoing.host
            assert (after.smtp(mail.smtp, "try_ssl"), after.smtp(mail.smtp, "port")) in ((3, 465), (2, 587), (2, 25))
            assert after.smtp(mail.smtp, "authMethod") == 3 and str(after.smtp(mail.smtp, "username")).endswith("@lboro.ac.uk")
    texts = [p.read_text("utf-8", "surrogateescape") for p in folder.rglob("*") if p.name in (
        "prefs.js", "user.js", "virtualFolders.dat", "msgFilterRules.dat")]
    live = [line for text in texts for line in text.splitlines() if "old POP mail" not in line]
    for line in live:
        for uri in (word for word in line.replace('"', " ").replace("|", " ").split() if word.startswith("imap://")):
            found = uris.split(uri)
            if found and policy.matches(found.host):
                assert found.host == policy.incoming.host and found.user.endswith("@lboro.ac.uk"), uri
                assert not found.path.upper().startswith("INBOX/"), uri
    assert foreign == _foreign_prefs(after, policy)
    capsys.readouterr()
    assert main(["plan", "--check", str(folder)]) == 0


def _foreign_prefs(profile: Profile, policy) -> dict:
    """Every statement of the accounts and outgoing servers that are not the service's, as text."""
    branches = []
    for mail in mail_accounts(profile):
        if not policy.matches(host_and_port(profile.server(mail.server, "hostname"))[0]):
            branches += [f"mail.server.{mail.server}.", *(f"mail.identity.{i}." for i in mail.identities)]
        if mail.smtp and not policy.matches(str(profile.smtp(mail.smtp, "hostname"))):
            branches.append(f"mail.smtpserver.{mail.smtp}.")
    return {p.name: profile.prefs.render_range(p.first, p.last + 1)
            for p in profile.prefs.prefs if p.name.startswith(tuple(branches))} if branches else {}


def test_pop_account_is_replaced_and_kept_with_its_local_mail(copied) -> None:
    folder = copied(SAMPLES / "thunderbird" / "pop-local-folders")
    assert main(["apply", str(folder)]) == 0
    after = load(folder)
    listed = after.keys("mail.accountmanager.accounts")
    assert listed[:2] == ["account2", "account1"] and len(listed) == 3
    new = listed[2]
    assert after.value("mail.accountmanager.defaultaccount") == new
    new_server = str(after.value(f"mail.account.{new}.server"))
    assert after.server(new_server, "type") == "imap"
    identity = after.keys(f"mail.account.{new}.identities")[0]
    root = "imap://jdoe%40lboro.ac.uk@staff-mail.lboro.ac.uk"
    assert after.value(f"mail.identity.{identity}.fcc_folder") == root + "/Sent Items"
    assert after.value(f"mail.identity.{identity}.draft_folder") == root + "/Drafts"
    assert after.server(new_server, "trash_folder_name") == "Deleted Items"
    assert after.value(f"mail.identity.{identity}.useremail") == "J.Doe@lboro.ac.uk"
    # the old account: still listed, same server and store, never checked, its folders all there
    assert after.value("mail.account.account2.server") == "server2"
    assert after.server("server2", "type") == "pop3"
    assert after.server("server2", "directory-rel") == "[ProfD]Mail/pop.lboro.ac.uk"
    assert after.server("server2", "login_at_startup") is False and after.server("server2", "check_new_mail") is False
    assert "old POP mail" in str(after.server("server2", "name"))
    for name in ("Inbox", "Sent", "Drafts", "Trash", "Lists"):
        assert (folder / "Mail" / "pop.lboro.ac.uk" / name).exists()
    filters = (folder / "Mail" / "pop.lboro.ac.uk" / "msgFilterRules.dat").read_text()
    assert filters == (SAMPLES / "thunderbird" / "pop-local-folders" / "Mail" / "pop.lboro.ac.uk" / "msgFilterRules.dat").read_text()
    stores = {"mailbox://nobody@Local%20Folders": folder / "Mail" / "Local Folders",
              "mailbox://jdoe@pop.lboro.ac.uk": folder / "Mail" / "pop.lboro.ac.uk"}
    for line in filters.splitlines():
        if line.startswith("actionValue="):
            root, _, name = line.split('"')[1].rpartition("/")
            assert (stores[root] / name).exists()


def test_saved_logins_for_old_servers_are_removed_on_request(copied) -> None:
    folder = copied(SAMPLES / "thunderbird" / "pop-local-folders")
    assert main(["apply", "--set", "passwords.saved=remove", str(folder)]) == 0
    import json
    assert json.loads((folder / "logins.json").read_text())["logins"] == []


def test_a_profile_in_use_is_skipped(copied, capsys) -> None:
    folder = copied(SAMPLES / "thunderbird" / "imap-inbox-folders")
    (folder / ".parentlock").write_bytes(b"")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(folder / '.parentlock')!r}, os.O_RDWR)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        assert main(["apply", str(folder)]) == 0
        assert "in use" in capsys.readouterr().err
        assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    finally:
        holder.kill()
        holder.wait()
    assert main(["apply", str(folder)]) == 0  # once Thunderbird has quit


def test_a_lock_symlink_of_a_live_process_means_in_use(copied) -> None:
    folder = copied(SAMPLES / "thunderbird" / "seamonkey")
    os.symlink(f"127.0.0.1:+{os.getpid()}", folder / "lock")
    assert "in use" in PARSER.live(folder)
    (folder / "lock").unlink()
    os.symlink("127.0.0.1:+999999999", folder / "lock")
    assert PARSER.live(folder) is None


def test_profiles_ini_paths_relative_absolute_and_windows(tmp_path: Path) -> None:
    root = tmp_path / ".thunderbird"
    text = ("[General]\nStartWithLastProfile=1\nVersion=2\n\n"
            "[Profile0]\nName=default\nIsRelative=1\nPath=abcd.default\nDefault=1\n\n"
            f"[Profile1]\nName=other\nIsRelative=0\nPath={tmp_path}/elsewhere/x.default\n\n"
            "[Profile2]\nName=win\nIsRelative=0\nPath=C:\\Users\\cc\\AppData\\Roaming\\Thunderbird\\Profiles\\w.default\n\n"
            "[Profile4]\nName=unreachable\nIsRelative=1\nPath=never\n")
    assert list(profiles(root / "profiles.ini", text)) == [
        root / "abcd.default", tmp_path / "elsewhere" / "x.default", root / "Profiles" / "w.default"]


def test_a_home_is_searched_through_profiles_ini(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    shutil.copytree(SAMPLES / "thunderbird" / "mixed-gmail", home / ".thunderbird" / "m1x3dabc.default-release",
                    ignore=shutil.ignore_patterns("*.expected"))
    (home / ".thunderbird" / "profiles.ini").write_text(
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=m1x3dabc.default-release\n")
    assert main(["scan", str(home)]) == 0
    out = capsys.readouterr().out
    assert out.count("m1x3dabc.default-release") == 2  # two accounts: found twice over, listed once


def test_conflicting_user_js_is_migrated_too(copied) -> None:
    folder = copied(SAMPLES / "thunderbird" / "seamonkey")
    assert main(["apply", str(folder)]) == 0
    user = (folder / "user.js").read_text()
    assert "realhostname" not in user and 'using_subscription", false' in user
    assert user.startswith("/* Set by the department's setup script in 2006.")


@given(st.text(alphabet='ab "=\\\r\n|/:%@', max_size=60), st.sampled_from(["filters", "virtual"]))
def test_line_files_round_trip(text: str, kind: str) -> None:
    data = text.encode()
    assert parse_lines(data, "f", kind).to_bytes() == data


def test_clear_text_password_of_old_profiles_is_never_shown_and_removed_on_request(copied, capsys) -> None:
    folder = copied(SAMPLES / "thunderbird" / "imap-inbox-folders")
    prefs = folder / "prefs.js"
    prefs.write_text(prefs.read_text().replace(
        'user_pref("mail.server.server2.name"', 'user_pref("mail.server.server2.password", "Netscape-Era-77");\n'
        'user_pref("mail.server.server2.name"'))
    for args in (["plan", str(folder)], ["plan", "--json", str(folder)], ["apply", str(folder)]):
        main(args)
        assert "Netscape-Era-77" not in "".join(capsys.readouterr())
    assert "Netscape-Era-77" in prefs.read_text()
    main(["apply", "--set", "passwords.saved=remove", str(folder)])
    assert "Netscape-Era-77" not in prefs.read_text() + "".join(capsys.readouterr())


def test_a_user_name_with_a_byte_that_is_not_utf8_goes_into_uris_percent_encoded() -> None:
    """Found by tests/test_fuzz.py: the raw byte made the URI builder raise."""
    from parsers.thunderbird.uris import escape_user

    assert escape_user("c\udc80cano") == "c%80cano"
