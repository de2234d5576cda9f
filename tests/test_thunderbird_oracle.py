"""Thunderbird itself reads every migrated profile: its account manager's view, and Gecko's own prefs reader."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.cli import main
from migrate.errors import ParseError
from parsers.thunderbird.prefs import parse_prefs
from tests.conftest import SAMPLES
from tests.parsers.test_prefs import STATEMENT
from tests.parsers.test_prefs import WRITTEN
from tests.parsers.test_thunderbird_properties import profile_text
from tests.thunderbird_oracle import gecko_prefs
from tests.thunderbird_oracle import migration_problems
from tests.thunderbird_oracle import profile_view
from tests.thunderbird_oracle import running_thunderbird
from tests.thunderbird_oracle import saved_prefs

pytestmark = pytest.mark.oracle
PROFILES = sorted(p for p in (SAMPLES / "thunderbird").iterdir() if (p / "prefs.js").is_file())
PREFS_FILES = sorted(p for profile in PROFILES for p in profile.iterdir() if p.name.startswith(("prefs.js", "user.js")))


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))


def migrated(profile: Path, workdir: Path) -> Path:
    """A copy of ``profile`` after ``mailmigrate apply``."""
    copy = workdir / "migrated"
    shutil.copytree(profile, copy, symlinks=True, ignore=shutil.ignore_patterns("*.expected"))
    assert main(["apply", str(copy)]) == 0
    return copy


_NAME_WITH_PORT = re.compile(rb'user_pref\("(mail\.server\.[^."]+)\.hostname", "([^":]+):([0-9]+)"\);')


def original(profile: Path, workdir: Path) -> Path:
    """A copy of ``profile`` as it was, but loadable: Thunderbird 153 loops on a Netscape-era ``host:port``
    server name and crashes, where older versions split it into host and port; the copy says the same
    thing the way Thunderbird writes it now."""
    copy = workdir / "original"
    shutil.copytree(profile, copy, symlinks=True, ignore=shutil.ignore_patterns("*.expected"))
    prefs = copy / "prefs.js"
    text = prefs.read_bytes()
    for branch in {found.group(1) for found in _NAME_WITH_PORT.finditer(text)}:  # the name's port won when it was split
        text = re.sub(rb'user_pref\("' + re.escape(branch) + rb'\.port", [^)]*\);\r?\n?', b"", text)
    prefs.write_bytes(_NAME_WITH_PORT.sub(rb'user_pref("\1.hostname", "\2");\nuser_pref("\1.port", \3);', text))
    return copy


def listed_accounts(profile: Path) -> list[str]:
    """The accounts the profile lists (``user.js`` wins over ``prefs.js``), as our parser reads them."""
    listed = ""
    for name in ("prefs.js", "user.js"):
        if (profile / name).is_file():
            pref = parse_prefs((profile / name).read_bytes(), name).get("mail.accountmanager.accounts")
            listed = str(pref.value) if pref is not None else listed
    return [key.strip() for key in listed.split(",") if key.strip()]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_thunderbird_sees_every_sample_migrated(profile: Path, tmp_path: Path, policy, capsys) -> None:
    before = profile_view(original(profile, tmp_path), tmp_path, "view-before")
    done = migrated(profile, tmp_path)
    after = profile_view(done, tmp_path, "view-after")
    assert migration_problems(before, after, policy) == []
    # every account listed loads: Thunderbird leaves out one it cannot load, and every one after it
    assert [account["key"] for account in after["accounts"]] == listed_accounts(done)


@pytest.mark.parametrize(("pref", "value", "problem"), [
    ("port", "143", "socketType 3 on port 143"),
    ("userName", '"ccano"', "user name 'ccano'"),
    ("authMethod", "4", "authMethod 4"),
])
def test_a_wrong_migration_is_caught(pref: str, value: str, problem: str, tmp_path: Path, policy, capsys) -> None:
    profile = PROFILES[[p.name for p in PROFILES].index("imap-inbox-folders")]
    before = profile_view(original(profile, tmp_path), tmp_path, "view-before")
    spoiled = migrated(profile, tmp_path)
    with (spoiled / "prefs.js").open("a") as prefs:
        prefs.write(f'user_pref("mail.server.server2.{pref}", {value});\n')  # last one wins
    problems = migration_problems(before, profile_view(spoiled, tmp_path, "view-after"), policy)
    assert any(problem in found for found in problems), problems


def test_another_services_account_changed_by_hand_is_caught(tmp_path: Path, policy, capsys) -> None:
    profile = PROFILES[[p.name for p in PROFILES].index("mixed-gmail")]
    before = profile_view(original(profile, tmp_path), tmp_path, "view-before")
    foreign = next(a for a in before["accounts"] if "gmail" in a["server"]["uri"])
    spoiled = migrated(profile, tmp_path)
    with (spoiled / "prefs.js").open("a") as prefs:
        prefs.write(f'user_pref("mail.server.{foreign["server"]["key"]}.port", 143);\n')
    problems = migration_problems(before, profile_view(spoiled, tmp_path, "view-after"), policy)
    assert any("of another service changed" in found for found in problems), problems


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=profile_text())
def test_thunderbird_sees_generated_profiles_migrated(text: str, tmp_path_factory, policy) -> None:
    workdir = tmp_path_factory.mktemp("generated")
    profile = workdir / "source"
    profile.mkdir()
    (profile / "prefs.js").write_text(text, newline="")
    done = migrated(profile, workdir)
    if (done / "prefs.js").read_bytes() == text.encode():
        return  # nothing to migrate: the file is left byte for byte (which Thunderbird 153 may not load)
    before = profile_view(original(profile, workdir), workdir, "view-before")
    after = profile_view(done, workdir, "view-after")
    assert migration_problems(before, after, policy) == []


def ours(data: bytes) -> object:
    """Our parser's statements as Gecko reports them, or ``ParseError`` when we refuse the file."""
    try:
        prefs = parse_prefs(data, "prefs.js").prefs
    except ParseError:
        return ParseError
    return [("User", pref.name, pref.value, False, False) for pref in prefs]


def agree(files: list[bytes], workdir: Path) -> None:
    """Gecko's reading of each file is ours: the same statements in the same order, and we refuse what Gecko does not load whole."""
    paths = []
    for number, data in enumerate(files):
        path = workdir / f"{number}.js"
        path.write_bytes(data)
        paths.append(path)
    for data, gecko in zip(files, gecko_prefs(paths, workdir)):
        mine = ours(data)
        gecko_refuses = any(statement[0] == "error" for statement in gecko)
        if mine is ParseError:
            assert gecko_refuses, (data, gecko)
        else:
            assert not gecko_refuses and mine == gecko, (data, gecko)


def test_gecko_reads_every_sample_prefs_file_as_we_do(tmp_path: Path) -> None:
    agree([path.read_bytes() for path in PREFS_FILES], tmp_path)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                               HealthCheck.data_too_large])
@given(general=st.lists(st.lists(STATEMENT, max_size=6).map("".join), min_size=30, max_size=30),
       written=st.lists(st.lists(WRITTEN, max_size=6).map(lambda body: "".join(s for s, _ in body)), min_size=30,
                        max_size=30))
def test_gecko_reads_generated_prefs_files_as_we_do(general: list[str], written: list[str], tmp_path_factory) -> None:
    files = [text.encode("utf-8", "surrogateescape") for text in general + written]
    agree(files, tmp_path_factory.mktemp("gecko"))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_what_geckos_writer_saves_we_read_as_gecko_does(profile: Path, tmp_path: Path, capsys) -> None:
    saved = saved_prefs(migrated(profile, tmp_path), tmp_path)
    assert b"mail.accountmanager.accounts" in saved
    agree([saved], tmp_path)


def test_a_running_thunderbird_makes_apply_leave_its_profile_alone(tmp_path: Path, capsys) -> None:
    profile = original(PROFILES[[p.name for p in PROFILES].index("imap-inbox-folders")], tmp_path)
    before = {path: path.read_bytes() for path in profile.rglob("*") if path.is_file() and not path.name.endswith("lock")}
    with running_thunderbird(profile, tmp_path):
        assert main(["apply", str(profile)]) == 0
        out = capsys.readouterr()
        assert "the profile is in use" in out.err and "1 skipped because the client is running" in out.out
        assert {path: path.read_bytes() for path in before} == before
