"""Where a server's folder is: directory-rel, else the tail of an old absolute directory, never outside the profile."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import plan_setup
from migrate.policy import load_policy
from parsers.thunderbird import ThunderbirdParser
from parsers.thunderbird.folders import profile_tail
from parsers.thunderbird.folders import server_folder
from parsers.thunderbird.prefs import parse_prefs
from parsers.thunderbird.prefs_lexer import escape
from parsers.thunderbird.profile import Profile
from tests.conftest import SAMPLES

SUITE = SAMPLES / "thunderbird" / "suite-windows-directory"


def profile(**prefs: str) -> Profile:
    text = "".join(f"user_pref({escape('mail.server.server1.' + k.replace('_rel', '-rel'))}, {escape(v)});\n"
                   for k, v in prefs.items())
    return Profile("p", parse_prefs(text.encode(), "prefs.js"), None)


@pytest.mark.parametrize(
    ("path", "tail"),
    [
        (r"C:\Documents and Settings\jb\Application Data\Thunderbird\Profiles\x1y2.default\ImapMail\imap.lboro.ac.uk",
         ("ImapMail", "imap.lboro.ac.uk")),
        (r"C:\Documents and Settings\jb\Application Data\Mozilla\Profiles\default\ab12cd34.slt\Mail\Local Folders",
         ("Mail", "Local Folders")),
        (r"d:\PROFILES\AB12CD34.SLT\imapmail\imap.lboro.ac.uk-1", ("imapmail", "imap.lboro.ac.uk-1")),
        (r"\\fileserver\homes$\jb\Thunderbird\Profiles\x1y2.default\News\news.lboro.ac.uk", ("News", "news.lboro.ac.uk")),
        ("/home/jb/.mozilla/default/ab12cd34.slt/Mail/mail", ("Mail", "mail")),  # a host called mail
        ("/home/jb/.thunderbird/x1y2.default/Mail/Archive/pop.lboro.ac.uk", ("Mail", "Archive", "pop.lboro.ac.uk")),
        (r"C:\Profiles\here.default\Stores\pop.lboro.ac.uk", ("Stores", "pop.lboro.ac.uk")),  # after the profile's name
    ],
)
def test_an_absolute_directory_is_found_again_by_its_tail(path: str, tail: tuple) -> None:
    assert profile_tail(path, "here.default") == tail


@pytest.mark.parametrize("path", [r"C:\Data\store", "/srv/mail", r"C:\x\Mail\..", "", "C:"])
def test_a_directory_without_a_tail_in_a_profile_names_nothing(path: str) -> None:
    assert profile_tail(path, "here.default") is None


def test_directory_rel_wins_and_only_inside_the_profile() -> None:
    assert server_folder(profile(directory_rel="[ProfD]ImapMail/a", directory=r"C:\p\Mail\b"), "server1", "p") == [
        ("ImapMail", "a")]
    assert server_folder(profile(directory_rel="[ProfD]../../elsewhere"), "server1", "p") == []
    assert server_folder(profile(directory_rel="[Home]Mail/a", directory=r"C:\p\Mail\b"), "server1", "p") == []
    assert server_folder(profile(directory=r"C:\p\IMAPMAIL\b"), "server1", "p") == [("IMAPMAIL", "b"), ("ImapMail", "b")]


def test_a_server_without_a_directory_has_no_folder_yet() -> None:
    """Thunderbird makes it a new one (ImapMail/<host>, or <host>-1 when that exists): nothing there is its own."""
    assert server_folder(profile(hostname="imap.lboro.ac.uk"), "server1", "p") == []


@given(st.lists(st.sampled_from(["C:", "..", ".", "Mail", "ImapMail", "x", "p", "a b", ""]), max_size=7),
       st.sampled_from(["\\", "/"]))
def test_a_tail_never_leaves_the_profile(parts: list, separator: str) -> None:
    tail = profile_tail(separator.join(parts), "p")
    assert tail is None or (tail and all(part not in ("", ".", "..") for part in tail))


def test_filters_of_an_old_windows_profile_are_found_and_rewritten() -> None:
    files = {}

    def read(name: str):
        files[name] = None
        path = Path(name)
        return path.read_bytes() if path.is_file() else None

    plan = plan_setup(read, ThunderbirdParser(), load_policy(), str(SUITE), "nobody")
    changed = {Path(f.path).relative_to(SUITE).as_posix() for f in plan.files if f.after.render() != f.before.render()}
    assert changed == {"prefs.js", "ImapMail/imap.lboro.ac.uk/msgFilterRules.dat",
                       "ImapMail/imap.lboro.ac.uk-1/msgFilterRules.dat", "Mail/Local Folders/msgFilterRules.dat"}
    assert all(Path(name).is_relative_to(SUITE) and ".." not in Path(name).parts for name in files)


def test_a_linked_server_folder_is_not_followed_out_of_the_home(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    folder = home / ".mozilla" / "ab12cd34.slt"
    shutil.copytree(SUITE, folder, ignore=shutil.ignore_patterns("*.expected"))
    (home / ".mozilla" / "profiles.ini").write_text("[Profile0]\nName=default\nIsRelative=1\nPath=ab12cd34.slt\n")
    outside = tmp_path / "outside"
    shutil.move(str(folder / "ImapMail"), outside)
    (folder / "ImapMail").symlink_to(outside)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["apply", "--homes", str(tmp_path), "--user", "home"]) == 0
    assert "ImapMail is a symbolic link; not followed out of the home" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before  # the whole profile left alone
