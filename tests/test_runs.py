"""The run journal: private, one per process, synced before a file is replaced, readable after any cut."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from migrate.errors import RestoreError
from migrate.files import read_source
from migrate.model import Change
from migrate.runner import restore
from migrate.runs import Journal
from migrate.runs import load_runs


def recorded_journal(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A journal recording ``files`` (name -> bytes before) as changed to upper case, and each file so changed."""
    journal = Journal(tmp_path / "state", "R1", "built-in", "test")
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        journal.record([(read_source(path), data.upper(), False)], "fetchmail", [Change("a", "f", "old", "new", "r", "why")])
        path.write_bytes(data.upper())
        journal.home_done(str(tmp_path))
    journal.close()
    return journal.path


def test_a_journal_is_private_and_gives_back_each_file(tmp_path: Path) -> None:
    path = recorded_journal(tmp_path, {"a": b"one\n", "b": b"\x00\xffbinary"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(stat.S_IMODE(folder.stat().st_mode) == 0o700 for folder in (path.parent, path.parent.parent))
    [run] = load_runs(tmp_path / "state")
    [part] = run.parts
    assert part.manifest["finished"] == [str(tmp_path)] * 2 and len(part.manifest["files"]) == 2
    assert [outcome.status for outcome in restore(part, force=False)] == ["restored", "restored"]
    assert (tmp_path / "a").read_bytes() == b"one\n" and (tmp_path / "b").read_bytes() == b"\x00\xffbinary"
    assert load_runs(tmp_path / "state")[0].parts[0].manifest["restored"]


def test_a_process_that_changes_nothing_leaves_no_journal(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "state", "R1", "built-in", "test")
    journal.home_done(str(tmp_path))
    journal.close()
    assert not (tmp_path / "state").exists()


def test_a_torn_last_line_is_left_out_and_cut_before_the_next(tmp_path: Path) -> None:
    """A run killed while writing a setup's lines: that setup's files were not replaced yet."""
    path = recorded_journal(tmp_path, {"a": b"one\n"})
    with open(path, "ab") as handle:
        handle.write(b'{"file": {"path": "/nowhere", "cli')
    [run] = load_runs(tmp_path / "state")
    assert [entry["path"] for entry in run.parts[0].manifest["files"]] == [str(tmp_path / "a")]
    restore(run.parts[0], force=False)  # adds a line: it must start a line of its own
    assert (tmp_path / "a").read_bytes() == b"one\n"
    assert load_runs(tmp_path / "state")[0].parts[0].manifest["restored"]
    assert b"/nowhere" not in path.read_bytes()


def test_a_damaged_line_is_refused_with_its_place(tmp_path: Path) -> None:
    path = recorded_journal(tmp_path, {"a": b"one\n", "b": b"two\n"})
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0], b"not json", *lines[1:]]))
    with pytest.raises(RestoreError, match=rf"^{path}:2:1: not a line of a run's journal"):
        load_runs(tmp_path / "state")


def test_each_process_writes_its_own_journal(tmp_path: Path) -> None:
    recorded_journal(tmp_path, {"a": b"one\n"})
    child = os.fork()
    if child == 0:
        try:
            recorded_journal(tmp_path, {"b": b"two\n"})
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    [run] = load_runs(tmp_path / "state")
    assert len(run.parts) == 2 and run.files == 2
