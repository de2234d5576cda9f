"""Many setups in one run: each home (or path given) is one job, done in a worker process.

Results come back in the order the jobs were given, whatever the scheduling,
and without their documents (``Outcome.light``), so a run over thousands of
homes holds only what it reports.  In a home given with ``--homes``, nothing
outside that home is read or written, and no link is followed.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime
import gc
import itertools
import os
from pathlib import Path
from typing import Iterable
from typing import Iterator
from typing import Optional
from typing import Sequence
from typing import Union

from migrate.discover import Found
from migrate.discover import discover
from migrate.errors import SkipFile
from migrate.errors import UsageError
from migrate.errors import WorkerLost
from migrate.folders import is_within
from migrate.lock import home_lock
from migrate.plugins import load_parsers
from migrate.policy import load_policy
from migrate.posix import user_name
from migrate.runner import FAILED
from migrate.runner import SKIPPED
from migrate.runner import Outcome
from migrate.runner import examine
from migrate.runner import setup_writes
from migrate.runner import write_setups
from migrate.runs import Journal
from migrate.runs import SetupWrites


@dataclasses.dataclass(frozen=True, slots=True)
class Job:
    """One home or path to do; a run holds one per home, so it is kept small (the path as text)."""

    number: int
    where: str
    home: bool  #: a home directory: everything it holds must stay inside it

    @property
    def path(self) -> Path:
        return Path(self.where)


@dataclasses.dataclass(frozen=True)
class Settings:
    """What every worker needs, picklable: the policy is rebuilt from it once per process."""

    command: str  #: ``scan``, ``plan`` or ``apply``
    policy_path: Optional[str]
    overrides: tuple[str, ...]
    parser_name: Optional[str]  #: ``--format``
    since: Optional[datetime.datetime]  #: ``--modified-since``
    state_dir: Optional[Path]
    run_id: Optional[str]
    version: str
    diffs: Optional[str] = None  #: what the outcomes keep of the changes (``runner.UNIFIED``, ``runner.TEXTS``)


def homes_in(folder: Path) -> list[str]:
    """Every subdirectory is a home; a link is never one.  Paths as text: a run may list a great many."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entry.path for entry in entries if entry.is_dir(follow_symlinks=False))
    except OSError as error:
        raise UsageError(f"{folder}: cannot list the homes in it: {error.strerror}") from None


def homes_listed(listing: Path) -> list[str]:
    """The homes of a list, one path a line; blank lines and ``#`` comments skipped."""
    try:
        data = listing.read_bytes()
        lines = data.decode("utf-8").splitlines()
    except OSError as error:
        raise UsageError(f"{listing}: cannot read the list of homes: {error.strerror}") from None
    except UnicodeDecodeError as error:
        line, col = data.count(b"\n", 0, error.start) + 1, error.start - data.rfind(b"\n", 0, error.start)
        raise UsageError(f"{listing}:{line}:{col}: not UTF-8 text") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def jobs_for(paths: Sequence[Path], homes: Optional[Path] = None, home_list: Optional[Sequence[str]] = None,
             users: Sequence[str] = ()) -> list[Job]:
    """One job per home (each folder in ``homes``, or each of ``home_list``; kept if of ``users``) or per path;
    with none of them, the home of whoever runs it."""
    if homes is not None or home_list is not None:
        found = homes_in(homes) if homes is not None else home_list
        return [Job(n, home, True) for n, home in enumerate(h for h in found if keep_home(h, users))]
    if paths:
        return [Job(n, str(path), False) for n, path in enumerate(paths)]
    return [Job(0, str(Path.home()), True)]


def owner_of(path: Union[str, Path]) -> str:
    try:
        return user_name(os.lstat(path).st_uid) or ""
    except OSError:
        return ""


def keep_home(home: str, users: Iterable[str]) -> bool:
    wanted = set(users)
    return not wanted or os.path.basename(home) in wanted or owner_of(home) in wanted


_WORKER: dict = {}


def _start(settings: Settings) -> None:
    # A big file is read into hundreds of thousands of small objects that live as long as its setup; at
    # Python's default thresholds the collector goes over them again and again.  Fewer young collections
    # (not so few that a worker holds much garbage: its memory stays as with the defaults), and what is
    # loaded by now never looked at again (``freeze``); reference counting frees all but cycles anyway.
    gc.set_threshold(10_000, 10, 10)
    gc.freeze()
    _WORKER.clear()
    policy = load_policy(settings.policy_path, settings.overrides)
    journal = (Journal(settings.state_dir, settings.run_id, policy.source, settings.version)
               if settings.command == "apply" and settings.state_dir and settings.run_id else None)
    _WORKER.update(settings=settings, policy=policy, parsers=load_parsers(), journal=journal)


def _work_chunk(chunk: Sequence[Job]) -> list[list[Outcome]]:
    if _WORKER["settings"].command != "apply":
        return [[outcome for outcome, _ in _setups(job)] for job in chunk]
    return _apply(chunk)


def _apply(chunk: Sequence[Job]) -> list[list[Outcome]]:
    """The homes of ``chunk`` planned one by one, each held (``home_lock``) from its reading to its writing,
    then written together (``runner.write_setups``: one sync of the journal for them all).  Without a
    journal (no run to record them in), nothing is written.

    A home that might share a file or a lock with one held (a path given twice, a home inside another)
    has those written and let go first.
    """
    journal: Optional[Journal] = _WORKER["journal"]
    done: list[list[Outcome]] = []
    held: list[Path] = []  # the folders locked
    writes: list[tuple[list[Outcome], int, SetupWrites]] = []  # where each setup's outcome is, and its writes
    locks = contextlib.ExitStack()
    try:
        for job in chunk:
            folder = _lock_folder(job)
            if not all(_apart(folder, other) for other in held):
                _write(writes, journal)
                locks.close()
                locks, held = contextlib.ExitStack(), []
            try:
                locks.enter_context(home_lock(folder))
            except SkipFile as busy:
                done.append([Outcome(job.where, SKIPPED, reason=str(busy), home=job.where)])
                continue
            outcomes: list[Outcome] = []
            for outcome, setup in _setups(job, planned_writes=journal is not None):
                if setup is not None:
                    writes.append((outcomes, len(outcomes), setup))
                outcomes.append(outcome)
            done.append(outcomes)
            held.append(folder)
        _write(writes, journal)
    finally:
        locks.close()
    return done


def _lock_folder(job: Job) -> Path:
    """What ``apply`` holds while it works on ``job``: the home, or the folder of a file given."""
    return job.path if job.path.is_dir() and not job.path.is_symlink() else job.path.parent


def _apart(folder: Path, other: Path) -> bool:
    """Neither folder holds the other, nor are they one."""
    return not is_within(folder, other) and not is_within(other, folder)


def _all_apart(jobs: list[Job]) -> bool:
    """No two jobs lock one folder, or one inside the other's: workers can do them side by side."""
    previous: Optional[tuple[str, ...]] = None
    for parts in sorted(_lock_folder(job).absolute().parts for job in jobs):
        if previous is not None and parts[: len(previous)] == previous:  # those within a folder come right after it
            return False
        previous = parts
    return True


def _write(writes: list[tuple[list[Outcome], int, SetupWrites]], journal: Optional[Journal]) -> None:
    """The setups' writes done, and each one's outcome set to say so."""
    reasons = write_setups([setup for _, _, setup in writes], journal) if writes and journal else []
    for (outcomes, number, _), reason in zip(writes, reasons):
        done = outcomes[number]
        outcomes[number] = (dataclasses.replace(done, status=FAILED, reason=reason) if reason
                            else dataclasses.replace(done, written=True))
    writes.clear()


def _setups(job: Job, planned_writes: bool = False) -> Iterator[tuple[Outcome, Optional[SetupWrites]]]:
    """Each setup's outcome in ``job`` (without its documents), and with ``planned_writes`` what it has to write."""
    settings: Settings = _WORKER["settings"]
    policy, parsers = _WORKER["policy"], _WORKER["parsers"]
    forced = parsers.get(settings.parser_name) if settings.parser_name else None
    root = job.path if job.home else None
    for item in discover([job.path], parsers, forced, within=root):
        if not isinstance(item, Found):
            yield Outcome(str(item.path), SKIPPED, reason=item.reason, home=job.where), None
            continue
        if settings.since is not None and not _modified_since(item.path, settings.since):
            continue
        outcome, reader = examine(item.path, item.parser, policy, root)
        writes = setup_writes(outcome, reader, job.where, root) if planned_writes else None
        yield dataclasses.replace(outcome.light(settings.diffs), home=job.where), writes


def _modified_since(path: Path, since: datetime.datetime) -> bool:
    """A file, or a folder setup (a profile) by its newest file."""
    try:
        times = [os.lstat(path).st_mtime]
        if path.is_dir() and not path.is_symlink():
            times += [entry.stat(follow_symlinks=False).st_mtime for entry in os.scandir(path) if entry.is_file()]
    except OSError:
        return True
    return max(times) >= since.timestamp()


def run_jobs(jobs: list[Job], settings: Settings, workers: int) -> Iterator[list[Outcome]]:
    """Each job's outcomes, in job order.

    However the run stops (done, Ctrl-C, the reader gone, an error), no other job is started and those
    in hand are finished, so each home is done whole and recorded; a second Ctrl-C stops the workers
    at once, each within the file in hand.  Killed, the main process takes its workers with it; a
    worker killed stops the run (``WorkerLost``).
    """
    if settings.command == "apply" and workers > 1 and not _all_apart(jobs):
        workers = 1  # two paths in one folder, a home listed twice: one worker, which does them in turn
    if workers <= 1 or len(jobs) <= 1:
        _start(settings)
        try:
            for chunk in _chunks(jobs, chunk_size(len(jobs), 1)):
                yield from _work_chunk(chunk)
        finally:
            if _WORKER["journal"] is not None:
                _WORKER["journal"].close()
        return
    # multiprocessing: only for a run that uses it
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from migrate.workers import ctrl_c_held
    from migrate.workers import ctrl_c_stops_workers
    from migrate.workers import stoppable

    # Jobs go to the workers a few homes at a time (each hand-over costs the main process, which shares
    # the cores with the workers), and some in flight per worker, not all: memory stays flat however
    # many homes there are, and a slow home holds back the in-order output without leaving the other
    # workers idle.
    size = chunk_size(len(jobs), workers)
    waiting = _chunks(jobs, size)
    window = max(2 * workers, workers * 32 // size)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(settings, os.getpid()))
    try:
        with ctrl_c_held():  # the first chunk starts the workers
            running = collections.deque([pool.submit(stoppable, _work_chunk, next(waiting))])
        running.extend(pool.submit(stoppable, _work_chunk, chunk) for chunk in itertools.islice(waiting, window - 1))
        while running:
            done = running.popleft().result()
            following = next(waiting, None)
            if following is not None:
                running.append(pool.submit(stoppable, _work_chunk, following))
            yield from done
    except BrokenProcessPool:  # the pool stops the other workers
        raise WorkerLost("a worker process ended abruptly (killed, out of memory?)") from None
    finally:
        with ctrl_c_stops_workers():
            pool.shutdown(cancel_futures=True)


def _chunks(jobs: list[Job], size: int) -> Iterator[tuple[Job, ...]]:
    remaining = iter(jobs)
    return iter(lambda: tuple(itertools.islice(remaining, size)), ())


def chunk_size(jobs: int, workers: int) -> int:
    """Homes per hand-over: up to 8, and enough hand-overs that every worker gets several."""
    return max(1, min(8, jobs // (workers * 8)))


def _start_worker(settings: Settings, main: int) -> None:
    from migrate.workers import start_worker

    start_worker(main)
    _start(settings)
