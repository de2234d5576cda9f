"""Evolution's own mail library logs in with the accounts Evolution's own source registry reads.

Run by the system python3 (PyGObject, Camel 1.2, EDataServer 1.2) inside ``dbus-run-session``, with HOME and
the XDG folders in a test home; ``tests/evolution_camel.py`` runs it.  Each enabled mail account whose
[Authentication] host is MAILMIGRATE_EVO_HOST gets a store service of its backend (imapx), configured as
Evolution configures it: ``e_source_camel_configure_service`` (``Source.camel_configure_service`` in gi)
hands the service the settings object that the registry's source keeps bound to its Authentication,
Security and backend groups.  The store logs in with MAILMIGRATE_EVO_PASSWORD and lists every folder, not
only the subscribed ones.  One line answers: ``MAILMIGRATE-EVO {json}``; exit 2 on an internal error.

Certificates: Camel checks the server's certificate against the system's authorities (GIO's TLS) and asks
the session's trust prompt only when that check fails.  This session accepts a certificate only when the
check's single fault is an unknown issuer and the certificate verifies, for the host it was reached by,
against the test authority in MAILMIGRATE_EVO_CAFILE; anything else is refused, as a person who had
imported that authority would.  The trust given is temporary: Camel's certificate database
(``<data>/evolution/camel-cert.db`` and ``camel_certs/`` in the home) forgets it when next loaded, so each
run asks again.  The password is never printed.
"""
import ctypes
import json
import os
import sys
import traceback

import gi

gi.require_version("Camel", "1.2")
gi.require_version("EDataServer", "1.2")
from gi.repository import Camel  # noqa: E402
from gi.repository import EDataServer  # noqa: E402
from gi.repository import Gio  # noqa: E402
from gi.repository import GLib  # noqa: E402

MARK = "MAILMIGRATE-EVO "


class Session(Camel.Session):
    """A session like Evolution's mail session: folders in the home, online, a password given beforehand."""

    def __init__(self, authority, **properties):
        super().__init__(**properties)
        self.authority = authority
        self.prompts = []  #: (host, the TLS faults, accepted) for each trust prompt

    def do_trust_prompt(self, service, certificate, errors):
        settings = service.ref_settings()
        identity = Gio.NetworkAddress.new(settings.props.host, settings.props.port)
        accept = (errors == Gio.TlsCertificateFlags.UNKNOWN_CA
                  and certificate.verify(identity, self.authority) == Gio.TlsCertificateFlags.NO_FLAGS)
        self.prompts.append((settings.props.host, faults(errors), accept))
        return Camel.CertTrust.TEMPORARY if accept else Camel.CertTrust.NEVER

    def do_authenticate_sync(self, service, mechanism, cancellable):
        """One try with the password set on the service (the default implementation retries forever)."""
        result = service.authenticate_sync(mechanism, cancellable)
        if result != Camel.AuthenticationResult.ACCEPTED:
            raise GLib.Error.new_literal(Camel.ServiceError.quark(), f"{mechanism or 'LOGIN'} authentication"
                                         " rejected", int(Camel.ServiceError.CANT_AUTHENTICATE))
        return True


def faults(errors):
    return [nick for nick in Gio.TlsCertificateFlags(errors).value_nicks if nick != "no-flags"]


class _FolderInfo(ctypes.Structure):
    """``CamelFolderInfo`` (camel-store.h): gi hands its tree links over as bare addresses (gpointer)."""


_FolderInfo._fields_ = [("next", ctypes.c_void_p), ("parent", ctypes.c_void_p), ("child", ctypes.c_void_p),
                        ("full_name", ctypes.c_char_p)]


def folders(tree):
    """The full names in a folder info tree, depth first; ``tree`` keeps the memory alive."""
    def walk(address):
        while address:
            node = _FolderInfo.from_address(address)
            names.append(node.full_name.decode())
            walk(node.child)
            address = node.next

    names = [tree.full_name] if tree else []
    if tree:
        walk(tree.child)
        walk(tree.next)
    return names


def login(session, source, password):
    uid = source.get_uid()
    backend = source.get_extension(EDataServer.SOURCE_EXTENSION_MAIL_ACCOUNT).get_backend_name()
    service = session.add_service(uid, backend, Camel.ProviderType.STORE)
    source.camel_configure_service(service)
    settings = service.ref_settings()
    answer = {"uid": uid, "backend": backend, "user": settings.props.user, "host": settings.props.host,
              "port": settings.props.port, "security": settings.props.security_method.value_nick,
              "mechanism": settings.props.auth_mechanism, "status": "ok", "folders": [], "prompts": []}
    service.set_password(password)
    try:
        # The store counts as offline until it knows the host reachable, which it otherwise learns from
        # its session's main loop after 5 s; Evolution's shell runs that loop, this script asks now.
        service.can_reach_sync(None)
        service.connect_sync(None)
        tree = service.get_folder_info_sync(None, Camel.StoreGetFolderInfoFlags.RECURSIVE
                                            | Camel.StoreGetFolderInfoFlags.NO_VIRTUAL, None)  # no vTrash, vJunk
        answer["folders"] = folders(tree)
    except GLib.Error as error:
        answer["status"] = error.message.replace(password, "********") if password else error.message
    finally:  # a store left connected keeps the interpreter from exiting
        service.disconnect_sync(True, None)
    answer["prompts"] = [list(prompt) for prompt in session.prompts]
    session.prompts.clear()
    return answer


def main():
    host = os.environ["MAILMIGRATE_EVO_HOST"]
    password = os.environ["MAILMIGRATE_EVO_PASSWORD"]
    authority = Gio.TlsCertificate.new_from_file(os.environ["MAILMIGRATE_EVO_CAFILE"])
    data = os.path.join(GLib.get_user_data_dir(), "evolution")
    Camel.init(data, False)  # as Evolution: the certificates accepted by hand go to <data>/camel-cert.db
    EDataServer.SourceCamel.register_types()  # the backends' groups ([Imapx Backend]) as source extensions
    registry = EDataServer.SourceRegistry.new_sync(None)
    session = Session(authority, user_data_dir=os.path.join(data, "mail"),
                      user_cache_dir=os.path.join(GLib.get_user_cache_dir(), "evolution", "mail"), online=True)
    accounts = []
    for source in registry.list_sources(EDataServer.SOURCE_EXTENSION_MAIL_ACCOUNT):
        if not registry.check_enabled(source) or not source.has_extension(EDataServer.SOURCE_EXTENSION_AUTHENTICATION):
            continue  # check_enabled: the source and its parents, as Evolution counts an account enabled
        if source.get_extension(EDataServer.SOURCE_EXTENSION_AUTHENTICATION).get_host() == host:
            accounts.append(login(session, source, password))
    print(MARK + json.dumps({"accounts": accounts}), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # an internal error, not a refused login
        secret = os.environ.get("MAILMIGRATE_EVO_PASSWORD")
        text = traceback.format_exc()
        print(text.replace(secret, "********") if secret else text, file=sys.stderr)
        sys.exit(2)
