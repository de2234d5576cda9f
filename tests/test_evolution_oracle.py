"""Evolution's own source registry reads every migrated 3.x setup: accounts, identities, transports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings

from migrate.cli import main
from tests.conftest import SAMPLES
from tests.evolution_oracle import migration_problems
from tests.evolution_oracle import registry_view
from tests.evolution_oracle import running_registry
from tests.parsers.test_evolution import account_source

pytestmark = pytest.mark.oracle
HOMES = sorted(p for p in (SAMPLES / "evolution").iterdir() if (p / ".config" / "evolution" / "sources").is_dir())
SOURCES = Path(".config") / "evolution" / "sources"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))


def copied(home: Path, target: Path) -> Path:
    shutil.copytree(home, target, symlinks=True, ignore=shutil.ignore_patterns("*.expected"))
    return target


def migrated(home: Path, workdir: Path) -> Path:
    """A copy of ``home`` after ``mailmigrate apply``."""
    copy = copied(home, workdir / "migrated")
    assert main(["apply", str(copy)]) == 0
    return copy


def views(home: Path, workdir: Path) -> tuple[dict, dict, Path]:
    """Evolution's view of ``home`` as it was and after ``apply``, and the migrated copy."""
    before = registry_view(copied(home, workdir / "original"))
    done = migrated(home, workdir)
    return before, registry_view(done), done


@pytest.mark.parametrize("home", HOMES, ids=lambda p: p.name)
def test_evolution_sees_every_3x_sample_migrated(home: Path, tmp_path: Path, policy, capsys) -> None:
    before, after, _ = views(home, tmp_path)
    assert any(source.get("account", {}).get("backend") in ("imapx", "pop") for source in before.values())
    assert migration_problems(before, after, policy) == []


def test_a_converted_pop_account_is_read_as_imap_with_the_same_uid(tmp_path: Path, policy, capsys) -> None:
    before, after, _ = views(SAMPLES / "evolution" / "3.x-pop", tmp_path)
    (uid,) = [uid for uid, source in before.items() if source.get("account", {}).get("backend") == "pop"]
    account = after[uid]["account"]
    assert (account["backend"], account["host"], account["port"], account["security"], account["user"]) == (
        "imapx", policy.incoming.host, 993, "ssl-on-alternate-port", "jdoe@lboro.ac.uk")
    assert account["settings"]["use-subscriptions"] is False and account["identity"] == before[uid]["account"]["identity"]


def replace_in(home: Path, uid: str, old: str, new: str) -> None:
    path = home / SOURCES / f"{uid}.source"
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("uid", "old", "new", "problem"), [
    ("6f8e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e", "Port=143", "Port=25", "security starttls-on-standard-port on port 25"),
    ("6f8e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e", "User=ccano@lboro.ac.uk", "User=ccano", "user 'ccano'"),
    ("6f8e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e", "Method=PLAIN", "Method=CRAM-MD5", "authentication CRAM-MD5"),
    ("6f8e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e", "UseSubscriptions=false", "UseSubscriptions=true", "only subscribed"),
    ("6f8e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e", "BackendName=imapx", "BackendName=pop", "backend pop"),
    ("b2c7e0f1a4c3e9d6a1b0c9d8e7f6a5b4c3d2e1f0", "/Sent Items", "/INBOX/Sent Items", "sent folder"),
    ("c3d8f1e2a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0", "Method=PLAIN", "Method=none", "authentication none"),
    ("gmail-account", "Port=993", "Port=143", "of another service changed"),
])
def test_a_wrong_value_in_a_migrated_source_is_caught(uid: str, old: str, new: str, problem: str, tmp_path: Path,
                                                      policy, capsys) -> None:
    home = SAMPLES / "evolution" / "3.x-imap"
    before = registry_view(copied(home, tmp_path / "original"))
    spoiled = migrated(home, tmp_path)
    replace_in(spoiled, uid, old, new)
    problems = migration_problems(before, registry_view(spoiled), policy)
    assert any(problem in found for found in problems), problems


def test_a_wrong_trash_folder_is_caught(tmp_path: Path, policy, capsys) -> None:
    home = SAMPLES / "evolution" / "3.x-special-folders"
    before = registry_view(copied(home, tmp_path / "original"))
    spoiled = migrated(home, tmp_path)
    replace_in(spoiled, "1712000000.4242.1@lab", "RealTrashPath=Deleted Items", "RealTrashPath=INBOX/Deleted Items")
    problems = migration_problems(before, registry_view(spoiled), policy)
    assert any("trash folder INBOX/Deleted Items still under INBOX" in found for found in problems), problems


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=account_source())
def test_evolution_sees_generated_accounts_migrated(source: tuple[str, bool], tmp_path_factory, policy) -> None:
    text, _ = source
    home = tmp_path_factory.mktemp("generated") / "home"
    (home / SOURCES).mkdir(parents=True)
    (home / SOURCES / "generated.source").write_text(text)
    before, after, _ = views(home, home.parent)
    assert migration_problems(before, after, policy) == []


def test_a_running_registry_makes_apply_leave_the_home_alone(tmp_path: Path, capsys) -> None:
    home = copied(SAMPLES / "evolution" / "3.x-pop", tmp_path / "home")
    with running_registry(home):
        before = {path: path.read_bytes() for path in home.rglob("*") if path.is_file()}  # as the registry left them
        assert main(["apply", str(home)]) == 0
        out = capsys.readouterr()
        assert "evolution-source-registry is running" in out.err and "skipped because the client is running" in out.out
        assert {path: path.read_bytes() for path in home.rglob("*") if path.is_file()} == before


def test_a_registry_serving_another_home_does_not_hold_this_one(tmp_path: Path, capsys) -> None:
    other = copied(SAMPLES / "evolution" / "3.x-imap", tmp_path / "other")
    home = copied(SAMPLES / "evolution" / "3.x-pop", tmp_path / "home")
    with running_registry(other):
        assert main(["apply", str(home)]) == 0
        out = capsys.readouterr().out
        assert "0 skipped because the client is running" in out and "1 setup: 1 changed" in out
