"""Thunderbird's reading of an autoconfig file (``config-v1.1.xml``), written from its documented format
and from what its reader does (``readFromXML.sys.mjs``, ``AccountConfig.replaceVariables``), not copied:

- ``clientConfig/emailProvider`` with at least one ``domain``;
- each ``incomingServer`` in order: a supported ``type``, ``hostname``, ``port`` 1-65535, the first
  ``socketType`` it knows (plain, SSL, STARTTLS), the first ``authentication`` it knows; the first valid
  server is the one used, the later valid ones are its alternatives, an invalid one is passed over;
- ``outgoingServer`` likewise, of type ``smtp`` only, with a username where the login is a password;
- the placeholders ``%EMAILADDRESS%``, ``%EMAILLOCALPART%``, ``%EMAILDOMAIN%``, ``%REALNAME%`` in a
  username or hostname are replaced from the address the person typed: in every incoming server and in
  the outgoing server used, not in the outgoing alternatives (Thunderbird 153 leaves those as they are).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Optional

SOCKET_TYPES = ("plain", "SSL", "STARTTLS")
INCOMING_TYPES = ("pop3", "imap", "nntp", "exchange", "ews", "owa")
AUTH = ("password-cleartext", "plain", "password-encrypted", "secure", "GSSAPI", "NTLM", "OAuth2")
OUTGOING_AUTH = ("none", "client-IP-address", "smtp-after-pop", *AUTH)


class Refused(ValueError):
    """Thunderbird would not take the file."""


def _first(element: ET.Element, tag: str, known: tuple[str, ...]) -> Optional[str]:
    return next((e.text.strip() for e in element.findall(tag) if e.text and e.text.strip() in known), None)


def _server(element: ET.Element, types: tuple[str, ...], auths: tuple[str, ...]) -> Optional[dict]:
    kind = element.get("type")
    hostname = (element.findtext("hostname") or "").strip()
    port = (element.findtext("port") or "").strip()
    socket_type = _first(element, "socketType", SOCKET_TYPES)
    auth = _first(element, "authentication", auths)
    if kind not in types or not hostname or not port.isdigit() or not 1 <= int(port) <= 65535 or not socket_type or not auth:
        return None
    username = element.findtext("username")
    if username is None and auth in AUTH:
        return None
    return {"type": kind, "hostname": hostname, "port": int(port), "socketType": socket_type, "auth": auth,
            "username": username}


def read_autoconfig(data: bytes, address: str, realname: str = "A Person") -> dict:
    """The account Thunderbird would make for ``address`` from ``data``: incoming and outgoing servers
    (the one used first, then the alternatives), the domains, names and documentation link."""
    root = ET.fromstring(data)
    provider = root.find("emailProvider") if root.tag == "clientConfig" else None
    if provider is None:
        raise Refused("no clientConfig/emailProvider")
    domains = [d.text.strip() for d in provider.findall("domain") if d.text and d.text.strip()]
    if not domains:
        raise Refused("need a proper <domain>")
    incoming = [s for s in (_server(e, INCOMING_TYPES, AUTH) for e in provider.findall("incomingServer")) if s]
    outgoing = [s for s in (_server(e, ("smtp",), OUTGOING_AUTH) for e in provider.findall("outgoingServer")) if s]
    if not incoming or not outgoing:
        raise Refused("need a proper incomingServer and outgoingServer")
    local, _, domain = address.partition("@")
    values = {"EMAILADDRESS": address, "EMAILLOCALPART": local, "EMAILDOMAIN": domain, "REALNAME": realname}
    for server in incoming + outgoing[:1]:
        for field in ("username", "hostname"):
            for name, value in values.items():
                if server[field] is not None:
                    server[field] = server[field].replace(f"%{name}%", value)
    documentation = provider.find("documentation")
    return {"id": provider.get("id"), "domains": domains, "displayName": provider.findtext("displayName"),
            "displayShortName": provider.findtext("displayShortName"),
            "documentation": documentation.get("url") if documentation is not None else None,
            "incoming": incoming[0], "incomingAlternatives": incoming[1:],
            "outgoing": outgoing[0], "outgoingAlternatives": outgoing[1:]}
