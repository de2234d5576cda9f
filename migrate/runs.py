"""Recorded runs: a backup of every file ``apply`` changes, and a manifest to undo it.

A run lives in ``<state>/runs/<id>/``, in one part per unit of work (a home,
or a path given): ``<part>/manifest.json`` and ``<part>/files/NNNNN`` (the
exact bytes before), so that worker processes never share a file.  It is all
private (0700, files 0600): the backups hold the users' passwords.  Each
file's entry is saved *before* the file is replaced, so a run cut short can
still be undone.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
from pathlib import Path
from typing import Optional

from migrate.errors import RestoreError
from migrate.files import Ownership
from migrate.files import Source
from migrate.folders import is_within
from migrate.files import sha256
from migrate.files import write_atomic
from migrate.model import Change

MANIFEST = "manifest.json"


def default_state_dir() -> Path:
    configured = os.environ.get("MAILMIGRATE_STATE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(xdg) / "mailmigrate"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")  # runs a second apart sort


@dataclasses.dataclass
class Run:
    directory: Path
    manifest: dict

    @property
    def id(self) -> str:
        return self.manifest["run"]

    @property
    def started(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.manifest["started"])

    @classmethod
    def new(cls, state_dir: Path, policy_source: str, version: str, run_id: str, part: str = "1") -> Run:
        """One part of a run, in memory; its directory is made when the first file is recorded."""
        manifest = {"run": run_id, "part": part, "started": _now(), "finished": None,
                    "version": version, "policy": policy_source, "files": []}
        return cls(state_dir / "runs" / run_id / part, manifest)

    def record(self, source: Source, after: bytes, client: str, changes: list[Change], new: bool = False) -> dict:
        """Back the file up and note it as pending: ``save`` before replacing it, ``done`` after.

        A ``new`` file (one the run creates) has no backup and ``sha256_before`` ``None``: restoring removes it.
        """
        if not self.directory.exists():
            self.directory.parent.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            for private in (self.directory.parent.parent, self.directory.parent, self.directory, self.directory / "files"):
                private.mkdir(mode=0o700, exist_ok=True)
        number = len(self.manifest["files"]) + 1
        backup = f"files/{number:05d}"
        owner = Ownership.of(source.stat)
        if not new:
            write_atomic(self.directory / backup, source.data, Ownership.private())
        entry = {
            "path": str(source.path.absolute()), "client": client, "backup": None if new else backup,
            "sha256_before": None if new else source.sha256, "sha256_after": sha256(after),
            "mode": owner.mode, "uid": owner.uid, "gid": owner.gid, "state": "pending",
            "changes": [
                {"account": c.account, "field": c.field, "old": c.old, "new": c.new, "rule": c.rule}
                for c in changes
            ],
        }
        self.manifest["files"].append(entry)
        return entry

    def done(self, entry: dict) -> None:
        """Noted in memory and saved by ``finish``: an entry left "pending" by a crash is restored by its sha256."""
        entry["state"] = "written"

    def mark_restored(self) -> None:
        self.manifest.setdefault("restored", []).append(_now())
        self.save()

    def finish(self) -> None:
        if self.directory.exists():
            self.manifest["finished"] = _now()
            self.save()

    def save(self) -> None:
        # a line per file, through json's C encoder (with ``indent`` json falls back to pure Python,
        # which was a tenth of apply's time)
        head = json.dumps({key: value for key, value in self.manifest.items() if key != "files"}, sort_keys=True)
        files = ",\n  ".join(json.dumps(entry, sort_keys=True) for entry in self.manifest["files"])
        data = f'{head[:-1]}, "files": [\n  {files}\n]}}\n'.encode()
        write_atomic(self.directory / MANIFEST, data, Ownership.private())


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


def load_runs(state_dir: Path) -> list[RunGroup]:
    groups: dict[str, list[Run]] = {}
    for manifest in sorted((state_dir / "runs").glob(f"*/*/{MANIFEST}")):
        run = Run(manifest.parent, json.loads(manifest.read_text("utf-8")))
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
