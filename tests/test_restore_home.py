"""`restore --home DIR` undoes the last run that changed that home, even when a later run changed only others."""
from __future__ import annotations

import shutil
from pathlib import Path

from migrate.cli import main
from tests.conftest import SAMPLES


def test_restore_of_a_home_takes_its_own_last_run(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    first, second = tmp_path / "homes" / "first", tmp_path / "homes" / "second"
    for home in (first, second):
        home.mkdir(parents=True)
        shutil.copy(SAMPLES / "fetchmail" / "pop-keep-uidl.fetchmailrc", home / ".fetchmailrc")
    original = (first / ".fetchmailrc").read_bytes()
    assert main(["apply", str(first)]) == 0
    assert main(["apply", str(second)]) == 0  # the last run, within the same second as a rule
    assert (first / ".fetchmailrc").read_bytes() != original
    assert main(["restore", "--home", str(first)]) == 0
    assert (first / ".fetchmailrc").read_bytes() == original
    assert (second / ".fetchmailrc").read_bytes() != original
