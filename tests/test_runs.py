"""The run journal: private, one per process, synced before a file is replaced, readable after any cut."""
from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Optional

import pytest

from migrate.errors import MigrateError
from migrate.errors import RestoreError
from migrate.files import Source
from migrate.files import read_source
from migrate.files import sha256
from migrate.model import Change
from migrate.runner import restore
from migrate.runs import Journal
from migrate.runs import SetupWrites
from migrate.runs import load_runs


def writes(file: tuple[Source, bytes, bool], client: str, changes: list[Change], root: Optional[Path]) -> SetupWrites:
    """A setup changing one file."""
    return SetupWrites(str(file[0].path), str(root or file[0].path.parent), root, client, tuple(changes), (file,))


def recorded_journal(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A journal recording ``files`` (name -> bytes before) as changed to upper case, and each file so changed."""
    journal = Journal(tmp_path / "state", "R1", "built-in", "test")
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        change = Change("a", "f", "old", "new", "r", "why")
        journal.record([writes((read_source(path), data.upper(), False), "fetchmail", [change], None)])
        path.write_bytes(data.upper())
        journal.homes_done([str(tmp_path)])
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
    journal.homes_done([str(tmp_path)])
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


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
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


def test_a_journal_cut_short_before_its_first_line_holds_nothing(tmp_path: Path) -> None:
    """Killed after making its journal, before the first line was on disk: no file was replaced yet."""
    path = recorded_journal(tmp_path, {"a": b"one\n"})
    (path.parent / "999.jsonl").write_bytes(b"")
    (path.parent / "998.jsonl").write_bytes(b'{"run": "R1", "part": "9')
    [run] = load_runs(tmp_path / "state")
    assert [part.journal for part in run.parts] == [path]


@pytest.mark.parametrize("before", [{}, {"before": 5}], ids=["missing", "a number"])
def test_a_file_line_without_its_bytes_before_is_refused_with_its_place(tmp_path: Path, before: dict) -> None:
    path = recorded_journal(tmp_path, {"a": b"one\n"})
    file_line = json.loads(path.read_bytes().splitlines()[1])
    del file_line["before"]
    with open(path, "ab") as handle:
        handle.write(json.dumps({**file_line, **before}).encode() + b"\n")
    with pytest.raises(RestoreError, match=r":4:1: not a line of a run's journal"):
        load_runs(tmp_path / "state")


@pytest.mark.parametrize("line", [b'{"finished": "now"}', b'{"file": {"path": 3}}', b'{"file": []}'])
def test_a_line_of_the_wrong_shape_is_refused_with_its_place(tmp_path: Path, line: bytes) -> None:
    path = recorded_journal(tmp_path, {"a": b"one\n"})
    with open(path, "ab") as handle:
        handle.write(line + b"\n")
    with pytest.raises(RestoreError, match=r":4:1: not a line of a run's journal"):
        load_runs(tmp_path / "state")


def test_a_write_that_fails_leaves_no_part_of_a_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk half-way through a record: the record is cut off again, and the setup is not written."""
    journal = Journal(tmp_path / "state", "R1", "built-in", "test")
    (tmp_path / "a").write_bytes(b"one\n")
    journal.record([writes((read_source(tmp_path / "a"), b"ONE\n", False), "fetchmail", [], None)])
    real_write, calls = os.write, []

    def full_disk(fd: int, data: bytes) -> int:
        calls.append(fd)
        if len(calls) == 1:
            return real_write(fd, bytes(data)[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(MigrateError, match="cannot record the run"):
        journal.record([writes((read_source(tmp_path / "a"), b"TWO\n", False), "fetchmail", [], None)])
    monkeypatch.setattr(os, "write", real_write)
    journal.record([writes((read_source(tmp_path / "a"), b"THREE\n", False), "fetchmail", [], None)])
    journal.close()
    [run] = load_runs(tmp_path / "state")
    assert [entry["sha256_after"] for entry in run.parts[0].manifest["files"]] == [
        sha256(b"ONE\n"), sha256(b"THREE\n")]


def test_a_run_still_going_is_not_restored(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "state", "R1", "built-in", "test")
    (tmp_path / "a").write_bytes(b"one\n")
    journal.record([writes((read_source(tmp_path / "a"), b"ONE\n", False), "fetchmail", [], None)])
    (tmp_path / "a").write_bytes(b"ONE\n")
    [run] = load_runs(tmp_path / "state")
    with pytest.raises(RestoreError, match="still going"):
        restore(run.parts[0], force=False)
    journal.close()
    restore(run.parts[0], force=False)
    assert (tmp_path / "a").read_bytes() == b"one\n"


def test_restore_reaches_each_file_as_the_run_did_never_through_a_link(tmp_path: Path) -> None:
    """A folder of the home swapped for a link after the run: restore does not write through it."""
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    (home / ".mutt").mkdir(parents=True)
    elsewhere.mkdir()
    (home / ".mutt" / "muttrc").write_bytes(b"one\n")
    journal = Journal(tmp_path / "state", "R1", "built-in", "test")
    journal.record([writes((read_source(home / ".mutt" / "muttrc", home), b"ONE\n", False), "mutt", [], home)])
    journal.close()
    (home / ".mutt" / "muttrc").rename(elsewhere / "muttrc")
    (home / ".mutt").rmdir()
    (home / ".mutt").symlink_to(elsewhere)
    (elsewhere / "muttrc").write_bytes(b"ONE\n")
    [run] = load_runs(tmp_path / "state")
    [outcome] = restore(run.parts[0], force=True)
    assert outcome.status == "failed" and "symbolic link" in outcome.reason
    assert (elsewhere / "muttrc").read_bytes() == b"ONE\n"
