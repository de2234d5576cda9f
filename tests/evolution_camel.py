"""Evolution's own mail library (Camel) as an oracle: log in with the accounts Evolution's source registry reads.

``tests/data/evolution-camel-login.py`` runs under the system python3 (PyGObject with Camel and
EDataServer 1.2) in ``dbus-run-session``, so that ``evolution-source-registry`` starts on a private bus
and reads the home's ``.config/evolution/sources``.  Whatever it left running for that home is ended
afterwards: a registry still running would make ``mailmigrate apply`` skip Evolution setups as live.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.oracles import require
from tests.thunderbird_oracle import _unavailable

SCRIPT = Path(__file__).resolve().parent / "data" / "evolution-camel-login.py"
REGISTRY = Path("/usr/libexec/evolution-source-registry")
_MARK = "MAILMIGRATE-EVO "
_IMPORTS = ("import gi; gi.require_version('Camel', '1.2'); gi.require_version('EDataServer', '1.2');"
            " from gi.repository import Camel, EDataServer")


def _python() -> str:
    """The system python3, once it is known to have Camel and EDataServer through gi."""
    python = require("/usr/bin/python3")
    require("dbus-run-session")
    done = subprocess.run([python, "-c", _IMPORTS], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        _unavailable(f"Camel/EDataServer 1.2 for /usr/bin/python3 (python3-gi, gir1.2-camel-1.2,"
                     f" gir1.2-edataserver-1.2): {(done.stderr.strip().splitlines() or [''])[-1]}")
    if not REGISTRY.is_file():
        _unavailable(f"{REGISTRY} is not installed (evolution-data-server)")
    return python


def camel_login(home: Path, host: str, password: str, cafile: Path, timeout: float = 120) -> list[dict]:
    """Each enabled mail account of ``home`` whose host is ``host``, as Camel saw it and logged in with it:
    uid, backend, user, host, port, security, mechanism, status (``ok`` or Camel's error), folders, prompts."""
    python = _python()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_CACHE_HOME": str(home / ".cache"),
           "LC_ALL": "C.UTF-8", "GSETTINGS_BACKEND": "memory", "GIO_USE_VFS": "local",  # no dconf or gvfs daemons
           "MAILMIGRATE_EVO_HOST": host, "MAILMIGRATE_EVO_PASSWORD": password, "MAILMIGRATE_EVO_CAFILE": str(cafile)}
    try:
        done = subprocess.run([require("dbus-run-session"), "--", python, str(SCRIPT)], capture_output=True,
                              env=env, timeout=timeout, cwd=home)
    finally:
        end_processes_of(home)
    out, err = (stream.decode("utf-8", "replace") for stream in (done.stdout, done.stderr))
    assert password not in out + err
    for line in out.splitlines():
        if line.startswith(_MARK):
            return json.loads(line[len(_MARK):])["accounts"]
    raise AssertionError(f"the Camel login gave no answer (exit {done.returncode}): {err[-3000:]}")


def _of_home(pid: str, home: Path) -> bool:
    try:
        return f"HOME={home}".encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:  # gone, or not ours to read
        return False


def end_processes_of(home: Path, seconds: float = 10) -> None:
    """End every process started with ``HOME`` set to ``home`` (the registry, its bus, the script), and wait."""
    deadline = time.monotonic() + seconds
    while True:
        left = [int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _of_home(pid, home)]
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGTERM if time.monotonic() < deadline - seconds / 2 else signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert time.monotonic() < deadline, f"processes of {home} still running: {left}"
        time.sleep(0.1)
