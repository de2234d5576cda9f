"""The real Thunderbird as an oracle: its own account manager's view of a profile, and Gecko's own prefs parser.

Thunderbird runs headless on a copy of the profile, with a start-up script
(``tests/data/thunderbird-oracle.cfg``) installed into its install folder
through Mozilla's enterprise autoconfig; the script answers on one line of
standard output and quits.  Installing needs write access to the install
folder (root in CI); elsewhere the tests skip with the reason.
"""
from __future__ import annotations

import contextlib
import filecmp
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator
from typing import Optional
from urllib.parse import unquote
from urllib.parse import urlsplit


from tests.oracles import require
from tests.oracles import unavailable

DATA = Path(__file__).resolve().parent / "data"
_FILES = {"thunderbird-oracle.cfg": "mailmigrate-oracle.cfg",
          "thunderbird-oracle-prefs.js": "defaults/pref/zz-mailmigrate-oracle.js"}
_MARK = "MAILMIGRATE-ORACLE "
#: Thunderbird's socketType numbers, and its authMethod for a plain password
SSL, STARTTLS, PLAIN_PASSWORD = 3, 2, 3


def install_folder() -> Path:
    """Where Thunderbird's ``application.ini`` lives (``$MAILMIGRATE_THUNDERBIRD_DIR`` overrides)."""
    require("thunderbird")
    for folder in (os.environ.get("MAILMIGRATE_THUNDERBIRD_DIR"), "/usr/lib/thunderbird", "/opt/thunderbird"):
        if folder and (Path(folder) / "application.ini").is_file():
            return Path(folder)
    return unavailable("Thunderbird's install folder was not found (set MAILMIGRATE_THUNDERBIRD_DIR)")


def install_oracle() -> Path:
    """The install folder, with the oracle's start-up script in place."""
    folder = install_folder()
    try:
        for ours, theirs in _FILES.items():
            target = folder / theirs
            if not (target.is_file() and filecmp.cmp(DATA / ours, target, shallow=False)):
                shutil.copyfile(DATA / ours, target)
    except OSError as error:
        return unavailable(f"cannot install the Thunderbird oracle into {folder}: {error.strerror}")
    return folder


def _command(folder: Path, profile: Path, workdir: Path, mode: str, env: dict) -> tuple[list[str], dict, Path]:
    """The command line, environment and working folder of Thunderbird on ``profile`` (its stale locks gone)."""
    home = workdir / "thunderbird-home"
    home.mkdir(exist_ok=True)
    for lock in ("lock", ".parentlock"):
        if (profile / lock).exists() or (profile / lock).is_symlink():
            (profile / lock).unlink()
    variables = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TMPDIR": str(home),
                 "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"), "LC_ALL": "C.UTF-8",
                 "MOZ_CRASHREPORTER_DISABLE": "1", "MAILMIGRATE_TB_ORACLE": mode,
                 **{f"MAILMIGRATE_TB_{name.upper()}": value for name, value in env.items()}}
    return [str(folder / "thunderbird"), "--headless", "--no-remote", "--profile", str(profile)], variables, home


@contextlib.contextmanager
def running_thunderbird(profile: Path, workdir: Path) -> Iterator[subprocess.Popen]:
    """Thunderbird really running on ``profile`` (no oracle script) until the block ends."""
    command, variables, home = _command(install_folder(), profile, workdir, "", {})
    process = subprocess.Popen(command, env=variables, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (profile / "lock").is_symlink():
            assert process.poll() is None and time.monotonic() < deadline, "Thunderbird did not take the profile's lock"
            time.sleep(0.1)
        yield process
    finally:
        process.kill()
        process.wait()


def run_thunderbird(profile: Path, workdir: Path, mode: str, timeout: float = 90, **env: str) -> object:
    """Start Thunderbird on ``profile`` (used as it is) in ``mode`` and return the script's answer."""
    command, variables, home = _command(install_oracle(), profile, workdir, mode, env)
    done = subprocess.run(command, capture_output=True, env=variables, timeout=timeout, cwd=home)
    for line in done.stdout.decode("utf-8", "surrogateescape").split("\n"):  # not splitlines: values hold \x1c, \x85...
        if line.startswith(_MARK):
            answer = json.loads(line[len(_MARK):])
            assert not (isinstance(answer, dict) and "error" in answer), f"Thunderbird's oracle failed: {answer['error']}"
            return answer
    raise AssertionError(f"Thunderbird gave no answer (exit {done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")


def profile_view(profile: Path, workdir: Path, name: str = "profile") -> dict:
    """Thunderbird's view of a copy of ``profile``: accounts, servers, identities, filters, outgoing servers."""
    copy = workdir / name
    shutil.copytree(profile, copy, symlinks=True)
    view = run_thunderbird(copy, workdir, "view")
    assert isinstance(view, dict)
    return _relative(view, str(copy))


def gecko_prefs(paths: list[Path], workdir: Path) -> list[list[tuple]]:
    """Each file's statements as Gecko's own prefs parser reads them: (kind, name, value, sticky, locked)."""
    profile = workdir / "empty-profile"
    profile.mkdir(exist_ok=True)
    answer = run_thunderbird(profile, workdir, "parse", files=":".join(str(p) for p in paths))
    assert isinstance(answer, list)
    return [[_statement(s) for s in file["statements"]] for file in answer]


def saved_prefs(profile: Path, workdir: Path) -> bytes:
    """The prefs of a copy of ``profile`` as Gecko's own writer saves them once Thunderbird has loaded them."""
    copy = workdir / "saved-profile"
    shutil.copytree(profile, copy, symlinks=True)
    target = workdir / "saved-prefs.js"
    run_thunderbird(copy, workdir, "save", save=str(target))
    return target.read_bytes()


def _statement(statement: dict) -> tuple:
    if "error" in statement:
        return ("error", statement["error"])
    value = statement["value"]
    if isinstance(value, str):  # Gecko hands over UTF-8 bytes, one character each
        value = value.encode("latin-1").decode("utf-8", "surrogateescape")
    return (statement["kind"], statement["name"].encode("latin-1").decode("utf-8", "surrogateescape"),
            value, statement["sticky"], statement["locked"])


def _relative(value: object, root: str) -> object:
    """Paths inside the copied profile written relative to it, so views of two copies compare."""
    if isinstance(value, dict):
        return {key: _relative(item, root) for key, item in value.items()}
    if isinstance(value, list):
        return [_relative(item, root) for item in value]
    if isinstance(value, str) and (value == root or value.startswith(root + "/")):
        return "[ProfD]" + value[len(root) + 1:]
    return value


def server_host(server: dict) -> str:
    return (server["host"] or "").lower()


def uri_host(uri: str) -> str:
    return (urlsplit(uri).hostname or "").lower()


def folder_path(uri: Optional[str]) -> Optional[str]:
    """The folder name of a folder URI, decoded (``imap://u@h/INBOX/Sent%20Items`` -> ``INBOX/Sent Items``)."""
    return None if uri is None else unquote(urlsplit(uri).path.lstrip("/"))


def _is_inbox_nested(uri: Optional[str]) -> bool:
    path = folder_path(uri) or ""
    return path.upper().startswith("INBOX/") and len(path) > len("INBOX/")


def _service_login(name: str, policy) -> bool:
    """A login of the service: ``user@lboro.ac.uk``, or an address of another domain, which is reported, not guessed."""
    return name.count("@") == 1 and (name.endswith(policy.username_suffix) or not name.startswith("@"))


def _imap_problems(where: str, server: dict, policy) -> list[str]:
    pairs = {(SSL if security == "ssl" else STARTTLS, port) for security, port in policy.incoming.accept}
    problems = []
    if server["type"] != "imap":
        problems.append(f"{where}: type {server['type']}, not imap")
    if server_host(server) != policy.incoming.host:
        problems.append(f"{where}: host {server_host(server)}")
    if (server["socketType"], server["port"]) not in pairs:
        problems.append(f"{where}: socketType {server['socketType']} on port {server['port']}")
    if not _service_login(server["username"], policy):
        problems.append(f"{where}: user name {server['username']!r}")
    if server["authMethod"] != PLAIN_PASSWORD:
        problems.append(f"{where}: authMethod {server['authMethod']}")
    if server.get("usingSubscription"):
        problems.append(f"{where}: shows only subscribed folders")
    if server.get("serverDirectory"):
        problems.append(f"{where}: server directory {server['serverDirectory']!r}")
    for target in (t for f in server["filters"] for t in f["targets"] if t.startswith("imap:")):
        if uri_host(target) == policy.incoming.host and _is_inbox_nested(target):
            problems.append(f"{where}: filter target {target} still under INBOX")
    return problems


def _outgoing_problems(where: str, smtp: dict, policy) -> list[str]:
    pairs = {(SSL if security == "ssl" else STARTTLS, port) for security, port in policy.outgoing.accept}
    problems = []
    if smtp["host"].lower() != policy.outgoing.host:
        problems.append(f"{where}: host {smtp['host']}")
    # port 0 is the default: Thunderbird's SmtpClient connects to 465 over SSL, else to 587
    port = smtp["port"] or (465 if smtp["socketType"] == SSL else 587)
    if (smtp["socketType"], port) not in pairs:
        problems.append(f"{where}: socketType {smtp['socketType']} on port {port}")
    if smtp["authMethod"] != PLAIN_PASSWORD:
        problems.append(f"{where}: authMethod {smtp['authMethod']}")
    if not _service_login(smtp["username"], policy):
        problems.append(f"{where}: user name {smtp['username']!r}")
    return problems


def migration_problems(before: dict, after: dict, policy) -> list[str]:
    """What is wrong, in Thunderbird's own view, with ``after`` as the migration of ``before`` (empty: all right).

    The service's IMAP accounts are the policy's; a converted POP account is still there with its
    mail and filters and no longer fetches, and an IMAP account of the service stands beside it;
    every outgoing server a service identity uses is the policy's; every other account and outgoing
    server is exactly as Thunderbird saw it before.
    """
    old = {account["key"]: account for account in before["accounts"]}
    new = {account["key"]: account for account in after["accounts"]}
    outgoing = {smtp["key"]: smtp for smtp in after["outgoing"]}
    of_service = {key for key, a in new.items() if a["server"]["type"] == "imap" and not _imap_problems("", a["server"], policy)}
    problems = [f"account {key} is gone" for key in old.keys() - new.keys() if not _joined(old[key], new, of_service, policy)]
    service_identities = []
    for key, account in new.items():
        server, was = account["server"], old.get(key)
        if was is None or (was["server"]["type"] in ("imap", "pop3") and policy.matches(server_host(was["server"]))):
            if server["type"] == "pop3" and was is not None:
                problems += _retired_pop_problems(f"account {key}", was, account)
                if not _beside(was, new, of_service):
                    problems.append(f"account {key}: no IMAP account of the service has its identities")
                continue
            problems += _imap_problems(f"account {key}", server, policy)
            for identity in account["identities"]:
                service_identities.append(identity)
                for role in ("fcc", "drafts", "archives", "templates"):
                    uri = identity[role]
                    if uri and uri.startswith("imap:") and uri_host(uri) == policy.incoming.host and _is_inbox_nested(uri):
                        problems.append(f"identity {identity['key']}: {role} folder {uri} still under INBOX")
        else:
            # An identity of another service's account may send through the service's outgoing server.
            sends = [i for i in account["identities"] if policy.matches(outgoing.get(i["smtpServerKey"], {}).get("host", ""))]
            service_identities += sends
            if _without_senders(account, sends) != _without_senders(was, sends):
                problems.append(f"account {key} of another service changed: {was} -> {account}")
    used = {identity["smtpServerKey"] or after["defaultOutgoing"] for identity in service_identities}
    was = {smtp["key"]: smtp for smtp in before["outgoing"]}
    for key in sorted(k for k in used if k is not None):
        if key not in outgoing:
            problems += [f"outgoing server {key} is gone"] if key in was else []
        elif key not in was or policy.matches(was[key]["host"]):  # one of another service is the person's choice
            problems += _outgoing_problems(f"outgoing server {key}", outgoing[key], policy)
    for smtp in before["outgoing"]:
        if not policy.matches(smtp["host"]) and outgoing.get(smtp["key"]) != smtp:
            problems.append(f"outgoing server {smtp['key']} of another service changed")
    default = new.get(after["defaultAccount"] or "")
    was_default = old.get(before["defaultAccount"] or "")
    if was_default and policy.matches(server_host(was_default["server"])) and (
            default is None or _imap_problems("", default["server"], policy)):
        problems.append(f"the default account {after['defaultAccount']} is not an IMAP account of the service")
    return problems


def _joined(was: dict, new: dict, of_service: set[str], policy) -> bool:
    """An account of the service that left the list for another of the same server, its identities with it."""
    moved = {identity["key"] for identity in was["identities"]}
    return policy.matches(server_host(was["server"])) and any(
        moved <= {identity["key"] for identity in new[key]["identities"]} for key in of_service)


def _beside(pop: dict, new: dict, of_service: set[str]) -> bool:
    """An IMAP account of the service sends as every identity the converted POP account had."""
    emails = {identity["email"] for identity in pop["identities"]}
    return any(emails <= {identity["email"] for identity in new[key]["identities"]} for key in of_service)


def _without_senders(account: dict, sends: list[dict]) -> dict:
    keys = {identity["key"] for identity in sends}
    return {**account, "identities": [{**i, "smtpServerKey": None} if i["key"] in keys else i for i in account["identities"]]}


def _retired_pop_problems(where: str, was: dict, account: dict) -> list[str]:
    server, old = account["server"], was["server"]
    problems = []
    if server["loginAtStartUp"] or server["doBiff"]:
        problems.append(f"{where}: the old POP account still fetches mail")
    if server["localPath"] != old["localPath"]:
        problems.append(f"{where}: its mail folder moved from {old['localPath']} to {server['localPath']}")
    if server["filters"] != old["filters"]:
        problems.append(f"{where}: its filters changed")
    return problems


def trust_certificate(profile: Path, cafile: Path) -> None:
    """Add a test authority to the profile's own certificate database, as a person would import it."""
    certutil = require("certutil")
    database = f"sql:{profile}"
    if not (profile / "cert9.db").exists():
        subprocess.run([certutil, "-N", "--empty-password", "-d", database], check=True, capture_output=True)
    subprocess.run([certutil, "-A", "-d", database, "-n", "mailmigrate test authority", "-t", "C,,", "-i", str(cafile)],
                   check=True, capture_output=True)
