"""Recorded runs: the bytes of every file ``apply`` changes, kept before it is changed, to undo it.

A run lives in ``<state>/runs/<id>/``, with one journal per process that
writes (``<pid>.jsonl``), so that worker processes never share a file, and each
creates one file whatever the number of homes it does.  Each line is a JSON
object: the head first (``run``, ``part``, ``started``, ``version``,
``policy``), then one ``file`` line per file changed (its path, client, mode
and owner, sha256 before and after, the changes in words) with ``before``, the
exact bytes it had (base64; ``null`` for a file the run creates), a
``finished`` line when a home that changed is done, and ``restored`` or
``overwritten`` lines added by ``restore``.  The lines of the setups a process
writes together (those of a few homes) reach the disk in one go (one sync)
*before* the first of their files is replaced, so a run cut short can still be
undone; a torn last line (a run killed while writing it) is ignored, as no
file it names was replaced yet.  It is all private (folders 0700, journals
0600): the bytes before hold the users' passwords; the words never do.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import datetime
import errno
import json
import os
from pathlib import Path
from typing import Iterator
from typing import Optional
from typing import Sequence

from migrate.errors import MigrateError
from migrate.errors import RestoreError
from migrate.files import Ownership
from migrate.files import Source
from migrate.files import sha256
from migrate.files import write_all
from migrate.folders import is_within
from migrate.folders import sync_folder
from migrate.model import Change
from migrate.posix import flag
from migrate.posix import optional_module

SUFFIX = ".jsonl"  #: of a journal's name
_sync_data = getattr(os, "fdatasync", os.fsync)  # the journal's contents; its name is synced once, with its folder


def default_state_dir() -> Path:
    configured = os.environ.get("MAILMIGRATE_STATE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(xdg) / "mailmigrate"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")  # runs a second apart sort


@dataclasses.dataclass(frozen=True)
class SetupWrites:
    """A changed setup's files as bytes, to be recorded and then written: ``(source, after, new)`` each, where
    ``new`` is a file the setup did not have.  No document, no parser: only what the journal and the disk need."""

    path: str  #: the setup, as its outcome names it
    home: str  #: the home (or path given) it was found in
    root: Optional[Path]  #: the home its files must stay in, if found in a home
    client: str
    changes: tuple[Change, ...]
    files: tuple[tuple[Source, bytes, bool], ...]

    def lines(self) -> list[dict]:
        words = [{"account": c.account, "field": c.field, "old": c.old, "new": c.new, "rule": c.rule}
                 for c in self.changes]
        lines = []
        for source, after, new in self.files:
            owner = Ownership.of(source.stat)
            entry = {"path": str(source.path.absolute()), "root": str(self.root.absolute()) if self.root else None,
                     "client": self.client, "sha256_before": None if new else source.sha256,
                     "sha256_after": sha256(after), "mode": owner.mode, "uid": owner.uid, "gid": owner.gid,
                     "changes": words}
            lines.append({"file": entry, "before": None if new else base64.b64encode(source.data).decode("ascii")})
        return lines


class Journal:
    """Where one process records its share of a run (``<state>/runs/<id>/<pid>.jsonl``), line by line.

    Nothing recorded stays in memory, however many homes the process does; the
    file is made with the first record, so a process that changes nothing leaves none.
    The process holds it locked while it runs (``restore`` waits for the run to end).
    """

    def __init__(self, state_dir: Path, run_id: str, policy_source: str, version: str) -> None:
        self.path = state_dir / "runs" / run_id / f"{os.getpid()}{SUFFIX}"
        self.head = {"run": run_id, "part": str(os.getpid()), "started": _now(), "version": version,
                     "policy": policy_source}
        self._fd: Optional[int] = None
        self._head_written = False
        self._broken: Optional[str] = None

    def record(self, setups: Sequence[SetupWrites]) -> None:
        """Every file of ``setups`` on disk, with its bytes before, in one sync: ready to be replaced.

        A new file (one the run creates) has no bytes before and ``sha256_before`` ``None``: restoring removes
        it.  A setup's ``root``, the home its files are in, is where ``restore`` confines itself too.  Raises
        ``MigrateError`` when the journal cannot be written: then no file of the setups may be replaced.
        """
        if self._broken:
            raise MigrateError(self._broken)
        lines = [] if self._head_written else [self.head]
        for setup in setups:
            lines += setup.lines()
        try:
            if self._fd is None:
                self._fd = _open_journal(self.path, made=True)
            self._append(lines)
        except OSError as error:
            raise MigrateError(f"{self.path}: cannot record the run ({error.strerror or error}); the setup is "
                               "left as it was") from None
        self._head_written = True

    def homes_done(self, homes: Sequence[str]) -> None:
        """Homes (or paths given) done whole, once their files recorded are written; not synced (a crash losing
        these lines loses no means of undoing)."""
        if homes and self._fd is not None and not self._broken:
            with contextlib.suppress(OSError):
                self._append([{"finished": _now(), "home": home} for home in homes], sync=False)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _append(self, lines: list[dict], sync: bool = True) -> None:
        """The lines whole, or none of them: a failed write is cut off again, or else nothing more is written."""
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        try:
            _append(self._fd, lines, sync)
        except OSError:
            try:
                os.ftruncate(self._fd, size)
            except OSError:
                self._broken = f"{self.path}: a record was cut short and cannot be removed; nothing more is changed"
            raise


@dataclasses.dataclass
class Run:
    """One process's share of a recorded run, as its journal says: ``manifest`` holds the head's keys,
    ``files`` (the file lines, without the bytes before: read when a restore needs them), ``finished``
    (the homes done) and ``restored`` (when it was undone)."""

    journal: Path
    manifest: dict
    _fd: Optional[int] = dataclasses.field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.manifest["run"]

    @property
    def started(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.manifest["started"])

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """The journal, to add to while restoring; refused while the process that wrote it still runs."""
        self._fd = _open_journal(self.journal, made=False)
        try:
            yield
        finally:
            os.close(self._fd)
            self._fd = None

    def before(self, chosen: set[int]) -> dict[int, Optional[bytes]]:
        """The bytes the ``chosen`` files (by their place in ``files``) had before the run; ``None`` where the
        run created the file, or the record cannot be decoded (its sha256 then tells it is damaged)."""
        entries = (line for _, line in _lines(self.journal) if "file" in line)
        return {index: _decoded(line["before"]) for index, line in enumerate(entries) if index in chosen}

    def mark_restored(self) -> None:
        self.manifest.setdefault("restored", []).append(_now())
        self._add({"restored": self.manifest["restored"][-1]})

    def keep_overwritten(self, path: Path, data: bytes) -> None:
        """Bytes ``restore --force`` is about to overwrite (changed since the run), kept in the journal first."""
        self._add({"overwritten": {"path": str(path), "bytes": base64.b64encode(data).decode("ascii")}})

    def _add(self, line: dict) -> None:
        assert self._fd is not None, "a journal is added to while held"
        _append(self._fd, [line])


def _decoded(text: Optional[str]) -> Optional[bytes]:
    try:
        return None if text is None else base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _append(fd: int, lines: list[dict], sync: bool = True) -> None:
    write_all(fd, "".join(json.dumps(line, sort_keys=True) + "\n" for line in lines).encode())
    if sync:
        _sync_data(fd)


def _open_journal(journal: Path, made: bool) -> int:
    """The journal, locked, for appending: a new one (``made``) with its folder, its name synced; an
    existing one with a half-written last line cut off."""
    flags = os.O_RDWR | os.O_APPEND | flag("O_NOFOLLOW") | flag("O_BINARY")
    if made:
        created = _make_private(journal.parent)
        fd = os.open(journal, flags | os.O_CREAT | os.O_EXCL, 0o600)
        for folder in {journal.parent, journal.parent.parent, *(new.parent for new in created)}:
            sync_folder(folder)
    else:
        fd = os.open(journal, flags)
    try:
        _lock(fd, journal)
        if not made:
            _cut_torn_line(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lock(fd: int, journal: Path) -> None:
    fcntl = optional_module("fcntl")
    if fcntl is None:  # Windows: a file open for writing there cannot be opened again for it anyway
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise RestoreError(f"{journal}: its run is still going; restore it once it has finished") from None


def _cut_torn_line(fd: int, block: int = 65536) -> None:
    """A line left half written (by a run killed while writing it) removed, so that the next starts a line."""
    end = os.fstat(fd).st_size
    if end == 0 or _read_at(fd, end - 1, 1) == b"\n":
        return
    start = end
    while start > 0:
        start = max(0, start - block)
        newline = _read_at(fd, start, min(block, end - start)).rfind(b"\n")
        if newline >= 0:
            os.ftruncate(fd, start + newline + 1)
            return
    os.ftruncate(fd, 0)


def _read_at(fd: int, offset: int, size: int) -> bytes:
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def _make_private(folder: Path) -> list[Path]:
    """``folder`` and those above it that are missing, made 0700, the highest first."""
    missing = [folder, *folder.parents]
    missing = list(reversed(missing[:next(i for i, path in enumerate(missing) if path.is_dir())]))
    for private in missing:
        with contextlib.suppress(FileExistsError):  # made meanwhile by another worker
            private.mkdir(mode=0o700)
    return missing


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
                raise _damaged(journal, number)
            yield number, line


def _damaged(journal: Path, number: int) -> RestoreError:
    return RestoreError(f"{journal}:{number}:1: not a line of a run's journal; restore by hand from the lines before")


_HEAD = {"run": str, "part": str, "started": str}
_FILE = {"path": str, "client": str, "sha256_after": str, "mode": int, "uid": int, "gid": int, "changes": list}


def load_run(journal: Path) -> Optional[Run]:
    """The run's part the journal records; ``None`` for one cut short before its first line (nothing was changed)."""
    manifest: dict = {"files": [], "finished": []}
    for number, line in _lines(journal):
        try:
            if number == 1:
                _check(line, _HEAD)
                datetime.datetime.fromisoformat(line["started"])
                manifest.update(line)
            elif "file" in line:
                entry = line["file"]
                _check(entry, _FILE)
                if not isinstance(entry.get("sha256_before"), (str, type(None))) or not isinstance(
                        entry.get("root"), (str, type(None))) or not isinstance(line.get("before", 0), (str, type(None))):
                    raise ValueError
                manifest["files"].append(entry)
            elif "finished" in line:
                manifest["finished"].append(str(line["home"]))
            elif "restored" in line:
                manifest.setdefault("restored", []).append(str(line["restored"]))
        except (KeyError, TypeError, ValueError):
            raise _damaged(journal, number) from None
    return Run(journal, manifest) if "run" in manifest else None


def _check(line: dict, shape: dict[str, type]) -> None:
    if not isinstance(line, dict) or not all(isinstance(line.get(key), kind) for key, kind in shape.items()):
        raise ValueError


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
    return any((state_dir / "runs" / run_id).glob(f"*{SUFFIX}"))


def load_runs(state_dir: Path) -> list[RunGroup]:
    groups: dict[str, list[Run]] = {}
    for journal in sorted((state_dir / "runs").glob(f"*/*{SUFFIX}")):
        run = load_run(journal)
        if run is not None:
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
