"""The Apple configuration profile: one ``com.apple.mail.managed`` payload for the IMAP account.

A payload holds one incoming and one outgoing server, so the preferred endpoint of each is given
(``…UseSSL`` is a boolean: a port is encrypted from the start or by STARTTLS, and the device tells
which by the port).  No address, username or password is stored: the device asks for them when
the profile is installed.  The UUIDs are derived from what the profile says, so publishing the
same policy again gives the same bytes, and a changed policy a new profile.
"""
from __future__ import annotations

import json
import plistlib
import subprocess
import tempfile
import uuid
from pathlib import Path

from migrate.errors import MigrateError
from migrate.publish.service import Service

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "publish.mailmigrate")  # the profiles' UUIDs are uuid5 in it


def profile(svc: Service) -> bytes:
    """The unsigned profile, as an XML property list."""
    mail = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{svc.profile_id}.account",
        "PayloadDisplayName": svc.name,
        "PayloadDescription": f"The {svc.name} account (IMAP)",
        "EmailAccountType": "EmailTypeIMAP",
        "EmailAccountDescription": svc.short_name,
        "IncomingMailServerHostName": svc.imap.host,
        "IncomingMailServerPortNumber": svc.imap.preferred.port,
        "IncomingMailServerUseSSL": True,
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerHostName": svc.smtp.host,
        "OutgoingMailServerPortNumber": svc.smtp.preferred.port,
        "OutgoingMailServerUseSSL": True,
        "OutgoingMailServerAuthentication": "EmailAuthPassword" if svc.smtp.auth_required else "EmailAuthNone",
        "OutgoingPasswordSameAsIncomingPassword": True,
    }
    mail["PayloadUUID"] = _uuid(mail)
    outer = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": svc.profile_id,
        "PayloadDisplayName": svc.name,
        "PayloadDescription": f"Sets up {svc.name} on this device. You are asked for your address, "
                              f"username ({svc.example_login}, say) and password when you install it.",
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [mail],
    }
    if svc.organisation:
        outer["PayloadOrganization"] = svc.organisation
    outer["PayloadUUID"] = _uuid(outer)
    return plistlib.dumps(outer, fmt=plistlib.FMT_XML, sort_keys=True)


def _uuid(payload: dict) -> str:
    return str(uuid.uuid5(_NAMESPACE, json.dumps(payload, sort_keys=True))).upper()


def sign(data: bytes, cert: Path, key: Path) -> bytes:
    """The profile signed (CMS, DER, content attached) with ``openssl smime``, as Apple devices read it."""
    with tempfile.TemporaryDirectory(prefix="mailmigrate-sign-") as work:
        unsigned, signed = Path(work) / "unsigned.mobileconfig", Path(work) / "signed.mobileconfig"
        unsigned.write_bytes(data)
        command = ["openssl", "smime", "-sign", "-nodetach", "-binary", "-outform", "der", "-signer", str(cert),
                   "-inkey", str(key), "-in", str(unsigned), "-out", str(signed)]
        try:
            done = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise MigrateError(f"cannot sign the profile with openssl: {error}") from None
        if done.returncode != 0:
            words = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise MigrateError(f"openssl could not sign the profile with {cert} and {key}: "
                               f"{words[0] if words else 'exit ' + str(done.returncode)}")
        return signed.read_bytes()
