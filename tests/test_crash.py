"""Interrupted and concurrent runs: apply killed with SIGKILL anywhere (the whole run, or only its main
process, as the OOM killer does), stopped by Ctrl-C, and two applies on one home."""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Sequence

import pytest

from migrate.cli import main
from migrate.exitcodes import EXIT_FAILED
from migrate.exitcodes import EXIT_INTERRUPTED
from migrate.lock import home_lock
from migrate.runs import load_runs
from migrate.workers import ctrl_c_held
from tests.perf.homes import PREFS
from tests.perf.homes import make_homes

ROOT = Path(__file__).resolve().parent.parent
KILL_POINTS = int(os.environ.get("MAILMIGRATE_KILL_POINTS", "10"))
TEMP = ".mailmigrate-tmp"
HOMES = 200
#: ``python -m migrate`` with workers that cannot ask the kernel for a signal at their parent's death
WITHOUT_DEATH_SIGNAL = ("-c", "import migrate.workers as w; w._parent_death_signal = lambda signum: False;"
                              " from migrate.cli import main; raise SystemExit(main())")


def contents(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and not p.is_symlink() and not p.name.endswith(TEMP)}


def apply(homes: Path, state: Path, marker: str = "", python: Sequence[str] = ("-m", "migrate"),
          stderr: Path = Path(os.devnull), stdout: int = subprocess.DEVNULL) -> subprocess.Popen:
    """``apply --jobs 2`` in a process group of its own, as a terminal starts it (Ctrl-C not ignored, even
    under a shell running the tests in the background); ``marker`` is in the environment of all its processes."""
    env = {**os.environ, "MAILMIGRATE_STATE_DIR": str(state), "PYTHONPATH": str(ROOT), "MAILMIGRATE_TEST_RUN": marker}
    with open(stderr, "wb") as err:
        return subprocess.Popen([sys.executable, *python, "apply", "--homes", str(homes), "--jobs", "2", "--json"],
                                stdout=stdout, stderr=err, env=env, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def processes_of(marker: str) -> list[int]:
    """The live processes with ``marker`` in their environment (a zombie shows none: it has ended)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            if f"MAILMIGRATE_TEST_RUN={marker}\0".encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found.append(int(pid))
    return found


def left_behind(marker: str, seconds: float = 5.0) -> list[int]:
    """The processes of the run still there after ``seconds``; ended then, not to burden the other tests."""
    deadline = time.monotonic() + seconds
    while processes_of(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = processes_of(marker)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def homes_recorded(state: Path) -> int:
    """The homes the run's journals say were done (each changed something)."""
    return sum(line.count(b'"finished"') for line in (p.read_bytes() for p in state.glob("runs/*/*.jsonl")))


def wait_for_homes_recorded(running: subprocess.Popen, state: Path, count: int) -> None:
    while homes_recorded(state) < count:
        assert running.poll() is None, "the run ended before it could be stopped part-way"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """Homes, and every file's bytes before and after a whole run.

    Without Evolution: a source registry running anywhere as the same user (the oracle tests start one)
    makes apply leave Evolution setups alone, so a reference run could differ from a later one.
    """
    root = tmp_path_factory.mktemp("generated")
    make_homes(root / "homes", HOMES, broken_every=20)
    for evolution in (root / "homes").glob("*/.config"):
        shutil.rmtree(evolution)
    shutil.copytree(root / "homes", root / "done", symlinks=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAILMIGRATE_STATE_DIR", str(root / "state"))
        assert main(["apply", "--homes", str(root / "done"), "--jobs", "2", "--json"]) == 3  # the broken files fail
    return root / "homes", contents(root / "homes"), contents(root / "done")


def copy_of(generated: tuple[Path, dict, dict], tmp_path: Path) -> tuple[Path, Path, str]:
    """A copy of the homes, a state folder, and a marker for the processes of a run."""
    shutil.copytree(generated[0], tmp_path / "homes", symlinks=True)
    return tmp_path / "homes", tmp_path / "state", uuid.uuid4().hex


def one_run(state: Path) -> str:
    (run,) = (state / "runs").iterdir()
    return run.name


def assert_old_or_new(homes: Path, before: dict, after: dict) -> dict:
    now = contents(homes)
    assert now.keys() == before.keys()
    assert all(now[name] in (before[name], after[name]) for name in now)
    assert before != now != after, "not stopped part-way"
    return now


def temporary_files(*folders: Path) -> list[Path]:
    return [path for folder in folders for path in folder.rglob(f"*{TEMP}")]


def assert_undone(state: Path, homes: Path, before: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(state))
    assert main(["restore", "--run", one_run(state)]) == 0
    assert contents(homes) == before


def test_apply_killed_anywhere_leaves_old_or_new_files_and_a_rerun_or_restore_finishes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    make_homes(tmp_path / "homes", 60, broken_every=20)
    before = contents(tmp_path / "homes")
    shutil.copytree(tmp_path / "homes", tmp_path / "done", symlinks=True)
    start = time.monotonic()
    assert apply(tmp_path / "done", tmp_path / "done-state").wait() == 3  # the broken files fail
    whole = time.monotonic() - start
    after = contents(tmp_path / "done")
    assert after != before
    partial = 0
    for point in range(KILL_POINTS):
        homes, state = tmp_path / f"homes-{point}", tmp_path / f"state-{point}"
        shutil.copytree(tmp_path / "homes", homes, symlinks=True)
        started = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 1))
        running = apply(homes, state)
        time.sleep(whole * (point + 0.5) / KILL_POINTS)
        os.killpg(running.pid, signal.SIGKILL)  # the workers too
        running.wait()
        now = contents(homes)
        assert now.keys() == before.keys()
        assert all(now[name] in (before[name], after[name]) for name in now)
        partial += before != now != after
        leftovers = [p for p in homes.rglob(f"*{TEMP}")]
        assert all(p.name.startswith(".") for p in leftovers)  # hidden, and no client reads such a name
        monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(state))
        assert main(["apply", "--homes", str(homes), "--jobs", "1", "--json"]) == 3  # the rerun does what was left
        assert contents(homes) == after
        assert main(["restore", "--before", started]) == 0  # both runs undone, newest first
        assert contents(homes) == before
        capsys.readouterr()
    assert partial, "no kill landed while files were being written: the kill points need spreading"


def test_a_second_apply_on_a_home_in_progress_is_refused_and_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    make_homes(tmp_path / "homes", 3)
    busy = tmp_path / "homes" / "u00001"
    before, others = contents(busy), contents(tmp_path / "homes" / "u00000")
    with home_lock(busy):  # what the first run holds while it works on the home
        main(["apply", "--homes", str(tmp_path / "homes"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert f"{busy}: another 'mailmigrate apply' is working on it" in err
    assert contents(busy) == before
    assert contents(tmp_path / "homes" / "u00000") != others  # the other homes were done
    assert main(["apply", "--homes", str(tmp_path / "homes"), "--jobs", "1"]) == 0  # free again: done now
    assert contents(busy) != before


@pytest.mark.parametrize("python", [("-m", "migrate"), WITHOUT_DEATH_SIGNAL], ids=["death-signal", "parent-pipe"])
@pytest.mark.parametrize("share", [0.2, 0.6])
def test_a_main_process_killed_takes_its_workers_along_and_leaves_no_file_half_written(
        generated: tuple[Path, dict, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, python: Sequence[str],
        share: float) -> None:
    (_, before, after), (homes, state, marker) = generated, copy_of(generated, tmp_path)
    running = apply(homes, state, marker, python)
    wait_for_homes_recorded(running, state, int(HOMES * share))
    os.kill(running.pid, signal.SIGKILL)  # the main process alone
    running.wait()
    assert not left_behind(marker)
    assert_old_or_new(homes, before, after)
    assert not temporary_files(homes, state)
    assert_undone(state, homes, before, monkeypatch)


@pytest.mark.parametrize("python", [("-m", "migrate"), WITHOUT_DEATH_SIGNAL], ids=["death-signal", "parent-pipe"])
def test_workers_waiting_for_work_leave_too(generated: tuple[Path, dict, dict], tmp_path: Path,
                                            python: Sequence[str]) -> None:
    """The main process stuck writing to a pipe nobody reads: its workers run out of jobs and wait for more."""
    (_, before, after), (homes, state, marker) = generated, copy_of(generated, tmp_path)
    unread, output = os.pipe()
    fcntl.fcntl(output, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)  # full after a few setups
    running = apply(homes, state, marker, python, stdout=output)
    os.close(output)
    recorded = -1
    while recorded != homes_recorded(state) or recorded <= 0:  # some homes done, then still: the workers wait
        assert running.poll() is None, "the run ended before its output filled the pipe"
        recorded = homes_recorded(state)
        time.sleep(1)
    assert running.poll() is None and 0 < recorded < HOMES // 2
    os.kill(running.pid, signal.SIGKILL)
    running.wait()
    os.close(unread)
    assert not left_behind(marker)
    assert_old_or_new(homes, before, after)
    assert not temporary_files(homes, state)


def test_ctrl_c_finishes_the_homes_in_hand_records_them_and_says_so_in_one_line(
        generated: tuple[Path, dict, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (_, before, after), (homes, state, marker) = generated, copy_of(generated, tmp_path)
    running = apply(homes, state, marker, stderr=tmp_path / "stderr")
    wait_for_homes_recorded(running, state, HOMES // 3)
    os.killpg(running.pid, signal.SIGINT)  # as a terminal sends it: to every process of the run
    assert running.wait(timeout=30) == EXIT_INTERRUPTED
    assert_told_how_to_undo(tmp_path / "stderr", one_run(state))
    assert not left_behind(marker)
    now = assert_old_or_new(homes, before, after)
    assert not temporary_files(homes, state)
    for home in {name.split(os.sep)[0] for name in now}:  # each home done whole, or not begun
        mine = {name for name in now if name.split(os.sep)[0] == home}
        assert all(now[name] == before[name] for name in mine) or all(now[name] == after[name] for name in mine)
    for part in (part for run in load_runs(state) for part in run.parts):  # and each home changed is recorded as done
        assert {Path(entry["path"]).relative_to(homes).parts[0] for entry in part.manifest["files"]} == {
            Path(home).name for home in part.manifest["finished"]}
    assert_undone(state, homes, before, monkeypatch)


def test_a_second_ctrl_c_stops_the_workers_at_once_within_the_file_in_hand(tmp_path: Path) -> None:
    make_homes(tmp_path / "homes", 40)
    thunderbird = tmp_path / "homes" / "u00000" / ".thunderbird"  # in the first job
    (thunderbird / "slow").mkdir(parents=True)
    (thunderbird / "profiles.ini").write_text("[Profile0]\nIsRelative=1\nPath=slow\n")
    slow = thunderbird / "slow" / "prefs.js"
    padding = "".join(f'user_pref("extensions.pad.{n}", "{"x" * 40}");\n' for n in range(250_000))
    slow.write_text(PREFS.format(user="u00000", padding=padding))  # seconds of work
    before = slow.read_bytes()
    state, marker = tmp_path / "state", uuid.uuid4().hex
    running = apply(tmp_path / "homes", state, marker, stderr=tmp_path / "stderr")
    wait_for_homes_recorded(running, state, 5)  # by the other worker
    os.killpg(running.pid, signal.SIGINT)
    time.sleep(0.5)
    assert running.poll() is None  # finishing the slow home
    os.killpg(running.pid, signal.SIGINT)
    assert running.wait(timeout=30) == EXIT_INTERRUPTED
    assert_told_how_to_undo(tmp_path / "stderr", one_run(state))
    assert not left_behind(marker)
    assert slow.read_bytes() == before  # stopped before it was written
    assert not temporary_files(slow.parent)


def test_a_worker_killed_stops_the_run_in_one_line_and_takes_the_other_along(
        generated: tuple[Path, dict, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (_, before, after), (homes, state, marker) = generated, copy_of(generated, tmp_path)
    running = apply(homes, state, marker, stderr=tmp_path / "stderr")
    wait_for_homes_recorded(running, state, HOMES // 3)
    os.kill(next(pid for pid in processes_of(marker) if pid != running.pid), signal.SIGKILL)  # the OOM killer's pick
    assert running.wait(timeout=30) == EXIT_FAILED
    assert_told_how_to_undo(tmp_path / "stderr", one_run(state),
                            "a worker process ended abruptly (killed, out of memory?)")
    assert not left_behind(marker)
    assert_old_or_new(homes, before, after)
    assert all(path.name.startswith(".") for path in temporary_files(homes))  # where the killed one was writing
    assert_undone(state, homes, before, monkeypatch)


def assert_told_how_to_undo(stderr: Path, run_id: str, why: str = "interrupted") -> None:
    err = stderr.read_text()
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("mailmigrate:")] == [
        f"mailmigrate: {why}; what was changed is recorded as run {run_id}: run apply again to finish,"
        f" or undo with: mailmigrate restore --run {run_id}"]


def test_a_worker_started_while_ctrl_c_is_held_cannot_get_it_before_it_ignores_it() -> None:
    with ctrl_c_held():
        child = os.fork()
        if child == 0:
            os._exit(0 if signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []) else 1)
    assert os.waitpid(child, 0)[1] == 0
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


@pytest.mark.parametrize("command, told", [("scan", "interrupted"), ("plan", "interrupted"),
                                           ("apply", "interrupted; nothing was changed")])
def test_ctrl_c_before_anything_was_changed_says_so_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, told: str, capsys) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr("migrate.api.run_jobs", interrupted)
    make_homes(tmp_path / "homes", 2)
    assert main([command, "--homes", str(tmp_path / "homes")]) == EXIT_INTERRUPTED
    assert capsys.readouterr().err == f"mailmigrate: {told}\n"
