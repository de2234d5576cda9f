"""The neutral view of a getmail rc file: its ``[retriever]`` is one account.

getmail reads the retriever's own options only (it clears configparser's defaults first),
without interpolation; a parameter the retriever type does not take is ignored, with a warning.
"""
from __future__ import annotations

from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.getmail.mailboxes import literals
from parsers.ini import IniFile
from parsers.ini import boolean

RETRIEVER = "retriever"
#: Each POP or plain IMAP retriever type, and the IMAP-over-SSL type that replaces it (getmail has no STARTTLS).
IMAP_SSL_TYPES = {
    "SimplePOP3Retriever": "SimpleIMAPSSLRetriever", "SimplePOP3SSLRetriever": "SimpleIMAPSSLRetriever",
    "BrokenUIDLPOP3Retriever": "SimpleIMAPSSLRetriever", "BrokenUIDLPOP3SSLRetriever": "SimpleIMAPSSLRetriever",
    "MultidropPOP3Retriever": "MultidropIMAPSSLRetriever", "MultidropPOP3SSLRetriever": "MultidropIMAPSSLRetriever",
    "MultidropSDPSRetriever": "MultidropIMAPSSLRetriever",
    "SimpleIMAPRetriever": "SimpleIMAPSSLRetriever", "MultidropIMAPRetriever": "MultidropIMAPSSLRetriever",
    "SimpleIMAPSSLRetriever": "SimpleIMAPSSLRetriever", "MultidropIMAPSSLRetriever": "MultidropIMAPSSLRetriever",
}
#: Parameters only POP retrievers take: an IMAP retriever warns about them at every run.
POP_ONLY = ("use_apop", "delete_dup_msgids")
#: IMAP login switches other than the plain LOGIN (then AUTHENTICATE PLAIN) getmail does by default.
IMAP_AUTH = {"use_cram_md5": "cram-md5", "use_kerberos": "kerberos", "use_xoauth2": "xoauth2"}


def retriever_type(ini: IniFile) -> str:
    return (ini.get(RETRIEVER, "type") or "").strip()


def protocol_of(kind: str) -> str:
    if "POP3" in kind or kind == "MultidropSDPSRetriever":
        return "pop3"
    return "imap" if "IMAP" in kind else kind.lower() or "none"


def is_on(ini: IniFile, name: str, section: str = RETRIEVER) -> Optional[bool]:
    return boolean(ini.get(section, name))


def account(ini: IniFile) -> Account:
    kind = retriever_type(ini)
    protocol, ssl = protocol_of(kind), kind.endswith("SSLRetriever")
    host = (ini.get(RETRIEVER, "server") or "").strip() or None
    port = (ini.get(RETRIEVER, "port") or "").strip()
    if protocol == "pop3":
        auth = "apop" if is_on(ini, "use_apop") else "plain"
    else:
        auth = next((name for key, name in IMAP_AUTH.items() if is_on(ini, key)), "plain")
    endpoint = Endpoint(
        protocol=protocol, host=host.lower() if host else None,
        port=int(port) if port.isdigit() else {("pop3", False): 110, ("pop3", True): 995, ("imap", True): 993}.get(
            (protocol, ssl), 143),
        security="ssl" if ssl else "none", auth=auth, username=ini.get(RETRIEVER, "username"),
        has_password=ini.option(RETRIEVER, "password") is not None,
        certificate_unchecked=bool((ini.get(RETRIEVER, "ssl_fingerprints") or "").strip(" ()\n")),
    )
    section = ini.section(RETRIEVER)
    return Account(RETRIEVER, f"[retriever] {kind or 'with no type'} ({host or 'no server'})",
                   section.line if section else 1, endpoint, folders=tuple(folders(ini)) if protocol == "imap" else ())


def folders(ini: IniFile) -> list[Folder]:
    found = []
    option = ini.option(RETRIEVER, "mailboxes")
    for literal in (literals(ini, option) or []) if option is not None else []:
        found.append(Folder("mailbox", literal.value))
    trash = ini.get(RETRIEVER, "move_on_delete")
    if trash:
        found.append(Folder("trash", trash))
    return found
