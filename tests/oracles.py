"""The real clients as oracles: run them on a file and read back what they understood."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn
from typing import Optional

import pytest


def require(binary: str) -> str:
    """The binary's path; in CI (``CI=true``) a missing oracle fails, elsewhere it skips."""
    path = shutil.which(binary)
    if path:
        return path
    return unavailable(f"oracle {binary!r} is not installed" + (": CI must install it" if _in_ci() else ""))


def unavailable(reason: str) -> NoReturn:
    """An oracle cannot run here: the test fails in CI, elsewhere it skips with the reason."""
    if _in_ci():
        pytest.fail(reason)
    pytest.skip(reason)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def fetchmail_dump(data: bytes, workdir: Path) -> dict:
    """``fetchmail --configdump`` of ``data`` as a dict; ``AssertionError`` with fetchmail's words if refused."""
    fetchmail = require("fetchmail")
    rc = workdir / "fetchmailrc"
    rc.write_bytes(data)
    rc.chmod(0o600)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "LC_ALL": "C"}
    done = subprocess.run([fetchmail, "-f", str(rc), "--configdump"], capture_output=True, env=env, timeout=30)
    out = done.stdout.decode("utf-8", "surrogateescape")
    start = out.find("TRUE=1;")
    assert done.returncode == 0 and start != -1, f"fetchmail refused the file: {done.stderr.decode(errors='replace')}"
    namespace: dict = {}
    exec(out[start:], namespace)  # fetchmail prints a Python assignment
    return namespace["fetchmailrc"]


def effective_port(server: dict, user: dict) -> int:
    """The port fetchmail will use for an IMAP server entry."""
    service = server["service"]
    if service is None:
        return 993 if user["ssl"] else 143
    return {"imaps": 993, "imap": 143}.get(service) or int(service)


#: What ``kreadconfig`` prints for a key it does not find (no value KDE writes looks like it).
_ABSENT = "\x01absent\x01"


def kreadconfig(path: Path, group: str, key: str, locale: str = "C") -> Optional[str]:
    """The value KDE Frameworks' KConfig reads for ``key`` of ``group`` (``\\x1d`` between nested groups) of the
    file, in ``locale``; ``None`` when it has none.  ``kreadconfig5`` (Debian's ``libkf5config-bin``)."""
    binary = require("kreadconfig5")
    groups = [arg for part in group.split("\x1d") for arg in ("--group", part)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(path.parent), "LC_ALL": locale,
           "XDG_CONFIG_HOME": str(path.parent), "QT_LOGGING_RULES": "*=false"}
    done = subprocess.run([binary, "--file", str(path.resolve()), *groups, "--key", key, "--default", _ABSENT],
                          capture_output=True, env=env, timeout=30)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    value = done.stdout.decode("utf-8", "surrogateescape")
    value = value[:-1] if value.endswith("\n") else value
    return None if value == _ABSENT else value
