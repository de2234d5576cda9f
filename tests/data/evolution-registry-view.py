"""Evolution's own view of a home's sources, from its source registry (evolution-data-server).

Run by the system python3 (with ``gi``) inside a private D-Bus session whose
HOME and XDG folders are a test home: the registry is started on that bus and
reads ``$XDG_CONFIG_HOME/evolution/sources``.  Prints one line,
``MAILMIGRATE-EVO-VIEW <json>``: every source with the key file as the registry
holds it, and for mail accounts, identities and transports the values
Evolution reads (its Camel settings for the backend included).
"""
import json

import gi

gi.require_version("EDataServer", "1.2")
from gi.repository import EDataServer  # noqa: E402

#: the Camel settings that decide where Evolution connects and which folders it uses
SETTINGS = ("host", "port", "user", "auth-mechanism", "security-method", "use-real-trash-path", "real-trash-path",
            "use-real-junk-path", "real-junk-path", "use-subscriptions", "use-namespace", "namespace",
            "use-shell-command", "shell-command", "keep-on-server", "delete-after-days")


def settings(source, backend):
    """The backend's Camel settings as Evolution builds them from the source."""
    if not backend:
        return None
    camel = source.get_extension(EDataServer.SourceCamel.get_extension_name(backend)).get_settings()
    names = {spec.name for spec in camel.list_properties()}
    return {name: camel.get_property(name) for name in SETTINGS if name in names}


def connection(source):
    authentication = source.get_extension(EDataServer.SOURCE_EXTENSION_AUTHENTICATION)
    return {"host": authentication.get_host(), "port": authentication.get_port(), "user": authentication.get_user(),
            "method": authentication.get_method(),
            "security": source.get_extension(EDataServer.SOURCE_EXTENSION_SECURITY).get_method()}


def describe(source):
    about = {"uid": source.get_uid(), "parent": source.get_parent(), "name": source.get_display_name(),
             "enabled": source.get_enabled(), "data": source.to_string()[0]}
    if source.has_extension(EDataServer.SOURCE_EXTENSION_MAIL_ACCOUNT):
        account = source.get_extension(EDataServer.SOURCE_EXTENSION_MAIL_ACCOUNT)
        backend = account.get_backend_name()
        about["account"] = {"backend": backend, "identity": account.get_identity_uid(),
                            "archive": account.get_archive_folder(), **connection(source),
                            "settings": settings(source, backend)}
    if source.has_extension(EDataServer.SOURCE_EXTENSION_MAIL_TRANSPORT):
        backend = source.get_extension(EDataServer.SOURCE_EXTENSION_MAIL_TRANSPORT).get_backend_name()
        about["transport"] = {"backend": backend, **connection(source), "settings": settings(source, backend)}
    if source.has_extension(EDataServer.SOURCE_EXTENSION_MAIL_IDENTITY):
        identity = source.get_extension(EDataServer.SOURCE_EXTENSION_MAIL_IDENTITY)
        submission = source.get_extension(EDataServer.SOURCE_EXTENSION_MAIL_SUBMISSION)
        composition = source.get_extension(EDataServer.SOURCE_EXTENSION_MAIL_COMPOSITION)
        about["identity"] = {"address": identity.get_address(), "transport": submission.get_transport_uid(),
                             "sent": submission.get_sent_folder() if submission.get_use_sent_folder() else None,
                             "drafts": composition.get_drafts_folder(), "templates": composition.get_templates_folder()}
    return about


def main():
    EDataServer.SourceCamel.register_types()  # so that a backend's group reads as its Camel settings
    registry = EDataServer.SourceRegistry.new_sync(None)
    sources = sorted((describe(source) for source in registry.list_sources(None)), key=lambda s: s["uid"])
    print("MAILMIGRATE-EVO-VIEW " + json.dumps({"sources": sources}), flush=True)


if __name__ == "__main__":
    main()
