"""Recorded runs: the bytes of every file ``apply`` changes, kept before it is changed, to undo it.

A run lives in ``<state>/runs/<id>/``, with one journal per process that
writes (``<pid>.jsonl``), so that worker processes never share a file, and each
creates one file whatever the number of homes it does.  Each line is a JSON
object: the head first (``run``, ``part``, ``started``, ``version``,
``policy``), then one ``file`` line per file changed (its path, client, mode
and owner, sha256 before and after, the changes in words) with ``before``, the
exact bytes it had (base64; ``null`` for a file the run creates), a
``finished`` line when a home that changed is done, and ``restored`` or
``overwritten`` lines added by ``restore``.  The lines of one setup reach the
disk in one go (one sync) *before* the first of its files is replaced, so a
run cut short can still be undone; a torn last line (a run killed while
writing it) is ignored, as no file it names was replaced yet.  It is all
private (folders 0700, journals 0600): the bytes before hold the users'
passwords; the words never do.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import os
from pathlib import Path
from typing import Iterator
from typing import Optional

from migrate.errors import RestoreError
from migrate.files import Ownership
from migrate.files import Source
from migrate.files import sha256
from migrate.folders import is_within
from migrate.model import Change
from migrate.posix import flag

JOURNAL = ".jsonl"
_sync_data = getattr(os, "fdatasync", os.fsync)  # the journal's contents; its name is synced once, with its folder


def default_state_dir() -> Path:
    configured = os.environ.get("MAILMIGRATE_STATE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(xdg) / "mailmigrate"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")  # runs a second apart sort


class Journal:
    """Where one process records its share of a run (``<state>/runs/<id>/<pid>.jsonl``), line by line.

    Nothing recorded stays in memory, however many homes the process does; the
    file is made with the first record, so a process that changes nothing leaves none.
    """

    def __init__(self, state_dir: Path, run_id: str, policy_source: str, version: str) -> None:
        self.path = state_dir / "runs" / run_id / f"{os.getpid()}{JOURNAL}"
        self.head = {"run": run_id, "part": str(os.getpid()), "started": _now(), "version": version,
                     "policy": policy_source}
        self._fd: Optional[int] = None
        self._home_recorded = False

    def record(self, files: list[tuple[Source, bytes, bool]], client: str, changes: list[Change]) -> None:
        """Each ``(source, after, new)`` file of a setup on disk, with its bytes before, ready to be replaced.

        A ``new`` file (one the run creates) has no bytes before and ``sha256_before`` ``None``: restoring removes it.
        """
        words = [{"account": c.account, "field": c.field, "old": c.old, "new": c.new, "rule": c.rule} for c in changes]
        lines = []
        for source, after, new in files:
            owner = Ownership.of(source.stat)
            entry = {"path": str(source.path.absolute()), "client": client,
                     "sha256_before": None if new else source.sha256, "sha256_after": sha256(after),
                     "mode": owner.mode, "uid": owner.uid, "gid": owner.gid, "changes": words}
            lines.append({"file": entry, "before": None if new else base64.b64encode(source.data).decode("ascii")})
        if self._fd is None:
            self._fd = _open_journal(self.path)
            lines.insert(0, self.head)
        _append(self._fd, lines)
        self._home_recorded = True

    def home_done(self, home: str) -> None:
        """A home (or path given) done whole, if it changed anything; not synced (a crash losing this line
        loses no means of undoing)."""
        if self._home_recorded:
            _append(self._fd, [{"finished": _now(), "home": home}], sync=False)
            self._home_recorded = False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@dataclasses.dataclass
class Run:
    """One process's share of a recorded run, as its journal says (the bytes before read only when needed)."""

    journal: Path
    manifest: dict  #: the head's keys, ``files`` (the entries), ``finished`` (the homes done), ``restored``

    @property
    def id(self) -> str:
        return self.manifest["run"]

    @property
    def started(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.manifest["started"])

    def before(self, chosen: set[int]) -> dict[int, Optional[bytes]]:
        """The bytes the ``chosen`` files (by their place in ``manifest["files"]``) had before the run
        (``None``: created by it), read from the journal when a restore needs them."""
        entries = (line for _, line in _lines(self.journal) if "file" in line)
        return {index: None if line["before"] is None else base64.b64decode(line["before"])
                for index, line in enumerate(entries) if index in chosen}

    def mark_restored(self) -> None:
        self.manifest.setdefault("restored", []).append(_now())
        self._add({"restored": self.manifest["restored"][-1]})

    def keep_overwritten(self, path: Path, data: bytes) -> None:
        """Bytes ``restore --force`` is about to overwrite (changed since the run), kept in the journal first."""
        self._add({"overwritten": {"path": str(path), "bytes": base64.b64encode(data).decode("ascii")}})

    def _add(self, line: dict) -> None:
        fd = _open_journal(self.journal)
        try:
            _append(fd, [line])
        finally:
            os.close(fd)


def _append(fd: int, lines: list[dict], sync: bool = True) -> None:
    data = "".join(json.dumps(line, sort_keys=True) + "\n" for line in lines).encode()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    if sync:
        _sync_data(fd)


def _open_journal(journal: Path) -> int:
    """The journal, for appending; a new one is made (and its folder, the run's, if need be) with its name synced."""
    flags = os.O_RDWR | os.O_APPEND | flag("O_NOFOLLOW") | flag("O_BINARY")
    try:
        fd = os.open(journal, flags)
    except FileNotFoundError:
        pass
    else:
        _cut_torn_line(fd)
        return fd
    made = _make_private(journal.parent)
    fd = os.open(journal, flags | os.O_CREAT | os.O_EXCL, 0o600)
    for folder in [journal.parent, *([journal.parent.parent] if made else [])]:
        _sync_folder(folder)
    return fd


def _cut_torn_line(fd: int) -> None:
    """A line left half written (by a run killed while writing it) removed, so that the next starts a line."""
    size = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    with open(fd, "rb", closefd=False) as handle:
        data = handle.read(size)
    if not data.endswith(b"\n"):
        os.ftruncate(fd, data.rfind(b"\n") + 1)


def _make_private(folder: Path) -> bool:
    """``folder`` and those above it made, each 0700; whether ``folder`` itself was new."""
    if folder.is_dir():
        return False
    folder.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for private in (folder.parent, folder):
        private.mkdir(mode=0o700, exist_ok=True)
    return True


def _sync_folder(folder: Path) -> None:
    """The folder's entries on disk, where a folder can be opened (Windows cannot; NTFS journals them)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lines(journal: Path) -> Iterator[tuple[int, dict]]:
    """Each line of the journal, numbered; a torn last one (no newline) is left out, any other bad one refused."""
    with open(journal, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.endswith(b"\n"):
                return
            try:
                line = json.loads(raw)
            except ValueError:
                line = None
            if not isinstance(line, dict):
                raise RestoreError(f"{journal}:{number}:1: not a line of a run's journal; restore by hand from the lines before")
            yield number, line


def load_run(journal: Path) -> Run:
    manifest: dict = {"files": [], "finished": []}
    for number, line in _lines(journal):
        if number == 1:
            manifest.update(line)
        elif "file" in line:
            manifest["files"].append(line["file"])
        elif "finished" in line:
            manifest["finished"].append(line["home"])
        elif "restored" in line:
            manifest.setdefault("restored", []).append(line["restored"])
    if "run" not in manifest:
        raise RestoreError(f"{journal}:1:1: not the head of a run's journal")
    return Run(journal, manifest)


def new_run_id() -> str:
    return f"{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%SZ}-{os.urandom(2).hex()}"


@dataclasses.dataclass
class RunGroup:
    """Every part of one run."""

    id: str
    parts: list[Run]

    @property
    def started(self) -> datetime.datetime:
        return min(part.started for part in self.parts)

    @property
    def files(self) -> int:
        return sum(len(part.manifest["files"]) for part in self.parts)

    def touches(self, folder: Path) -> bool:
        """Whether the run changed a file under ``folder``."""
        return any(is_within(Path(entry["path"]), folder) for part in self.parts for entry in part.manifest["files"])


def run_recorded(state_dir: Path, run_id: str) -> bool:
    """Whether the run recorded a file (a journal is made with the first)."""
    return any((state_dir / "runs" / run_id).glob(f"*{JOURNAL}"))


def load_runs(state_dir: Path) -> list[RunGroup]:
    groups: dict[str, list[Run]] = {}
    for journal in sorted((state_dir / "runs").glob(f"*/*{JOURNAL}")):
        run = load_run(journal)
        groups.setdefault(run.id, []).append(run)
    return sorted((RunGroup(run_id, parts) for run_id, parts in groups.items()), key=lambda group: group.started)
def select_runs(runs: list[RunGroup], run_id: Optional[str], since: Optional[datetime.datetime]) -> list[RunGroup]:
    """The runs to undo, newest first: one by id (or unique prefix), all since a date, or the last."""
    if run_id:
        chosen = [run for run in runs if run.id.startswith(run_id)]
        if len(chosen) != 1:
            raise RestoreError(f"{'no run' if not chosen else 'several runs'} match {run_id!r}")
    elif since is not None:
        chosen = [run for run in runs if run.started >= since]
        if not chosen:
            raise RestoreError(f"no run started on or after {since.isoformat(timespec='seconds')}")
    else:
        chosen = runs[-1:]
        if not chosen:
            raise RestoreError("no recorded run to restore")
    return sorted(chosen, key=lambda run: run.started, reverse=True)
