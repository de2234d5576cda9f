"""Interrupted and concurrent runs: apply killed with SIGKILL anywhere, and two applies on one home."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.lock import home_lock
from tests.perf.homes import make_homes

ROOT = Path(__file__).resolve().parent.parent
KILL_POINTS = int(os.environ.get("MAILMIGRATE_KILL_POINTS", "10"))
TEMP = ".mailmigrate-tmp"


def contents(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and not p.is_symlink() and not p.name.endswith(TEMP)}


def apply(homes: Path, state: Path) -> subprocess.Popen:
    env = {**os.environ, "MAILMIGRATE_STATE_DIR": str(state), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "migrate", "apply", "--homes", str(homes), "--jobs", "2", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)


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
