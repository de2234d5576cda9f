"""The real clients as oracles: run them on a file and read back what they understood."""
from __future__ import annotations

import json
import os
import re
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


MBSYNC_NO_CHANNEL = "mailmigrate-no-such-channel"
MBSYNC_ACCEPTED = [f"No channel or group named '{MBSYNC_NO_CHANNEL}' defined.", "No channel specified. Try 'mbsync -h'"]
OFFLINEIMAP_ORACLE = Path(__file__).resolve().parent / "data" / "offlineimap-oracle.py"


def mbsync_accepts(data: bytes, workdir: Path) -> list[str]:
    """What ``mbsync -c FILE`` says of ``data`` beyond its notices, asked for a channel no file names: a file it
    accepts gives exactly "no such channel" (it parses the whole file first, connecting nowhere)."""
    mbsync = require("mbsync")
    rc = workdir / "mbsyncrc"
    rc.write_bytes(data)
    rc.chmod(0o600)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "LC_ALL": "C"}
    done = subprocess.run([mbsync, "-c", str(rc), MBSYNC_NO_CHANNEL], capture_output=True, env=env, timeout=30)
    said = done.stdout.decode(errors="replace").splitlines() + done.stderr.decode(errors="replace").splitlines()
    return [line for line in said if "Notice:" not in line]



def offlineimap_report(data: bytes, workdir: Path, folders: tuple[str, ...]) -> dict:
    """offlineimap3's own reading of each account's remote repository (see ``tests/data/offlineimap-oracle.py``)."""
    if not Path("/usr/share/offlineimap3/offlineimap/CustomConfig.py").exists():
        unavailable("offlineimap3 is not installed (apt-get install offlineimap3)" + (": CI must install it" if _in_ci() else ""))
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    (home / ".offlineimap.py").write_text("")  # the samples' pythonfile
    rc = workdir / "offlineimaprc"
    rc.write_bytes(data)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C.UTF-8"}
    done = subprocess.run(["/usr/bin/python3", str(OFFLINEIMAP_ORACLE), str(rc), *folders], capture_output=True,
                          env=env, timeout=60)
    assert done.returncode == 0, f"offlineimap refused the file: {done.stderr.decode(errors='replace')[-2000:]}"
    return json.loads(done.stdout)


def getmail_dump(data: bytes, workdir: Path) -> dict[str, str]:
    """The retriever's parameters as ``getmail --dump`` shows them (the password as ``*``), its ``type``, and
    the ``destination`` and ``options`` as it prints them; ``AssertionError`` with getmail's words if it refuses
    the file.  The destinations the samples name are made first."""
    getmail = require("getmail")
    home = workdir / "home"
    for maildir in ("Maildir", "Mail/group"):
        for sub in ("cur", "new", "tmp"):
            (home / maildir / sub).mkdir(parents=True, exist_ok=True)
    (home / "mail").mkdir(exist_ok=True)
    (home / "mail" / "example.mbox").touch()
    (home / ".getmail").mkdir(exist_ok=True)
    rc = workdir / "getmailrc"
    rc.write_bytes(data)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C.UTF-8"}
    done = subprocess.run([getmail, "--getmaildir", str(home / ".getmail"), "-r", str(rc), "--dump"],
                          capture_output=True, env=env, timeout=60)
    out = done.stdout.decode(errors="replace")
    found = re.search(r"^  retriever:  (\w+)\((.*)\)$", out, re.M)
    assert done.returncode == 0 and found, f"getmail refused the file: {done.stderr.decode(errors='replace')}{out}"
    values = dict(re.findall(r'(\w+)="(.*?)"(?=, \w+="|$)', found.group(2)))
    return {"type": found.group(1), **values, "destination": re.search(r"^  destination: .*$", out, re.M).group(),
            "options": out[out.index("  options:"):], "warnings": done.stderr.decode(errors="replace")}
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
