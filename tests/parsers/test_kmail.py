"""KMail: KConfig files lossless, read as KConfig reads them, migrated in place, and read back by KDE's own kreadconfig5."""
from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import plan_setup
from migrate.policy import load_policy
from parsers.inifile import IniEditor
from parsers.kmail import folder_ids
from parsers.kmail.firstrun import firstrun_path
from parsers.kmail.kconfig import KDE3
from parsers.kmail.kconfig import KDE4
from parsers.kmail.kconfig import escape
from parsers.kmail.kconfig import expand
from parsers.kmail.kconfig import parse_kconfig
from parsers.kmail.kconfig import unescape
from parsers.kmail.parser import KMailParser
from tests.conftest import SAMPLES
from tests.oracles import kreadconfig

KMAIL = SAMPLES / "kmail"
PARSER = KMailParser()
POLICY = load_policy()
SETUPS = sorted(p for p in KMAIL.rglob("*") if p.is_file() and PARSER.claims(p))
KCONFIG_FILES = sorted(p for p in KMAIL.rglob("*") if p.is_file() and not p.name.endswith(".expected"))


def read(name: str) -> Optional[bytes]:
    path = Path(name)
    return path.read_bytes() if path.is_file() else None


def expected_of(name: str) -> Optional[bytes]:
    return read(name + ".expected")


@pytest.mark.parametrize("path", KCONFIG_FILES, ids=lambda p: str(p.relative_to(KMAIL)))
def test_sample_files_round_trip(path: Path) -> None:
    assert parse_kconfig(path.read_bytes(), str(path)).to_bytes() == path.read_bytes()


_LINES = st.sampled_from([
    "[Account 1]", "[Transport 1]", "[network]", " [General] ", "[A][B]", "[A][$i]", "[$i]", "[Broken", "[a\\x5db]",
    "host=pop.lboro.ac.uk", "host = imap.lboro.ac.uk ", "host[de]=x", "host[$i]=y", "host[$d]", "host[$e]=$HOME/x",
    "port=110", "port=\\s993", "pass=\uffac\uffba", "# comment", "", "\t", "no equals", "=empty key", "k=a\\tb\\n\\\\c",
    "k=\\x41\\x4", "k=\\q", "Namespace:INBOX.=.", '0="INBOX."', "k\r=v\r", "héllo=wörld", "k=\0nul",
])


@given(st.lists(_LINES, max_size=14), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_generated_kconfig_files_round_trip(lines: list[str], newline: str, final: bool) -> None:
    data = (newline.join(lines) + (newline if final else "")).encode("utf-8")
    for dialect in (KDE3, KDE4):
        assert parse_kconfig(data, "rc", dialect).to_bytes() == data


@given(st.text(max_size=24).filter(lambda text: "\r" not in text))
@example(" leading and trailing ")
@example("tab\there\\and\nnewline")
def test_escape_reads_back(value: str) -> None:
    assert unescape(escape(value, KDE4), KDE4) == value
    if not any(ord(c) < 32 and c not in "\t\n" for c in value):  # KDE 3 had no \xNN for the other controls
        assert unescape(escape(value, KDE3), KDE3) == value


def test_expansion_reads_known_variables_and_keeps_the_others() -> None:
    assert expand("$HOME/x ${HOME} $$HOME $USER $", {"HOME": "/home/ccano"}) == "/home/ccano/x /home/ccano $HOME $USER $"


def test_kconfig_reads_duplicates_deletions_locales_and_nested_groups_as_kconfig_does() -> None:
    data = ("[G]\nk=1\nk=2\nimm[$i]=a\nimm=b\nd=x\nd[$d]\nloc=plain\nloc[de]=deutsch\n e = spaced \n"
            "[G][Sub]\ns=nested\n[G]\nlate=merged\n[H]junk\nr=1\n").encode()
    document = parse_kconfig(data, "rc")
    assert [document.lookup("G", key) for key in ("k", "imm", "d", "loc", "e", "late")] == [
        "2", "a", None, "plain", "spaced", "merged"]
    assert document.lookup("G", "loc", "de_DE") == "deutsch"
    assert document.lookup("G\x1dSub", "s") == "nested" and document.lookup("H", "r") == "1"


def test_kde3_reads_its_own_escapes_and_doubled_brackets() -> None:
    document = parse_kconfig(b"[Folder-a]]b]\nk=\\x41\\q\\s\n", "kmailrc", KDE3)
    assert document.group_names() == ["Folder-a]b"]
    assert document.lookup("Folder-a]b", "k") == "\\x41\\q "


_ORACLE_LINES = st.sampled_from([
    "[A]", "[B]", " [A] ", "[A][$i]", "[$i]", "[A]junk", "[B", "[\\x41]", "#c", "", "[A][B]",
    "host=imap.lboro.ac.uk", "host[de]=x", "host[C]=c", "host[$i]=i", "host[$d]", "host[]=e", " host = spaced ",
    "port=\\s993\\s", "port=\\x39\\x39\\x33", "port=9\\q3", "port=\\", "Host Name=a\\tb", "k=\\x4", "k\r=\rv",
    "Host Name[$i]=first", "Host Name=second", "port=é\\xc3\\xa9", "=x", "port", "port[$d]=gone",
    "\x0b[A]", "port=\\x4g", "host[$ie]=$$x", "[A]]", "host[$di]=x",
])


@pytest.mark.oracle
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ORACLE_LINES, max_size=10), st.sampled_from(["\n", "\r\n", ""]))
def test_kconfig_reads_generated_files_as_kreadconfig5_does(tmp_path: Path, lines: list[str], newline: str) -> None:
    data = "\n".join(lines) + newline
    path = tmp_path / "generatedrc"
    path.write_bytes(data.encode())
    document = parse_kconfig(data.encode(), str(path))
    for group in ("A", "B"):
        for key in ("host", "port", "Host Name", "k"):
            assert document.lookup(group, key, "C") == kreadconfig(path, group, key), (data, group, key)


def plan(path: Path, files=read):
    return plan_setup(files, PARSER, POLICY, str(path), "ccano")


@pytest.mark.parametrize("path", SETUPS, ids=lambda p: str(p.relative_to(KMAIL)))
def test_every_setup_migrates_to_expected_and_a_second_pass_changes_nothing(path: Path) -> None:
    first = plan(path)
    files = {file.path: file for file in first.files}
    assert all(file.before.to_bytes() == (read(file.path) or b"") for file in first.files)
    assert {name for name, file in files.items() if file.changed} == {name for name in files if expected_of(name)}
    for name, file in files.items():
        if file.changed:
            assert file.after.to_bytes() == expected_of(name)
    again = plan(path, {name: file.after.to_bytes() for name, file in files.items() if file.after.tokens}.get)
    assert not again.changed and not again.changes


@pytest.mark.parametrize("path", SETUPS, ids=lambda p: str(p.relative_to(KMAIL)))
def test_foreign_accounts_stay_byte_for_byte(path: Path) -> None:
    first = plan(path)
    for account in first.accounts:
        if first.status(account, POLICY) != "not this service":
            continue
        for file in first.files:
            document = file.before
            header = [index for name, index in getattr(document, "groups", ()) if name == account.key]
            for index in header:
                end = next((i for _, i in document.groups if i > index), len(document.tokens))
                assert document.render_range(index, end) in file.after.render()


def applied(sample: str, tmp_path: Path, monkeypatch) -> Path:
    """A copy of the sample (files private, as KDE makes them) after ``apply``."""
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / sample
    shutil.copytree(KMAIL / sample, home, ignore=shutil.ignore_patterns("*.expected"))
    for path in home.rglob("*"):
        if path.is_file():
            path.chmod(0o600)
    assert main(["apply", str(home)]) == 0
    return home


@pytest.mark.parametrize("sample", ["kde3-pop", "kde3-imap", "kf5"])
def test_apply_keeps_modes_and_writes_the_expected_bytes(sample: str, tmp_path: Path, monkeypatch) -> None:
    home = applied(sample, tmp_path, monkeypatch)
    for expected in (KMAIL / sample).rglob("*.expected"):
        written = home / expected.relative_to(KMAIL / sample).with_suffix("")
        assert written.read_bytes() == expected.read_bytes()
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert main(["plan", "--check", str(home)]) == 0  # a second apply would change nothing


def test_a_pop3_resources_imap_account_goes_into_a_new_private_firstrun_folder(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".local" / "share").mkdir(parents=True)
    rc = home / ".config" / "akonadi_pop3_resource_4rc"
    rc.write_bytes((KMAIL / "kf5" / ".config" / "akonadi_pop3_resource_1rc").read_bytes())
    rc.chmod(0o600)
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    assert main(["apply", str(home)]) == 0
    folder = home / ".local" / "share" / "akonadi" / "firstrun"
    made = folder / "mailmigrate-akonadi_pop3_resource_4"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(made.stat().st_mode) == 0o600
    assert "Id=mailmigrate-akonadi_pop3_resource_4\n" in made.read_text()
    assert main(["restore"]) == 0 and not made.exists()


def test_a_pop3_resource_without_a_known_data_folder_gets_the_steps_in_the_plan(capsys) -> None:
    data = (KMAIL / "kf5" / ".config" / "akonadi_pop3_resource_1rc").read_bytes()
    found = plan_setup({"/elsewhere/akonadi_pop3_resource_1rc": data}.get, PARSER, POLICY,
                       "/elsewhere/akonadi_pop3_resource_1rc", "ccano")
    assert not found.changed
    assert any("add an IMAP account in KMail (server staff-mail.lboro.ac.uk, port 993, ssl, login ccano@lboro.ac.uk"
               in note.message for note in found.notes)


@pytest.mark.parametrize("name", ["kde3-pop/.kde/share/config/kmailrc", "kf5/.config/mailtransports"])
def test_saved_passwords_are_taken_out_when_the_policy_says_so(name: str) -> None:
    path = KMAIL / name
    after = plan_setup(read, PARSER, load_policy(overrides=["passwords.saved=remove"]), str(path), "ccano").only.after
    ours, theirs = after.render().split("[Account 2]" if "kmailrc" in name else "[Transport 2039914711]")
    assert "\npass=" not in ours and "\npassword=" not in ours and ("store-passwd=false" in ours or "storepass=false" in ours)
    assert "\npass=" in theirs or "storepass=true" in theirs  # another provider's stays as it was


def test_folder_ids_lose_the_inbox_level_and_keep_the_others() -> None:
    old = ".7.directory/.INBOX.directory/.Lists.directory/debian"
    assert folder_ids.name(old, "7") == "INBOX/Lists/debian"
    assert folder_ids.moved(old, "7", {"INBOX/Lists/debian": "Lists/debian"}) == ".7.directory/.Lists.directory/debian"
    assert folder_ids.name(old, "8") is None and folder_ids.name(".7.directory/INBOX/x", "7") is None
    assert folder_ids.name("inbox", "7") is None


@pytest.mark.oracle
@pytest.mark.parametrize("sample", ["kde3-pop", "kde3-imap", "kf5"])
def test_kreadconfig5_reads_the_migrated_files_as_the_service_wants(sample: str, tmp_path: Path, monkeypatch) -> None:
    home = applied(sample, tmp_path, monkeypatch)
    host, seen = POLICY.incoming.host, 0
    for path in sorted(home.rglob("*")):
        if not path.is_file() or not PARSER.claims(path):
            continue
        before = parse_kconfig((KMAIL / sample / path.relative_to(home)).read_bytes(), str(path))
        for group in before.group_names():
            get = lambda key: kreadconfig(path, group, key)  # noqa: E731
            if group.startswith("Account ") and get("Type") in ("pop", "imap", "cachedimap"):
                if (before.lookup(group, "host") or "").endswith("lboro.ac.uk"):
                    seen += 1
                    assert (get("Type"), get("host"), get("login")) == ("imap", host, "ccano@lboro.ac.uk")
                    assert (get("port"), get("use-ssl"), get("use-tls")) == ("993", "true", "false")
                    assert get("auth") == "*" and get("subscribed-folders") in (None, "false")
                    assert get("0") is None and get("Namespace:INBOX.") is None
                else:
                    assert all(get(key) == before.lookup(group, key) for key in before.keys(group))
            elif group.startswith("Transport ") and (before.lookup(group, "host") or "").endswith("lboro.ac.uk"):
                seen += 1
                assert (get("host"), get("user")) == (host, "ccano@lboro.ac.uk")
                assert (get("port"), get("encryption")) in (("465", "SSL"), ("587", "TLS"))
                assert get("auth") == "true" and get("authtype") in ("PLAIN", "LOGIN")
            elif group == "network" and (before.lookup(group, "ImapServer") or "").endswith("lboro.ac.uk"):
                seen += 1
                assert (get("ImapServer"), get("UserName"), get("Authentication")) == (host, "ccano@lboro.ac.uk", "1")
                assert (get("ImapPort"), get("Safety")) in (("993", "SSL"), ("143", "STARTTLS"))
                assert get("SubscriptionEnabled") == "false"
    for made in home.rglob("mailmigrate-*"):
        seen += 1
        get = lambda key: kreadconfig(made, "Settings", key)  # noqa: E731
        assert kreadconfig(made, "Agent", "Type") == "akonadi_imap_resource"
        assert (get("ImapServer"), get("ImapPort"), get("Safety"), get("UserName")) == (host, "993", "SSL", "ccano@lboro.ac.uk")
    assert seen >= 2


def test_kmail_identities_and_filters_follow_the_folders(tmp_path: Path, monkeypatch) -> None:
    home = applied("kde3-imap", tmp_path, monkeypatch)
    config = home / ".kde" / "share" / "config"
    identities = parse_kconfig((config / "emailidentities").read_bytes(), "emailidentities", KDE3)
    assert identities.lookup("Identity #0", "Fcc") == ".2130543857.directory/Sent"
    assert identities.lookup("Identity #1", "Fcc") == ".1009262044.directory/.INBOX.directory/Sent"  # another provider
    rc = parse_kconfig((config / "kmailrc").read_bytes(), "kmailrc", KDE3)
    assert rc.lookup("Filter #0", "action-args-0") == ".2130543857.directory/.Lists.directory/debian"
    assert "Folder-.2130543857.directory/.Lists.directory/debian" in rc.group_names()
    assert rc.lookup("Filter #2", "action-args-0") == ".1009262044.directory/.INBOX.directory/Invoices"


def _impostor(name: str, home: Path) -> subprocess.Popen:
    """A process of ours that /proc shows as ``name`` with this home's configuration folder."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    return subprocess.Popen(["bash", "-c", f"exec -a {name} sleep 60"], env=env)


@pytest.mark.parametrize("name", ["akonadiserver", "akonadi_control", "kmail"])
def test_a_running_akonadi_or_kmail_of_this_home_means_its_files_are_skipped(name: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(KMAIL / "kf5", home, ignore=shutil.ignore_patterns("*.expected"))
    rc = home / ".config" / "akonadi_imap_resource_0rc"
    assert KMailParser().live(rc) is None
    process = _impostor(name, home)
    try:
        time.sleep(0.2)
        reason = KMailParser().live(rc)
        assert reason and name in reason and "akonadictl stop" in reason
        other = tmp_path / "other" / ".config" / "mailtransports"
        other.parent.mkdir(parents=True)
        other.write_bytes(b"")
        assert KMailParser().live(other) is None  # another configuration folder
    finally:
        process.kill()
        process.wait()


def test_kmail_1_is_running_by_its_process_or_its_lock(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(KMAIL / "kde3-pop", home, ignore=shutil.ignore_patterns("*.expected"))
    rc = home / ".kde" / "share" / "config" / "kmailrc"
    assert KMailParser().live(rc) is None
    lock = home / ".kde" / "share" / "apps" / "kmail" / "lock"
    lock.parent.mkdir(parents=True)
    lock.write_text(f"appName=kmail\nhostname={socket.gethostname()}\npid={os.getpid()}\nprogramName=KMail\n")
    assert KMailParser().live(rc) is None  # a live process that is no KMail: a stale lock
    process = _impostor("kmail", home)
    try:
        time.sleep(0.2)
        lock.write_text(f"hostname={socket.gethostname()}\npid={process.pid}\n")
        assert "KMail is running" in (KMailParser().live(rc) or "")
        lock.write_text("pid=-1\n")
        assert "kmail is running" in (KMailParser().live(rc) or "")  # by the process alone
    finally:
        process.kill()
        process.wait()



@pytest.mark.oracle
def test_an_expanded_value_is_written_so_that_kde_expands_it_to_the_new_value(tmp_path: Path) -> None:
    rc = tmp_path / ".kde4" / "share" / "config" / "kmailrc"  # KDE 4: kreadconfig5 reads it as KMail did
    rc.parent.mkdir(parents=True)
    rc.write_bytes(b"[General]\naccounts=1\n\n[Account 1]\nType=imap\nhost[$e]=imap.lboro.ac.uk\nlogin[$e]=$USER\n")
    migrated = tmp_path / "migrated"
    found = plan(rc)
    migrated.write_bytes(found.only.after.to_bytes())
    assert kreadconfig(migrated, "Account 1", "host") == POLICY.incoming.host
    assert b"login[$e]=$USER\n" in migrated.read_bytes()  # expanded where KMail runs: left, and said so
    assert any("'$USER' is a placeholder" in note.message for note in found.notes)
    editor = IniEditor(parse_kconfig(migrated.read_bytes(), str(migrated)))
    editor.set("Account 1", "host", "a$b$$c")
    migrated.write_bytes(editor.document().to_bytes())
    assert kreadconfig(migrated, "Account 1", "host") == "a$b$$c"


def test_a_first_run_folder_that_is_a_link_out_of_the_home_is_never_written_through(tmp_path: Path) -> None:
    homes, outside = tmp_path / "homes", tmp_path / "outside"
    home = homes / "ccano"
    shutil.copytree(KMAIL / "kf5", home, ignore=shutil.ignore_patterns("*.expected"))
    shutil.rmtree(home / ".local" / "share" / "akonadi" / "firstrun", ignore_errors=True)
    outside.mkdir()
    (home / ".local" / "share" / "akonadi" / "firstrun").symlink_to(outside)
    code = main(["apply", "--state-dir", str(tmp_path / "state"), "--homes", str(homes), "--jobs", "1"])
    assert code == 0 and list(outside.iterdir()) == []
    assert (home / ".config" / "akonadi_pop3_resource_1rc").read_bytes() == (
        KMAIL / "kf5" / ".config" / "akonadi_pop3_resource_1rc").read_bytes()


@pytest.mark.parametrize("resource, expected", [
    ("/home/cc/.config/akonadi_pop3_resource_0rc", "/home/cc/.local/share/akonadi/firstrun/mailmigrate-akonadi_pop3_resource_0"),
    ("/home/cc/.kde/share/config/akonadi_pop3_resource_2rc",
     "/home/cc/.kde/share/apps/akonadi/firstrun/mailmigrate-akonadi_pop3_resource_2"),
    ("/srv/configs/akonadi_pop3_resource_0rc", None),
])
def test_the_first_run_file_goes_to_the_data_folder_of_that_kde(resource: str, expected: Optional[str]) -> None:
    assert firstrun_path(resource) == expected
