"""A local copy of the new service, and of the old server, for the end-to-end tests.

The new service is Dovecot with IMAP over SSL and with STARTTLS, no POP, no
plain-text login without TLS, and only ``user@lboro.ac.uk`` logins; the seed's
folders at top level, a few messages in each.  Its submission service is
aiosmtpd on two ports (SSL and STARTTLS), AUTH required and only over TLS,
keeping what it receives in memory.  The old server is a second Dovecot with
POP3 and IMAP and no TLS, short login names, and folders under ``INBOX.``.
The new service listens on 127.0.0.2 on its real ports (143, 993, 465, 587:
the setups leave ports implicit, so only those prove anything), which takes
root; the old server on 127.0.0.1, on free ports.  Two addresses, because
Dovecot counts a connection whose two ends have the same address as secured
and would take a plain-text login on it.  The certificate is made per run,
for 127.0.0.2 (the test policy names the service by that address).
"""
from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

DOMAIN = "lboro.ac.uk"
NEW_ADDRESS, OLD_ADDRESS = "127.0.0.2", "127.0.0.1"
NEW_FOLDERS = ("My folder 1", "My folder 2", "Sent Items", "Drafts", "Deleted Items")
OLD_FOLDERS = ("INBOX.My folder 1", "INBOX.My folder 2", "INBOX.Sent", "INBOX.Drafts", "INBOX.Trash")
MESSAGES_PER_FOLDER = 2

_COMMON = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = {address}
auth_mechanisms = plain login
mail_location = maildir:~/Maildir{layout}
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service anvil {{
  chroot =
}}
"""
_NEW = """\
protocols = imap
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
"""
_OLD = """\
protocols = imap pop3
ssl = no
disable_plaintext_auth = no
pop3_uidl_format = %08Xu%08Xv
namespace inbox {{
  inbox = yes
  separator = .
  prefix = INBOX.
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
"""


def free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def cannot_listen() -> str:
    """Why the new service could not take its ports on its address here ("" if it can)."""
    for port in (143, 993, 465, 587):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: old connections do not count
            try:
                probe.bind((NEW_ADDRESS, port))
            except OSError as error:
                return f"{NEW_ADDRESS}:{port}: {error.strerror} (ports below 1024 take root, or" \
                       " net.ipv4.ip_unprivileged_port_start=0; another mail server may hold them)"
    return ""


def wait_for(address: str, port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection((address, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_certificate(folder: Path) -> Path:
    """A test authority and the new service's certificate, signed by it; returns the authority's, to trust.

    The address is also a DNS name in it: fetchmail matches the name it was given against those.  A
    self-signed server certificate would not do: Thunderbird (mozilla::pkix) refuses an authority's
    certificate as a server's.
    """
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=mailmigrate test authority",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", str(folder / "ca-key.pem"), "-out", str(folder / "ca.pem"))
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={NEW_ADDRESS}", "-keyout", str(folder / "key.pem"),
            "-out", str(folder / "cert.csr"))
    (folder / "cert.ext").write_text(f"subjectAltName=IP:{NEW_ADDRESS},DNS:{NEW_ADDRESS}\nbasicConstraints=CA:FALSE\n"
                                     "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", str(folder / "cert.csr"), "-CA", str(folder / "ca.pem"), "-CAkey",
            str(folder / "ca-key.pem"), "-CAcreateserial", "-days", "2", "-extfile", str(folder / "cert.ext"),
            "-out", str(folder / "cert.pem"))
    return folder / "ca.pem"


def message(subject: str, to: str) -> bytes:
    return (f"From: someone@example.org\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{abs(hash((subject, to)))}@example.org>\r\n\r\n{subject}: body\r\n").encode()


@dataclasses.dataclass
class Dovecot:
    """One Dovecot, run in the foreground from its own folder; ``ports`` by protocol."""

    root: Path
    ports: dict[str, int]
    process: subprocess.Popen

    def doveadm(self, *args: str, data: bytes = b"") -> None:
        subprocess.run(["doveadm", "-c", str(self.root / "dovecot.conf"), *args], input=data, check=True,
                       capture_output=True)

    def fill(self, user: str, folders: tuple[str, ...]) -> None:
        for folder in ("INBOX", *folders):
            if folder != "INBOX":
                self.doveadm("mailbox", "create", "-u", user, folder)
            for n in range(MESSAGES_PER_FOLDER):
                self.doveadm("save", "-u", user, "-m", folder, data=message(f"{folder} {n + 1}", user))

    def log(self) -> str:
        return (self.root / "dovecot.log").read_text(errors="replace") if (self.root / "dovecot.log").exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_dovecot(root: Path, kind: str, users: dict[str, str], certificate_dir: Path) -> Dovecot:
    """``kind`` is ``new`` or ``old``; ``users`` maps login names to passwords."""
    for name in ("run", "state", "home"):
        (root / name).mkdir(parents=True)
    shutil.copy(certificate_dir / "cert.pem", root / "cert.pem")
    shutil.copy(certificate_dir / "key.pem", root / "key.pem")
    (root / "passwd").write_text("".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in users.items()))
    if os.geteuid() == 0:  # mail handled as nobody, in folders nobody can reach
        mail = pwd.getpwnam("nobody")
        ids = {"internal": "dovecot", "login": "dovenull", "uid": mail.pw_uid, "gid": mail.pw_gid}
        os.chown(root / "home", mail.pw_uid, mail.pw_gid)
        for folder in (root, *root.parents):
            if folder == Path(folder.anchor):
                break
            os.chmod(folder, os.stat(folder).st_mode | 0o711)
    else:
        me = pwd.getpwuid(os.geteuid()).pw_name
        ids = {"internal": me, "login": me, "uid": os.geteuid(), "gid": os.getegid()}
    address = NEW_ADDRESS if kind == "new" else OLD_ADDRESS
    if kind == "new":
        ports = {"imap": 143, "imaps": 993}
        text = _COMMON.format(root=root, address=address, layout=":LAYOUT=fs", **ids) + _NEW.format(root=root, **ports)
    else:
        ports = {"imap": free_port(address), "pop3": free_port(address)}
        text = _COMMON.format(root=root, address=address, layout="", **ids) + _OLD.format(**ports)
    (root / "dovecot.conf").write_text(text)
    process = subprocess.Popen(["dovecot", "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    server = Dovecot(root, ports, process)
    try:
        for port in ports.values():
            wait_for(address, port)
    except OSError:
        server.stop()
        raise RuntimeError(f"dovecot did not start: {process.stderr.read().decode(errors='replace') if process.stderr else ''}"
                           f"{server.log()}") from None
    return server


class Submission:
    """Authenticated submission on two ports, ``smtps`` (SSL) and ``submission`` (STARTTLS); keeps what it gets."""

    def __init__(self, users: dict[str, str], certificate_dir: Path) -> None:
        from aiosmtpd.controller import Controller

        self.users = {user: password for user, password in users.items() if user.endswith("@" + DOMAIN)}
        self.received: list[tuple[str, list[str], bytes]] = []  #: sender, recipients, message
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(certificate_dir / "cert.pem", certificate_dir / "key.pem")
        self.ports = {"smtps": 465, "submission": 587}
        options = {"authenticator": self._authenticate, "auth_required": True, "auth_exclude_mechanism": ["LOGIN"]}
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls (and warns, per connection, about
        # the SSL port): that port is TLS from its first byte
        self.controllers = [
            Controller(self, hostname=NEW_ADDRESS, port=self.ports["smtps"], ssl_context=tls,
                       auth_require_tls=False, **options),
            Controller(self, hostname=NEW_ADDRESS, port=self.ports["submission"], tls_context=tls,
                       require_starttls=True, auth_require_tls=True, **options),
        ]
        for controller in self.controllers:
            controller.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode("utf-8", "replace")
        success = self.users.get(login) == auth_data.password.decode("utf-8", "replace")
        return AuthResult(success=success, handled=False, auth_data=login if success else None)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK: queued"

    def stop(self) -> None:
        for controller in self.controllers:
            controller.stop()


def private_folder(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
