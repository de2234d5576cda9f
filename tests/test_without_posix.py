"""The core without the POSIX facilities Windows' own Python lacks (``fcntl``, ``pwd``, ``O_NOFOLLOW``,
``dir_fd``, owners by number), taken away on Linux: plan and apply as before, links still refused."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.errors import SkipFile
from migrate.files import Ownership
from migrate.files import read_source
from migrate.files import write_atomic
from migrate.folders import by_descriptor
from migrate.lock import LOCK_FILE
from migrate.lock import home_lock
from migrate.posix import effective_ids
from migrate.posix import may_be_running
from migrate.processes import RunningPrograms
from parsers.fetchmail import FetchmailParser
from migrate.processes import RunningPrograms
from tests.conftest import SAMPLES
from tests.without_posix import take_away

ROOT = Path(__file__).resolve().parent.parent


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def same_text(output: str) -> str:
    """The output as it would read for the other home, run ids aside."""
    return re.sub(r"\d{8}T\d{6}Z-[0-9a-f]{4}", "RUN", output.replace("/without/", "/with/"))


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two homes holding every sample; the runs' state outside them."""
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    for name in ("with", "without"):
        shutil.copytree(SAMPLES, tmp_path / "homes" / name / "samples", symlinks=True)
    return tmp_path / "homes"


def test_plan_apply_and_restore_the_samples_as_with_posix(homes: Path, monkeypatch, capsys) -> None:
    original = files_of(homes / "with")
    with_posix = [cli(capsys, "plan", "--homes", str(homes), "--user", "with", "--jobs", "1")]
    with_posix.append(cli(capsys, "apply", "--homes", str(homes), "--user", "with", "--jobs", "1"))
    take_away(monkeypatch)
    assert not by_descriptor()
    without = [cli(capsys, "plan", "--homes", str(homes), "--user", "without", "--jobs", "1")]
    without.append(cli(capsys, "apply", "--homes", str(homes), "--user", "without", "--jobs", "1"))
    for (code, out, err), (code_without, out_without, err_without) in zip(with_posix, without):
        assert code_without == code
        assert (same_text(out_without), same_text(err_without)) == (same_text(out), same_text(err))
    assert files_of(homes / "without") == files_of(homes / "with") != original
    assert not (homes / "without" / LOCK_FILE).exists()
    assert cli(capsys, "restore", "--home", str(homes / "without"))[0] == 0
    assert files_of(homes / "without") == original


def test_links_are_still_refused(tmp_path: Path, monkeypatch) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    (elsewhere / "rc").write_bytes(b"not yours")
    (home / "dir").symlink_to(elsewhere)
    (home / "rc").symlink_to(elsewhere / "rc")
    take_away(monkeypatch)
    for path in (home / "dir" / "rc", home / "rc"):
        with pytest.raises(SkipFile, match="symbolic link"):
            read_source(path, root=home)
    with pytest.raises(SkipFile, match="dir is a symbolic link"):
        write_atomic(home / "dir" / "rc", b"x", Ownership(0o600, *effective_ids()), root=home)
    with pytest.raises(SkipFile, match="symbolic link"):
        read_source(home / "rc")  # a person's own run: the folder may be a link, the file may not
    with pytest.raises(SkipFile, match="outside the home"):
        read_source(elsewhere / "rc", root=home)
    assert read_source(home / "dir" / "rc").data == b"not yours"
    assert (elsewhere / "rc").read_bytes() == b"not yours" and sorted(os.listdir(elsewhere)) == ["rc"]


def test_a_link_swapped_in_between_the_check_and_the_use_is_caught(tmp_path: Path, monkeypatch) -> None:
    home, elsewhere, moved = tmp_path / "home", tmp_path / "elsewhere", tmp_path / "moved"
    (home / "dir").mkdir(parents=True)
    elsewhere.mkdir()
    (home / "dir" / "rc").write_bytes(b"mine")
    (elsewhere / "rc").write_bytes(b"not yours")
    take_away(monkeypatch)

    def swap() -> None:
        """The folder's name now leads out of the home."""
        (home / "dir").rename(moved)
        (home / "dir").symlink_to(elsewhere)

    def swap_back() -> None:
        (home / "dir").unlink()
        moved.rename(home / "dir")

    real_open, real_fsync = os.open, os.fsync

    def swapping_open(path, flags, mode=0o777, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == home / "dir" / "rc" and not (home / "dir").is_symlink():
            swap()
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", swapping_open)
    with pytest.raises(SkipFile, match="swapped for another file or a link"):
        read_source(home / "dir" / "rc", root=home)
    swap_back()
    monkeypatch.setattr(os, "open", real_open)
    source = read_source(home / "dir" / "rc", root=home)

    def swapping_fsync(fd: int) -> None:  # once the new file is written, before it replaces the old
        real_fsync(fd)
        if not (home / "dir").is_symlink():
            swap()

    monkeypatch.setattr(os, "fsync", swapping_fsync)
    with pytest.raises(SkipFile, match="dir was replaced while being worked on"):
        write_atomic(home / "dir" / "rc", b"new", Ownership.of(source.stat), source.stat, root=home)
    assert (elsewhere / "rc").read_bytes() == b"not yours" and sorted(os.listdir(elsewhere)) == ["rc"]
    assert (moved / "rc").read_bytes() == b"mine"


def test_a_lock_file_stands_in_for_flock(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    take_away(monkeypatch)
    with home_lock(home):
        assert (home / LOCK_FILE).exists()
        with pytest.raises(SkipFile, match="another 'mailmigrate apply' is working on it"):
            with home_lock(home):
                pass
    assert not (home / LOCK_FILE).exists()
    (home / LOCK_FILE).write_text("left by a run that was killed\n")
    with pytest.raises(SkipFile, match="remove it if no run is going"):
        with home_lock(home):
            pass
    (tmp_path / "link").symlink_to(home)
    (home / LOCK_FILE).unlink()
    with home_lock(tmp_path / "link"):  # not a home: nothing is written through the link
        assert not (home / LOCK_FILE).exists()


def test_no_process_is_signalled_where_kill_is_not_a_question(tmp_path: Path, monkeypatch) -> None:
    def kill(pid: int, signal: int) -> None:
        raise AssertionError("os.kill called")

    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(os, "name", "nt")
    assert may_be_running(2**22 + 1)  # cannot tell: a fetchmail pid file means it may be running
    (tmp_path / ".fetchmail.pid").write_text("4194305\n")
    assert "fetchmail is running" in (FetchmailParser().live(tmp_path / ".fetchmailrc") or "")


def test_the_command_line_imports_and_plans_without_them() -> None:
    """The modules blocked before the tool is imported, as on Windows, where they do not exist."""
    command = [sys.executable, "-m", "tests.without_posix", "plan", str(SAMPLES)]
    without = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    with_posix = subprocess.run([sys.executable, "-m", "migrate", "plan", str(SAMPLES)], cwd=ROOT,
                                capture_output=True, text=True)
    assert without.returncode == with_posix.returncode == 0, without.stderr
    assert (without.stdout, without.stderr) == (with_posix.stdout, with_posix.stderr)
    probe = ("import sys; from tests.without_posix import take_away; import pytest; take_away(pytest.MonkeyPatch());"
             " import migrate.cli, migrate.batch, migrate.lock, migrate.folders; from migrate.plugins import load_parsers;"
             " load_parsers(); print(migrate.folders.by_descriptor(), sorted(m for m in ('fcntl', 'pwd', 'grp')"
             " if sys.modules.get(m)))")
    probed = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert probed.stdout == "False []\n", probed.stderr


def test_without_proc_no_process_is_listed(monkeypatch) -> None:
    """Evolution's live check on Windows, which has no /proc: nothing found, no error."""
    scandir = os.scandir

    def no_proc(path: str = ".") -> object:
        if str(path) == "/proc":
            raise FileNotFoundError(2, "No such file or directory", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", no_proc)
    assert RunningPrograms(max_age=0).of(0) == {}
