"""Claws Mail and Sylpheed themselves as oracles: each reads a configuration folder and writes back what it read.

Neither has a "check the configuration" option.  Both rewrite ``accountrc``
(every key, in their own order) when they exit, so the folder is handed to
the real program under a virtual X server (``xvfb-run``), the program is told
to exit the way a user would (``claws-mail --alternate-config-dir DIR --exit``,
``sylpheed --exit``), and its rewritten ``accountrc`` is read back.

What the copy needs so that the program starts and exits unattended:
- a mailbox in ``folderlist.xml`` (without one the first-run wizard opens);
- no error dialog: ``no_receive_error_panel=1`` in ``clawsrc``/``sylpheedrc``
  ``[Common]`` (an account that cannot connect at start would otherwise raise
  a modal dialog, and the program would not exit until someone closed it), and
  no mail check at start (``check_on_startup=0``);
- server names that never resolve: the copy's hosts end in ``.invalid``
  (RFC 6761), so nothing goes out to a real server.
The exit command goes to the running instance's socket only once it answers:
``--exit`` with no instance running starts a new one (both programs), so it
runs without ``$DISPLAY`` and could not.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable

from tests.oracles import require
from tests.oracles import unavailable

TIMEOUT = 20.0  #: seconds a program may take to start and exit
#: Runtime settings of the copy: show no dialog, fetch nothing at start.
QUIET = {"no_receive_error_panel": "1", "check_on_startup": "0", "autochk_newmail": "0", "confirm_on_exit": "0",
         "warn_queued_on_exit": "0"}


def run_claws(folder: Path, home: Path) -> bytes:
    """Start Claws Mail on ``folder``, make it exit, and return the ``accountrc`` it wrote."""
    claws = require("claws-mail")
    env = _environment(home)
    runtime = home / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    _quiet(folder / "clawsrc")
    sockets = runtime / "claws-mail"
    _run_until_exit([claws, "--alternate-config-dir", str(folder)], [claws, "--alternate-config-dir", str(folder), "--exit"],
                    env, lambda: any(_answers(p) for p in sockets.glob("*") if not p.name.endswith(".lock")))
    return (folder / "accountrc").read_bytes()


def run_sylpheed(folder: Path, home: Path) -> bytes:
    """Start Sylpheed on ``folder``, make it exit, and return the ``accountrc`` it wrote."""
    sylpheed = require("sylpheed")
    env = _environment(home)
    tmp = home / "tmp"
    tmp.mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp)  # its socket, $TMPDIR/sylpheed-<uid>, is then this test's own
    _quiet(folder / "sylpheedrc")
    _run_until_exit([sylpheed, "--configdir", str(folder)], [sylpheed, "--exit"], env,
                    lambda: _answers(tmp / f"sylpheed-{os.getuid()}"))
    return (folder / "accountrc").read_bytes()


def _environment(home: Path) -> dict[str, str]:
    for binary in ("xvfb-run", "xauth", "Xvfb"):
        require(binary)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"), "NO_AT_BRIDGE": "1"}


def _quiet(rc: Path) -> None:
    """``QUIET`` in the ``[Common]`` section of the program's own rc file, every other line kept."""
    from parsers.claws.rcfile import RcEditor
    from parsers.claws.rcfile import parse_rcfile

    if not rc.exists():
        rc.write_text("[Common]\n")
    parsed = parse_rcfile(rc.read_bytes(), str(rc), fold_case=True)
    common = next((i for i, section in enumerate(parsed.sections) if section.label == "Common"), None)
    if common is None:
        rc.write_bytes(rc.read_bytes() + b"\n[Common]\n")
        parsed = parse_rcfile(rc.read_bytes(), str(rc), fold_case=True)
        common = len(parsed.sections) - 1
    editor = RcEditor(parsed)
    for name, value in QUIET.items():
        editor.set(common, name, value)
    rc.write_bytes(editor.document().to_bytes())


def _run_until_exit(start: list[str], stop: list[str], env: dict[str, str], answering: Callable[[], bool]) -> None:
    program = subprocess.Popen(["xvfb-run", "-a", "-s", "-screen 0 1024x768x24", *start], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    try:
        while program.poll() is None and time.monotonic() < deadline:
            if answering():  # asked again until it goes: an exit asked for during start-up is not heard
                subprocess.run(stop, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
            time.sleep(1.0)
    finally:
        if program.poll() is None:
            os.killpg(program.pid, signal.SIGKILL)
            program.wait()
            unavailable(f"{start[0]} did not exit within {TIMEOUT:.0f} s under Xvfb: {program.stderr.read()[-500:]!r}")
    if program.returncode != 0:
        unavailable(f"{start[0]} under xvfb-run ended with {program.returncode}: {program.stderr.read()[-500:]!r}")


def _answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
            probe.sendall(b"\n")  # a line that is no command, as parsers/claws/live.py sends
        except OSError:
            return False
    return True


def copy_home(sample: Path, to: Path) -> Path:
    """A copy of the sample home with the migrated files (``*.expected``) in place, hosts made unresolvable."""
    shutil.copytree(sample, to, symlinks=True)
    for expected in list(to.rglob("*.expected")):
        expected.replace(expected.with_name(expected.name[: -len(".expected")]))
    for path in to.rglob("*"):
        if path.is_file():
            path.write_bytes(unresolvable(path.read_bytes()))
    return to


def unresolvable(data: bytes) -> bytes:
    """Every server name of the samples under ``.invalid``, which never resolves."""
    for host in (b"staff-mail.lboro.ac.uk", b"imap.gmail.com", b"smtp.gmail.com", b"mail.example.org",
                 b"pop.lboro.ac.uk", b"popmail.lboro.ac.uk", b"imap.lboro.ac.uk", b"smtp.lboro.ac.uk"):
        data = data.replace(b"=" + host + b"\n", b"=" + host + b".invalid\n")
    return data
