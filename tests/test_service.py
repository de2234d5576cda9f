"""End to end against real servers: the migrated setups work with the new service, the originals do not.

A local Dovecot plays the new service (and aiosmtpd its submission service),
a second Dovecot the old server; see ``tests/mailservice.py``.  The real
fetchmail and mutt fetch and send; ``mailmigrate verify`` logs in for the rest.
"""
from __future__ import annotations

import dataclasses
import functools
import getpass
import os
import plistlib
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from migrate.cli import main
from migrate.policy import default_policy_text
from tests import mailservice
from tests.conftest import SAMPLES
from tests.evolution_camel import camel_login
from tests.mailservice import NEW_ADDRESS
from tests.mailservice import OLD_ADDRESS
from tests.oracles import require
from tests.thunderbird_oracle import run_thunderbird
from tests.thunderbird_oracle import trust_certificate

#: aiosmtpd warns about AUTH on its SSL port, which it does not count as TLS (see tests/mailservice.py)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
PASSWORD = "Tr0ub4dor-verify-9d41"
LOCAL = getpass.getuser()
USERS = ("ccano", "jdoe", "b.jones", "asmith", "jmuller", "deptoff", "labgroup", LOCAL)
#: the folders the service moved from the old server for everyone: the seed's, and those the samples name
MOVED = ("Templates", "Archives", "Sent", "Lists/debian", "Project X", "Seminar list", "Reports", "Junk", "Trash", "Queue")


@dataclasses.dataclass
class Service:
    new: mailservice.Dovecot
    old: mailservice.Dovecot
    submission: mailservice.Submission
    cafile: Path
    policy: Path


@pytest.fixture(scope="module")
def service() -> Service:
    for binary in ("dovecot", "doveadm", "openssl"):
        require(binary)
    refused = mailservice.cannot_listen()
    if refused:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"the local mail service cannot listen: {refused}")
        pytest.skip(f"the local mail service cannot listen: {refused}")
    base = mailservice.private_folder("mailmigrate-service-")
    servers: list = []
    try:
        cafile = mailservice.make_certificate(base)
        new = mailservice.start_dovecot(base / "new", "new", {f"{u}@lboro.ac.uk": PASSWORD for u in USERS}, base)
        servers.append(new)
        old = mailservice.start_dovecot(base / "old", "old", {u: PASSWORD for u in USERS}, base)
        servers.append(old)
        submission = mailservice.Submission({f"{u}@lboro.ac.uk": PASSWORD for u in USERS}, base)
        servers.append(submission)
        for user in USERS:
            new.fill(f"{user}@lboro.ac.uk", mailservice.NEW_FOLDERS)
            new.doveadm("mailbox", "create", "-u", f"{user}@lboro.ac.uk", *MOVED)
        old.fill("ccano", mailservice.OLD_FOLDERS)
        policy = base / "policy.ini"
        text = re.sub(r"(?m)^host = .*$", f"host = {NEW_ADDRESS}", default_policy_text())
        policy.write_text(re.sub(r"(?m)^match = .*$", f"match = lboro.ac.uk, *.lboro.ac.uk, {NEW_ADDRESS}, {OLD_ADDRESS}", text))
        yield Service(new, old, submission, cafile, policy)
        assert PASSWORD not in new.log() + old.log()
    finally:
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(base, ignore_errors=True)


def migrate(service: Service, path: Path, tmp_path: Path, capsys, *options: str) -> None:
    code = main(["apply", "--policy", str(service.policy), "--state-dir", str(tmp_path / "state"), *options, str(path)])
    out, err = capsys.readouterr()
    assert code == 0 and PASSWORD not in out + err


def verify(service: Service, path: Path, capsys, *options: str) -> tuple[int, str]:
    capsys.readouterr()
    os.environ["MAILMIGRATE_PASSWORD"] = PASSWORD
    try:
        code = main(["verify", "--policy", str(service.policy), "--cafile", str(service.cafile), "--jobs", "1",
                     *options, str(path)])
    finally:
        del os.environ["MAILMIGRATE_PASSWORD"]
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    return code, out


def fetchmail(rc: Path, tmp_path: Path, checked_tls: bool = True) -> subprocess.CompletedProcess:
    """The real fetchmail on ``rc``; with ``checked_tls``, TLS with the test certificate, else as the file says."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "FETCHMAILHOME": str(tmp_path),
           "LC_ALL": "C"}
    rc.chmod(0o600)
    tls = ["--sslcertck", "--sslcertfile", str(tmp_path / "ca.pem")] if checked_tls else []
    done = subprocess.run([require("fetchmail"), "-f", str(rc), "--nosyslog", *tls, "--idfile", str(tmp_path / "fetchids")],
                          capture_output=True, env=env, timeout=60)
    assert PASSWORD.encode() not in done.stdout + done.stderr
    return done


def delivered(folder: Path) -> list[str]:
    """The subjects of the messages fetchmail delivered to ``folder``."""
    return sorted(re.search(rb"^Subject: (.*?)\r?$", p.read_bytes(), re.M).group(1).decode() for p in folder.iterdir())


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_fetchmail_pop_setup_fetches_from_the_old_server_and_once_migrated_from_the_new_one(
        service: Service, tmp_path: Path, capsys, security: str) -> None:
    shutil.copy(service.cafile, tmp_path / "ca.pem")
    got = {name: tmp_path / name for name in ("old", "refused", "new")}
    for folder in got.values():
        folder.mkdir()

    def setup(host: str, port: int, into: Path) -> str:  # sslproto '': no TLS, as the old server had none
        return (f"poll {host} proto pop3 port {port}\n"
                f"  user 'ccano' there with password '{PASSWORD}' is '{LOCAL}' here options keep fetchall sslproto ''\n"
                f"  mda \"/bin/sh -c 'cat > {into}/message.$$'\"\n")

    rc = tmp_path / "fetchmailrc"
    rc.write_text(setup(OLD_ADDRESS, service.old.ports["pop3"], got["old"]))
    done = fetchmail(rc, tmp_path, checked_tls=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert delivered(got["old"]) == ["INBOX 1", "INBOX 2"]

    rc.write_text(setup(NEW_ADDRESS, service.new.ports["imap"], got["refused"]))
    assert fetchmail(rc, tmp_path, checked_tls=False).returncode not in (0, 1)  # the service speaks no POP3
    assert delivered(got["refused"]) == []

    rc.write_text(setup(OLD_ADDRESS, service.old.ports["pop3"], got["new"]).replace(f" port {service.old.ports['pop3']}", ""))
    migrate(service, rc, tmp_path, capsys, "--set", f"incoming.security={security}")
    migrated = rc.read_text().replace(PASSWORD, "********")  # so that no failure can show it
    assert NEW_ADDRESS in migrated and "ccano@lboro.ac.uk" in migrated and "pop3" not in migrated
    assert f"service {993 if security == 'ssl' else 143}" in migrated
    done = fetchmail(rc, tmp_path)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert delivered(got["new"]) == ["INBOX 1", "INBOX 2"]  # the new service's Inbox, over TLS with the certificate checked


def test_migrated_muttrc_sends_through_the_submission_service_and_verifies(
        service: Service, tmp_path: Path, capsys) -> None:
    require("mutt")
    muttrc = tmp_path / ".muttrc"
    muttrc.write_text(f'set folder="imap://ccano@{OLD_ADDRESS}:{service.old.ports["imap"]}/INBOX."\n'
                      "set spoolfile=+ record=+Sent postponed=+Drafts\n"
                      'set smtp_url="smtp://ccano@smtp.lboro.ac.uk/"\n'
                      'set from="ccano@lboro.ac.uk" realname="C. Cano"\n')
    migrate(service, muttrc, tmp_path, capsys)
    code, out = verify(service, muttrc, capsys)
    assert code == 0, out
    assert "FAIL" not in out and "imap login ccano@lboro.ac.uk" in out and "smtp login ccano@lboro.ac.uk" in out

    # what only the person at the keyboard would add: the password, and trust in the test certificate
    session = tmp_path / "session.muttrc"
    session.write_text(muttrc.read_text() + f'set smtp_pass="{PASSWORD}" imap_pass="{PASSWORD}"\n'
                       f'set ssl_ca_certificates_file="{service.cafile}" copy=no\n')
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LC_ALL": "C.UTF-8", "TERM": "dumb"}
    before = len(service.submission.received)
    done = subprocess.run([require("mutt"), "-n", "-F", str(session), "-s", "mailmigrate end to end", "--",
                           "someone@example.org"], input=b"Sent by mutt through the new service.\n",
                          capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert PASSWORD.encode() not in done.stdout + done.stderr
    sender, recipients, message = service.submission.received[before]
    assert sender == "ccano@lboro.ac.uk" and recipients == ["someone@example.org"]
    assert b"Subject: mailmigrate end to end" in message and b"Sent by mutt through the new service." in message


def test_verify_sends_mail_only_when_asked(service: Service, tmp_path: Path, capsys) -> None:
    muttrc = tmp_path / ".muttrc"
    muttrc.write_text(f'set folder="imaps://jdoe@lboro.ac.uk@{NEW_ADDRESS}/" smtp_url="smtps://jdoe@lboro.ac.uk@{NEW_ADDRESS}/"\n')
    before = len(service.submission.received)
    code, out = verify(service, muttrc, capsys)
    assert code == 0 and "smtp login jdoe@lboro.ac.uk" in out and len(service.submission.received) == before
    code, out = verify(service, muttrc, capsys, "--send-test", "helpdesk@example.org")
    assert code == 0 and "ok    send a test message to helpdesk@example.org" in out
    (sender, recipients, message), = service.submission.received[before:]
    assert sender == "jdoe@lboro.ac.uk" and recipients == ["helpdesk@example.org"] and b"mailmigrate verify" in message


CLIENT_SAMPLES = [SAMPLES / "thunderbird" / name for name in ("imap-inbox-folders", "pop-local-folders", "seamonkey",
                                                               "windows-crlf", "mixed-gmail")]
CLIENT_SAMPLES += [SAMPLES / "pine" / name for name in ("alpine-imap.pinerc", "pine4-pop.pinerc", "latin1.pinerc",
                                                         "lists-nicknames.pinerc")]
CLIENT_SAMPLES += [SAMPLES / "evolution" / name for name in ("2.x", "3.x-imap", "3.x-pop")]
# (msmtp's XDG sample keeps STARTTLS on port 25, which the policy accepts and this local service does not serve)
CLIENT_SAMPLES += [SAMPLES / "msmtp" / name for name in ("legacy-plain.msmtprc", "inheritance.msmtprc", "msmtp12.msmtprc")]
CLIENT_SAMPLES += [SAMPLES / "eudora" / name for name in ("pop-legacy", "imap-inbox-folders", "mixed-foreign", "latin1-crlf")]
CLIENT_SAMPLES += [SAMPLES / "mulberry" / name for name in ("legacy-pop.mbp", "imap-kerberos.mbp", "mixed-foreign.mbp")]
CLIENT_SAMPLES += [SAMPLES / "apple-mail" / name for name in ("tiger-pop", "leopard-imap", "lion-mixed", "snow-leopard-pops")]
_UNIVERSITY_HOST = re.compile(r"(?<![\w.-])[a-z-]+\.lboro\.ac\.uk", re.ASCII)
CLIENT_SAMPLES += sorted(p for client in ("mbsync", "offlineimap", "getmail") for p in (SAMPLES / client).iterdir()
                         if not p.name.endswith(".expected") and not p.name.startswith("foreign"))
CLIENT_SAMPLES += [SAMPLES / "claws" / name for name in ("claws3-pop", "claws4-imap", "claws4-pop", "sylpheed-pop")]
CLIENT_SAMPLES += [SAMPLES / "kmail" / name for name in ("kde3-pop", "kde3-imap", "kf5")]


def on_the_service(sample: Path, tmp_path: Path) -> Path:
    """A copy of the sample with every server of the university named by the service's address: the original
    settings otherwise (POP, no TLS, short names, INBOX folders), as if only the name had changed."""
    copy = tmp_path / sample.name
    tmp_path.mkdir(parents=True, exist_ok=True)
    if sample.is_dir():
        shutil.copytree(sample, copy, symlinks=True)
    else:
        shutil.copy2(sample, copy)
    for path in [copy] if copy.is_file() else [p for p in copy.rglob("*") if p.is_file() and not p.is_symlink()]:
        data = path.read_bytes()
        if data.startswith(b"bplist00"):  # a binary property list: its offsets would no longer fit, so in its values
            path.write_bytes(plistlib.dumps(_on_the_service(plistlib.loads(data)), fmt=plistlib.FMT_BINARY, sort_keys=False))
        else:
            path.write_bytes(_UNIVERSITY_HOST.sub(NEW_ADDRESS, data.decode("latin-1")).encode("latin-1"))
    return copy


def _on_the_service(value: object) -> object:
    if isinstance(value, dict):
        return {key: _on_the_service(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_on_the_service(item) for item in value]
    return _UNIVERSITY_HOST.sub(NEW_ADDRESS, value) if isinstance(value, str) else value


@pytest.mark.parametrize("sample", CLIENT_SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_verify_fails_on_the_original_and_passes_once_migrated(
        service: Service, sample: Path, tmp_path: Path, capsys) -> None:
    setup = on_the_service(sample, tmp_path)
    code, out = verify(service, setup, capsys)
    assert code == 3, out
    reasons = [line for line in out.splitlines() if line.lstrip().startswith("FAIL")]
    assert reasons and all(any(words in line for words in (
        "connection refused", "PRIVACYREQUIRED", "AUTHENTICATIONFAILED", "not on the server", "Must issue a STARTTLS",
        "AUTH extension not supported", "Authentication credentials invalid")) for line in reasons), out

    migrate(service, setup, tmp_path, capsys)
    code, out = verify(service, setup, capsys)
    assert code == 0, out
    assert "FAIL" not in out and re.search(r"\d+ accounts? of the service: \d+ working, 0 not", out)


def test_verify_names_each_failure_kind_across_the_originals(service: Service, tmp_path: Path, capsys) -> None:
    seen = ""
    for sample in CLIENT_SAMPLES:
        seen += verify(service, on_the_service(sample, tmp_path / sample.parent.name), capsys)[1]
    assert "connect pop3 127.0.0.2:110 (none): connection refused" in seen  # POP refused
    assert "[PRIVACYREQUIRED] Plaintext authentication disallowed" in seen  # no TLS
    assert "imap login ccano: [AUTHENTICATIONFAILED]" in seen  # short username


def test_verify_fails_on_an_mpop_account_and_passes_once_it_is_commented_out(
        service: Service, tmp_path: Path, capsys) -> None:
    setup = on_the_service(SAMPLES / "mpop" / "legacy-pop.mpoprc", tmp_path)
    code, out = verify(service, setup, capsys)
    assert code == 3 and f"FAIL  connect pop3 {NEW_ADDRESS}:110 (none): connection refused" in out, out
    migrate(service, setup, tmp_path, capsys, "--set", "incoming.pop_only=disable")
    code, out = verify(service, setup, capsys)
    assert code == 0 and "0 accounts of the service: 0 working, 0 not; 1 of other services left alone" in out, out


def msmtp(rc: Path, tmp_path: Path, service: Service, subject: str) -> subprocess.CompletedProcess:
    """The real msmtp sends a message with account ``lboro`` of ``rc``; the password and the trust in the test
    authority given on its command line, as its user would keep them (in a keyring, say), never shown."""
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LC_ALL": "C"}
    message = f"From: C. Cano <ccano@lboro.ac.uk>\nTo: someone@example.org\nSubject: {subject}\n\nSent by msmtp.\n"
    done = subprocess.run([require("msmtp"), "-C", str(rc), "-a", "lboro", f"--tls-trust-file={service.cafile}",
                           f"--passwordeval=cat {secret}", "someone@example.org"], input=message.encode(),
                          capture_output=True, env=env, timeout=60)
    assert PASSWORD.encode() not in done.stdout + done.stderr
    return done


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_the_real_msmtp_sends_through_the_service_with_a_migrated_msmtprc(
        service: Service, tmp_path: Path, capsys, security: str) -> None:
    rc = on_the_service(SAMPLES / "msmtp" / "legacy-plain.msmtprc", tmp_path / "home")
    rc.chmod(0o600)
    before = len(service.submission.received)
    refused = msmtp(rc, tmp_path, service, "never sent")  # port 25 in the clear, CRAM-MD5, the short login
    assert refused.returncode != 0 and len(service.submission.received) == before

    migrate(service, rc, tmp_path, capsys, "--set", "passwords.saved=remove", "--set", f"outgoing.security={security}")
    migrated = rc.read_text()
    assert "password" not in migrated.replace("passwordeval", "")  # the saved one removed; msmtp asks for it
    assert f"port {465 if security == 'ssl' else 587}" in migrated and "user ccano@lboro.ac.uk" in migrated
    done = msmtp(rc, tmp_path, service, f"msmtp over {security}")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    sender, recipients, data = service.submission.received[before]
    assert sender == "ccano@lboro.ac.uk" and recipients == ["someone@example.org"]
    assert f"Subject: msmtp over {security}".encode() in data
    assert PASSWORD not in (tmp_path / ".msmtp.log").read_text()  # the sample's logfile


@pytest.mark.oracle
def test_thunderbird_itself_logs_in_lists_the_folders_and_sends_with_a_migrated_profile(
        service: Service, tmp_path: Path, capsys) -> None:
    profile = on_the_service(SAMPLES / "thunderbird" / "imap-inbox-folders", tmp_path / "profiles")
    for expected in profile.rglob("*.expected"):
        expected.unlink()
    migrate(service, profile, tmp_path, capsys)
    trust_certificate(profile, service.cafile)  # what only the person at the keyboard adds, with the password
    message = tmp_path / "message.eml"
    message.write_bytes(b"From: C. Cano <ccano@lboro.ac.uk>\r\nTo: someone@example.org\r\n"
                        b"Subject: sent by Thunderbird through the new service\r\n\r\nHello.\r\n")
    before = len(service.submission.received)
    answer = run_thunderbird(profile, tmp_path, "login", timeout=120, host=NEW_ADDRESS, password=PASSWORD,
                             send_to="someone@example.org", message=str(message))
    assert isinstance(answer, dict) and PASSWORD not in repr(answer)
    (login,) = answer["logins"]
    assert login["username"] == "ccano@lboro.ac.uk" and login["status"] == 0, login
    folders = {unquote(uri.rsplit("/", 1)[1]) for uri in login["folders"]}
    assert {"Sent Items", "Drafts", "Lists"} <= folders, login["folders"]
    assert not any("/INBOX/" in uri for uri in login["folders"])  # all at the top level, none under INBOX
    assert login["sent"] == {"status": 0, "error": None}, login
    sender, recipients, data = service.submission.received[before]
    assert sender == "C.Cano@lboro.ac.uk" and recipients == ["someone@example.org"]
    assert b"Subject: sent by Thunderbird through the new service" in data


@pytest.mark.oracle
def test_evolutions_mail_library_logs_in_and_lists_the_folders_with_a_migrated_account(
        service: Service, tmp_path: Path, capsys) -> None:
    """Camel's IMAP store, configured from Evolution's own source registry, fails with the original account
    and lists the folders once migrated; it takes the service's certificate only through the test authority."""
    sample = SAMPLES / "evolution" / "3.x-imap"
    original = on_the_service(sample, tmp_path / "original")  # STARTTLS already: CRAM-MD5 and the short name fail
    (login,) = camel_login(original, NEW_ADDRESS, PASSWORD, service.cafile)
    assert login["status"] == f"IMAP server {NEW_ADDRESS} does not support CRAM-MD5 authentication", login
    account = original / ".config" / "evolution" / "sources" / "6f8e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e.source"
    account.write_text(account.read_text().replace("Method=CRAM-MD5", "Method=PLAIN"))
    (login,) = camel_login(original, NEW_ADDRESS, PASSWORD, service.cafile)
    assert (login["user"], login["status"]) == ("ccano", "PLAIN authentication rejected"), login

    home = on_the_service(sample, tmp_path / "migrated")
    for expected in home.rglob("*.expected"):
        expected.unlink()
    migrate(service, home, tmp_path, capsys)
    answer = camel_login(home, NEW_ADDRESS, PASSWORD, service.cafile)
    assert PASSWORD not in repr(answer)
    (login,) = answer
    assert (login["user"], login["port"], login["security"], login["status"]) == (
        "ccano@lboro.ac.uk", 143, "starttls-on-standard-port", "ok"), login
    assert {"INBOX", "Sent Items", "Drafts", "Lists/debian"} <= set(login["folders"]), login["folders"]
    assert not any(name.upper().startswith("INBOX/") for name in login["folders"])  # all at the top level
    assert login["prompts"] == [[NEW_ADDRESS, ["unknown-ca"], True]]  # GIO's own check failed only for the authority

    # Another authority: the prompt refuses and Camel drops the connection (the trust given the run before
    # was temporary, which Camel's certificate database does not keep)
    (tmp_path / "other").mkdir()
    (login,) = camel_login(home, NEW_ADDRESS, PASSWORD, mailservice.make_certificate(tmp_path / "other"))
    assert login["prompts"] == [[NEW_ADDRESS, ["unknown-ca"], False]], login
    assert login["status"] == "Failed to get capabilities: Unacceptable TLS certificate" and not login["folders"]


def mbsync(rc: Path, home: Path, *channels: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LC_ALL": "C"}
    done = subprocess.run([require("mbsync"), "-c", str(rc), *channels], capture_output=True, env=env, timeout=120)
    assert PASSWORD.encode() not in done.stdout + done.stderr
    return done


def messages(maildir: Path) -> int:
    return sum(1 for sub in ("cur", "new") if (maildir / sub).is_dir() for _ in (maildir / sub).iterdir())


@pytest.mark.parametrize("sample, channels, near", [
    ("starttls-inbox-path.mbsyncrc", ("lboro",), {"INBOX": "Mail/lboro/INBOX", "Sent Items": "Mail/lboro/Sent Items",
                                                  "Lists/debian": "Mail/lboro/Lists/debian"}),
    ("isync-1.1-legacy.mbsyncrc", ("uni",), {"INBOX": "Maildir/INBOX", "Sent": "Maildir/sent", "Project X": "Maildir/project"}),
])
def test_mbsync_syncs_from_the_service_once_migrated(
        service: Service, tmp_path: Path, capsys, sample: str, channels: tuple[str, ...], near: dict[str, str]) -> None:
    """The real mbsync: the original setup (its server renamed to the service's address) fails to log in; migrated,
    with what only the person at the keyboard adds (the password command, trust in the test authority), it
    copies the service's folders, named at the top level, into the local maildirs."""
    home = tmp_path / "home"
    for local in near.values():  # the mail synced from the old server: mbsync finds it there
        for sub in ("cur", "new", "tmp"):
            (home / local / sub).mkdir(parents=True)
    (home / ".password").write_text(PASSWORD)
    rc = on_the_service(SAMPLES / "mbsync" / sample, tmp_path)

    def with_keyboard_additions() -> None:
        text = re.sub(r"(?m)^(Pass|PassCmd|CertificateFile) .*\n", "", rc.read_text())
        rc.write_text(text.replace(f"Host {NEW_ADDRESS}\n", f'Host {NEW_ADDRESS}\nPassCmd "cat {home}/.password"\n'
                                                            f"CertificateFile {service.cafile}\n", 1))

    with_keyboard_additions()
    refused = mbsync(rc, home, *channels)
    assert refused.returncode != 0 and not list(home.rglob("cur/*"))
    rc.write_text(on_the_service(SAMPLES / "mbsync" / sample, tmp_path).read_text())
    migrate(service, rc, tmp_path, capsys)
    with_keyboard_additions()
    done = mbsync(rc, home, *channels)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    for far, local in near.items():
        assert messages(home / local) == (mailservice.MESSAGES_PER_FOLDER if far in ("INBOX", *mailservice.NEW_FOLDERS)
                                          else 0), far
    assert not any("INBOX." in str(path) for path in home.rglob("*"))
    if "legacy" in sample:  # isync's old keywords allow TLS 1.0 only, which the service refuses; TLS 1.0 and 1.2
        migrated = rc.read_text()  # without 1.1 is TLS 1.0 alone to OpenSSL
        for lines in (("UseTLSv1.2 yes\n", "UseTLSv1 no\n"), ("UseTLSv1 no\n",)):
            rc.write_text(functools.reduce(lambda text, line: text.replace(line, ""), lines, migrated))
            assert "SSL routines" in mbsync(rc, home, *channels).stderr.decode(errors="replace"), lines
