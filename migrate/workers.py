"""Worker processes that never outlive their run, and never stop half-way through writing a file.

A worker leaves when the main process dies, however it dies (SIGKILL, the OOM
killer): on Linux the kernel sends it SIGTERM (``PR_SET_PDEATHSIG``);
elsewhere, or when the main process is not its parent, a thread waits on
multiprocessing's sentinel of the parent (a pipe's end, or on Windows the
process handle) and sends SIGTERM to the worker's main thread.  SIGTERM stops
a worker cleanly: between jobs it exits at once; in a job it raises
``Stopped``, which unwinds the job (a temporary file beside a user's file is
removed, a file is either replaced or not) before the process exits.  Ctrl-C
reaches every process of the terminal's group: workers ignore it, and the main
process decides.  (Windows cannot send SIGTERM to another process: there the
main process ends its workers outright.)
"""
from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from typing import Callable
from typing import Iterator
from typing import TypeVar

PR_SET_PDEATHSIG = 1  #: from <linux/prctl.h>
STOPPED = 128 + signal.SIGTERM  #: a stopped worker's exit status, as a shell reports one killed by SIGTERM

T = TypeVar("T")
R = TypeVar("R")


class Stopped(BaseException):
    """The worker was told to stop in the middle of a job (not an ``Exception``: nothing may handle it)."""


_in_job = False
_stopping = False


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Ctrl-C held back from the processes started in the block (they inherit this thread's signal mask)
    until they unblock it: a worker being started cannot yet ignore it, and would print a traceback."""
    _hold_ctrl_c(True)
    try:
        yield
    finally:
        _hold_ctrl_c(False)


def start_worker(main: int) -> None:
    """In a new worker process of the main process ``main``: stop with it, and on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _hold_ctrl_c(False)
    signal.signal(signal.SIGTERM, _stop)
    # Checked after setting it: a parent that died just before would send nothing.
    if not (_parent_death_signal(signal.SIGTERM) and os.getppid() == main):
        threading.Thread(target=_watch_parent, name="parent-watch", daemon=True).start()


def stoppable(work: Callable[[T], R], argument: T) -> R:
    """``work(argument)`` in a worker; stopped part-way, the process ends once the job has unwound."""
    global _in_job
    try:  # a signal anywhere, even as the job ends, lands in one of the two paths that exit
        _in_job = True
        try:
            result = work(argument)
        finally:
            _in_job = False
    except Stopped:
        os._exit(STOPPED)
    return result


@contextlib.contextmanager
def ctrl_c_stops_workers() -> Iterator[None]:
    """In the main process, while the workers finish the jobs in hand: Ctrl-C stops them at once, each
    within the file in hand, and is raised once the block is done.  Not raised during the wait: a
    thread's join cut short by it can return early, and the pool's thread then races Python's exit."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background: Ctrl-C is not for us
        yield
        return
    pressed = False

    def stop(signum: int, frame: object) -> None:
        nonlocal pressed
        pressed = True
        for worker in multiprocessing.active_children():  # the only child processes the main one starts
            worker.terminate()

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


def _stop(signum: int, frame: object) -> None:
    global _stopping
    if not _in_job:
        os._exit(STOPPED)
    if not _stopping:  # a second signal must not cut short the unwinding of the first
        _stopping = True
        raise Stopped


def _hold_ctrl_c(held: bool) -> None:
    if hasattr(signal, "pthread_sigmask"):  # not on Windows, where a new process has no mask to inherit
        signal.pthread_sigmask(signal.SIG_BLOCK if held else signal.SIG_UNBLOCK, {signal.SIGINT})


def _parent_death_signal(signum: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only where it is used: a worker, on Linux

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signum), ctypes.c_ulong(0), ctypes.c_ulong(0),
                          ctypes.c_ulong(0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent() -> None:
    """The parent's sentinel is ready once it has died, whichever way."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing: nothing to watch
        return
    multiprocessing.connection.wait([parent.sentinel])
    if hasattr(signal, "pthread_kill"):  # to the main thread itself, which it wakes from any wait for a job
        signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
    elif _in_job:  # Windows: the main thread is at work, and handles the signal at its next step
        signal.raise_signal(signal.SIGTERM)
    else:  # Windows, waiting for a job (which no signal would interrupt)
        os._exit(STOPPED)
