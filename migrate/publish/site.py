"""The published folder: every file it holds, rendered from the policy, as bytes.

The same policy gives the same bytes: nothing here reads the clock, the machine or a random source.
"""
from __future__ import annotations

import base64
import hashlib
from importlib import resources
from pathlib import Path
from typing import Mapping
from typing import Optional

from migrate.errors import MigrateError
from migrate.files import replacing
from migrate.policy import Policy
from migrate.publish import mobileconfig
from migrate.publish.clients import CLIENTS
from migrate.publish.clients import PLATFORMS
from migrate.publish.render import render
from migrate.publish.service import Service
from migrate.publish.service import describe

AUTOCONFIG = ("mail/config-v1.1.xml", ".well-known/autoconfig/mail/config-v1.1.xml")
AUTODISCOVER = "autodiscover/autodiscover.xml"
POLICY_FILE = "policy.ini"


def autoconfig(svc: Service, login: Optional[str] = None) -> bytes:
    """Thunderbird's ``config-v1.1.xml``; ``login`` for one address, else the local part plus the suffix."""
    return render("config-v1.1.xml", svc=svc, login=login or svc.login_template).encode("utf-8")


def autodiscover(svc: Service, login: Optional[str] = None) -> bytes:
    """Outlook's POX answer; the static file names no login (only the responder knows the address)."""
    return render("autodiscover.xml", svc=svc, login=login).encode("utf-8")


def build_site(policy: Policy, policy_text: Optional[str] = None) -> dict[str, bytes]:
    """Every file of the published folder, path to bytes.  ``policy_text``: a site policy to publish with
    the pages (the commands on them then name it); ``None`` for the built-in one."""
    svc = describe(policy)
    files = {path: autoconfig(svc) for path in AUTOCONFIG}
    files[AUTODISCOVER] = autodiscover(svc)
    files[mobileconfig_name(svc)] = mobileconfig.profile(svc)
    css = resources.files("migrate.publish").joinpath("templates/style.css").read_text("utf-8")
    common = {
        "svc": svc, "css": css, "css_hash": "sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode(),
        "clients": CLIENTS, "platforms": PLATFORMS, "mobileconfig": mobileconfig_name(svc),
        "policy_option": f" --policy {POLICY_FILE}" if policy_text is not None else "", "policy_file": POLICY_FILE,
    }
    files["index.html"] = render("index.html", page="index", title=f"Setting up {svc.name}", **common).encode()
    for client in CLIENTS:
        files[f"{client.slug}.html"] = render(f"clients/{client.slug}.html", page=client.slug, client=client,
                                              title=f"{svc.name} in {client.title}", **common).encode()
    if policy_text is not None:
        files[POLICY_FILE] = policy_text.encode("utf-8")
    return files


def mobileconfig_name(svc: Service) -> str:
    return f"{svc.domain}.mobileconfig"


def write_site(out: Path, files: Mapping[str, bytes]) -> None:
    """Write the files under ``out`` (each through a temporary file and a rename); others there are left alone."""
    for name, data in sorted(files.items()):
        target = out / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with replacing(target) as handle:
                handle.write(data)
        except OSError as error:
            raise MigrateError(f"{error.filename or target}: cannot write: {error.strerror}") from None
