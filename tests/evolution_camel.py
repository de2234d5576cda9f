"""Evolution's own mail library (Camel) as an oracle: log in with the accounts Evolution's source registry reads.

``tests/data/evolution-camel-login.py`` runs under the system python3 (PyGObject with Camel and
EDataServer 1.2) in ``dbus-run-session``, so that ``evolution-source-registry`` starts on a private bus
and reads the home's ``.config/evolution/sources`` (see ``tests/evolution_oracle.py``).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.evolution_oracle import end_processes_of
from tests.evolution_oracle import session

SCRIPT = Path(__file__).resolve().parent / "data" / "evolution-camel-login.py"
_MARK = "MAILMIGRATE-EVO "


def camel_login(home: Path, host: str, password: str, cafile: Path, timeout: float = 120) -> list[dict]:
    """Each enabled mail account of ``home`` whose host is ``host``, as Camel saw it and logged in with it:
    uid, backend, user, host, port, security, mechanism, status (``ok`` or Camel's error), folders, prompts."""
    command, env = session(home, MAILMIGRATE_EVO_HOST=host, MAILMIGRATE_EVO_PASSWORD=password,
                           MAILMIGRATE_EVO_CAFILE=str(cafile))
    try:
        done = subprocess.run([*command, str(SCRIPT)], capture_output=True, env=env, timeout=timeout, cwd=home)
    finally:
        end_processes_of(home)
    out, err = (stream.decode("utf-8", "replace") for stream in (done.stdout, done.stderr))
    assert password not in out + err
    for line in out.splitlines():
        if line.startswith(_MARK):
            return json.loads(line[len(_MARK):])["accounts"]
    raise AssertionError(f"the Camel login gave no answer (exit {done.returncode}): {err[-3000:]}")
