"""Files around the pure core: examine, apply and restore, one outcome per file.

Nothing here raises for a problem with one file: it becomes an ``Outcome``,
so a batch always goes on to the next file.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
from pathlib import Path
from typing import Optional
from typing import Sequence
from typing import Union

from migrate.diff import unified_diff
from migrate.engine import Plan
from migrate.engine import plan_setup
from migrate.errors import MigrateError
from migrate.errors import SkipFile
from migrate.files import Ownership
from migrate.files import Source
from migrate.files import open_folder_for
from migrate.files import read_source
from migrate.files import remove
from migrate.files import replace_in
from migrate.files import sha256
from migrate.files import write_atomic
from migrate.folders import Folder
from migrate.folders import is_within
from migrate.plugins import Parser
from migrate.policy import Policy
from migrate.posix import user_name
from migrate.runs import Journal
from migrate.runs import Run
from migrate.runs import SetupWrites

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
    """Reads a setup's files, never through a link (nor out of ``root``), and keeps what it read.

    A file asked for again (the check of the rewritten setup reads the files it did not
    rewrite) is what was read the first time, or still missing: one view of the setup.
    """

    def __init__(self, root: Optional[Path] = None) -> None:
        self.root = root
        self.sources: dict[str, Source] = {}
        self.missing: set[str] = set()

    def __call__(self, name: str) -> Optional[bytes]:
        if name in self.sources:
            return self.sources[name].data
        if name in self.missing:
            return None
        try:
            source = read_source(Path(name), self.root)
        except FileNotFoundError:
            self.missing.add(name)
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


def setup_writes(outcome: Outcome, reader: SetupReader, home: str, root: Optional[Path]) -> Optional[SetupWrites]:
    """What ``outcome`` (of ``examine``, with the ``reader`` it read through) has to write; ``None`` if nothing.

    A file the setup did not have (a parser may add one, e.g. an Outlook PRF) is
    created with the owner and mode of the setup's first file.
    """
    if outcome.status != CHANGED or outcome.plan is None:
        return None
    setup = next(iter(reader.sources.values()))
    files = tuple((reader.sources.get(file.path) or Source(Path(file.path), b"", setup.stat), file.after.to_bytes(),
                   file.path not in reader.sources) for file in outcome.plan.files if file.changed)
    return SetupWrites(outcome.path, home, root, outcome.client or "", tuple(outcome.plan.changes), files)


def write_setups(setups: Sequence[SetupWrites], journal: Journal) -> list[str]:
    """Write the ``setups``; for each, why it could not be ("" once all its files are written).

    All are recorded in the journal, with the bytes before, in one sync before the first file is
    replaced; each file is replaced atomically (never a new one over one that appeared since), and
    each folder synced once at the end: a run's cost beyond planning is mostly these syncs.
    """
    try:
        journal.record(setups)
    except MigrateError as error:
        return [str(error)] * len(setups)
    reasons = [""] * len(setups)
    folders: dict[tuple[Path, Optional[Path]], Folder] = {}  # each open once, and synced once at the end
    written: dict[tuple[Path, Optional[Path]], list[int]] = {}
    with contextlib.ExitStack() as opened:
        for number, setup in enumerate(setups):
            try:
                for source, after, new in setup.files:
                    owner, where = Ownership.of(source.stat), (source.path.parent, setup.root)
                    if where not in folders or new:
                        folders[where] = opened.enter_context(open_folder_for(source.path, owner, setup.root, new))
                    replace_in(folders[where], source.path, after, owner, None if new else source.stat, create=new)
                    written.setdefault(where, []).append(number)
            except (MigrateError, OSError) as error:
                reasons[number] = _failure(setup.path, error)
        for where, numbers in written.items():
            try:
                folders[where].sync()
            except OSError as error:
                for number in numbers:
                    reasons[number] = reasons[number] or _failure(setups[number].path, error)
    journal.homes_done(list(dict.fromkeys(setup.home for setup in setups)))
    return reasons


def _failure(path: str, error: Union[MigrateError, OSError]) -> str:
    return str(error) if isinstance(error, MigrateError) else f"{path}: {error.strerror or error}"


def restore(run: Run, force: bool, within: Optional[Path] = None, write: bool = True) -> list[Outcome]:
    """Put back the bytes each file had before ``run`` (only those under ``within``, if given);
    files changed since need ``force``.  Without ``write``, only says which files would be restored.

    Each file is reached as the run reached it: inside its home, through no link.
    """
    chosen = [index for index, entry in enumerate(run.manifest["files"])
              if within is None or is_within(Path(entry["path"]), within)]
    if not chosen:
        return []
    before = run.before(set(chosen))
    with run.held() if write else contextlib.nullcontext():
        outcomes = [_restore_file(run, run.manifest["files"][index], before[index], force, write)
                    for index in reversed(chosen)]
        if any(outcome.written for outcome in outcomes):
            run.mark_restored()
    return outcomes


def _restore_file(run: Run, entry: dict, before: Optional[bytes], force: bool, write: bool) -> Outcome:
    path, root = Path(entry["path"]), Path(entry["root"]) if entry.get("root") else None
    created = entry["sha256_before"] is None  # the run made the file: undoing it removes it
    try:
        current = read_source(path, root) if os.path.lexists(path) else None
    except MigrateError as error:
        return Outcome(str(path), FAILED, entry["client"], reason=str(error))
    current_sha = current.sha256 if current else None
    if current_sha == entry["sha256_before"]:
        return Outcome(str(path), UNCHANGED, entry["client"], reason="already as before the run")
    if current_sha != entry["sha256_after"] and not force:
        what = "removed" if current is None else "changed"
        return Outcome(str(path), FAILED, entry["client"],
                       reason=f"{path}: {what} since run {run.id}; left alone (--force puts the old bytes back)")
    if not created and (before is None or sha256(before) != entry["sha256_before"]):
        return Outcome(str(path), FAILED, entry["client"], reason=f"{path}: the record of run {run.id} is damaged")
    if not write:
        return Outcome(str(path), RESTORED, entry["client"])
    try:
        if current is not None and current_sha != entry["sha256_after"]:  # forced: keep what we overwrite
            run.keep_overwritten(path, current.data)
        if created:
            remove(path, root)
        else:
            owner = Ownership(entry["mode"], entry["uid"], entry["gid"])
            write_atomic(path, before, owner, unchanged_since=current.stat if current else None, root=root)
    except (MigrateError, OSError) as error:
        return Outcome(str(path), FAILED, entry["client"], reason=_failure(str(path), error))
    return Outcome(str(path), RESTORED, entry["client"], written=True)
