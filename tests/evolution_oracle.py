"""Evolution's own source registry as an oracle: how Evolution reads a home's accounts, identities and transports.

The registry (``evolution-source-registry`` of evolution-data-server) is
started on a private D-Bus session over a test home by the system python3's
``gi`` (``tests/data/evolution-registry-view.py``), about a third of a second a
home.  Every process started for a home is gone when the call returns: a registry
left running would make ``apply`` skip Evolution setups as live.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterator
from typing import Optional
from urllib.parse import unquote

from tests.oracles import require
from tests.oracles import unavailable

DATA = Path(__file__).resolve().parent / "data"
REGISTRY = Path("/usr/libexec/evolution-source-registry")
_IMPORTS = ("import gi; gi.require_version('Camel', '1.2'); gi.require_version('EDataServer', '1.2');"
            " from gi.repository import Camel, EDataServer")
_MARK = "MAILMIGRATE-EVO-VIEW "
_SECURITY = {"ssl-on-alternate-port": "ssl", "starttls-on-standard-port": "starttls"}
#: what Evolution sends for a password: an IMAP/POP account's "none" is the plain LOGIN/USER command
PASSWORD_LOGINS, PASSWORD_SUBMISSION = ("none", "", "PLAIN", "LOGIN"), ("PLAIN", "LOGIN")


def session(home: Path, **variables: str) -> tuple[list[str], dict]:
    """``dbus-run-session`` with the system python3, and the environment that makes ``home`` the registry's world."""
    dbus, python = require("dbus-run-session"), require("/usr/bin/python3")
    if not REGISTRY.is_file():
        unavailable(f"{REGISTRY} is not installed (evolution-data-server)")
    done = subprocess.run([python, "-c", _IMPORTS], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        unavailable(f"Camel/EDataServer 1.2 for /usr/bin/python3 (python3-gi, gir1.2-camel-1.2,"
                    f" gir1.2-edataserver-1.2): {(done.stderr.strip().splitlines() or [''])[-1]}")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C.UTF-8",
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share"),
           "XDG_CACHE_HOME": str(home / ".cache"),
           "GSETTINGS_BACKEND": "memory", "GIO_USE_VFS": "local", **variables}  # no dconf or gvfs daemons
    return [dbus, "--", python], env


def registry_view(home: Path) -> dict:
    """Evolution's view of every source of ``home``, by UID (see ``tests/data/evolution-registry-view.py``);
    ``own`` tells the home's own sources from the registry's built-in ones (which it writes as it likes)."""
    command, env = session(home)
    own = {path.name[:-len(".source")] for path in (home / ".config" / "evolution" / "sources").glob("*.source")}
    try:
        done = subprocess.run([*command, str(DATA / "evolution-registry-view.py")], capture_output=True, env=env,
                              timeout=60, cwd=home)
    finally:
        end_processes_of(home)
    for line in done.stdout.decode("utf-8", "surrogateescape").split("\n"):
        if line.startswith(_MARK):
            sources = json.loads(line[len(_MARK):])["sources"]
            return {source["uid"]: {**source, "own": source["uid"] in own} for source in sources}
    raise AssertionError(f"the registry gave no view (exit {done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")


@contextlib.contextmanager
def running_registry(home: Path) -> Iterator[int]:
    """Evolution's source registry really running for ``home`` (its process id) until the block ends."""
    command, env = session(home)
    keep = ("import gi, sys; gi.require_version('EDataServer', '1.2'); from gi.repository import EDataServer;"
            " EDataServer.SourceRegistry.new_sync(None); print('up', flush=True); sys.stdin.read()")
    process = subprocess.Popen([*command, "-c", keep], env=env, cwd=home, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None and process.stdout.readline() == b"up\n", "the registry did not start"
        registry = next((pid for pid in _processes_of(home) if os.path.basename(
            Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]) == b"evolution-source-registry"), None)
        assert registry is not None, "no evolution-source-registry process for the home"
        yield registry
    finally:
        process.kill()
        process.wait()
        end_processes_of(home)


def end_processes_of(home: Path, seconds: float = 10) -> None:
    """End every process started with ``HOME`` set to ``home`` (the registry, its bus, a script), and wait."""
    deadline = time.monotonic() + seconds
    while True:
        left = _processes_of(home)
        if not left:
            return
        assert time.monotonic() < deadline, f"processes {left} of {home} would not end"
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def _processes_of(home: Path) -> list[int]:
    """Processes (zombies excepted) whose environment sets ``HOME`` to ``home``."""
    found = []
    wanted = f"HOME={home}".encode()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                if stat.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
            if wanted in Path(f"/proc/{entry.name}/environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except (OSError, IndexError):  # gone, or not ours to read
            continue
    return found


def folder_path(uri: Optional[str], account: str) -> Optional[str]:
    """The folder name of an Evolution folder URI of ``account`` (``folder://uid/INBOX/Sent`` -> ``INBOX/Sent``)."""
    prefix = f"folder://{account}/"
    return unquote(uri[len(prefix):]) if uri and uri.startswith(prefix) else None


def _under_inbox(path: Optional[str], policy) -> bool:
    return bool(path) and any(path.upper().startswith(prefix.upper()) and len(path) > len(prefix)
                              for prefix in policy.inbox_prefixes)


def _service_login(user: Optional[str], policy) -> bool:
    """A login of the service: ``user@lboro.ac.uk``, or an address of another domain, which is reported, not guessed."""
    return bool(user) and user.count("@") == 1 and (user.endswith(policy.username_suffix) or not user.startswith("@"))


def _endpoint_problems(where: str, end: dict, server, logins: tuple[str, ...], policy) -> list[str]:
    problems = []
    if (end["host"] or "").lower() != server.host:
        problems.append(f"{where}: host {end['host']}")
    if (_SECURITY.get(end["security"]), end["port"]) not in set(server.accept):
        problems.append(f"{where}: security {end['security']} on port {end['port']}")
    if not _service_login(end["user"], policy):
        problems.append(f"{where}: user {end['user']!r}")
    if end["method"] not in logins:
        problems.append(f"{where}: authentication {end['method']}")
    return problems


def _account_problems(uid: str, account: dict, policy) -> list[str]:
    where = f"account {uid}"
    problems = [] if account["backend"] == "imapx" else [f"{where}: backend {account['backend']}"]
    problems += _endpoint_problems(where, account, policy.incoming, PASSWORD_LOGINS, policy)
    settings = account["settings"] or {}
    if settings.get("use-shell-command"):
        problems.append(f"{where}: connects through the command {settings.get('shell-command')!r}")
    if settings.get("use-subscriptions"):
        problems.append(f"{where}: shows only subscribed folders")
    if settings.get("use-namespace") and settings.get("namespace"):
        problems.append(f"{where}: namespace {settings['namespace']!r}")
    for role in ("trash", "junk"):
        path = settings.get(f"real-{role}-path") if settings.get(f"use-real-{role}-path") else None
        if _under_inbox(path, policy):
            problems.append(f"{where}: {role} folder {path} still under INBOX")
    if _under_inbox(folder_path(account["archive"], uid), policy):
        problems.append(f"{where}: archive folder {account['archive']} still under INBOX")
    return problems


#: keys the registry adds to ``[Authentication]`` as it loads a source, sooner or later: not the migration's
_REGISTRY_ADDS = re.compile(r"(?m)^(ProxyUid|RememberPassword|CredentialName|IsExternal)=.*\n")


def _comparable(source: dict) -> dict:
    return {**source, "data": _REGISTRY_ADDS.sub("", source["data"]).replace("\n\n\n", "\n\n")}


def migration_problems(before: dict, after: dict, policy) -> list[str]:
    """What is wrong, in Evolution's own view, with ``after`` as the migration of ``before`` (empty: all right).

    Every mail account of the service is ``imapx`` on the policy's host over TLS with the service's
    login and a password, nothing under INBOX (its identity's sent, drafts and templates folders, its
    trash, junk and archive); the transport its identity sends through, if it was the service's, is
    the policy's and logs in; every other source of the home is exactly as Evolution read it before.
    """
    problems = [f"source {uid} is gone" for uid in before.keys() - after.keys()]
    checked = set()
    for uid, source in after.items():
        was = before.get(uid)
        account = source.get("account")
        if account is None or was is None or not policy.matches((was["account"]["host"] or "").lower()):
            continue
        checked.add(uid)
        problems += _account_problems(uid, account, policy)
        identity = after.get(account["identity"] or "")
        if identity is None or "identity" not in identity:
            continue
        checked.add(identity["uid"])
        for role in ("sent", "drafts", "templates"):
            uri = identity["identity"][role]
            if _under_inbox(folder_path(uri, uid), policy):
                problems.append(f"identity {identity['uid']}: {role} folder {uri} still under INBOX")
        transport_uid = identity["identity"]["transport"] or ""
        transport, old = after.get(transport_uid, {}).get("transport"), before.get(transport_uid, {}).get("transport")
        if transport is not None and old is not None and policy.matches((old["host"] or "").lower()):
            checked.add(transport_uid)
            problems += _endpoint_problems(f"transport {transport_uid}", transport, policy.outgoing,
                                           PASSWORD_SUBMISSION, policy)
    for uid in sorted(before.keys() & after.keys() - checked):
        if before[uid]["own"] and _comparable(before[uid]) != _comparable(after[uid]):
            problems.append(f"source {uid} of another service changed: {before[uid]['data']!r} -> {after[uid]['data']!r}")
    return problems
