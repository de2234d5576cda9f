"""Files around the pure core: examine, apply and restore, one outcome per file.

Nothing here raises for a problem with one file: it becomes an ``Outcome``,
so a batch always goes on to the next file.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Optional

from migrate.diff import unified_diff
from migrate.engine import FilePlan
from migrate.engine import Plan
from migrate.engine import plan_setup
from migrate.errors import MigrateError
from migrate.errors import SkipFile
from migrate.files import Ownership
from migrate.files import Source
from migrate.files import read_source
from migrate.files import sha256
from migrate.files import write_atomic
from migrate.folders import is_within
from migrate.plugins import Parser
from migrate.policy import Policy
from migrate.posix import user_name
from migrate.runs import Run

CHANGED, UNCHANGED, SKIPPED, FAILED = "changed", "unchanged", "skipped", "failed"
RESTORED = "restored"
#: How a light outcome keeps what changed: as one unified diff, or as each changed file's text before and
#: after (the form Ansible diffs itself); both with passwords masked.
UNIFIED, TEXTS = "unified", "texts"


@dataclasses.dataclass(frozen=True)
class Outcome:
    path: str
    status: str  #: ``changed``, ``unchanged``, ``skipped``, ``failed`` or ``restored``
    client: Optional[str] = None
    plan: Optional[Plan] = None
    reason: str = ""  #: why it was skipped or failed, one line with file:line:col where known
    written: bool = False
    diff: str = ""  #: the unified diff of the setup's files, passwords masked
    home: str = ""  #: the home (or path given) it was found in
    live: bool = False  #: skipped because its client is running
    texts: tuple[tuple[str, str, str], ...] = ()  #: each changed file as (path, before, after), passwords masked

    def light(self, diffs: Optional[str] = UNIFIED) -> Outcome:
        """The outcome without the documents, what changed kept in the form asked for (``UNIFIED``,
        ``TEXTS`` or ``None``): small enough to hand back from a worker by the thousand."""
        if self.plan is None:
            return self
        files = self.plan.files
        diff = "".join(unified_diff(f.before, f.after, f.path) for f in files) if diffs == UNIFIED else ""
        texts = tuple((f.path, f.before.render_redacted(), f.after.render_redacted())
                      for f in files if diffs == TEXTS and f.changed)
        return dataclasses.replace(self, plan=dataclasses.replace(self.plan, files=()), diff=diff, texts=texts)


class SetupReader:
    """Reads a setup's files, never through a link (nor out of ``root``), and keeps what it read."""

    def __init__(self, root: Optional[Path] = None) -> None:
        self.root = root
        self.sources: dict[str, Source] = {}

    def __call__(self, name: str) -> Optional[bytes]:
        try:
            source = read_source(Path(name), self.root)
        except FileNotFoundError:
            return None
        self.sources[name] = source
        return source.data


def examine(path: Path, parser: Parser, policy: Policy, root: Optional[Path] = None) -> tuple[Outcome, SetupReader]:
    shown, reader = str(path), SetupReader(root)
    try:
        live = parser.live(path)
        if live:
            return Outcome(shown, SKIPPED, parser.client, reason=f"{shown}: {live}", live=True), reader
        plan = plan_setup(reader, parser, policy, shown, user_name(os.lstat(path).st_uid))
    except SkipFile as skip:
        return Outcome(shown, SKIPPED, parser.client, reason=str(skip)), reader
    except MigrateError as error:
        return Outcome(shown, FAILED, parser.client, reason=str(error)), reader
    return Outcome(shown, CHANGED if plan.changed else UNCHANGED, parser.client, plan), reader


def apply(path: Path, parser: Parser, policy: Policy, run: Run, root: Optional[Path] = None) -> Outcome:
    """Write every changed file of the setup, each backed up first and replaced atomically."""
    outcome, reader = examine(path, parser, policy, root)
    if outcome.status != CHANGED or outcome.plan is None:
        return outcome
    try:
        _write(reader, [file for file in outcome.plan.files if file.changed], parser.client, outcome.plan, run, root)
    except (MigrateError, OSError) as error:
        reason = str(error) if isinstance(error, MigrateError) else f"{path}: {error.strerror or error}"
        return dataclasses.replace(outcome, status=FAILED, reason=reason)
    return dataclasses.replace(outcome, written=True)


def _write(reader: SetupReader, files: list[FilePlan], client: str, plan: Plan, run: Run, root: Optional[Path]) -> None:
    """Every file backed up and the manifest saved (once) before the first is replaced.

    A file the setup did not have (a parser may add one, e.g. an Outlook PRF) is
    created with the owner and mode of the setup's first file, never over one that appeared since.
    """
    setup = next(iter(reader.sources.values()))
    written = [(reader.sources.get(file.path) or Source(Path(file.path), b"", setup.stat), file.after.to_bytes(),
                file.path not in reader.sources) for file in files]
    entries = [run.record(source, after, client, plan.changes, new) for source, after, new in written]
    run.save()
    for (source, after, new), entry in zip(written, entries):
        write_atomic(source.path, after, Ownership.of(source.stat), unchanged_since=None if new else source.stat,
                     root=root, create=new)
        run.done(entry)


def restore(run: Run, force: bool, within: Optional[Path] = None, write: bool = True) -> list[Outcome]:
    """Put back the bytes each file had before ``run`` (only those under ``within``, if given);
    files changed since need ``force``.  Without ``write``, only says which files would be restored."""
    entries = [e for e in reversed(run.manifest["files"]) if within is None or is_within(Path(e["path"]), within)]
    outcomes = [_restore_file(run, entry, force, write) for entry in entries]
    if any(outcome.written for outcome in outcomes):
        run.mark_restored()
    return outcomes


def _restore_file(run: Run, entry: dict, force: bool, write: bool) -> Outcome:
    path = Path(entry["path"])
    try:
        current = read_source(path) if os.path.lexists(path) else None
    except MigrateError as error:
        return Outcome(str(path), FAILED, entry["client"], reason=str(error))
    current_sha = current.sha256 if current else None
    if current_sha == entry["sha256_before"]:
        return Outcome(str(path), UNCHANGED, entry["client"], reason="already as before the run")
    if current_sha != entry["sha256_after"] and not force:
        what = "removed" if current is None else "changed"
        return Outcome(str(path), FAILED, entry["client"],
                       reason=f"{path}: {what} since run {run.id}; left alone (--force puts the old bytes back)")
    if entry["sha256_before"] is None:  # the run created the file: undoing it removes it
        return _remove_created(run, entry, path, current, force) if write else Outcome(str(path), RESTORED, entry["client"])
    backup = (run.directory / entry["backup"]).read_bytes()
    if sha256(backup) != entry["sha256_before"]:
        return Outcome(str(path), FAILED, entry["client"], reason=f"{path}: the backup of run {run.id} is damaged")
    if not write:
        return Outcome(str(path), RESTORED, entry["client"])
    owner = Ownership(entry["mode"], entry["uid"], entry["gid"])
    try:
        if current is not None and current_sha != entry["sha256_after"]:  # forced: keep what we overwrite
            write_atomic(run.directory / f"{entry['backup']}.overwritten", current.data, Ownership.private())
        write_atomic(path, backup, owner, unchanged_since=current.stat if current else None)
    except (MigrateError, OSError) as error:
        return Outcome(str(path), FAILED, entry["client"], reason=str(error))
    return Outcome(str(path), RESTORED, entry["client"], written=True)


def _remove_created(run: Run, entry: dict, path: Path, current: Source, force: bool) -> Outcome:
    try:
        if force and current.sha256 != entry["sha256_after"]:  # forced: keep what we remove
            write_atomic(run.directory / f"created-{Path(entry['path']).name}.overwritten", current.data,
                         Ownership.private())
        os.unlink(path)
    except (MigrateError, OSError) as error:
        return Outcome(str(path), FAILED, entry["client"], reason=str(error))
    return Outcome(str(path), RESTORED, entry["client"], written=True)
