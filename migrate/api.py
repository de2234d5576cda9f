"""The library's entry points, shared by the command line and the Ansible module.

They take plain values, never print and never exit: outcomes come back as values
(``runner.Outcome``) as the work is done, and a request that cannot be read as
asked raises ``UsageError``.
"""
from __future__ import annotations

import dataclasses
import datetime
import os
from pathlib import Path
from typing import Iterator
from typing import Optional

from migrate import __version__
from migrate.batch import Job
from migrate.batch import Settings
from migrate.batch import jobs_for
from migrate.batch import run_jobs
from migrate.errors import UsageError
from migrate.plugins import load_parsers
from migrate.runner import Outcome
from migrate.runner import restore
from migrate.runs import RunGroup
from migrate.runs import default_state_dir
from migrate.runs import load_runs
from migrate.runs import select_runs


@dataclasses.dataclass(frozen=True)
class Request:
    """Where to look and how: what ``scan``, ``plan`` and ``apply`` are given."""

    paths: tuple[Path, ...] = ()  #: files or folders; with neither these nor homes, the caller's own home
    homes: Optional[Path] = None  #: every folder in it is a home
    home_list: Optional[tuple[str, ...]] = None  #: the homes, one by one
    users: tuple[str, ...] = ()  #: only the homes of these users (by owner or folder name)
    policy: Optional[str] = None  #: a policy file; else the built-in one
    overrides: tuple[str, ...] = ()  #: ``section.key=value`` policy values for this run
    format: Optional[str] = None  #: read the given files as this format, whatever their names
    modified_since: Optional[str] = None  #: only setups changed since, a date as people write it
    jobs: int = os.cpu_count() or 1  #: worker processes
    state_dir: Optional[Path] = None  #: where runs are recorded; else ``runs.default_state_dir()``


@dataclasses.dataclass(frozen=True)
class Batch:
    """A scan, plan or apply ready to go: one job per home or path, done as ``outcomes`` is read."""

    jobs: list[Job]
    settings: Settings
    workers: int

    def outcomes(self) -> Iterator[list[Outcome]]:
        """Each job's outcomes, in job order; closing it stops the run cleanly (see ``batch.run_jobs``)."""
        return run_jobs(self.jobs, self.settings, self.workers)


def batch(command: str, request: Request, run_id: Optional[str] = None, diffs: Optional[str] = None) -> Batch:
    """``command`` is ``scan``, ``plan`` or ``apply`` (which records what it writes as run ``run_id``);
    ``diffs`` is what the outcomes keep of the changes (``runner.UNIFIED`` or ``runner.TEXTS``)."""
    if request.format and request.format not in load_parsers():
        raise UsageError(f"unknown format {request.format!r}; known: {', '.join(load_parsers())}")
    since = when(request.modified_since) if request.modified_since else None
    settings = Settings(command, request.policy, tuple(request.overrides), request.format, since,
                        request.state_dir or default_state_dir(), run_id, __version__, diffs)
    return Batch(jobs_for(request.paths, request.homes, request.home_list, request.users), settings, request.jobs)


def restore_runs(state_dir: Optional[Path] = None, run_id: Optional[str] = None, before: Optional[str] = None,
                 home: Optional[Path] = None, force: bool = False,
                 write: bool = True) -> tuple[list[RunGroup], list[Outcome]]:
    """Undo the run ``run_id`` (or a unique prefix), every run started since ``before``, or else the last
    run (the last that changed ``home``, if given); only the files under ``home``, if given.

    Files changed since the run need ``force``.  Without ``write``, the outcomes say what would be
    restored and nothing is written.  ``RestoreError`` when no run matches.
    """
    since = when(before) if before else None
    runs = load_runs(state_dir or default_state_dir())
    if home is not None and not run_id and since is None:  # the last run of that home, not of another
        runs = [run for run in runs if run.touches(home)]
    runs = select_runs(runs, run_id, since)
    return runs, [outcome for run in runs for part in run.parts for outcome in restore(part, force, home, write)]


def when(text: str) -> datetime.datetime:
    """A date as people write it (``yesterday 14:00``, ``3 hours ago``)."""
    from migrate.dates import parse_when  # dateutil: only for the requests given a date

    try:
        return parse_when(text)
    except ValueError as error:
        raise UsageError(str(error)) from None
