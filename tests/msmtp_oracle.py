"""msmtp and mpop as oracles: ``--pretend`` prints every setting of an account as the program reads it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.oracles import require


def _run(program: str, data: bytes, workdir: Path, *arguments: str) -> subprocess.CompletedProcess:
    rc = workdir / f"{program}rc"
    rc.write_bytes(data)
    rc.chmod(0o600)  # mpop refuses a file with a password that others may read, even as root
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "LC_ALL": "C"}
    # --passwordeval= leaves the password unset, as the file's passwordeval would be run to show it
    return subprocess.run([require(program), "-C", str(rc), "--pretend", "--passwordeval=", *arguments],
                          capture_output=True, env=env, timeout=30)


def pretend(program: str, data: bytes, workdir: Path, account: str) -> dict[str, str]:
    """Each setting the program prints for ``account``, by name; ``AssertionError`` with its words if refused."""
    done = _run(program, data, workdir, *(["-a", account] if program == "msmtp" else [account]))
    assert done.returncode == 0, f"{program} refused the file: {done.stderr.decode(errors='replace')}"
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    return dict(line.split(" = ", 1) for line in lines if " = " in line)


def refusal(program: str, data: bytes, workdir: Path, account: str = "no-such-account") -> str:
    """What the program says when asked for an account the file does not have: only that, if it reads the file."""
    done = _run(program, data, workdir, *(["-a", account] if program == "msmtp" else [account]))
    return done.stderr.decode("utf-8", "replace").strip()
